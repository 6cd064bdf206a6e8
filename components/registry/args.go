package registry

import (
	"errors"
	"regexp"

	"github.com/generic-corp/platform/internal/argcheck"
	"github.com/generic-corp/platform/internal/tags"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Defaults, applied by withDefaults and nowhere else.
var DefaultRepositories = []string{"api", "worker", "temporal-worker", "migrations"}

const (
	DefaultUntaggedExpiryDays = 14
	DefaultKeepTagged         = 50
)

// RegistryArgs configures the ECR repositories.
type RegistryArgs struct {
	// NamePrefix is the repository namespace, e.g. "platform-prod": repositories are
	// named "<NamePrefix>/<repository>". Required; lower-case
	// words joined by single hyphens, starting with a letter, at most 40 characters
	// (argcheck.NamePrefix).
	NamePrefix string
	// Repositories are the short repository names. Default ["api", "worker",
	// "temporal-worker", "migrations"]. Lower-case letters, digits and single '-', '_'
	// or '.' separators; unique.
	Repositories []string
	// KmsKeyArn is the customer-managed KMS key (ARN) that encrypts the images. Required
	// unless ReplicaOf.
	KmsKeyArn pulumi.StringInput
	// UntaggedExpiryDays expires untagged images (superseded layers of re-pushed builds)
	// this many days after push. Default 14; at least 1.
	UntaggedExpiryDays int
	// KeepTagged keeps this many most recent tagged images per repository and expires
	// older ones. Default 50; at least 1. Keep it above the number of releases you may
	// need to roll back to.
	KeepTagged int
	// Protect adds pulumi.Protect to the repositories. Default false; true in prod.
	Protect bool
	// Tags is the stack-level tag set; every repository gets it plus Name.
	Tags tags.Set

	// AccountId and Region locate this registry ("<AccountId>.dkr.ecr.<Region>.amazonaws.com").
	// Plain strings (aws.GetCallerIdentity answers in a preview too), so mirror and replica
	// references are known before anything exists. Required with ReplicaOf, Replication or
	// PullThroughCaches.
	AccountId, Region string
	// ReplicaOf is the NamePrefix of another stack whose repositories ECR replicates into
	// this registry (e.g. "agent-platform-prod" for a DR rebuild). No repository is
	// created: RepositoryUrls name the replicas "<ReplicaOf>/<repository>", which hold every
	// release the primary pushed. Default "" (create the repositories).
	ReplicaOf string
	// Replication copies every image pushed to "<NamePrefix>/..." to another region of the
	// same account. ECR keeps one replication configuration per registry (account and
	// region), so only one stack of an account and region may set it. Default nil.
	Replication *ReplicationArgs
	// PullThroughCaches are upstream registries served through ECR: an image
	// "<upstream path>:<tag>" is pulled as "<registry>/<RepositoryPrefix>/<upstream path>:<tag>"
	// (MirrorRef), cached on first pull, so rollouts do not depend on the upstream's
	// availability or anonymous rate limits. Default none.
	PullThroughCaches []PullThroughCacheArgs
	// PullerRoleArn is the IAM role that pulls through the caches (the EKS node role). The
	// first pull of an image creates its cache repository, which needs
	// ecr:BatchImportUpstreamImage and ecr:CreateRepository beyond the managed pull
	// policies; the registry grants them under its prefixes. Required with PullThroughCaches.
	PullerRoleArn pulumi.StringInput
}

// ReplicationArgs configure cross-region replication of the registry's repositories.
type ReplicationArgs struct {
	// Region is the destination region, e.g. the stack's DR region. Required; not the
	// registry's own region.
	Region string
	// Provider is an AWS provider for Region. Required: the repository creation template
	// that shapes the replicas (immutable tags, the lifecycle policy) lives there.
	Provider pulumi.ProviderResource
}

// PullThroughCacheArgs configure one pull through cache rule.
type PullThroughCacheArgs struct {
	// Upstream is the upstream registry: one of Upstreams' keys, e.g. "docker-hub".
	Upstream string
	// RepositoryPrefix is the ECR repository prefix of the cached images: unique per
	// registry (stacks sharing an account and region need their own), 2 to 30 lower-case
	// letters, digits and '.', '_', '-', '/' separators.
	RepositoryPrefix string
	// CredentialArn is the Secrets Manager secret ("ecr-pullthroughcache/...", with
	// username and accessToken) for upstreams that need a login (docker-hub,
	// github-container-registry); refused for the others.
	CredentialArn pulumi.StringInput
}

var (
	// repoPattern is one path component of an ECR repository name.
	repoPattern = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*$`)
)

// maxRepositoryName is ECR's limit on the full repository name.
const maxRepositoryName = 256

// withDefaults returns a copy of a with every documented default filled in. It is the
// only place defaults are applied; the caller's struct is not modified.
func (a RegistryArgs) withDefaults() RegistryArgs {
	if len(a.Repositories) == 0 {
		a.Repositories = DefaultRepositories
	}
	a.Repositories = append([]string(nil), a.Repositories...)
	if a.UntaggedExpiryDays == 0 {
		a.UntaggedExpiryDays = DefaultUntaggedExpiryDays
	}
	if a.KeepTagged == 0 {
		a.KeepTagged = DefaultKeepTagged
	}
	return a
}

// validate reports every user error at once, each naming the field, the bad value and
// what is allowed. It registers nothing.
func (a RegistryArgs) validate() error {
	var errs []error
	p := argcheck.Into("registry", &errs)
	bad := p.Addf
	p.NamePrefix(a.NamePrefix)
	seen := map[string]bool{}
	for i, r := range a.Repositories {
		switch {
		case !repoPattern.MatchString(r):
			bad("Repositories[%d] %q is not allowed (lower-case letters and digits, separated by single '-', '_' or '.')", i, r)
		case seen[r]:
			bad("Repositories[%d] %q is listed twice", i, r)
		case len(repositoryName(a.NamePrefix, r)) > maxRepositoryName:
			bad("Repositories[%d] %q makes the name %q longer than %d characters", i, r, repositoryName(a.NamePrefix, r), maxRepositoryName)
		}
		seen[r] = true
	}
	if a.KmsKeyArn == nil && a.ReplicaOf == "" {
		p.Missing("KmsKeyArn", "customer-managed KMS key for image encryption")
	}
	if a.UntaggedExpiryDays < 1 {
		bad("UntaggedExpiryDays %d is not allowed (at least 1 day)", a.UntaggedExpiryDays)
	}
	if a.KeepTagged < 1 {
		bad("KeepTagged %d is not allowed (at least 1 image)", a.KeepTagged)
	}
	errs = append(errs, a.validateSources()...)
	return errors.Join(errs...)
}

func repositoryName(prefix, repo string) string { return prefix + "/" + repo }
