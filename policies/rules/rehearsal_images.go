package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

// Artifacts of the first deploy: every image a workload or a chart runs, and what in the
// deploy order provides it.

// imageUse is one image reference of one resource.
type imageUse struct {
	owner Resource
	where string // `container "api"`, `values.server.image`
	ref   string // "" when unknown
	path  string // the input path, for unknown findings
	// secret: the reference came from a secret; messages show "[secret]".
	secret bool
}

// imageSource is what provides an image: a repository CI pushes to, a pull-through cache
// rule, or a declared replica.
type imageSource struct {
	kind     string // "repository" | "pull-through" | "replica"
	provider *Resource
	region   string // from the registry host
	repo     string // full repository name ("agent-platform-prod/api")
	tag      string
	prefix   string // the pull-through prefix
}

// ecrHost matches a private ECR registry: "<account>.dkr.ecr.<region>.amazonaws.com".
var ecrHost = regexp.MustCompile(`^[0-9]{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$`)

// splitImage splits "host/path:tag@digest" (Docker's defaults: docker.io, library/,
// latest).
func splitImage(ref string) (host, path, tag string) {
	if i := strings.Index(ref, "@"); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		ref, tag = ref[:i], ref[i+1:]
	}
	first, rest, found := strings.Cut(ref, "/")
	if found && (strings.ContainsAny(first, ".:") || first == "localhost") {
		host, path = first, rest
	} else {
		host, path = "docker.io", ref
		if !found {
			path = "library/" + ref
		}
	}
	if tag == "" {
		tag = "latest"
	}
	return host, path, tag
}

// images lists every image reference of the plan's workloads and charts.
func (m *rehearsal) images() []imageUse {
	var out []imageUse
	for _, r := range m.s.Resources {
		switch {
		case slices.Contains(workloadTypes, r.Type):
			pod, _ := podOf(r)
			cs, unknownLists := pod.containers()
			for _, path := range unknownLists {
				out = append(out, imageUse{owner: r, where: path[strings.LastIndex(path, ".")+1:], path: path})
			}
			for _, c := range cs {
				name, _ := c.v.Get("name").String()
				img := c.v.Get("image")
				u := imageUse{owner: r, where: fmt.Sprintf("container %q", name), path: c.path + ".image", secret: img.Secret()}
				u.ref, _ = img.String()
				if u.ref != "" || img.IsUnknown() {
					out = append(out, u)
				}
			}
		case r.Type == tokens.K8sHelmChart:
			out = append(out, chartImages(r, r.in("values"), "values")...)
		}
	}
	return out
}

// chartImages finds {repository, tag[, registry]} maps under "image" keys of chart values.
func chartImages(r Resource, v Value, path string) []imageUse {
	var out []imageUse
	if m, ok := v.Map(); ok {
		for k, e := range m.AllStable {
			ev, sub := valueOf(e), path+"."+k
			if k == "image" {
				repo := ev.Get("repository")
				if repo.IsUnknown() {
					out = append(out, imageUse{owner: r, where: sub, path: sub + ".repository"})
				}
				if s, ok := repo.String(); ok && s != "" {
					if reg, ok := ev.Get("registry").String(); ok && reg != "" {
						s = reg + "/" + s
					}
					tag, _ := ev.Get("tag").String()
					if n, ok := ev.Get("tag").Number(); ok && tag == "" {
						tag = strconv.FormatFloat(n, 'f', -1, 64)
					}
					if tag == "" {
						tag = "<chart default>"
					}
					out = append(out, imageUse{owner: r, where: sub, ref: s + ":" + tag, secret: ev.Secret()})
					continue
				}
			}
			out = append(out, chartImages(r, ev, sub)...)
		}
	}
	if arr, ok := v.Array(); ok {
		for i, e := range arr {
			out = append(out, chartImages(r, e, path+"["+strconv.Itoa(i)+"]")...)
		}
	}
	return out
}

