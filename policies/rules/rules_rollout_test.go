package rules

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
)

func after(urns ...string) opt {
	return func(r *Resource) { r.Dependencies = append(r.Dependencies, urns...) }
}

func k8sObj(typ, ns, name string, spec map[string]any, opts ...opt) Resource {
	in := map[string]any{"metadata": map[string]any{"name": name, "namespace": ns}}
	if spec != nil {
		in["spec"] = spec
	}
	return res(typ, ns+"-"+name, in, opts...)
}

func podSpecDeployment(ns, app string, env []any, ports []any, opts ...opt) Resource {
	return k8sObj(tokens.K8sDeployment, ns, app, map[string]any{"template": map[string]any{
		"metadata": map[string]any{"labels": map[string]any{"app": app}},
		"spec":     map[string]any{"containers": []any{map[string]any{"name": app, "image": "x", "env": env, "ports": ports}}},
	}}, opts...)
}

// exporterStack: a Deployment whose env reads a Secret an ExternalSecret writes through a
// SecretStore; storeOpts orders the store.
func exporterStack(storeOpts ...opt) Stack {
	dep := podSpecDeployment("monitoring", "exporter", []any{map[string]any{"name": "PASSWORD",
		"valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": "auth", "key": "password"}}}}, nil)
	es := k8sObj(tokens.K8sExternalSecret, "monitoring", "auth", map[string]any{"secretStoreRef": map[string]any{"name": "store", "kind": "SecretStore"},
		"target": map[string]any{"name": "auth"}})
	store := k8sObj(tokens.K8sSecretStore, "monitoring", "store", map[string]any{}, storeOpts...)
	return stack("prod", dep, es, store)
}

func ns(name string) Resource {
	return res(tokens.K8sNamespace, name, map[string]any{"metadata": map[string]any{"name": name}})
}

func netpol(nsName, name string, pods map[string]any, ingress, egress []any) Resource {
	return k8sObj(tokens.K8sNetworkPolicy, nsName, name, map[string]any{"podSelector": map[string]any{"matchLabels": pods},
		"policyTypes": []any{"Ingress", "Egress"}, "ingress": ingress, "egress": egress})
}

func peerRule(key string, peers []any, ports ...any) map[string]any {
	var ps []any
	for _, p := range ports {
		proto := "TCP"
		if s, ok := p.(string); ok && s == "53/UDP" {
			p, proto = 53, "UDP"
		}
		ps = append(ps, map[string]any{"port": p, "protocol": proto})
	}
	return map[string]any{key: peers, "ports": ps}
}

func selPeer(nsName string, pods map[string]any) map[string]any {
	return map[string]any{"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": nsName}},
		"podSelector": map[string]any{"matchLabels": pods}}
}

var dnsEgress = peerRule("to", []any{selPeer("kube-system", map[string]any{"k8s-app": "kube-dns"})}, 53, "53/UDP")

// flowStack: the API calls PgBouncer by its Service name; both namespaces deny by default.
// extra replaces or adds resources by URN.
func flowStack(pgbouncerPolicy bool, extra ...Resource) Stack {
	rs := []Resource{
		res(tokens.EC2VPC, "network", map[string]any{"cidrBlock": "10.0.0.0/16"}), // a whole program, not an in-cluster layer alone
		ns("platform"), ns("data"),
		netpol("platform", "default-deny-all", map[string]any{}, nil, nil),
		netpol("data", "default-deny-all", map[string]any{}, nil, nil),
		podSpecDeployment("platform", "api", []any{map[string]any{"name": "DB", "value": "postgres://pgbouncer.data.svc.cluster.local:5432/app"}}, nil),
		podSpecDeployment("data", "pgbouncer", nil, []any{map[string]any{"name": "postgres", "containerPort": 5432}}),
		k8sObj(tokens.K8sService, "data", "pgbouncer", map[string]any{"selector": map[string]any{"app": "pgbouncer"},
			"ports": []any{map[string]any{"port": 5432, "targetPort": "postgres"}}}),
		netpol("platform", "api", map[string]any{"app": "api"}, nil,
			[]any{dnsEgress, peerRule("to", []any{selPeer("data", map[string]any{"app": "pgbouncer"})}, 5432)}),
	}
	if pgbouncerPolicy {
		rs = append(rs, netpol("data", "pgbouncer", map[string]any{"app": "pgbouncer"},
			[]any{peerRule("from", []any{selPeer("platform", map[string]any{})}, 5432)}, []any{dnsEgress}))
	}
	return stack("prod", withResources(rs, extra)...)
}

