package temporal

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

const tNetworkPolicy = "kubernetes:networking.k8s.io/v1:NetworkPolicy"

func withNetwork(a *TemporalArgs) {
	a.Network = &TemporalNetwork{VpcCidr: pulumi.String("10.30.0.0/16"), ClientNamespaces: []string{"platform", "keda"}}
}

// TestNetworkPolicies: one policy per server service, the Web UI and the schema Job, each
// selecting its pods by the chart's labels, and the schema Job (so the chart) waiting for
// all of them.
func TestNetworkPolicies(t *testing.T) {
	p := capture(t, plan.Update, withNetwork)
	byName := map[string]*plan.Resource{}
	for _, r := range p.ByType(tNetworkPolicy) {
		byName[testkit.Str(t, r.Input("metadata.name"))] = r
	}
	require.Len(t, byName, 6)
	cases := []struct {
		policy    string
		component string
		ingress   int // rules
		egress    int
	}{
		{"temporal-frontend", "frontend", 3, 3},
		{"temporal-history", "history", 2, 3},
		{"temporal-matching", "matching", 2, 3},
		{"temporal-worker", "worker", 2, 3},
		{"temporal-web", "web", 1, 2},
	}
	for _, c := range cases {
		t.Run(c.policy, func(t *testing.T) {
			r := byName[c.policy]
			require.NotNil(t, r)
			labels := r.Input("spec.podSelector.matchLabels").AsMap()
			require.Equal(t, c.component, labels.Get("app.kubernetes.io/component").AsString())
			require.Equal(t, "temporal", labels.Get("app.kubernetes.io/instance").AsString())
			require.Len(t, r.Input("spec.ingress").AsArray().AsSlice(), c.ingress)
			require.Len(t, r.Input("spec.egress").AsArray().AsSlice(), c.egress)
		})
	}
	front := byName["temporal-frontend"]
	clients := front.Input("spec.ingress[2].from").AsArray().AsSlice()
	require.Len(t, clients, 2, "platform and keda")
	require.Equal(t, 7233.0, front.Input("spec.ingress[2].ports[0].port").AsNumber())
	schema := byName["temporal-schema"]
	require.Empty(t, schema.Input("spec.ingress").AsArray().AsSlice(), "the schema Job accepts nothing")
	require.Equal(t, 5432.0, schema.Input("spec.egress[1].ports[0].port").AsNumber())

	job := p.ByType(tJob)[0]
	for _, r := range byName {
		require.Contains(t, job.Dependencies, r.URN, "the schema Job waits for %s", r.Name)
	}
}

func TestNetworkArgsAreChecked(t *testing.T) {
	_, err := captureErr(plan.Preview, func(a *TemporalArgs) { a.Network = &TemporalNetwork{} })
	require.ErrorContains(t, err, "Network.VpcCidr")
	require.ErrorContains(t, err, "Network.ClientNamespaces")
}

func TestNoPoliciesWithoutNetwork(t *testing.T) {
	require.Empty(t, capture(t, plan.Preview, nil).ByType(tNetworkPolicy))
}
