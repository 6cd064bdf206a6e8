package replacement

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
)

func TestForces(t *testing.T) {
	t.Parallel()
	const rds = tokens.RDSInstance
	for _, c := range []struct {
		typ, path string
		extra     []string
		want      bool
	}{
		{rds, "kmsKeyId", nil, true},
		{rds, "engineVersion", nil, false},
		{tokens.EKSCluster, "kubernetesNetworkConfig.serviceIpv4Cidr", nil, true},
		{tokens.EKSNodeGroup, "subnetIds[1]", nil, true},
		{tokens.EKSNodeGroup, "scalingConfig.desiredSize", nil, false},
		{rds, "instanceClass", []string{"instanceClass"}, true},
		{tokens.K8sDeployment, "spec.replicas", []string{"*"}, true},
		{"aws:unknown/type:Type", "anything", nil, false},
	} {
		require.Equal(t, c.want, Forces(c.typ, c.path, c.extra), "%s %s %v", c.typ, c.path, c.extra)
	}
	before := len(Properties(rds))
	Forces(rds, "x", []string{"extra"})
	require.Len(t, Properties(rds), before, "extra entries never join the table")
}
