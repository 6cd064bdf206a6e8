package secrets

import (
	"errors"
	"regexp"
	"slices"
	"strings"

	"github.com/generic-corp/platform/internal/argcheck"
	"github.com/generic-corp/platform/internal/tags"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Logical names of the generated secrets (keys of Secrets.SecretNames and SecretArns).
const (
	// DbSecret holds the application database user: {"username", "password"}.
	DbSecret = "db-app"
	// JwtSecret holds the API's JWT signing key: {"signingKey"}.
	JwtSecret = "jwt-signing-key"
	// RedisSecretPrefix + group name holds that Redis group's AUTH token: {"authToken"}.
	RedisSecretPrefix = "redis-"
)

// JSON property names inside the generated secrets, for ExternalSecret remoteRefs.
const (
	PropUsername   = "username"
	PropPassword   = "password"
	PropAuthToken  = "authToken"
	PropSigningKey = "signingKey"
)

// Defaults, exported so the stack config and the docs can quote them.
const (
	DefaultDbUsername           = "app"
	DefaultRecoveryWindowInDays = 30
)

// DefaultRedisGroups are the ElastiCache replication groups that get an AUTH token.
var DefaultRedisGroups = []string{"queue", "cache"}

// DefaultExternalSecrets are the operator-filled placeholders.
var DefaultExternalSecrets = []string{"anthropic-api-key", "sentry-dsn", "stripe-secret-key", "stripe-webhook-secret"}

// RegistryDockerHub names Docker Hub among SecretsArgs.RegistryCredentials.
const RegistryDockerHub = "docker-hub"

// SecretsArgs configure the platform's KMS keys and secrets.
type SecretsArgs struct {
	// NamePrefix starts every physical name: KMS aliases "alias/<NamePrefix>-<purpose>",
	// secrets "<NamePrefix>/<name>". Required, e.g. "platform-prod"; lower-case words
	// joined by single hyphens, starting with a letter, at most 40 characters
	// (argcheck.NamePrefix).
	NamePrefix string
	// AccountId is the AWS account id (12 digits) the key policies grant to. Required; may
	// be unknown at construction (e.g. from aws.GetCallerIdentity).
	AccountId pulumi.StringInput
	// Region is the AWS region, e.g. "us-east-1"; scopes the CloudWatch Logs and EC2
	// service conditions of the key policies. Required.
	Region string
	// DbUsername is the application's PostgreSQL user (also the RDS master user).
	// Default "app". 1-63 characters: a lower-case letter or '_' first, then lower-case
	// letters, digits or '_'; RDS-reserved names are rejected.
	DbUsername string
	// RedisGroups names the Redis replication groups that get an AUTH token secret
	// "redis-<group>". nil means DefaultRedisGroups (["queue", "cache"]); an empty,
	// non-nil slice means none.
	RedisGroups []string
	// ExternalSecrets names the secrets operators fill, "<NamePrefix>/<name>", each
	// {"value": "..."} (PropValue) and created with a placeholder version (see
	// placeholder.go). nil means DefaultExternalSecrets; an empty, non-nil slice means none.
	ExternalSecrets []string
	// RegistryCredentials names upstream registries (e.g. RegistryDockerHub) whose
	// credentials an ECR pull through cache rule needs. Each gets an operator-filled secret
	// "ecr-pullthroughcache/<NamePrefix>/<name>" holding {"username", "accessToken"},
	// under the AWS-managed key aws/secretsmanager: ECR's pull-through service-linked role
	// may call secretsmanager:GetSecretValue on that prefix but has no kms:Decrypt on a
	// customer-managed key (AWSECRPullThroughCache_ServiceRolePolicy). Default none.
	RegistryCredentials []string
	// RecoveryWindowInDays is how long a deleted secret can be restored, in days.
	// Default 30; 7..30 allowed (0 only through ForceDelete).
	RecoveryWindowInDays int
	// ForceDelete deletes the secret at once on destroy (a recovery window of 0), so the
	// next rebuild can create the same name: a secret in its recovery window blocks that
	// name ("already scheduled for deletion"). Default false; only for a repeatable DR
	// drill, whose secrets are regenerated.
	ForceDelete bool
	// Replicate replicates the operator-filled ExternalSecrets into a DR region, under a
	// key of this component there. Default nil: no replicas. prod sets it.
	Replicate *ReplicaArgs
	// OperatorSecretsFrom makes the ExternalSecrets references to another stack's
	// replicas in Region instead of placeholders of this stack. Default nil. A dr stack
	// sets it to prod's NamePrefix. Conflicts with Replicate.
	OperatorSecretsFrom *OperatorSource
	// Protect adds pulumi.Protect and RetainOnDelete to the keys, and Protect to the
	// secrets and generated values (true in prod): losing a key makes every snapshot and
	// backup encrypted with it unreadable.
	Protect bool
	// Tags is the stack tag set; must carry tags.Required.
	Tags tags.Set
}

// withDefaults returns a copy with every documented default applied.
func (a SecretsArgs) withDefaults() SecretsArgs {
	if a.DbUsername == "" {
		a.DbUsername = DefaultDbUsername
	}
	if a.RedisGroups == nil {
		a.RedisGroups = slices.Clone(DefaultRedisGroups)
	}
	if a.ExternalSecrets == nil {
		a.ExternalSecrets = slices.Clone(DefaultExternalSecrets)
	}
	if a.RecoveryWindowInDays == 0 {
		a.RecoveryWindowInDays = DefaultRecoveryWindowInDays
	}
	if a.ForceDelete {
		a.RecoveryWindowInDays = 0
	}
	return a
}

var (
	regionRe   = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)
	pgUserRe   = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)
	groupRe    = regexp.MustCompile(`^[a-z][a-z0-9-]{0,29}$`)
	externalRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,99}$`)
)

// rdsReservedUsers cannot be the RDS PostgreSQL master user.
var rdsReservedUsers = []string{"rdsadmin", "rdsrepladmin", "rds_superuser", "rds_replication", "rds_password"}

// validate reports every user error at once, each naming the field, the value and what
// is allowed.
func (a SecretsArgs) validate() error {
	var errs []error
	p := argcheck.Into("secrets", &errs)
	bad := p.Bad
	p.NamePrefix(a.NamePrefix)
	a.validateReplicas(bad)
	if a.AccountId == nil {
		errs = append(errs, errors.New("secrets: AccountId is required (the AWS account id the key policies grant to)"))
	}
	if !regionRe.MatchString(a.Region) {
		bad("Region", a.Region, "want an AWS region such as us-east-1")
	}
	if !pgUserRe.MatchString(a.DbUsername) || slices.Contains(rdsReservedUsers, a.DbUsername) {
		bad("DbUsername", a.DbUsername, "want 1-63 lower-case letters, digits or '_', not starting with a digit, "+
			"and not one of "+strings.Join(rdsReservedUsers, ", "))
	}
	seen := map[string]string{DbSecret: "DbSecret", JwtSecret: "JwtSecret"}
	for _, g := range a.RedisGroups {
		if !groupRe.MatchString(g) {
			bad("RedisGroups", g, "want 1-30 lower-case letters, digits or '-', starting with a letter")
			continue
		}
		if prev, dup := seen[RedisSecretPrefix+g]; dup {
			bad("RedisGroups", g, "the secret name "+RedisSecretPrefix+g+" is already used by "+prev)
		}
		seen[RedisSecretPrefix+g] = "RedisGroups"
	}
	for _, e := range a.ExternalSecrets {
		if !externalRe.MatchString(e) {
			bad("ExternalSecrets", e, "want 1-100 lower-case letters, digits, '-', '_' or '.', starting with a letter or digit")
			continue
		}
		if prev, dup := seen[e]; dup {
			bad("ExternalSecrets", e, "the secret name is already used by "+prev)
		}
		seen[e] = "ExternalSecrets"
	}
	for i, r := range a.RegistryCredentials {
		if !groupRe.MatchString(r) {
			bad("RegistryCredentials", r, "want 1-30 lower-case letters, digits or '-', starting with a letter (e.g. docker-hub)")
		} else if slices.Contains(a.RegistryCredentials[:i], r) {
			bad("RegistryCredentials", r, "is listed twice")
		}
	}
	if !a.ForceDelete && (a.RecoveryWindowInDays < 7 || a.RecoveryWindowInDays > 30) {
		bad("RecoveryWindowInDays", a.RecoveryWindowInDays, "want 7..30 days")
	}
	errs = append(errs, argcheck.MissingTags("secrets", a.Tags)...)
	return errors.Join(errs...)
}
