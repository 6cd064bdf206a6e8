package generated

import (
	"encoding/json"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// LoginArgs describe one generated login. Nothing is defaulted: the caller owns its
// names, character set and retention.
type LoginArgs struct {
	// PasswordName is the Pulumi name of the RandomPassword.
	PasswordName string
	// SecretName is the Pulumi name of the Secret and of its SecretVersion.
	SecretName string
	// Password is how the password is drawn (length, character classes).
	Password *random.RandomPasswordArgs
	// PhysicalName is the secret's name in Secrets Manager.
	PhysicalName string
	// Description is the secret's description.
	Description string
	// KmsKeyId is the customer-managed key that encrypts the secret.
	KmsKeyId pulumi.StringInput
	// RecoveryWindowInDays is how long the deleted secret can be restored, in days.
	RecoveryWindowInDays int
	// Tags are the secret's AWS tags (tags.Set.AWS(PhysicalName)).
	Tags pulumi.StringMap
	// Username is the secret's "username" field.
	Username string
}

// Login is a generated login in Secrets Manager.
type Login struct {
	// Arn is the secret's ARN.
	Arn pulumi.StringOutput
	// Version is the secret's current value; anything that reads the secret (External
	// Secrets) must wait for it.
	Version *secretsmanager.SecretVersion
}

// NewLogin registers the password, the secret and its value, each with opts (the caller's
// Parent and, in prod, Protect). The value is built inside an apply over the secret
// password and wrapped in ToSecret again, so it never appears in plaintext.
func NewLogin(ctx *pulumi.Context, a LoginArgs, opts ...pulumi.ResourceOption) (*Login, error) {
	pw, err := random.NewRandomPassword(ctx, a.PasswordName, a.Password, opts...)
	if err != nil {
		return nil, err
	}
	secret, err := secretsmanager.NewSecret(ctx, a.SecretName, &secretsmanager.SecretArgs{
		Name:                 pulumi.String(a.PhysicalName),
		Description:          pulumi.String(a.Description),
		KmsKeyId:             a.KmsKeyId,
		RecoveryWindowInDays: pulumi.Int(a.RecoveryWindowInDays),
		Tags:                 a.Tags,
	}, opts...)
	if err != nil {
		return nil, err
	}
	doc := pulumi.ToSecret(pw.Result).(pulumi.StringOutput).ApplyT(func(p string) (string, error) {
		b, err := json.Marshal(map[string]string{"username": a.Username, "password": p})
		return string(b), err
	}).(pulumi.StringOutput)
	version, err := secretsmanager.NewSecretVersion(ctx, a.SecretName, &secretsmanager.SecretVersionArgs{
		SecretId:     secret.ID(),
		SecretString: pulumi.ToSecret(doc).(pulumi.StringOutput),
	}, opts...)
	if err != nil {
		return nil, err
	}
	return &Login{Arn: secret.Arn, Version: version}, nil
}
