package observability

import (
	"encoding/json"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// secretRef is one property of one Secrets Manager secret.
type secretRef struct{ key, property string }

// externalValue is the property operators fill in third-party placeholders
// ({"value": "..."}, see components/secrets).
const externalValue = "value"

// newExternalSecret asks the External Secrets operator to write a Kubernetes Secret named
// target whose keys come from Secrets Manager, so no credential passes through an object
// Pulumi writes.
func newExternalSecret(ctx *pulumi.Context, name string, a ObservabilityArgs, meta *metav1.ObjectMetaArgs, target string,
	data map[string]secretRef, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	entries := make([]any, 0, len(data))
	for _, k := range slices.Sorted(maps.Keys(data)) {
		entries = append(entries, map[string]any{
			"secretKey": k,
			"remoteRef": map[string]any{"key": data[k].key, "property": data[k].property},
		})
	}
	return apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("external-secrets.io/v1"),
		Kind:       pulumi.String("ExternalSecret"),
		Metadata:   meta,
		OtherFields: map[string]any{"spec": map[string]any{
			"refreshInterval": "1h",
			"secretStoreRef":  map[string]any{"name": a.SecretStoreName, "kind": a.SecretStoreKind},
			"target":          map[string]any{"name": target, "creationPolicy": "Owner"},
			"data":            entries,
		}},
	}, opts...)
}

// GrafanaAdminSecretName is the Secrets Manager name of the Grafana admin login,
// "<namePrefix>/grafana-admin", known before the component exists.
func GrafanaAdminSecretName(namePrefix string) string { return namePrefix + "/grafana-admin" }

// grafanaAdmin is Grafana's admin login in Secrets Manager.
type grafanaAdmin struct {
	name    string
	arn     pulumi.StringOutput
	version *secretsmanager.SecretVersion
}

// newGrafanaAdmin draws the Grafana admin password (letters and digits, 32) and stores
// {"username": "admin", "password"} as "<NamePrefix>/grafana-admin" under the secrets key.
func newGrafanaAdmin(ctx *pulumi.Context, name string, a ObservabilityArgs, parent pulumi.Resource) (*grafanaAdmin, error) {
	opts := []pulumi.ResourceOption{pulumi.Parent(parent)}
	if a.Protect {
		opts = append(opts, pulumi.Protect(true))
	}
	physical := GrafanaAdminSecretName(a.NamePrefix)
	pw, err := random.NewRandomPassword(ctx, name+"-grafana-password", &random.RandomPasswordArgs{
		Length: pulumi.Int(32), Special: pulumi.Bool(false),
		MinUpper: pulumi.Int(2), MinLower: pulumi.Int(2), MinNumeric: pulumi.Int(2),
	}, opts...)
	if err != nil {
		return nil, err
	}
	secret, err := secretsmanager.NewSecret(ctx, name+"-grafana-admin", &secretsmanager.SecretArgs{
		Name:                 pulumi.String(physical),
		Description:          pulumi.String("Grafana admin login, managed by components/observability"),
		KmsKeyId:             a.SecretsKmsKeyArn,
		RecoveryWindowInDays: pulumi.Int(a.RecoveryWindowInDays),
		Tags:                 a.Tags.AWS(physical),
	}, opts...)
	if err != nil {
		return nil, err
	}
	doc := pulumi.ToSecret(pw.Result).(pulumi.StringOutput).ApplyT(func(p string) (string, error) {
		b, err := json.Marshal(map[string]string{"username": "admin", "password": p})
		return string(b), err
	}).(pulumi.StringOutput)
	version, err := secretsmanager.NewSecretVersion(ctx, name+"-grafana-admin", &secretsmanager.SecretVersionArgs{
		SecretId:     secret.ID(),
		SecretString: pulumi.ToSecret(doc).(pulumi.StringOutput),
	}, opts...)
	if err != nil {
		return nil, err
	}
	return &grafanaAdmin{name: physical, arn: secret.Arn, version: version}, nil
}
