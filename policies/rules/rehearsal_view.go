package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

// Rehearsal is the first deploy of one stack as the deployment model sees it: the
// preflight's REHEARSAL section renders it.
type Rehearsal struct {
	Partition Partition
	// Endpoints are the API endpoints of the plan's EKS clusters.
	Endpoints []Endpoint
	// Phases follow DeployPhases.
	Phases []PhaseView
}

// PhaseView is one phase applied to a stack.
type PhaseView struct {
	Phase
	// Applies is false when the stack has nothing for the phase (no GitHub connection, no
	// zone); Note says why, or remarks on how the phase is met.
	Applies bool
	Note    string
	// Run are the commands (or console steps) that perform it; Verify the shell commands
	// that prove it done when AWS credentials are present.
	Run, Verify []string
	// Problems are the rehearsal findings that block it (RuleID set, not yet judged
	// against the stack's policy config).
	Problems []Finding
	// Minutes is ManualMinutes as it applies to this stack.
	Minutes float64
}

// Rehearse applies the deployment model to a stack.
func Rehearse(s Stack) Rehearsal {
	m := newRehearsal(s)
	out := Rehearsal{Partition: m.part}
	for _, c := range m.clustersOf() {
		out.Endpoints = append(out.Endpoints, endpointOf(s, c))
	}
	var problems []phaseFinding
	for _, fs := range [][]phaseFinding{m.endpointFindings(), m.artifactFindings(), m.zoneFindings(), m.secretFindings()} {
		problems = append(problems, fs...)
	}
	for _, ph := range DeployPhases {
		v := PhaseView{Phase: ph, Applies: true, Minutes: ph.ManualMinutes}
		m.commands(&v)
		for _, pf := range problems {
			if slices.Contains(pf.phases, ph.Name) {
				f := pf.f
				f.RuleID = pf.rule
				if f.Unknown {
					f.RuleID = UnknownID(pf.rule)
				}
				v.Problems = append(v.Problems, f)
			}
		}
		out.Phases = append(out.Phases, v)
	}
	return out
}

func (m *rehearsal) commands(v *PhaseView) {
	st := m.s.Name
	pack := fmt.Sprintf("--policy-pack policies/pack --policy-pack-config policies/config/%s.json", st)
	switch v.Name {
	case PhaseStateBackend:
		v.Run = []string{"pulumi login", "pulumi stack select --create " + st}
		v.Verify = []string{"pulumi stack ls"}
	case PhaseBootstrap:
		excl := ""
		for _, p := range m.part.Excluded {
			excl += " --exclude '" + p + "'"
		}
		if excl != "" {
			excl += " --exclude-dependents"
		}
		v.Run = []string{fmt.Sprintf("pulumi up -s %s%s %s", st, excl, pack)}
		v.Verify = []string{fmt.Sprintf("pulumi preview -s %s%s --expect-no-changes", st, excl)}
		v.Note = fmt.Sprintf("creates %d of %d resources", len(m.part.Bootstrap), len(m.s.Resources))
	case PhaseGitHubConnection:
		conns := m.s.ofType(tokens.CodeStarConnection)
		if len(conns) == 0 {
			v.Applies, v.Minutes, v.Note = false, 0, "the plan creates no "+tokens.CodeStarConnection
		}
		for _, c := range conns {
			name, ok := c.in("name").String()
			if !ok {
				name = "<" + c.Name + " name>"
			}
			v.Run = append(v.Run, fmt.Sprintf("console: Developer Tools > Settings > Connections > %s > Update pending connection", name))
			v.Verify = append(v.Verify, fmt.Sprintf(`aws codeconnections get-connection --connection-arn "$(aws codeconnections list-connections `+
				`--query "Connections[?ConnectionName=='%s'].ConnectionArn" --output text)" --query Connection.ConnectionStatus --output text  # AVAILABLE`, name))
		}
	case PhaseRunnerWebhook:
		urns := m.part.ByPhase[v.Name]
		if len(urns) == 0 {
			v.Applies, v.Note = false, "bootstrap deferred nothing"
			break
		}
		targets := ""
		for _, u := range urns {
			targets += " --target '" + u + "'"
		}
		v.Run = []string{fmt.Sprintf("pulumi up -s %s%s", st, targets)}
		for _, u := range urns {
			if r := m.byURN[u]; r.Type == tokens.CodeBuildWebhook {
				name, _ := r.in("projectName").String()
				v.Verify = append(v.Verify, fmt.Sprintf("aws codebuild batch-get-projects --names %s --query 'projects[0].webhook.url'", name))
			}
		}
		v.Note = fmt.Sprintf("creates %d of %d resources", len(urns), len(m.s.Resources))
	case PhaseDelegation:
		m.delegationCommands(v)
	case PhaseImages:
		m.imageCommands(v)
	case PhaseOperatorSecrets:
		m.secretCommands(v)
	case PhaseDeploy:
		v.Run = []string{fmt.Sprintf("pulumi up -s %s %s", st, pack)}
		v.Verify = []string{fmt.Sprintf("pulumi preview -s %s --expect-no-changes %s", st, pack)}
		v.Note = fmt.Sprintf("creates %d of %d resources", len(m.part.Deploy), len(m.s.Resources))
		if len(m.part.Deploy) == 0 {
			v.Applies, v.Note = false, "no resource depends on a Kubernetes provider"
		}
	}
}

