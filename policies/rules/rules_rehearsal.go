package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

// Rehearsal rules: the first deploy of a stack on an empty account, judged against the
// deployment model (deploy_model.go). Each is a pure function of the plan and the model.

// phaseFinding is a rehearsal verdict with the phases it blocks.
type phaseFinding struct {
	rule   string
	phases []string
	f      Finding
}

// rehearsal is the model applied to one stack.
type rehearsal struct {
	s     Stack
	part  Partition
	byURN map[string]Resource
}

func newRehearsal(s Stack) *rehearsal {
	m := &rehearsal{s: s, part: PartitionOf(s), byURN: make(map[string]Resource, len(s.Resources))}
	for _, r := range s.Resources {
		m.byURN[r.URN] = r
	}
	return m
}

func findingsOf(pfs []phaseFinding) []Finding {
	out := make([]Finding, 0, len(pfs))
	for _, pf := range pfs {
		out = append(out, pf.f)
	}
	return out
}

var deployEndpointReachable = Rule{
	ID: ruleEndpointReachable, Number: 65, Severity: Critical, Anchors: "own (issue 10: a rehearsal of the first deploy)",
	Description: "Every phase of the first deploy that creates or reads Kubernetes objects (a kubernetes:* resource or one " +
		"whose provider is a Kubernetes provider) runs on an executor that reaches the EKS API endpoint " +
		"(vpcConfig.endpointPrivateAccess/endpointPublicAccess/publicAccessCidrs, AWS defaults applied). A private endpoint " +
		"needs the in-VPC runner: an aws:codebuild/project:Project whose vpcConfig is the cluster's VPC and private subnets " +
		"(NAT default route), whose security group an ingress rule on the cluster security group admits on 443. A public " +
		"endpoint limited to CIDRs admits only executors with fixed egress CIDRs among them (none is declared).",
	ResourceTypes: []string{tokens.EKSCluster, tokens.CodeBuildProject, tokens.VPCSecurityGroupIngressRule, tokens.EC2SecurityGroupRule, tokens.EC2Subnet, tokens.EC2RouteTableAssociation, tokens.EC2Route, tokens.ProviderK8s},
	CheckStack:    func(s Stack, _ Params) []Finding { return findingsOf(newRehearsal(s).endpointFindings()) },
}

var deployArtifactsProvided = Rule{
	ID: ruleArtifactsProvided, Number: 66, Severity: Critical, Anchors: "own (issue 10: a rehearsal of the first deploy)",
	Description: "Every container image of every workload (containers and init containers) and every image a Helm chart's " +
		"values set (repository and tag under an image map) has a provider before the deploy phase: an ECR repository the " +
		"bootstrap phase creates and CI pushes to (deploy_model.go ImageRepositories), a pull-through cache rule whose " +
		"ecrRepositoryPrefix is the image's first path segment, or the replicas of another stack the model declares " +
		"(ImageReplicas: dr runs prod's). The finding names repo:tag and the workload.",
	ResourceTypes: append(slices.Clone(workloadTypes), tokens.K8sHelmChart, tokens.ECRRepository, tokens.ECRPullThroughCacheRule),
	CheckStack:    func(s Stack, _ Params) []Finding { return findingsOf(newRehearsal(s).artifactFindings()) },
}

var deployZoneDelegated = Rule{
	ID: ruleZoneDelegated, Number: 67, Severity: High, Anchors: "own (issue 10: a rehearsal of the first deploy)",
	Description: "Every Route 53 zone of a subdomain (three or more labels) is delegated by the plan: an NS record named " +
		"after the zone, in another zone, whose records are the zone's nameServers. An apex (two labels) is delegated at " +
		"the registrar, a checklist line of the rehearsal. Otherwise ACM's DNS validation waits until its timeout.",
	ResourceTypes: []string{tokens.Route53Zone, tokens.Route53Record},
	CheckStack:    func(s Stack, _ Params) []Finding { return findingsOf(newRehearsal(s).zoneFindings()) },
}