func rolloutCases() []ruleCase {
	exporter := urnOf(tokens.K8sDeployment, "monitoring-exporter")
	wideAPI := netpol("platform", "api", map[string]any{"app": "api"}, nil, []any{dnsEgress,
		peerRule("to", []any{selPeer("data", map[string]any{"app": "pgbouncer"})}, 5432),
		peerRule("to", []any{map[string]any{"ipBlock": map[string]any{"cidr": "10.0.0.0/8"}}}, 6379)})
	ipBlockAPI := netpol("platform", "api", map[string]any{"app": "api"}, nil, []any{dnsEgress,
		peerRule("to", []any{map[string]any{"ipBlock": map[string]any{"cidr": "10.0.0.0/16"}}}, 5432)})
	return []ruleCase{
		{id: "k8s-readiness-deadlock", pass: exporterStack(), fail: exporterStack(after(exporter)),
			failMsg: `SecretStore "monitoring-store", which the engine creates only after Deployment "monitoring-exporter"`,
			unknown: exporterStack(deps("spec", urnOf(tokens.K8sDeployment, "other"))), noUnknown: true},
		{id: "netpol-required-flows", pass: flowStack(true), fail: flowStack(false),
			failMsg: "data/default-deny-all select the pods and none admits it", unknown: flowStack(true), noUnknown: true},
		{id: "netpol-default-deny", pass: flowStack(true),
			fail:    flowStack(true, netpol("data", "default-deny-all", map[string]any{"app": "none"}, nil, nil)),
			failMsg: `namespace "data" has no default-deny NetworkPolicy`, unknown: flowStack(true), noUnknown: true},
		{id: "netpol-least-open", pass: flowStack(true), fail: flowStack(true, wideAPI),
			failMsg: "spec.egress[2] peer 0 on 6379 admits traffic no workload needs", unknown: flowStack(true, ipBlockAPI), noUnknown: true},
	}
}

func TestLeastOpenFlagsInClusterFlowsAdmittedByIPBlock(t *testing.T) {
	t.Parallel()
	ipBlockAPI := netpol("platform", "api", map[string]any{"app": "api"}, nil, []any{dnsEgress,
		peerRule("to", []any{map[string]any{"ipBlock": map[string]any{"cidr": "10.0.0.0/16"}}}, 5432)})
	fs := only(run(t, "netpol-least-open", flowStack(true, ipBlockAPI)), "netpol-least-open")
	require.True(t, slices.ContainsFunc(fs, func(f Finding) bool {
		return strings.Contains(f.Message, "admitted only by an ipBlock covering pod IPs")
	}), messages(fs))
	require.True(t, slices.ContainsFunc(fs, func(f Finding) bool {
		return strings.Contains(f.Message, "spec.egress[1] peer 0 on 5432 admits traffic no workload needs")
	}), "an ipBlock used only by pod traffic counts as unused:\n%s", messages(fs))
}

// TestDeadlockThroughAComponent: depending on a component waits for all of its
// descendants, so a store that depends on the component holding its consumer deadlocks.
func TestDeadlockThroughAComponent(t *testing.T) {
	t.Parallel()
	s := exporterStack()
	comp := Resource{URN: urnOf("platform:observability:Observability", "observability"), Type: "platform:observability:Observability", Name: "observability"}
	for i := range s.Resources {
		switch s.Resources[i].Type {
		case tokens.K8sDeployment:
			s.Resources[i].Parent = comp.URN
		case tokens.K8sSecretStore:
			s.Resources[i].Dependencies = []string{comp.URN}
		}
	}
	s.Resources = append(s.Resources, comp)
	fs := only(run(t, "k8s-readiness-deadlock", s), "k8s-readiness-deadlock")
	require.Len(t, fs, 1, messages(fs))
	require.Contains(t, fs[0].Message, `needs (env PASSWORD secretKeyRef) ExternalSecret "monitoring-auth" needs (secretStoreRef) SecretStore "monitoring-store"`)
}

// withResources replaces the resources of rs that extra names by URN and appends the rest.
func withResources(rs []Resource, extra []Resource) []Resource {
	for _, e := range extra {
		if i := slices.IndexFunc(rs, func(r Resource) bool { return r.URN == e.URN }); i >= 0 {
			rs[i] = e
		} else {
			rs = append(rs, e)
		}
	}
	return rs
}
