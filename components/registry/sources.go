package registry

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/generic-corp/platform/internal/argcheck"
)

// Upstream is a registry ECR can cache through a pull through cache rule.
type Upstream struct {
	// URL is the upstreamRegistryUrl ECR expects.
	URL string
	// NeedsCredential: ECR refuses the rule without a Secrets Manager login.
	NeedsCredential bool
}

// Upstreams are the pull through cache upstreams this component supports, by the name
// ECR gives them (CreatePullThroughCacheRule, upstreamRegistry).
var Upstreams = map[string]Upstream{
	"docker-hub":                {URL: "registry-1.docker.io", NeedsCredential: true},
	"github-container-registry": {URL: "ghcr.io", NeedsCredential: true},
	"ecr-public":                {URL: "public.ecr.aws"},
	"quay":                      {URL: "quay.io"},
	"k8s":                       {URL: "registry.k8s.io"},
}

var (
	accountPattern = regexp.MustCompile(`^[0-9]{12}$`)
	regionPattern  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)
	// cachePrefixPattern is ECR's ecrRepositoryPrefix grammar (2 to 30 characters).
	cachePrefixPattern = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)
)

// validateSources checks ReplicaOf, Replication and PullThroughCaches.
func (a RegistryArgs) validateSources() []error {
	var errs []error
	p := argcheck.Into("registry", &errs)
	bad := p.Addf
	if a.ReplicaOf == "" && a.Replication == nil && len(a.PullThroughCaches) == 0 && a.AccountId == "" {
		return nil
	}
	if !accountPattern.MatchString(a.AccountId) {
		bad("AccountId %q is not allowed (12 digits; required with Region, ReplicaOf, Replication or PullThroughCaches)", a.AccountId)
	}
	if !regionPattern.MatchString(a.Region) {
		bad("Region %q is not allowed (an AWS region such as us-east-1; required with AccountId, ReplicaOf, Replication or PullThroughCaches)", a.Region)
	}
	if a.ReplicaOf != "" && !argcheck.IsNamePrefix(a.ReplicaOf) {
		bad("ReplicaOf %q is not allowed (the NamePrefix of the primary stack, e.g. \"platform-prod\")", a.ReplicaOf)
	}
	if a.ReplicaOf != "" && a.Replication != nil {
		bad("Replication is not allowed with ReplicaOf (a registry of replicas has no repositories of its own to replicate)")
	}
	if r := a.Replication; r != nil {
		switch {
		case !regionPattern.MatchString(r.Region):
			bad("Replication.Region %q is not allowed (an AWS region such as us-west-2)", r.Region)
		case r.Region == a.Region:
			bad("Replication.Region %q is not allowed (it is the registry's own region; replicate to another one)", r.Region)
		}
		if r.Provider == nil {
			bad("Replication.Provider is required (an AWS provider for %s, where the repository creation template lives)", r.Region)
		}
	}
	seen := map[string]bool{}
	for i, c := range a.PullThroughCaches {
		up, ok := Upstreams[c.Upstream]
		switch {
		case !ok:
			bad("PullThroughCaches[%d].Upstream %q is not allowed (one of %s)", i, c.Upstream, strings.Join(upstreamNames(), ", "))
		case up.NeedsCredential && c.CredentialArn == nil:
			bad("PullThroughCaches[%d].CredentialArn is required for %s (a secret named ecr-pullthroughcache/... holding username and accessToken)", i, c.Upstream)
		case !up.NeedsCredential && c.CredentialArn != nil:
			bad("PullThroughCaches[%d].CredentialArn is not allowed for %s (it needs no login)", i, c.Upstream)
		}
		switch {
		case len(c.RepositoryPrefix) < 2 || len(c.RepositoryPrefix) > 30 || !cachePrefixPattern.MatchString(c.RepositoryPrefix):
			bad("PullThroughCaches[%d].RepositoryPrefix %q is not allowed (2 to 30 lower-case letters and digits, separated by single '.', '_', '-' or '/')", i, c.RepositoryPrefix)
		case seen[c.RepositoryPrefix]:
			bad("PullThroughCaches[%d].RepositoryPrefix %q is listed twice", i, c.RepositoryPrefix)
		case strings.HasPrefix(c.RepositoryPrefix+"/", a.NamePrefix+"/"):
			bad("PullThroughCaches[%d].RepositoryPrefix %q is not allowed (it would share the namespace %q of our own repositories and their replication)", i, c.RepositoryPrefix, a.NamePrefix+"/")
		}
		seen[c.RepositoryPrefix] = true
	}
	if len(a.PullThroughCaches) > 0 && a.PullerRoleArn == nil {
		bad("PullerRoleArn is required with PullThroughCaches (the node role, which creates the cache repositories on first pull)")
	}
	return errs
}

func upstreamNames() []string {
	out := make([]string, 0, len(Upstreams))
	for k := range Upstreams {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// host is the registry's host name.
func host(account, region string) string {
	return fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com", account, region)
}

// MirrorRef rewrites a pinned Docker Hub image reference ("edoburu/pgbouncer:v1.24.1-p0",
// "docker.io/library/redis:7.4", "redis:7.4") to the same image through a pull through
// cache mirror ("<account>.dkr.ecr.<region>.amazonaws.com/<prefix>", Registry.Mirrors):
// "<mirror>/edoburu/pgbouncer:v1.24.1-p0". Official images get Docker Hub's "library/"
// namespace, as the cache expects. An image of another registry, or one without a
// pinned tag or digest, is an error.
func MirrorRef(mirror, image string) (string, error) {
	if mirror == "" || strings.HasSuffix(mirror, "/") {
		return "", fmt.Errorf("registry: mirror %q must be <registry host>/<prefix> without a trailing '/'", mirror)
	}
	ref := image
	first, rest, hasSlash := strings.Cut(ref, "/")
	if hasSlash && (strings.ContainsAny(first, ".:") || first == "localhost") {
		switch first {
		case "docker.io", "index.docker.io", "registry-1.docker.io":
			ref = rest
		default:
			return "", fmt.Errorf("registry: image %q is not on Docker Hub (its registry is %s)", image, first)
		}
	}
	name, tag := ref, ""
	if i := strings.Index(ref, "@"); i >= 0 {
		name, tag = ref[:i], ref[i+1:]
	} else if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		name, tag = ref[:i], ref[i+1:]
	}
	if err := CheckTag(tag); err != nil {
		return "", fmt.Errorf("registry: image %q: %w", image, err)
	}
	if !strings.Contains(name, "/") {
		name = "library/" + name
	}
	sep := ":"
	if strings.HasPrefix(tag, "sha256:") {
		sep = "@"
	}
	return mirror + "/" + name + sep + tag, nil
}
