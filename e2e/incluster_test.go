//go:build e2e

package e2e

import (
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/stacks"
)

// The platform half of the tier: the prod stack's in-cluster layer (stacks.DeployInCluster,
// the same code the full program runs after the AWS layer), fed the AWS layer's values
// from stacks.InClusterFixtures, deployed by the real engine through the real Kubernetes
// provider in render mode. Third-party Helm charts are left out of this mode.

// privilegedNamespaces are the namespaces allowed to enforce PSS "privileged", and why.
// Our own workloads in them still pass "restricted" (checkManifests).
var privilegedNamespaces = map[string]string{
	"monitoring": "the monitoring chart's node-exporter (left out in this mode) needs host namespaces",
}

// namespaceManifest returns the rendered Namespace called name.
func namespaceManifest(t *testing.T, ms []manifest, name string) manifest {
	t.Helper()
	for _, m := range ms {
		if m.kind == "Namespace" && m.name == name {
			return m
		}
	}
	require.Failf(t, "namespace not rendered", "no Namespace %q", name)
	return manifest{}
}

func mustDecode(t *testing.T, m manifest) any {
	t.Helper()
	obj, err := decodeStrict(m)
	require.NoError(t, err, "%s decodes strictly", m)
	return obj
}

// prodConfig loads the committed prod stack file the way the program does.
func prodConfig(t testing.TB) *stacks.Config {
	t.Helper()
	raw, err := stacks.ReadStackFile(repoRoot(t), "prod")
	require.NoError(t, err)
	cfg, err := stacks.Load("prod", raw)
	require.NoError(t, err, "Pulumi.prod.yaml loads")
	return cfg
}

// inClusterProgram deploys the in-cluster layer of cfg, rendering into renderDir. It also
// exports a few of the values it was given, so `pulumi stack output` has something to
// read back from the backend (DeployInCluster itself exports nothing).
func inClusterProgram(cfg *stacks.Config, renderDir string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		in := stacks.InClusterFixtures(cfg)
		k8s, err := renderProvider(ctx, renderDir)
		if err != nil {
			return err
		}
		if err := stacks.DeployInCluster(ctx, cfg, in, k8s); err != nil {
			return err
		}
		ctx.Export("environment", pulumi.String(cfg.Environment))
		ctx.Export("apiImage", in.Images["api"])
		ctx.Export("dbAddress", in.DbAddress)
		return nil
	}
}

func TestProdInClusterLayerRenders(t *testing.T) {
	requireTools(t)
	cfg := prodConfig(t)
	dir := filepath.Join(t.TempDir(), "render")
	renderLifecycle(t, "prod", dir, inClusterProgram(cfg, dir), func(t *testing.T, ms []manifest, outputs auto.OutputMap) {
		count := map[string]int{}
		namespaces := map[string]bool{}
		custom := 0
		for _, m := range ms {
			count[m.apiVersion+" "+m.kind]++
			if m.kind == "Namespace" {
				namespaces[m.name] = true
			}
			if isCustom(m.apiVersion) {
				custom++
			}
		}
		t.Logf("rendered kinds: %v", count)
		// The workloads and what keeps them safe and available are all there.
		for _, kind := range []string{
			"v1 Namespace", "apps/v1 Deployment", "v1 Service", "v1 ServiceAccount",
			"policy/v1 PodDisruptionBudget", "networking.k8s.io/v1 NetworkPolicy", "networking.k8s.io/v1 Ingress",
		} {
			require.NotZero(t, count[kind], "the prod in-cluster layer renders a %s", kind)
		}
		// Custom resources render without their CRDs installed (render mode has no
		// cluster to discover them from).
		require.NotZero(t, custom, "custom resources (ExternalSecret, ScaledObject, ...) are rendered")
		// Every namespaced object lands in a namespace the layer itself creates, and the
		// namespaces running workloads have the admission controller enforce what the
		// manifests were just checked against.
		for _, m := range ms {
			if m.namespace != "" {
				require.True(t, namespaces[m.namespace], "%s is in a namespace the layer renders", m)
			}
		}
		for _, m := range ms {
			if _, _, ok := podTemplate(mustDecode(t, m)); !ok {
				continue
			}
			want := "restricted"
			if why, ok := privilegedNamespaces[m.namespace]; ok {
				want = "privileged"
				t.Logf("namespace %s enforces privileged: %s", m.namespace, why)
			}
			ns := namespaceManifest(t, ms, m.namespace)
			require.Equal(t, want, ns.labels["pod-security.kubernetes.io/enforce"], "namespace of %s enforces PSS %s", m, want)
		}
		require.Equal(t, cfg.Environment, outputs["environment"].Value)
		require.Contains(t, outputs["apiImage"].Value, ".dkr.ecr.")
		require.Contains(t, outputs["dbAddress"].Value, ".rds.amazonaws.com")
	})
}

// TestProdInClusterLayerPassesPolicies previews the same layer with the pack and the
// committed prod policy config: the real program must pass its own policies through the
// real engine, not only in the offline gate.
func TestProdInClusterLayerPassesPolicies(t *testing.T) {
	requireTools(t)
	cfg := prodConfig(t)
	run := previewWithPack(t, inClusterProgram(cfg, t.TempDir()), prodPolicyConfig(t))
	require.Contains(t, run.out, "platform@v0.1.0", "the engine's policy summary names the pack")
	require.NoError(t, run.err, "the prod in-cluster layer passes the prod policies")
	require.NotContains(t, run.out, "[mandatory]")
}