func (m *rehearsal) delegationCommands(v *PhaseView) {
	zones := m.s.ofType(tokens.Route53Zone)
	v.Minutes = 0
	if len(zones) == 0 {
		v.Applies, v.Note = false, "the plan creates no zone (an adopted zone is delegated by whoever created it)"
	}
	var notes []string
	for _, z := range zones {
		name, _ := z.in("name").String()
		name = dnsName(name)
		v.Verify = append(v.Verify, fmt.Sprintf("dig +short NS %s  # = pulumi stack output nameServers -s %s", name, m.s.Name))
		if len(strings.Split(name, ".")) < 3 {
			v.Minutes = v.ManualMinutes
			v.Run = append(v.Run, fmt.Sprintf("registrar: set the name servers of %s to `pulumi stack output nameServers -s %s`", name, m.s.Name))
			notes = append(notes, name+" is an apex: the registrar delegates it")
			continue
		}
		if ns, _ := m.delegation(z, name); ns != nil {
			notes = append(notes, fmt.Sprintf("%s is delegated by %s (bootstrap)", name, ns.label()))
		}
	}
	if len(notes) > 0 {
		v.Note = strings.Join(notes, "; ")
	}
}

func (m *rehearsal) imageCommands(v *PhaseView) {
	pushed := false
	seen := map[string]bool{}
	add := func(list *[]string, s string) {
		if !seen[s] {
			seen[s] = true
			*list = append(*list, s)
		}
	}
	var replicas []string
	for _, u := range m.images() {
		if u.ref == "" || u.secret {
			continue
		}
		src, _ := m.sourceOf(u.ref)
		switch src.kind {
		case "repository", "replica":
			if src.kind == "repository" {
				pushed = true
				add(&v.Run, "docker push "+u.ref)
			} else {
				add(&replicas, src.repo)
			}
			add(&v.Verify, fmt.Sprintf("aws ecr describe-images --region %s --repository-name %s --image-ids imageTag=%s", src.region, src.repo, src.tag))
		case "pull-through":
			add(&v.Verify, fmt.Sprintf("aws ecr describe-pull-through-cache-rules --region %s --ecr-repository-prefixes %s", src.region, src.prefix))
		}
	}
	slices.Sort(v.Run)
	slices.Sort(v.Verify)
	if !pushed {
		v.Minutes = 0
	}
	slices.Sort(replicas)
	if rep, ok := replicaOf(m.s.Name); ok && len(replicas) > 0 {
		v.Note = fmt.Sprintf("nothing to push: %s runs %s's images, replicated by ECR (%s)", m.s.Name, rep.FromStack, strings.Join(replicas, ", "))
	}
}

func (m *rehearsal) secretCommands(v *PhaseView) {
	var before, after []string
	for _, ver := range m.s.ofType(tokens.SecretsManagerSecretVersion) {
		stages, st := ver.in("versionStages").StringList()
		if st != Known || slices.Contains(stages, "AWSCURRENT") {
			continue // a generated value, not a placeholder
		}
		secrets, _ := referenced(m.s, ver, "secretId", tokens.SecretsManagerSecret, "id", "arn")
		for _, sec := range secrets {
			name, ok := sec.in("name").String()
			switch {
			case !ok:
			case strings.HasPrefix(name, dockerHubCredsPath):
				before = append(before, name)
			default:
				after = append(after, name)
			}
		}
	}
	slices.Sort(before)
	slices.Sort(after)
	for _, name := range before {
		v.Run = append(v.Run, fmt.Sprintf(`aws secretsmanager put-secret-value --secret-id %s --secret-string '{"username":"<docker hub user>","accessToken":"<read-only token>"}'`, name))
		v.Verify = append(v.Verify, fmt.Sprintf(`aws secretsmanager get-secret-value --secret-id %s --query SecretString --output text | grep -qF 'REPLACE_ME: fill with' && echo "%s: still the placeholder"`, name, name))
	}
	if len(after) > 0 {
		v.Verify = append(v.Verify, fmt.Sprintf(`for s in $(pulumi stack output operatorSecretNames -s %s --json | jq -r '.[]'); do aws secretsmanager `+
			`get-secret-value --secret-id "$s" --query SecretString --output text | grep -qF 'REPLACE_ME: fill with' && echo "$s: still the placeholder"; done`, m.s.Name))
		v.Note = "filled after the deploy (docs/first-deploy.md): " + strings.Join(after, ", ")
	}
	if len(before) == 0 {
		v.Minutes = 0
	}
}
