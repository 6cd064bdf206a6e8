package rules

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
)

// Every behaviour of the day-2 catalogue, each with the variant the rule must catch and
// the one that converges.

func nodeGroup(ignore ...string) Resource {
	return res(tokens.EKSNodeGroup, "cluster-general", map[string]any{"scalingConfig": map[string]any{"minSize": 3, "desiredSize": 3, "maxSize": 6}},
		withID("ng-1"), func(r *Resource) { r.IgnoreChanges = ignore })
}

func scaledDeployment(replicas any) Resource {
	spec := map[string]any{"template": map[string]any{}}
	if replicas != nil {
		spec["replicas"] = replicas
	}
	return res(tokens.K8sDeployment, "api", map[string]any{"metadata": map[string]any{"name": "api", "namespace": "platform"}, "spec": spec},
		withID("platform/api"))
}

func hpaFor(target string) Resource {
	return res(tokens.K8sHorizontalPodAutoscaler, "api", map[string]any{"metadata": map[string]any{"name": "api", "namespace": "platform"},
		"spec": map[string]any{"minReplicas": 2, "maxReplicas": 10,
			"scaleTargetRef": map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "name": target}}}, withID("platform/api"))
}

func scaledObjectFor(target string) Resource {
	return res(tokens.K8sScaledObject, "worker", map[string]any{"metadata": map[string]any{"name": "worker", "namespace": "platform"},
		"spec": map[string]any{"minReplicaCount": 1, "maxReplicaCount": 10, "scaleTargetRef": map[string]any{"name": target}}},
		withID("platform/worker"))
}

func nodeSG(inline bool) Resource {
	in := map[string]any{"name": "agent-platform-dr-eks-nodes", "description": "EKS nodes",
		"tags": map[string]any{"kubernetes.io/cluster/agent-platform-dr": "owned"}}
	if inline {
		in["ingress"] = []any{map[string]any{"protocol": "-1", "fromPort": 0, "toPort": 0, "self": true}}
	}
	return res(tokens.EC2SecurityGroup, "cluster-nodes", in, withID("sg-1"))
}

func redisGroup(version string) Resource {
	return res(tokens.ElastiCacheReplicationGroup, "cache-queue", map[string]any{"engine": "redis", "engineVersion": version, "autoMinorVersionUpgrade": true},
		withID("agent-platform-dr-queue"))
}