var deploySecretHasVersion = Rule{
	ID: ruleSecretHasVersion, Number: 68, Severity: High, Anchors: "own (issue 10: a rehearsal of the first deploy)",
	Description: "Every Secrets Manager secret has a secret version of the plan (secretId from the secret), so External " +
		"Secrets' GetSecretValue finds a value on the first deploy; an operator-filled secret holds a placeholder version.",
	ResourceTypes: []string{tokens.SecretsManagerSecret, tokens.SecretsManagerSecretVersion},
	CheckStack:    func(s Stack, _ Params) []Finding { return findingsOf(newRehearsal(s).secretFindings()) },
}

// endpointFindings judges every `pulumi up` phase whose resources call the Kubernetes API.
func (m *rehearsal) endpointFindings() []phaseFinding {
	if len(m.s.ofType(tokens.EKSCluster)) == 0 {
		return nil // an external cluster: nothing in the plan to judge
	}
	var out []phaseFinding
	for _, ph := range DeployPhases {
		users := m.kubeUsers(ph.Name)
		if !ph.Creates || len(users) == 0 {
			continue
		}
		x, _ := ExecutorByName(ph.Executor)
		for _, c := range m.clustersOf() {
			e := endpointOf(m.s, c)
			what := fmt.Sprintf("whether %s (phase %q) reaches the API endpoint", x.Name, ph.Name)
			if e.Unknown != "" {
				out = append(out, phaseFinding{ruleEndpointReachable, []string{ph.Name}, unknown(c, e.Unknown, what)})
				continue
			}
			ok, why := e.Reach(x)
			switch {
			case ok:
				continue
			case x.InVPC && e.Runner == nil && e.RunnerUnresolved:
				out = append(out, phaseFinding{ruleEndpointReachable, []string{ph.Name}, unknown(c, "the runner's vpcConfig", what)})
				continue
			}
			fix := "create the runner (components/runner): a CodeBuild project in the cluster VPC's private subnets whose " +
				"security group the cluster security group admits on 443"
			if !x.InVPC {
				fix = "give these objects the Kubernetes provider, so that they belong to the deploy phase"
			}
			out = append(out, phaseFinding{ruleEndpointReachable, []string{ph.Name}, fail(c,
				"phase %q creates %d resource(s) that call the Kubernetes API (e.g. %s) on executor %q, which cannot reach "+
					"the API endpoint (%s): %s; %s", ph.Name, len(users), users[0].label(), x.Name, e.Describe(), why, fix)})
		}
	}
	return out
}

// kubeUsers are a phase's resources that call the Kubernetes API.
func (m *rehearsal) kubeUsers(phase string) []Resource {
	var out []Resource
	for _, r := range m.s.Resources {
		if m.part.PhaseOf(r.URN) == phase && needsKubeAPI(r) {
			out = append(out, r)
		}
	}
	return out
}

// clustersOf are the EKS clusters the Kubernetes providers are configured from (their
// dependencies), or every cluster of the plan when no provider names one.
func (m *rehearsal) clustersOf() []Resource {
	var out []Resource
	for _, urn := range m.part.K8sProviders {
		p := m.byURN[urn]
		on := slices.Clone(p.Dependencies)
		for _, d := range p.PropertyDependencies {
			on = append(on, d...)
		}
		for _, c := range m.s.ofType(tokens.EKSCluster) {
			if slices.Contains(on, c.URN) && !slices.ContainsFunc(out, func(x Resource) bool { return x.URN == c.URN }) {
				out = append(out, c)
			}
		}
	}
	if len(out) == 0 {
		return m.s.ofType(tokens.EKSCluster)
	}
	return out
}

