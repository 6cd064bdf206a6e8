package database

import (
	"testing"

	"github.com/generic-corp/platform/plan"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
)

const tNetworkPolicy = "kubernetes:networking.k8s.io/v1:NetworkPolicy"

func TestPgBouncerNetworkPolicy(t *testing.T) {
	cases := []struct {
		name    string
		network *PgBouncerNetwork
		want    map[string]any // the policy's spec, nil for none
	}{
		{name: "none by default", network: nil},
		{name: "clients, Prometheus, DNS and RDS", network: &PgBouncerNetwork{RdsCidr: pulumi.String("10.30.0.0/16"), ClientNamespaces: []string{"platform"}},
			want: map[string]any{
				"podSelector": map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "pgbouncer"}},
				"policyTypes": []any{"Ingress", "Egress"},
				"ingress": []any{
					map[string]any{"from": []any{map[string]any{"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": "platform"}},
						"podSelector": map[string]any{"matchLabels": map[string]any{}}}},
						"ports": []any{map[string]any{"port": 5432.0, "protocol": "TCP"}}},
					map[string]any{"from": []any{map[string]any{"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": "monitoring"}},
						"podSelector": map[string]any{"matchLabels": map[string]any{}}}},
						"ports": []any{map[string]any{"port": 9127.0, "protocol": "TCP"}}},
				},
				"egress": []any{
					map[string]any{"to": []any{map[string]any{"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": "kube-system"}},
						"podSelector": map[string]any{"matchLabels": map[string]any{"k8s-app": "kube-dns"}}}},
						"ports": []any{map[string]any{"port": 53.0, "protocol": "TCP"}, map[string]any{"port": 53.0, "protocol": "UDP"}}},
					map[string]any{"to": []any{map[string]any{"ipBlock": map[string]any{"cidr": "10.30.0.0/16"}}},
						"ports": []any{map[string]any{"port": 5432.0, "protocol": "TCP"}}},
				},
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := plan.Capture(standalone(fixtureRdsAddress, func(a *PgBouncerStandaloneArgs) { a.Network = c.network }), plan.Options{Mode: plan.Update})
			require.NoError(t, err)
			objs := kubernetesObjects(p)
			pol, ok := objs[tNetworkPolicy+" data/pgbouncer"]
			if c.want == nil {
				require.False(t, ok, "no policy without Network")
				return
			}
			require.True(t, ok, "no NetworkPolicy data/pgbouncer")
			require.Equal(t, c.want, pol.(map[string]any)["spec"])
			pols := p.ByType(tNetworkPolicy)
			require.Len(t, pols, 1)
			dep := p.Named("kubernetes:apps/v1:Deployment", "db-pgbouncer")
			require.Contains(t, dep.Dependencies, pols[0].URN, "the pods start after their policy")
		})
	}
}

func TestPgBouncerNetworkArgsAreChecked(t *testing.T) {
	_, err := plan.Capture(standalone(fixtureRdsAddress, func(a *PgBouncerStandaloneArgs) { a.Network = &PgBouncerNetwork{} }), plan.Options{})
	require.ErrorContains(t, err, "Network.RdsCidr is required")
	require.ErrorContains(t, err, "Network.ClientNamespaces is required")
}
