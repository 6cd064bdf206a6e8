//go:build e2e

package e2e

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestControlPlaneRunsThePinnedMinor: the API server the tier applies to is the
// Kubernetes minor prod's control plane runs (platform:kubernetesVersion), so what it
// admits and validates is what EKS would.
func TestControlPlaneRunsThePinnedMinor(t *testing.T) {
	cp := requireCluster(t)
	want, err := kubeVersion()
	require.NoError(t, err)
	require.Equal(t, "v"+want, cp.version, "the running server is the one scripts/pulumi-tools.sh built")
	cfg := prodConfig(t)
	require.True(t, strings.HasPrefix(want, cfg.Cluster.KubernetesVersion+"."),
		"scripts/pulumi-tools.sh KUBE_VERSION %s must be of the minor Pulumi.prod.yaml pins (%s)", want, cfg.Cluster.KubernetesVersion)
}