// zoneFindings: a subdomain zone needs its NS record in another zone.
func (m *rehearsal) zoneFindings() []phaseFinding {
	var out []phaseFinding
	for _, z := range m.s.ofType(tokens.Route53Zone) {
		name, ok := z.in("name").String()
		if !ok {
			if z.in("name").IsUnknown() {
				out = append(out, phaseFinding{ruleZoneDelegated, []string{PhaseDelegation}, unknown(z, "name", "whether the zone is a subdomain")})
			}
			continue
		}
		name = dnsName(name)
		if len(strings.Split(name, ".")) < 3 {
			continue // an apex: the registrar delegates it (a checklist line)
		}
		switch ns, unresolved := m.delegation(z, name); {
		case ns != nil:
		case unresolved:
			out = append(out, phaseFinding{ruleZoneDelegated, []string{PhaseDelegation}, unknown(z, "the NS records' name, type or records",
				"whether "+name+" is delegated")})
		default:
			out = append(out, phaseFinding{ruleZoneDelegated, []string{PhaseDelegation}, fail(z, "%s is a subdomain, but no NS record "+
				"named %s in another zone lists this zone's nameServers: resolvers never find the zone, and ACM's DNS validation of "+
				"its certificates waits until the timeout; add an aws.route53.Record {type: NS, name: %q, records: zone.nameServers} "+
				"in the parent zone (platform:parentDnsZoneId)", name, name, name)})
		}
	}
	return out
}

// delegation finds the NS record that delegates zone z (named name).
func (m *rehearsal) delegation(z Resource, name string) (*Resource, bool) {
	unresolved := false
	for _, r := range m.s.ofType(tokens.Route53Record) {
		typ, typOK := r.in("type").String()
		rn, nameOK := r.in("name").String()
		if !typOK && acmValidation(r) {
			continue // ACM asks for CNAME records
		}
		if (!typOK && r.in("type").IsUnknown()) || (!nameOK && r.in("name").IsUnknown()) {
			unresolved = true
			continue
		}
		if !strings.EqualFold(typ, "NS") || dnsName(rn) != name || refers(r, "zoneId", z, "zoneId", "id") == joinYes {
			continue
		}
		if slices.Contains(r.PropertyDependencies["records"], z.URN) {
			return &r, false
		}
		got, st := r.in("records").StringList()
		want, _ := Get(z.Outputs, "nameServers").StringList()
		switch {
		case st == Unknown:
			unresolved = true
		case len(want) > 0 && sameSet(got, want):
			return &r, false
		}
	}
	return nil, unresolved
}

// acmValidation reports a record whose type comes from an ACM certificate's
// domainValidationOptions: a DNS validation record, always a CNAME.
func acmValidation(r Resource) bool {
	deps := r.PropertyDependencies["type"]
	return len(deps) > 0 && !slices.ContainsFunc(deps, func(u string) bool { return urnType(u) != tACMCertificate })
}

const tACMCertificate = tokens.ACMCertificate

func dnsName(s string) string { return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(s), ".")) }

func sameSet(a, b []string) bool {
	norm := func(l []string) []string {
		out := make([]string, 0, len(l))
		for _, x := range l {
			out = append(out, dnsName(x))
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(norm(a), norm(b))
}

// secretFindings: every secret has a version in the plan.
func (m *rehearsal) secretFindings() []phaseFinding {
	var out []phaseFinding
	phases := []string{PhaseBootstrap, PhaseOperatorSecrets}
	for _, sec := range m.s.ofType(tokens.SecretsManagerSecret) {
		versions, unresolved := referrers(m.s, sec, tokens.SecretsManagerSecretVersion, "secretId", "id", "arn")
		name := sec.Name
		if n, ok := sec.in("name").String(); ok {
			name = n
		}
		switch {
		case len(versions) > 0:
		case unresolved:
			out = append(out, phaseFinding{ruleSecretHasVersion, phases, unknown(sec, "a secret version's secretId", "whether "+name+" has a version")})
		default:
			out = append(out, phaseFinding{ruleSecretHasVersion, phases, fail(sec, "%s has no aws.secretsmanager.SecretVersion: GetSecretValue "+
				"fails, External Secrets writes no Kubernetes Secret and the pods that read it stop in CreateContainerConfigError, so "+
				"the first deploy cannot finish; give it a version (a placeholder under ignoreChanges for an operator-filled secret)", name)})
		}
	}
	return out
}
