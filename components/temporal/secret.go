package temporal

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/generic-corp/platform/internal/argcheck"
	"github.com/generic-corp/platform/internal/generated"
	"github.com/generic-corp/platform/internal/tags"
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

// DbSecretType is the type token of the password secret on its own.
const DbSecretType = "platform:temporal:DbSecret"

// DbSecretArgs configure Temporal's role password secret on its own (the AWS layer),
// whose ExternalSecret "temporal-db" NewTemporal reads.
type DbSecretArgs struct {
	// NamePrefix names the secret "<NamePrefix>/temporal-db" (DbSecretName). Required;
	// the same NamePrefix as TemporalArgs.NamePrefix.
	NamePrefix string
	// DbUser is the PostgreSQL role the secret's "username" names. Default "temporal";
	// must equal TemporalArgs.DbUser.
	DbUser string
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

// DbSecret is Temporal's role password in Secrets Manager: a random password and the
// secret {"username","password"} holding it. Depend on the component (not only on its
// Arn) before anything reads the secret: its value is written by a child.
type DbSecret struct {
	pulumi.ResourceState

	// Arn is the secret's ARN (for the namespace SecretStore's IAM policy).
	Arn pulumi.StringOutput
	// Name is the secret's physical name, DbSecretName(NamePrefix).
	Name string
}

func (a DbSecretArgs) withDefaults() DbSecretArgs {
	if a.DbUser == "" {
		a.DbUser = DefaultDbUser
	}
	if a.RecoveryWindowInDays == 0 {
		a.RecoveryWindowInDays = DefaultRecoveryWindowInDays
	}
	if a.ForceDelete {
		a.RecoveryWindowInDays = 0
	}
	return a
}

func (a DbSecretArgs) validate() error {
	var errs []error
	p := argcheck.Into("temporal", &errs)
	p.NamePrefix(a.NamePrefix)
	if !pgIdentRe.MatchString(a.DbUser) || slices.Contains(reservedUser, a.DbUser) {
		errs = append(errs, fmt.Errorf("temporal: DbUser %q is invalid: want 1-63 lower-case letters, digits or '_', not one of %s",
			a.DbUser, strings.Join(reservedUser, ", ")))
	}
	if a.SecretsKmsKeyArn == nil {
		errs = append(errs, errors.New("temporal: SecretsKmsKeyArn is required (the customer-managed key for the password secret, secrets.SecretsKeyArn)"))
	}
	if !a.ForceDelete {
		p.Between("RecoveryWindowInDays", a.RecoveryWindowInDays, 7, 30, "days")
	}
	p.Tags(a.Tags)
	return errors.Join(errs...)
}

// NewDbSecret validates args, then creates the random password and the Secrets Manager
// secret holding it.
func NewDbSecret(ctx *pulumi.Context, name string, args *DbSecretArgs, opts ...pulumi.ResourceOption) (*DbSecret, error) {
	if args == nil {
		return nil, errors.New("temporal: DbSecret args are required")
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, err
	}
	c := &DbSecret{Name: DbSecretName(a.NamePrefix)}
	if err := ctx.RegisterComponentResource(DbSecretType, name, c, opts...); err != nil {
		return nil, err
	}
	arn, err := newDbSecret(ctx, name, a, c)
	if err != nil {
		return nil, err
	}
	c.Arn = arn
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"arn": c.Arn, "name": pulumi.String(c.Name)}); err != nil {
		return nil, err
	}
	return c, nil
}

// newDbSecret draws Temporal's role password and stores {"username","password"} in Secrets
// Manager under the secrets key. The password is letters and digits only (40 characters,
// ~238 bits): it goes into a psql variable, a libpq environment variable and Temporal's
// DSN, and no character needs escaping in any of them. It stays a secret output end to
// end; only the External Secrets operator copies it into the cluster.
func newDbSecret(ctx *pulumi.Context, name string, a DbSecretArgs, parent pulumi.Resource) (pulumi.StringOutput, error) {
	opts := []pulumi.ResourceOption{pulumi.Parent(parent)}
	if a.Protect {
		opts = append(opts, pulumi.Protect(true))
	}
	physical := DbSecretName(a.NamePrefix)
	login, err := generated.NewLogin(ctx, generated.LoginArgs{
		PasswordName: name + "-db-password",
		SecretName:   name + "-db",
		Password: &random.RandomPasswordArgs{
			Length:     pulumi.Int(40),
			Upper:      pulumi.Bool(true),
			Lower:      pulumi.Bool(true),
			Numeric:    pulumi.Bool(true),
			Special:    pulumi.Bool(false),
			MinUpper:   pulumi.Int(2),
			MinLower:   pulumi.Int(2),
			MinNumeric: pulumi.Int(2),
		},
		PhysicalName:         physical,
		Description:          "Temporal server PostgreSQL role (" + a.DbUser + "), managed by components/temporal",
		KmsKeyId:             a.SecretsKmsKeyArn,
		RecoveryWindowInDays: a.RecoveryWindowInDays,
		Tags:                 a.Tags.AWS(physical),
		Username:             a.DbUser,
	}, opts...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return login.Arn, nil
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
