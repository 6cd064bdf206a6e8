package rules

import (
	"slices"
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

// The deployment model: where each step of the first deploy of one stack on an empty
// account runs, what it provides and what it needs. It is declared data; which plan
// resources the two `pulumi up` phases create is computed from the plan (partition).
// The rehearsal rules (rules_rehearsal.go) and the preflight's REHEARSAL section read it.

// Executor is where a phase's commands run and what that place can reach.
type Executor struct {
	Name        string
	Description string
	// InVPC: the executor runs inside the stack's VPC, in its private subnets; it exists
	// only when the plan creates it (an in-VPC runner, see runnerOf).
	InVPC bool
	// InternetEgress: it reaches public endpoints (GitHub, the state backend, AWS APIs).
	InternetEgress bool
	// EgressCIDRs are the fixed addresses it connects from; none means any address (an
	// EKS public endpoint limited to CIDRs cannot admit it).
	EgressCIDRs []string
}

// Executor names.
const (
	ExecOperator  = "operator"
	ExecVPCRunner = "vpc-runner"
)

// Executors are the places a phase may run.
var Executors = []Executor{
	{Name: ExecOperator, InternetEgress: true,
		Description: "a laptop or a GitHub-hosted runner: outside the VPC, internet egress, no fixed CIDR"},
	{Name: ExecVPCRunner, InVPC: true, InternetEgress: true,
		Description: "the CodeBuild-hosted GitHub Actions runner (aws:codebuild/project:Project) in the stack's VPC, " +
			"private subnets with egress through the NAT gateways"},
}

// ExecutorByName returns a declared executor.
func ExecutorByName(name string) (Executor, bool) {
	i := slices.IndexFunc(Executors, func(e Executor) bool { return e.Name == name })
	if i < 0 {
		return Executor{}, false
	}
	return Executors[i], true
}

// Phase names, in deploy order.
const (
	PhaseStateBackend     = "state-backend"
	PhaseBootstrap        = "bootstrap"
	PhaseGitHubConnection = "github-connection"
	PhaseRunnerWebhook    = "runner-webhook"
	PhaseDelegation       = "delegation"
	PhaseImages           = "images"
	PhaseOperatorSecrets  = "operator-secrets"
	PhaseDeploy           = "deploy"
)

// Phase is one step of a first deploy.
type Phase struct {
	Name     string
	Executor string
	Provides string
	// Needs are the phases that must be done before this one.
	Needs []string
	// Creates is set for the two `pulumi up` runs; partition says which resources each
	// creates.
	Creates bool
	// Rules are the rehearsal rules whose findings block the phase.
	Rules []string
	// ManualMinutes is the modeled time of the step's work outside the plan (an operator
	// in a console, a CI build), an estimate with its basis; the `pulumi up` phases take
	// their critical path instead.
	ManualMinutes float64
	ManualBasis   string
}

// Rehearsal rule IDs.
const (
	ruleEndpointReachable = "deploy-endpoint-reachable"
	ruleArtifactsProvided = "deploy-artifacts-provided"
	ruleZoneDelegated     = "deploy-zone-delegated"
	ruleSecretHasVersion  = "deploy-secret-has-version"
)

// DeployPhases are the steps of a first deploy, in order.
var DeployPhases = []Phase{
	{Name: PhaseStateBackend, Executor: ExecOperator, Provides: "the state backend and the stack",
		ManualMinutes: 2, ManualBasis: "estimate: `pulumi login` and `pulumi stack select --create`"},
	{Name: PhaseBootstrap, Executor: ExecOperator, Needs: []string{PhaseStateBackend}, Creates: true,
		Provides: "the AWS layer: everything that is neither a dependent of the Kubernetes provider nor deferred (the VPC, the EKS cluster, " +
			"ECR repositories and pull-through cache rules, secrets with their versions, the zone and its delegation record, the runner)",
		Rules: []string{ruleEndpointReachable, ruleSecretHasVersion}},
	{Name: PhaseGitHubConnection, Executor: ExecOperator, Needs: []string{PhaseBootstrap},
		Provides:      "the runner's GitHub connection, AVAILABLE (created PENDING; the handshake is completed once in the console)",
		ManualMinutes: 5, ManualBasis: "estimate: open the pending connection in the console and authorize the GitHub app"},
	{Name: PhaseRunnerWebhook, Executor: ExecOperator, Needs: []string{PhaseGitHubConnection}, Creates: true,
		Provides: "the runner's webhook (WORKFLOW_JOB_QUEUED), which CodeBuild accepts only once the GitHub connection " +
			"is AVAILABLE: `pulumi up --target` of the resources bootstrap deferred (DeferredTypes)"},
	{Name: PhaseDelegation, Executor: ExecOperator, Needs: []string{PhaseBootstrap},
		Provides:      "a zone resolvers find: an apex at the registrar, a child zone by the NS record bootstrap wrote in its parent",
		Rules:         []string{ruleZoneDelegated},
		ManualMinutes: 15, ManualBasis: "estimate for an apex: change the registrar's name servers (the TLD may take up " +
			"to 48 h to serve them); 0 for a child zone, whose NS record bootstrap creates"},
	{Name: PhaseImages, Executor: ExecOperator, Needs: []string{PhaseBootstrap},
		Provides: "every image a workload runs: ours pushed by CI at platform:imageTag (or replicated from the stack that " +
			"pushes them), third-party ones through the pull-through caches",
		Rules:         []string{ruleArtifactsProvided},
		ManualMinutes: 15, ManualBasis: "estimate: CI builds and pushes the four images (cold Docker build); 0 for a stack " +
			"that runs another stack's replicas"},
	{Name: PhaseOperatorSecrets, Executor: ExecOperator, Needs: []string{PhaseBootstrap},
		Provides: "the Docker Hub pull-through credential filled before deploy; every other secret holds a placeholder " +
			"version and is filled after",
		Rules:         []string{ruleSecretHasVersion},
		ManualMinutes: 3, ManualBasis: "estimate: one put-secret-value of the Docker Hub credential (the others are " +
			"filled after the deploy, off the path)"},
	{Name: PhaseDeploy, Executor: ExecVPCRunner, Creates: true,
		Needs:    []string{PhaseBootstrap, PhaseGitHubConnection, PhaseRunnerWebhook, PhaseDelegation, PhaseImages, PhaseOperatorSecrets},
		Provides: "the in-cluster layer: every resource that depends on the Kubernetes provider, with the policy pack",
		Rules:    []string{ruleEndpointReachable}},
}

// DeferredTypes are resources bootstrap must leave out because they need an operator step
// first, with the phase that creates them (and their dependents): CodeBuild creates a
// project's webhook only once its GitHub connection is AVAILABLE.
var DeferredTypes = map[string]string{tokens.CodeBuildWebhook: PhaseRunnerWebhook}

// ImageRepositories are the repositories CI pushes to at platform:imageTag (the images
// phase); tests/rehearsal_test.go checks them against components/registry.
var ImageRepositories = []string{"api", "worker", "temporal-worker", "migrations"}

// ImageReplica says a stack runs another stack's images, replicated by ECR into its
// Region (no repositories of its own): "<RepositoryPrefix>/<repository>" for each of
// ImageRepositories.
type ImageReplica struct {
	Stack, FromStack, RepositoryPrefix, Region string
}

// ImageReplicas are the declared replicas; tests/rehearsal_test.go checks each against the
// source stack's replication configuration and the stack's region.
var ImageReplicas = []ImageReplica{{Stack: StackDR, FromStack: StackProd, RepositoryPrefix: "agent-platform-prod", Region: "us-west-2"}}

// dockerHubCredsPath is the Secrets Manager prefix ECR pull-through cache rules require.
const (
	dockerHubCredsPath = "ecr-pullthroughcache/"
)

// Partition is which plan resources each `pulumi up` phase creates. Deploy is the
// Kubernetes providers and every dependent of one, transitively through dependencies,
// property dependencies, parents and provider references (what `pulumi up --exclude
// <provider> --exclude-dependents` leaves out); a deferred resource (DeferredTypes) and
// its other dependents belong to its phase; bootstrap is everything else.
type Partition struct {
	// K8sProviders are the Kubernetes providers; Excluded every URN bootstrap passes to
	// --exclude (the providers and the deferred resources), in plan order.
	K8sProviders, Excluded []string
	// Bootstrap and Deploy are URNs in plan order; ByPhase holds every creating phase
	// (runner-webhook too). Every resource is in exactly one.
	Bootstrap, Deploy []string
	ByPhase           map[string][]string
	phase             map[string]string
}

// PhaseOf returns the phase that creates a URN of the plan.
func (p Partition) PhaseOf(urn string) string { return p.phase[urn] }

// PartitionOf computes the partition of a stack.
func PartitionOf(s Stack) Partition {
	dependents := map[string][]string{}
	for _, r := range s.Resources {
		on := slices.Clone(r.Dependencies)
		for _, deps := range r.PropertyDependencies {
			on = append(on, deps...)
		}
		on = append(on, r.Parent, r.Provider)
		for _, d := range on {
			if d != "" && d != r.URN {
				dependents[d] = append(dependents[d], r.URN)
			}
		}
	}
	p := Partition{phase: map[string]string{}, ByPhase: map[string][]string{}}
	// mark gives the seeds and their transitive dependents a phase; deploy runs last, so
	// it wins over a deferred phase.
	mark := func(phase string, seeds []string) {
		queue := slices.Clone(seeds)
		for _, u := range seeds {
			p.phase[u] = phase
		}
		for len(queue) > 0 {
			cur := queue[0]
			queue = queue[1:]
			for _, d := range dependents[cur] {
				if p.phase[d] == "" || (phase == PhaseDeploy && p.phase[d] != PhaseDeploy) {
					p.phase[d] = phase
					queue = append(queue, d)
				}
			}
		}
	}
	deferred := map[string][]string{}
	for _, r := range s.Resources {
		switch ph, ok := DeferredTypes[r.Type]; {
		case r.Type == tokens.ProviderK8s:
			p.K8sProviders = append(p.K8sProviders, r.URN)
			p.Excluded = append(p.Excluded, r.URN)
		case ok:
			deferred[ph] = append(deferred[ph], r.URN)
			p.Excluded = append(p.Excluded, r.URN)
		}
	}
	for _, ph := range DeployPhases {
		if len(deferred[ph.Name]) > 0 {
			mark(ph.Name, deferred[ph.Name])
		}
	}
	mark(PhaseDeploy, p.K8sProviders)
	for _, r := range s.Resources {
		if p.phase[r.URN] == "" {
			p.phase[r.URN] = PhaseBootstrap
		}
		ph := p.phase[r.URN]
		p.ByPhase[ph] = append(p.ByPhase[ph], r.URN)
	}
	p.Bootstrap, p.Deploy = p.ByPhase[PhaseBootstrap], p.ByPhase[PhaseDeploy]
	return p
}

// needsKubeAPI reports a resource whose create, read or delete calls the Kubernetes API:
// a kubernetes:* object, or anything whose provider is a Kubernetes provider.
func needsKubeAPI(r Resource) bool {
	return strings.HasPrefix(r.Type, "kubernetes:") || urnType(r.Provider) == tokens.ProviderK8s
}

// replicaOf returns the declared image replica of a stack.
func replicaOf(stack string) (ImageReplica, bool) {
	i := slices.IndexFunc(ImageReplicas, func(r ImageReplica) bool { return r.Stack == stack })
	if i < 0 {
		return ImageReplica{}, false
	}
	return ImageReplicas[i], true
}