// sourceOf finds what provides an image, or says why nothing does.
func (m *rehearsal) sourceOf(ref string) (imageSource, string) {
	host, path, tag := splitImage(ref)
	hm := ecrHost.FindStringSubmatch(host)
	if hm == nil {
		return imageSource{}, "its registry " + host + " is not a private ECR registry of this account: nothing in the deploy order " +
			"pushes or caches it"
	}
	src := imageSource{region: hm[1], repo: path, tag: tag}
	for _, repo := range m.s.ofType(tokens.ECRRepository) {
		name, ok := repo.in("name").String()
		if !ok || name != path {
			continue
		}
		if url, ok := Get(repo.Outputs, "repositoryUrl").String(); ok && url != host+"/"+path {
			continue // another account or region
		}
		src.kind, src.provider = "repository", &repo
		short := path[strings.LastIndex(path, "/")+1:]
		switch {
		case m.part.PhaseOf(repo.URN) != PhaseBootstrap:
			return src, repo.label() + " is created by the deploy phase itself, after the images phase needed it"
		case !slices.Contains(ImageRepositories, short):
			return src, fmt.Sprintf("%s exists, but the images phase pushes only %s", repo.label(), strings.Join(ImageRepositories, ", "))
		}
		return src, ""
	}
	first, _, _ := strings.Cut(path, "/")
	for _, rule := range m.s.ofType(tokens.ECRPullThroughCacheRule) {
		if p, ok := rule.in("ecrRepositoryPrefix").String(); ok && p == first && strings.Contains(path, "/") {
			src.kind, src.provider, src.prefix = "pull-through", &rule, p
			if m.part.PhaseOf(rule.URN) != PhaseBootstrap {
				return src, rule.label() + " is created by the deploy phase itself"
			}
			return src, ""
		}
	}
	if rep, ok := replicaOf(m.s.Name); ok {
		for _, r := range ImageRepositories {
			if path != rep.RepositoryPrefix+"/"+r {
				continue
			}
			src.kind = "replica"
			if src.region != rep.Region {
				return src, fmt.Sprintf("%s's images are replicated into %s, not %s", rep.FromStack, rep.Region, src.region)
			}
			return src, ""
		}
	}
	return src, fmt.Sprintf("no aws.ecr.Repository named %q, no pull-through cache rule with prefix %q and no declared replica "+
		"(deploy_model.go ImageReplicas) provides it", path, first)
}

// artifactFindings: every image has a provider before the deploy phase.
// A plan with no image source of its own (no repository, no pull-through cache rule, no
// declared replica: a fixture, an in-cluster layer alone) gets its images from outside
// itself; whether they exist cannot be judged from it, so its images are unknown.
func (m *rehearsal) artifactFindings() []phaseFinding {
	var out []phaseFinding
	_, replica := replicaOf(m.s.Name)
	registryLess := !replica && len(m.s.ofType(tokens.ECRRepository, tokens.ECRPullThroughCacheRule)) == 0
	for _, u := range m.images() {
		switch {
		case u.ref == "":
			out = append(out, phaseFinding{ruleArtifactsProvided, []string{PhaseImages}, unknown(u.owner, u.path, "what provides the image")})
			continue
		case registryLess:
			f := fail(u.owner, "%s: this plan creates no image registry (no aws.ecr.Repository, no pull-through cache rule, no "+
				"declared replica), so whether anything provides its image before the deploy cannot be judged from it", u.where)
			f.Unknown = true
			out = append(out, phaseFinding{ruleArtifactsProvided, []string{PhaseImages}, f})
			continue
		}
		if _, why := m.sourceOf(u.ref); why != "" {
			_, path, tag := splitImage(u.ref)
			ref, repoTag := u.ref, path+":"+tag
			if u.secret {
				ref, repoTag, why = "[secret]", "[secret]", "nothing provides it"
			}
			out = append(out, phaseFinding{ruleArtifactsProvided, []string{PhaseImages}, fail(u.owner,
				"%s runs %s (%s), which nothing in the deploy order provides: %s; the pods stay in ImagePullBackOff and the "+
					"rollout never finishes. Push it to a repository of the plan, serve it through a pull-through cache rule, or "+
					"declare the replica", u.where, ref, repoTag, why)})
		}
	}
	return out
}