func TestDay2Behaviours(t *testing.T) {
	t.Parallel()
	copyURN := urnOf(tSnapshotCopy, "restore-copy")
	snapshotCopy := res(tSnapshotCopy, "restore-copy", map[string]any{"sourceDbSnapshotIdentifier": "arn:aws:rds:us-east-1:1:snapshot:x",
		"targetDbSnapshotIdentifier": "dr-copy", "kmsKeyId": dataKeyARN}, withID("dr-copy"))
	for _, c := range []struct {
		name, behaviour string
		state           Stack
		program         *Stack // the second run when it differs from the first
		want            Day2Outcome
		msg             string // a fragment of the finding, for the failing outcomes
	}{
		{"restore names the stack's key", "rds-restore-keeps-snapshot-key", stack("dr", restoredDB(map[string]any{"kmsKeyId": dataKeyARN})), nil,
			Day2Replaces, `the KMS key of snapshot "platform-prod-dr-drill" while the program sets "` + dataKeyARN},
		{"point-in-time restore names the stack's key", "rds-restore-keeps-snapshot-key", stack("dr", restoredDB(map[string]any{"kmsKeyId": dataKeyARN,
			"snapshotIdentifier": del, "restoreToPointInTime": map[string]any{"useLatestRestorableTime": true,
				"sourceDbInstanceAutomatedBackupsArn": "arn:aws:rds:us-west-2:1:auto-backup:ab-1"}})), nil,
			Day2Replaces, "the KMS key of the point-in-time restore's source backups"},
		{"restore leaves the key to the snapshot", "rds-restore-keeps-snapshot-key", stack("dr", restoredDB(nil)), nil, Day2Converges, ""},
		{"restore from a copy under the stack's key", "rds-restore-keeps-snapshot-key", stack("dr", snapshotCopy,
			restoredDB(map[string]any{"kmsKeyId": dataKeyARN, "snapshotIdentifier": "dr-copy"}, deps("snapshotIdentifier", copyURN))), nil, Day2Converges, ""},
		{"restore with an exact minor", "rds-restore-keeps-snapshot-engine-version", stack("dr", restoredDB(map[string]any{"engineVersion": "16.6"})), nil,
			Day2Reverts, `engineVersion is then "16.7" while the program sets "16.6"`},
		{"restore with the major only", "rds-restore-keeps-snapshot-engine-version", stack("dr", restoredDB(nil)), nil, Day2Converges, ""},
		{"exact minor with auto upgrades", "rds-auto-minor-upgrade", stack("prod", restoredDB(map[string]any{"engineVersion": "16.6", "snapshotIdentifier": del})), nil,
			Day2Reverts, "Fix: configure the major version only"},
		{"major only with auto upgrades", "rds-auto-minor-upgrade", stack("prod", restoredDB(map[string]any{"snapshotIdentifier": del})), nil, Day2Converges, ""},
		{"storage grew, autoscaling still on", "rds-storage-autoscaling", stack("prod", restoredDB(nil)), nil, Day2Suppressed, ""},
		{"storage grew, then autoscaling switched off", "rds-storage-autoscaling", stack("prod", restoredDB(nil)),
			ptr(stack("prod", restoredDB(map[string]any{"maxAllocatedStorage": del}))), Day2Reverts, `allocatedStorage is then 60 while the program sets 50`},
		{"failover with a pinned zone", "rds-multi-az-failover", stack("prod", restoredDB(map[string]any{"availabilityZone": "us-west-2a"})), nil,
			Day2Replaces, `availabilityZone is then "us-west-2b" while the program sets "us-west-2a"`},
		{"failover, zone left to RDS", "rds-multi-az-failover", stack("prod", restoredDB(nil)), nil, Day2Converges, ""},
		{"redis major.minor", "elasticache-auto-minor-upgrade", stack("prod", redisGroup("7.1")), nil, Day2Converges, ""},
		{"redis exact patch", "elasticache-auto-minor-upgrade", stack("prod", redisGroup("7.1.0")), nil, Day2Reverts, `engineVersion is then "7.1"`},
		{"redis lowered below the state", "elasticache-auto-minor-upgrade", stack("prod", redisGroup("7.1")), ptr(stack("prod", redisGroup("7.0"))),
			Day2Replaces, "engineVersion forces a replacement"},
		{"node group ignores desiredSize", "eks-autoscaler-desired-size", stack("prod", nodeGroup("scalingConfig.desiredSize")), nil, Day2Ignored, ""},
		{"node group ignores the whole scalingConfig", "eks-autoscaler-desired-size", stack("prod", nodeGroup("scalingConfig")), nil, Day2Ignored, ""},
		{"node group owns desiredSize", "eks-autoscaler-desired-size", stack("prod", nodeGroup()), nil,
			Day2Reverts, `scalingConfig.desiredSize is then 4 while the program sets 3`},
		{"HPA target without replicas", "k8s-hpa-replicas", stack("prod", scaledDeployment(nil), hpaFor("api")), nil, Day2Converges, ""},
		{"HPA target with replicas", "k8s-hpa-replicas", stack("prod", scaledDeployment(2), hpaFor("api")), nil,
			Day2Reverts, `spec.replicas is then 3 while the program sets 2`},
		{"ScaledObject target with replicas", "keda-replicas", stack("prod", scaledDeployment(2), scaledObjectFor("api")), nil, Day2Reverts, "leave spec.replicas unset"},
		{"ScaledObject target without replicas", "keda-replicas", stack("prod", scaledDeployment(nil), scaledObjectFor("api")), nil, Day2Converges, ""},
		{"node group with inline rules", "lbc-backend-sg-rules", stack("prod", nodeSG(true)), nil,
			Day2Reverts, "the declared rules plus the controller's rule from its backend group k8s-traffic-agent-platform-dr"},
		{"node group with rule resources", "lbc-backend-sg-rules", stack("prod", nodeSG(false)), nil, Day2Converges, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			prog := c.state
			if c.program != nil {
				prog = *c.program
			}
			rep := Day2(c.state, prog)
			require.Equal(t, 1, rep.Applied[c.behaviour], "applied counts %v", rep.Applied)
			var got []Day2Diff
			for _, d := range rep.Diffs {
				if d.Behaviour.ID == c.behaviour {
					got = append(got, d)
				}
			}
			require.Len(t, got, 1)
			require.Equal(t, c.want, got[0].Outcome, "%s: state %s, program %s (%s)", got[0].Path, got[0].State, got[0].Program, got[0].Why)
			fs := Day2Report{Applied: rep.Applied, Diffs: got}.Findings()
			if c.want < Day2Undecided {
				require.Empty(t, fs)
				return
			}
			require.Len(t, fs, 1)
			require.Contains(t, fs[0].Message, c.msg)
			b := got[0].Behaviour
			require.Contains(t, fs[0].Message, b.Name)
			require.Contains(t, fs[0].Message, b.Source)
			require.Contains(t, fs[0].Message, "Fix: "+b.Fix)
		})
	}
}

