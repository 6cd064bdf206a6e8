package temporal

import (
	"encoding/json"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Names of the Kubernetes Secrets the External Secrets operator writes; the chart values
// and the schema Job refer to them.
const (
	dbSecretName    = "temporal-db"       // Temporal's own role: username, password
	adminSecretName = "temporal-db-admin" // RDS master credentials, for the schema Job only
	passwordKey     = "password"
	usernameKey     = "username"
)

// DbSecretName is the Secrets Manager name of Temporal's role password,
// "<namePrefix>/temporal-db", known before the component exists (for the namespace's
// SecretStore policy).
func DbSecretName(namePrefix string) string { return namePrefix + "/temporal-db" }

// dbSecret is Temporal's role password in Secrets Manager.
type dbSecret struct {
	name string // physical name, "<NamePrefix>/temporal-db"
	arn  pulumi.StringOutput
	// version is the secret's current value; anything that reads it through External
	// Secrets must wait for it.
	version *secretsmanager.SecretVersion
}

// newDbSecret draws Temporal's role password and stores {"username","password"} in Secrets
// Manager under the secrets key. The password is letters and digits only (40 characters,
// ~238 bits): it goes into a psql variable, a libpq environment variable and Temporal's
// DSN, and no character needs escaping in any of them. It stays a secret output end to
// end; only the External Secrets operator copies it into the cluster.
func newDbSecret(ctx *pulumi.Context, name string, a TemporalArgs, parent pulumi.Resource) (*dbSecret, error) {
	opts := []pulumi.ResourceOption{pulumi.Parent(parent)}
	if a.Protect {
		opts = append(opts, pulumi.Protect(true))
	}
	physical := DbSecretName(a.NamePrefix)
	pw, err := random.NewRandomPassword(ctx, name+"-db-password", &random.RandomPasswordArgs{
		Length:     pulumi.Int(40),
		Upper:      pulumi.Bool(true),
		Lower:      pulumi.Bool(true),
		Numeric:    pulumi.Bool(true),
		Special:    pulumi.Bool(false),
		MinUpper:   pulumi.Int(2),
		MinLower:   pulumi.Int(2),
		MinNumeric: pulumi.Int(2),
	}, opts...)
	if err != nil {
		return nil, err
	}
	secret, err := secretsmanager.NewSecret(ctx, name+"-db", &secretsmanager.SecretArgs{
		Name:                 pulumi.String(physical),
		Description:          pulumi.String("Temporal server PostgreSQL role (" + a.DbUser + "), managed by components/temporal"),
		KmsKeyId:             a.SecretsKmsKeyArn,
		RecoveryWindowInDays: pulumi.Int(a.RecoveryWindowInDays),
		Tags:                 a.Tags.AWS(physical),
	}, opts...)
	if err != nil {
		return nil, err
	}
	doc := pulumi.ToSecret(pw.Result).(pulumi.StringOutput).ApplyT(func(p string) (string, error) {
		b, err := json.Marshal(map[string]string{usernameKey: a.DbUser, passwordKey: p})
		return string(b), err
	}).(pulumi.StringOutput)
	version, err := secretsmanager.NewSecretVersion(ctx, name+"-db", &secretsmanager.SecretVersionArgs{
		SecretId:     secret.ID(),
		SecretString: pulumi.ToSecret(doc).(pulumi.StringOutput),
	}, opts...)
	if err != nil {
		return nil, err
	}
	return &dbSecret{name: physical, arn: secret.Arn, version: version}, nil
}

// newExternalSecret asks the External Secrets operator to copy username and password of
// one Secrets Manager secret into a Kubernetes Secret, so no password passes through a
// Kubernetes object that Pulumi writes.
func newExternalSecret(ctx *pulumi.Context, name, target, remoteKey string, a TemporalArgs, meta *metav1.ObjectMetaArgs, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	ref := func(property string) map[string]any {
		return map[string]any{"secretKey": property, "remoteRef": map[string]any{"key": remoteKey, "property": property}}
	}
	return apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("external-secrets.io/v1"),
		Kind:       pulumi.String("ExternalSecret"),
		Metadata:   meta,
		OtherFields: map[string]any{
			"spec": map[string]any{
				"refreshInterval": "1h",
				"secretStoreRef":  map[string]any{"name": a.SecretStoreName, "kind": a.SecretStoreKind},
				"target":          map[string]any{"name": target, "creationPolicy": "Owner"},
				"data":            []any{ref(usernameKey), ref(passwordKey)},
			},
		},
	}, opts...)
}
