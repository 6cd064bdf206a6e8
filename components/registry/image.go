package registry

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

var (
	// tagPattern is the OCI distribution spec's tag grammar.
	tagPattern    = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	digestPattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
)

// CheckTag reports whether tag may be deployed: an explicit OCI tag or a sha256 digest,
// never empty and never "latest" (a moving tag defeats immutability, rollbacks and the
// k8s-hygiene policy).
func CheckTag(tag string) error {
	switch {
	case tag == "":
		return fmt.Errorf("registry: image tag is empty; deploy an explicit version tag (e.g. a git SHA) or a sha256 digest")
	case strings.EqualFold(tag, "latest"):
		return fmt.Errorf("registry: image tag %q is not allowed; deploy an explicit version tag (e.g. a git SHA) or a sha256 digest", tag)
	case strings.HasPrefix(tag, "sha256:"):
		if !digestPattern.MatchString(tag) {
			return fmt.Errorf("registry: image digest %q is malformed (want sha256: followed by 64 lower-case hex digits)", tag)
		}
	case !tagPattern.MatchString(tag):
		return fmt.Errorf("registry: image tag %q is malformed (letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-')", tag)
	}
	return nil
}

// ImageRef joins a repository URL and a tag (or sha256 digest) into an image reference:
// "<repoURL>:<tag>" or "<repoURL>@sha256:...". It refuses empty and "latest" tags and a
// repository URL that is empty or already carries a tag or digest.
func ImageRef(repoURL, tag string) (string, error) {
	if err := CheckTag(tag); err != nil {
		return "", err
	}
	if err := checkRepoURL(repoURL); err != nil {
		return "", err
	}
	if strings.HasPrefix(tag, "sha256:") {
		return repoURL + "@" + tag, nil
	}
	return repoURL + ":" + tag, nil
}

// ImageRefOutput is ImageRef for a repository URL that is only known at deploy time
// (e.g. Registry.RepositoryUrls). The tag is checked now, so a bad tag fails before
// anything is registered; the URL is checked when it resolves.
func ImageRefOutput(repoURL pulumi.StringInput, tag string) (pulumi.StringOutput, error) {
	if err := CheckTag(tag); err != nil {
		return pulumi.StringOutput{}, err
	}
	return repoURL.ToStringOutput().ApplyT(func(u string) (string, error) {
		return ImageRef(u, tag)
	}).(pulumi.StringOutput), nil
}

func checkRepoURL(u string) error {
	if u == "" {
		return fmt.Errorf("registry: repository URL is empty")
	}
	last := u[strings.LastIndex(u, "/")+1:]
	if strings.Contains(u, "@") || strings.Contains(last, ":") || !strings.Contains(u, "/") {
		return fmt.Errorf("registry: repository URL %q must be <registry>/<repository> without a tag or digest", u)
	}
	return nil
}
