package tests

import (
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/plan/stackplan"
	"github.com/generic-corp/platform/stacks"
)

// captureInCluster deploys only the in-cluster layer of a stack, from fixtures, the way
// the real-engine tier does (a Kubernetes provider and nothing else).
func captureInCluster(t *testing.T, stack string, mode plan.Mode) *plan.Plan {
	t.Helper()
	root, err := stackplan.ProjectRoot()
	require.NoError(t, err)
	raw, err := stacks.ReadStackFile(root, stack)
	require.NoError(t, err)
	cfg, err := stacks.Load(stack, raw)
	require.NoError(t, err)
	p, err := plan.Capture(func(ctx *pulumi.Context) error {
		k8s, err := kubernetes.NewProvider(ctx, "render", &kubernetes.ProviderArgs{RenderYamlToDirectory: pulumi.String("/tmp/unused")})
		if err != nil {
			return err
		}
		return stacks.DeployInCluster(ctx, cfg, stacks.InClusterFixtures(cfg), k8s)
	}, plan.Options{Stack: stack, Mode: mode})
	require.NoError(t, err)
	return p
}

func TestInClusterLayerNeedsOnlyKubernetes(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p := captureInCluster(t, "prod", mode)
			for _, r := range p.Resources {
				require.False(t, strings.HasPrefix(r.Type, "aws:") || strings.HasPrefix(r.Type, "random:"),
					"the in-cluster layer registered %s %s", r.Type, r.Name)
				require.NotEqual(t, tokens.K8sHelmChart, r.Type, "charts are left out of the in-cluster-only deployment")
			}
			deployments := map[string]bool{}
			for _, d := range p.ByType(tokens.K8sDeployment) {
				deployments[str(d.Input("metadata.name"))] = true
			}
			for _, name := range []string{"api", "worker", "temporal-worker", "pgbouncer"} {
				require.True(t, deployments[name], "Deployment %s", name)
			}
			require.NotEmpty(t, p.ByType(tokens.K8sJob), "migration and Temporal schema Jobs")
			require.NotEmpty(t, p.ByType(tokens.K8sPrometheusRule))
			require.NotEmpty(t, p.ByType(tokens.K8sScaledObject))
		})
	}
}

// TestFullProgramPassesTheSameInClusterLayer: the full program deploys exactly the
// in-cluster objects the seam deploys, plus the third-party charts and the add-ons'
// own namespaces.
func TestFullProgramPassesTheSameInClusterLayer(t *testing.T) {
	seam := captureInCluster(t, "prod", plan.Preview)
	full := capture(t, "prod", plan.Preview)
	k8sObjects := func(p *plan.Plan) []string {
		var out []string
		for _, r := range p.Resources {
			if c := p.Component(r, "platform:"); c != nil && c.Type == "platform:addons:Addons" {
				continue
			}
			if strings.HasPrefix(r.Type, "kubernetes:") && r.Type != tokens.K8sHelmChart {
				out = append(out, r.Type+" "+r.Name)
			}
		}
		sort.Strings(out)
		return out
	}
	require.Equal(t, k8sObjects(seam), k8sObjects(full))
	require.NotEmpty(t, full.ByType(tokens.K8sHelmChart))
}
