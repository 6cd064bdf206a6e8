package tests

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
)

const (
	netpolType = tokens.K8sNetworkPolicy
	storeType  = tokens.K8sSecretStore
)

// named finds the one resource of a type with exactly this logical name in namespace.
func named(p *plan.Plan, typ, name, namespace string) (*plan.Resource, error) {
	for _, r := range p.ByType(typ) {
		if r.Name == name && (namespace == "" || str(r.Input("metadata").AsMap().Get("namespace")) == namespace) {
			return r, nil
		}
	}
	return nil, fmt.Errorf("no %s %q in namespace %q", typ, name, namespace)
}

func removeNamed(typ, name, namespace string) func(*plan.Plan) error {
	return func(p *plan.Plan) error {
		r, err := named(p, typ, name, namespace)
		if err != nil {
			return err
		}
		kept := p.Resources[:0:0]
		for _, x := range p.Resources {
			if x != r {
				kept = append(kept, x)
			}
		}
		p.Resources = kept
		return nil
	}
}

// dropEgress removes the egress rule at index i of a NetworkPolicy.
func dropEgress(name, namespace string, i int) func(*plan.Plan) error {
	return func(p *plan.Plan) error {
		r, err := named(p, netpolType, name, namespace)
		if err != nil {
			return err
		}
		rules := r.Input("spec.egress").AsArray().AsSlice()
		if i >= len(rules) {
			return fmt.Errorf("%s has %d egress rules", name, len(rules))
		}
		kept := append(append([]property.Value{}, rules[:i]...), rules[i+1:]...)
		r.Inputs = set(r.Inputs, "spec.egress", property.New(kept))
		return nil
	}
}

// storeWaitsFor makes a SecretStore depend on a resource (by type and logical name).
func storeWaitsFor(store, namespace, typ, name string) func(*plan.Plan) error {
	return func(p *plan.Plan) error {
		s, err := named(p, storeType, store, namespace)
		if err != nil {
			return err
		}
		for _, r := range p.Resources {
			if r.Type == typ && r.Name == name {
				s.Dependencies = append(append([]string{}, s.Dependencies...), r.URN)
				return nil
			}
		}
		return fmt.Errorf("no %s %q", typ, name)
	}
}

func rolloutMutations() []mutation {
	return []mutation{
		{"pgbouncer allow policy removed", "netpol-required-flows", removeNamed(netpolType, "pgbouncer", "data")},
		{"temporal frontend allow policy removed", "netpol-required-flows", removeNamed(netpolType, "temporal-frontend", "temporal")},
		{"api loses DNS egress", "netpol-required-flows", dropEgress("api", "platform", 0)},
		{"rds ingress from the nodes dropped", "netpol-required-flows",
			removeNamed(tokens.VPCSecurityGroupIngressRule, "database-ingress-0", "")},
		{"monitoring store after the observability component", "k8s-readiness-deadlock",
			storeWaitsFor("monitoring-secrets", "monitoring", "platform:observability:Observability", "observability")},
		{"api store created after the api", "k8s-readiness-deadlock",
			storeWaitsFor("api-secrets", "platform", tokens.K8sDeployment, "api")},
		{"pgbouncer pulled from Docker Hub again", "k8s-hygiene", editContainer("pgbouncer", "image", "edoburu/pgbouncer:v1.24.1-p0")},
		{"data namespace without default deny", "netpol-default-deny", removeNamed(netpolType, "data-namespace-default-deny", "data")},
		{"worker may reach the whole VPC on 7233", "netpol-least-open", func(p *plan.Plan) error {
			r, err := named(p, netpolType, "worker", "platform")
			if err != nil {
				return err
			}
			rules := r.Input("spec.egress").AsArray().AsSlice()
			extra := pv(map[string]any{"to": []any{map[string]any{"ipBlock": map[string]any{"cidr": "10.30.0.0/16"}}},
				"ports": []any{map[string]any{"port": 7233, "protocol": "TCP"}}})
			r.Inputs = set(r.Inputs, "spec.egress", property.New(append(append([]property.Value{}, rules...), extra)))
			return nil
		}},
	}
}
