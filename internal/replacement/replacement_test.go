package replacement

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestForces(t *testing.T) {
	t.Parallel()
	const rds = "aws:rds/instance:Instance"
	for _, c := range []struct {
		typ, path string
		extra     []string
		want      bool
	}{
		{rds, "kmsKeyId", nil, true},
		{rds, "engineVersion", nil, false},
		{"aws:eks/cluster:Cluster", "kubernetesNetworkConfig.serviceIpv4Cidr", nil, true},
		{"aws:eks/nodeGroup:NodeGroup", "subnetIds[1]", nil, true},
		{"aws:eks/nodeGroup:NodeGroup", "scalingConfig.desiredSize", nil, false},
		{rds, "instanceClass", []string{"instanceClass"}, true},
		{"kubernetes:apps/v1:Deployment", "spec.replicas", []string{"*"}, true},
		{"aws:unknown/type:Type", "anything", nil, false},
	} {
		require.Equal(t, c.want, Forces(c.typ, c.path, c.extra), "%s %s %v", c.typ, c.path, c.extra)
	}
	before := len(Properties(rds))
	Forces(rds, "x", []string{"extra"})
	require.Len(t, Properties(rds), before, "extra entries never join the table")
}
