package tests

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/registry"
	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/policies/rules"
	"github.com/generic-corp/platform/policies/verdict"
)

// The rehearsal of the first deploy (issue 10): the committed stacks pass every rehearsal
// rule, and the partition the two `pulumi up` phases follow is a partition.

var rehearsalRules = []string{"deploy-endpoint-reachable", "deploy-artifacts-provided", "deploy-zone-delegated", "deploy-secret-has-version"}

func TestFirstDeployRehearsalPasses(t *testing.T) {
	for _, stack := range stacksUnderTest {
		for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
			t.Run(stack+"/"+mode.String(), func(t *testing.T) {
				var got []string
				for _, id := range rehearsalRules {
					got = append(got, findingsOf(t, stack, mode, id)...)
				}
				require.Empty(t, got, "the first deploy of an empty account would stop")
			})
		}
	}
}

func TestEveryResourceIsInExactlyOnePhase(t *testing.T) {
	for _, stack := range stacksUnderTest {
		for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
			t.Run(stack+"/"+mode.String(), func(t *testing.T) {
				p := capture(t, stack, mode)
				part := rules.PartitionOf(verdict.Stack(p))
				require.Len(t, part.K8sProviders, 1, "bootstrap excludes the one Kubernetes provider")
				require.ElementsMatch(t, []string{rules.PhaseBootstrap, rules.PhaseRunnerWebhook, rules.PhaseDeploy}, slices.Collect(maps.Keys(part.ByPhase)))
				seen := map[string]string{}
				for phase, urns := range part.ByPhase {
					for _, u := range urns {
						require.Empty(t, seen[u], "%s is in %s and %s", u, seen[u], phase)
						seen[u] = phase
						require.Equal(t, phase, part.PhaseOf(u))
					}
				}
				require.Len(t, seen, len(p.Resources), "every resource is in a phase")
				for _, r := range p.Resources {
					if strings.HasPrefix(r.Type, "kubernetes:") {
						require.Equal(t, rules.PhaseDeploy, seen[r.URN], "%s calls the Kubernetes API", r.URN)
					}
				}
				// What bootstrap must provide for the operator steps and the deploy.
				for _, typ := range []string{eks, tRepository, tPullThrough, tSecret, tSecretVersion, tZone, tokens.EC2VPC,
					tokens.CodeBuildProject, tokens.CodeStarConnection} {
					for _, r := range p.ByType(typ) {
						require.Equal(t, rules.PhaseBootstrap, seen[r.URN], "%s must exist before the deploy phase", r.URN)
					}
				}
				for _, r := range p.ByType(tokens.CodeBuildWebhook) {
					require.Equal(t, rules.PhaseRunnerWebhook, seen[r.URN], "CodeBuild takes the webhook only once the connection is AVAILABLE")
				}
				for _, r := range p.ByType(tRecord) {
					if str(r.Input("type")) == "NS" {
						require.Equal(t, rules.PhaseBootstrap, seen[r.URN], "the delegation comes before the certificates wait for it")
					}
				}
			})
		}
	}
}

// TestDeployModelMatchesTheProgram: the model's declared data agrees with the components
// and the other stacks' plans it stands for.
func TestDeployModelMatchesTheProgram(t *testing.T) {
	require.Equal(t, registry.DefaultRepositories, rules.ImageRepositories, "CI pushes the registry's repositories")
	for _, rep := range rules.ImageReplicas {
		src := capture(t, rep.FromStack, plan.Update)
		rc := one(t, src, tReplication, nil)
		rule := "replicationConfiguration.rules[0]"
		require.Equal(t, rep.RepositoryPrefix+"/", str(rc.Input(rule+".repositoryFilters[0].filter")),
			"%s replicates exactly the repositories %s runs", rep.FromStack, rep.Stack)
		require.Equal(t, stackConfig(t, rep.Stack)["aws:region"], rep.Region, "the replicas live in %s's region", rep.Stack)
		require.Equal(t, rep.Region, str(rc.Input(rule+".destinations[0].region")), "%s replicates into %s", rep.FromStack, rep.Region)
		for _, repo := range rules.ImageRepositories {
			one(t, src, tRepository, func(r *plan.Resource) bool { return str(r.Input("name")) == rep.RepositoryPrefix+"/"+repo })
		}
	}
	for _, ph := range rules.DeployPhases {
		_, ok := rules.ExecutorByName(ph.Executor)
		require.True(t, ok, "phase %s runs on an undeclared executor", ph.Name)
		if !ph.Creates {
			require.NotEmpty(t, ph.ManualBasis, "phase %s needs the basis of its estimate", ph.Name)
		}
		for _, id := range ph.Rules {
			_, ok := rules.ByID(id)
			require.True(t, ok, "phase %s names rule %s", ph.Name, id)
		}
	}
}
