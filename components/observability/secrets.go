package observability

import (
	"errors"
	"maps"
	"slices"

	"github.com/generic-corp/platform/internal/argcheck"
	"github.com/generic-corp/platform/internal/generated"
	"github.com/generic-corp/platform/internal/tags"
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

// GrafanaAdminSecretType is the type token of the Grafana admin secret on its own.
const GrafanaAdminSecretType = "platform:observability:GrafanaAdminSecret"

// GrafanaAdminSecretArgs configure the Grafana admin login on its own (the AWS layer),
// whose ExternalSecret "grafana-admin" NewObservability reads.
type GrafanaAdminSecretArgs struct {
	// NamePrefix names the secret "<NamePrefix>/grafana-admin" (GrafanaAdminSecretName).
	// Required; the same NamePrefix as ObservabilityArgs.NamePrefix.
	NamePrefix string
	// SecretsKmsKeyArn is the customer-managed key that encrypts the secret
	// (secrets.SecretsKeyArn). Required.
	SecretsKmsKeyArn pulumi.StringInput
	// RecoveryWindowInDays is how long the deleted secret can be restored, in days.
	// Default 30; 7..30.
	RecoveryWindowInDays int
	// ForceDelete deletes the secret at once on destroy (a recovery window of 0), so the
	// next rebuild can create the same name: a secret in its recovery window blocks that
	// name ("already scheduled for deletion"). Default false; only for a repeatable DR
	// drill, whose secrets are regenerated.
	ForceDelete bool
	// Protect adds pulumi.Protect to the password and the secret (true in prod).
	Protect bool
	// Tags is the stack tag set; must carry tags.Required.
	Tags tags.Set
}

// GrafanaAdminSecret is the Grafana admin login in Secrets Manager: a random password
// and the secret {"username": "admin", "password"}. Depend on the component before
// anything reads the secret: its value is written by a child.
type GrafanaAdminSecret struct {
	pulumi.ResourceState

	// Arn is the secret's ARN (for the namespace SecretStore's IAM policy).
	Arn pulumi.StringOutput
	// Name is the secret's physical name, GrafanaAdminSecretName(NamePrefix).
	Name string
}

func (a GrafanaAdminSecretArgs) withDefaults() GrafanaAdminSecretArgs {
	if a.RecoveryWindowInDays == 0 {
		a.RecoveryWindowInDays = DefaultRecoveryWindowInDays
	}
	if a.ForceDelete {
		a.RecoveryWindowInDays = 0
	}
	return a
}

func (a GrafanaAdminSecretArgs) validate() error {
	var errs []error
	p := argcheck.Into("observability", &errs)
	p.NamePrefix(a.NamePrefix)
	if a.SecretsKmsKeyArn == nil {
		errs = append(errs, errors.New("observability: SecretsKmsKeyArn is required (the customer-managed key for the Grafana admin secret, secrets.SecretsKeyArn)"))
	}
	if !a.ForceDelete {
		p.Between("RecoveryWindowInDays", a.RecoveryWindowInDays, 7, 30, "days")
	}
	p.Tags(a.Tags)
	return errors.Join(errs...)
}

// NewGrafanaAdminSecret validates args, then creates the Grafana admin password and the
// Secrets Manager secret holding it.
func NewGrafanaAdminSecret(ctx *pulumi.Context, name string, args *GrafanaAdminSecretArgs, opts ...pulumi.ResourceOption) (*GrafanaAdminSecret, error) {
	if args == nil {
		return nil, errors.New("observability: GrafanaAdminSecret args are required")
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, err
	}
	c := &GrafanaAdminSecret{Name: GrafanaAdminSecretName(a.NamePrefix)}
	if err := ctx.RegisterComponentResource(GrafanaAdminSecretType, name, c, opts...); err != nil {
		return nil, err
	}
	arn, err := newGrafanaAdmin(ctx, name, a, c)
	if err != nil {
		return nil, err
	}
	c.Arn = arn
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"arn": c.Arn, "name": pulumi.String(c.Name)}); err != nil {
		return nil, err
	}
	return c, nil
}

// newGrafanaAdmin draws the Grafana admin password (letters and digits, 32) and stores
// {"username": "admin", "password"} as "<NamePrefix>/grafana-admin" under the secrets key,
// returning the secret's ARN.
func newGrafanaAdmin(ctx *pulumi.Context, name string, a GrafanaAdminSecretArgs, parent pulumi.Resource) (pulumi.StringOutput, error) {
	opts := []pulumi.ResourceOption{pulumi.Parent(parent)}
	if a.Protect {
		opts = append(opts, pulumi.Protect(true))
	}
	physical := GrafanaAdminSecretName(a.NamePrefix)
	login, err := generated.NewLogin(ctx, generated.LoginArgs{
		PasswordName: name + "-grafana-password",
		SecretName:   name + "-grafana-admin",
		Password: &random.RandomPasswordArgs{
			Length: pulumi.Int(32), Special: pulumi.Bool(false),
			MinUpper: pulumi.Int(2), MinLower: pulumi.Int(2), MinNumeric: pulumi.Int(2),
		},
		PhysicalName:         physical,
		Description:          "Grafana admin login, managed by components/observability",
		KmsKeyId:             a.SecretsKmsKeyArn,
		RecoveryWindowInDays: a.RecoveryWindowInDays,
		Tags:                 a.Tags.AWS(physical),
		Username:             "admin",
	}, opts...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return login.Arn, nil
}
