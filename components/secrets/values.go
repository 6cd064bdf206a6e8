package secrets

import (
	"encoding/json"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// passwordSpec is how one generated value is drawn. The character sets are what the
// consuming service accepts, not a guess:
//   - RDS master passwords accept printable ASCII except slash, at sign, double quote,
//     single quote and space. We also leave out dollar, percent, backslash and backtick
//     so the value survives URLs (DATABASE_URL), dotenv expansion and the quoted
//     PgBouncer userlist without escaping bugs.
//   - ElastiCache AUTH tokens allow only the specials ! & # $ ^ < > - (16..128 chars).
type passwordSpec struct {
	length  int
	special string // "" means letters and digits only
}

var (
	dbPasswordSpec = passwordSpec{length: 40, special: "!#^&*()-_=+[]{}<>:?~"}
	redisTokenSpec = passwordSpec{length: 64, special: "!&#$^<>-"}
	jwtKeySpec     = passwordSpec{length: 64}
)

// newPassword draws one value. The result is secret twice over: random marks it an
// additional secret output, and ToSecret keeps it secret even where an engine would not.
func (c *Secrets) newPassword(ctx *pulumi.Context, name string, spec passwordSpec, protect bool) (pulumi.StringOutput, error) {
	args := &random.RandomPasswordArgs{
		Length:     pulumi.Int(spec.length),
		Upper:      pulumi.Bool(true),
		Lower:      pulumi.Bool(true),
		Numeric:    pulumi.Bool(true),
		MinUpper:   pulumi.Int(2),
		MinLower:   pulumi.Int(2),
		MinNumeric: pulumi.Int(2),
		Special:    pulumi.Bool(spec.special != ""),
	}
	if spec.special != "" {
		args.OverrideSpecial = pulumi.String(spec.special)
		args.MinSpecial = pulumi.Int(2)
	}
	pw, err := random.NewRandomPassword(ctx, name, args, c.opts(protect)...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return pulumi.ToSecret(pw.Result).(pulumi.StringOutput), nil
}

// storeJSON writes fields as the secret's current value. The JSON is built inside an
// apply over secret inputs, so it stays secret; SecretVersion also marks it secret.
func (c *Secrets) storeJSON(ctx *pulumi.Context, name string, secret *secretsmanager.Secret, fields map[string]pulumi.StringInput, protect bool) error {
	keys := make([]string, 0, len(fields))
	values := make([]any, 0, len(fields))
	for k, v := range fields {
		keys = append(keys, k)
		values = append(values, v)
	}
	doc := pulumi.All(values...).ApplyT(func(vs []any) (string, error) {
		m := make(map[string]string, len(vs))
		for i, v := range vs {
			m[keys[i]] = v.(string)
		}
		b, err := json.Marshal(m) // map keys are sorted: a stable document
		return string(b), err
	}).(pulumi.StringOutput)
	_, err := secretsmanager.NewSecretVersion(ctx, name, &secretsmanager.SecretVersionArgs{
		SecretId:     secret.ID(),
		SecretString: pulumi.ToSecret(doc).(pulumi.StringOutput),
	}, c.opts(protect)...)
	return err
}

// newSecret creates one Secrets Manager secret "<NamePrefix>/<logical>" encrypted with
// the secrets key.
func (c *Secrets) newSecret(ctx *pulumi.Context, name, logical, description string, args SecretsArgs, kmsKeyArn pulumi.StringOutput) (*secretsmanager.Secret, string, error) {
	physical := args.NamePrefix + "/" + logical
	s, err := c.newNamedSecret(ctx, name, physical, description, args, kmsKeyArn)
	return s, physical, err
}

// newNamedSecret creates a secret with a given physical name; a nil kmsKeyArn leaves it
// under the AWS-managed key aws/secretsmanager.
func (c *Secrets) newNamedSecret(ctx *pulumi.Context, name, physical, description string, args SecretsArgs, kmsKeyArn pulumi.StringPtrInput, mods ...func(*secretsmanager.SecretArgs)) (*secretsmanager.Secret, error) {
	s := &secretsmanager.SecretArgs{
		Name:                 pulumi.String(physical),
		Description:          pulumi.String(description),
		KmsKeyId:             kmsKeyArn,
		RecoveryWindowInDays: pulumi.Int(args.RecoveryWindowInDays),
		Tags:                 args.Tags.AWS(physical),
	}
	for _, m := range mods {
		m(s)
	}
	return secretsmanager.NewSecret(ctx, name, s, c.opts(args.Protect)...)
}

func (c *Secrets) opts(protect bool) []pulumi.ResourceOption {
	o := []pulumi.ResourceOption{pulumi.Parent(c)}
	if protect {
		o = append(o, pulumi.Protect(true))
	}
	return o
}