func ptr(s Stack) *Stack { return &s }

// TestDay2Catalogue: at least eight behaviours, each documented and sourced.
func TestDay2Catalogue(t *testing.T) {
	t.Parallel()
	bs := Day2Behaviours()
	require.GreaterOrEqual(t, len(bs), 8)
	seen := map[string]bool{}
	for _, b := range bs {
		require.False(t, seen[b.ID], b.ID)
		seen[b.ID] = true
		require.NotEmpty(t, b.Name, b.ID)
		require.NotEmpty(t, b.Fact, b.ID)
		require.NotEmpty(t, b.Fix, b.ID)
		require.NotEmpty(t, b.Types, b.ID)
		require.NotNil(t, b.drift, b.ID)
		require.True(t, strings.HasPrefix(b.Source, "https://"), "%s: source %q", b.ID, b.Source)
	}
}

// TestDay2Unknowns: an unknown input is open in a preview (no state yet) unless it cannot
// be the state's value, and different once the resource has state.
func TestDay2Unknowns(t *testing.T) {
	t.Parallel()
	preview := func(opts ...opt) Resource {
		r := restoredDB(map[string]any{"kmsKeyId": unk}, opts...)
		r.ID = ""
		return r
	}
	for _, c := range []struct {
		name string
		r    Resource
		want Day2Outcome
	}{
		{"preview", preview(), Day2Undecided},
		// A key this stack creates did not exist when the snapshot was taken.
		{"preview, the key comes from the stack", preview(deps("kmsKeyId", urnOf(tokens.KMSKey, "secrets-data"))), Day2Replaces},
		{"update", restoredDB(map[string]any{"kmsKeyId": unk}), Day2Replaces},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := stack("dr", c.r)
			for _, d := range Day2(s, s).Diffs {
				if d.Path == "kmsKeyId" {
					require.Equal(t, c.want, d.Outcome)
					return
				}
			}
			t.Fatal("no kmsKeyId diff")
		})
	}
}

func TestDay2IgnoreChangesPaths(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		entries []string
		path    string
		want    bool
	}{
		{[]string{"scalingConfig.desiredSize"}, "scalingConfig.desiredSize", true},
		{[]string{"scalingConfig"}, "scalingConfig.desiredSize", true},
		{[]string{"spec.*"}, "spec.replicas", true},
		{[]string{"ingress[*]"}, "ingress[0].cidrBlocks", true},
		{[]string{"scalingConfig.maxSize"}, "scalingConfig.desiredSize", false},
		{[]string{"scalingConfig.desiredSize"}, "scalingConfig", false},
		{nil, "kmsKeyId", false},
	} {
		_, got := ignored(c.entries, c.path)
		require.Equal(t, c.want, got, "%v covers %s", c.entries, c.path)
	}
}

func TestRDSEngineVersionRead(t *testing.T) {
	t.Parallel()
	for _, c := range [][3]string{{"16", "16.9", "16"}, {"16.6", "16.9", "16.9"}, {"16.6", "16.6", "16.6"}, {"1.3", "1.3.27", "1.3"}, {"16.1", "16.10", "16.10"}} {
		require.Equal(t, c[2], rdsEngineVersionRead(c[0], c[1]), "configured %s, actual %s", c[0], c[1])
	}
}
