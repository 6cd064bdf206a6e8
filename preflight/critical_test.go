package preflight_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/preflight"
)

func TestCriticalPathOfTheStacks(t *testing.T) {
	for _, stack := range []string{"staging", "prod", "dr"} {
		t.Run(stack, func(t *testing.T) {
			cp := report(t, stack, plan.Preview).CriticalPath
			require.Greater(t, cp.Minutes, 10.0, "a rebuild includes at least an EKS cluster")
			require.NotEmpty(t, cp.Chain)
			require.Equal(t, preflight.TimingsSource, cp.TimingsSource)
			last := cp.Chain[len(cp.Chain)-1]
			require.InDelta(t, cp.Minutes, last.FinishMinutes, 0.11, "the chain ends when the rebuild does")
			for i := 1; i < len(cp.Chain); i++ {
				require.GreaterOrEqual(t, cp.Chain[i].StartMinutes+0.11, cp.Chain[i-1].FinishMinutes,
					"step %d (%s) starts after step %d (%s) is done", i, cp.Chain[i].Name, i-1, cp.Chain[i-1].Name)
			}
			var types []string
			for _, k := range cp.Keystones {
				types = append(types, k.Type)
				require.Less(t, k.StartMinutes, k.FinishMinutes)
			}
			for _, want := range preflight.KeystoneTypes {
				require.Contains(t, types, want)
			}
		})
	}
}

// TestNoFalseSerialisation is the DESIGN.md budget: RDS, ElastiCache, EKS and CloudFront
// must be able to create in parallel. The RDS security group admitting the node
// security group is a dependency of the ingress rule, not of the instance, so the
// database does not wait for the cluster.
func TestNoFalseSerialisation(t *testing.T) {
	for _, stack := range []string{"staging", "prod", "dr"} {
		t.Run(stack, func(t *testing.T) {
			cp := report(t, stack, plan.Preview).CriticalPath
			require.Empty(t, cp.Serialised, "keystones wait for each other")
			for _, k := range cp.Keystones {
				if k.Type != tokens.CloudFrontDistribution {
					require.Less(t, k.StartMinutes, 2.0, "%s %s starts early", k.Type, k.Name)
				}
			}
		})
	}
}

// synthetic builds a tiny report: comp (a platform component) holding a, b and the
// cluster; db depends on nothing; workload uses a provider that depends on the cluster.
func synthetic() *preflight.Report {
	res := func(urn, typ, parent string, custom bool, deps ...string) preflight.Resource {
		return preflight.Resource{URN: urn, Type: typ, Name: urn, Parent: parent, Custom: custom, Dependencies: deps, Inputs: map[string]any{}}
	}
	rs := []preflight.Resource{
		res("comp", "platform:x:Comp", "", false),
		res("role", tokens.IAMRole, "comp", true),
		res("cluster", tokens.EKSCluster, "comp", true, "role"),
		res("k8s", tokens.ProviderK8s, "comp", true, "cluster"),
		res("db", tokens.RDSInstance, "", true),
		res("after-comp", tokens.S3BucketV2, "", true, "comp"),
		res("workload", tokens.K8sDeployment, "", true),
	}
	rs[6].Provider = "k8s"
	return &preflight.Report{Stack: "x", Resources: rs}
}

func TestCriticalPathModel(t *testing.T) {
	timings, err := preflight.LoadTimings()
	require.NoError(t, err)
	r := synthetic()
	r.CriticalPath = preflight.AnalyseForTest(r.Resources, timings)
	cp := r.CriticalPath

	eks := timings.Lookup(tokens.EKSCluster).Minutes
	dep := timings.Lookup(tokens.K8sDeployment).Minutes
	role := timings.Default.Minutes
	require.InDelta(t, role+eks+dep, cp.Minutes, 0.05, "role -> cluster -> provider -> deployment")
	var names []string
	for _, s := range cp.Chain {
		names = append(names, s.Name)
	}
	require.Equal(t, []string{"role", "cluster", "k8s", "workload"}, names, "the workload waits for the cluster through its provider")

	// Depending on a component waits for all of its children.
	t.Run("component dependency", func(t *testing.T) {
		r := synthetic()
		r.Resources = slices.DeleteFunc(r.Resources, func(x preflight.Resource) bool { return x.URN == "workload" })
		cp := preflight.AnalyseForTest(r.Resources, timings)
		require.Equal(t, "after-comp", cp.Chain[len(cp.Chain)-1].Name)
		require.InDelta(t, role+eks+timings.Default.Minutes, cp.Minutes, 0.05)
	})
	t.Run("serialisation is reported", func(t *testing.T) {
		r := synthetic()
		r.Resources[4].Dependencies = []string{"comp"} // the database waits for the cluster's component
		cp := preflight.AnalyseForTest(r.Resources, timings)
		require.Len(t, cp.Serialised, 1)
		require.Equal(t, "db", cp.Serialised[0].URN)
		require.Equal(t, "cluster", cp.Serialised[0].DependsOn)
		require.Equal(t, []string{"db", "comp", "cluster"}, cp.Serialised[0].Via)
	})
	t.Run("a cycle does not hang", func(t *testing.T) {
		r := synthetic()
		r.Resources[1].Dependencies = []string{"cluster"} // role <-> cluster
		cp := preflight.AnalyseForTest(r.Resources, timings)
		require.Greater(t, cp.Minutes, 0.0)
	})
}

func TestTimingsAreSourced(t *testing.T) {
	timings, err := preflight.LoadTimings()
	require.NoError(t, err)
	require.NotEmpty(t, timings.Default.Basis)
	for _, e := range timings.Types {
		require.NotEmpty(t, e.Basis, e.Type)
		if e.Minutes > 0.5 {
			require.NotEmpty(t, e.Source, e.Type)
		}
	}
	rds := &preflight.Resource{Type: tokens.RDSInstance, Custom: true, Inputs: map[string]any{"multiAz": true}}
	single := &preflight.Resource{Type: tokens.RDSInstance, Custom: true, Inputs: map[string]any{"multiAz": false}}
	restored := &preflight.Resource{Type: tokens.RDSInstance, Custom: true, Inputs: map[string]any{"multiAz": true, "snapshotIdentifier": "snap"}}
	require.Greater(t, timings.Minutes(rds), timings.Minutes(single), "Multi-AZ takes longer")
	require.Greater(t, timings.Minutes(restored), timings.Minutes(rds), "a restore takes longer still")
	require.Zero(t, timings.Minutes(&preflight.Resource{Type: "platform:database:Postgres"}), "components take no time")

	_, err = preflight.ParseTimingsForTest([]byte(`{"default": {"minutes": 0.1, "basis": "x"}, "types": [{"type": "aws:x", "minutes": 3}]}`))
	require.ErrorContains(t, err, "no basis")
	_, err = preflight.ParseTimingsForTest([]byte(`{"default": {"minutes": 0.1, "basis": "x"}, "types": [{"type": "aws:x", "minutes": 3, "basis": "b"}]}`))
	require.ErrorContains(t, err, "needs a source")
}
