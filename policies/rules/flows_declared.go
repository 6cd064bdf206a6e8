package rules

import "github.com/generic-corp/platform/internal/tokens"

// Pods the plan cannot show: charts render their objects only under the engine, and
// CoreDNS is an EKS add-on. Each entry names the chart (the Chart resource's "chart"
// input), the pod labels its templates set and the ports its values set, checked against
// the chart version the platform pins (components/temporal, components/addons,
// components/observability). The flows between chart pods that no plan object reveals are
// declared here too; everything else is derived from what the program wires.

// declaredPods are the pods of one workload a chart installs.
type declaredPods struct {
	name   string // "frontend"
	labels map[string]string
	ports  map[string]int // container port name -> number
}

// declaredService is a Service a chart creates: in-cluster DNS names resolve to pods.
type declaredService struct {
	name string // Service name, e.g. "temporal-frontend"
	pods string // declaredPods.name
	port int
}

// declaredFlow is a flow between pods of the same chart, or from them to an AWS data
// store the chart's values point at (the Chart's property dependencies name it).
type declaredFlow struct {
	from, to string // declaredPods names; to "" with toStore
	toStore  string // AWS type token of the store the chart values reference
	ports    []int
	why      string
}

type declaredChart struct {
	chart    string
	source   string
	pods     []declaredPods
	services []declaredService
	flows    []declaredFlow
	// ingressPods are reached by an ALB (the chart's Ingress, target-type ip).
	ingressPods map[string]int
}

func temporalPods(component string, ports map[string]int) declaredPods {
	return declaredPods{name: component, ports: ports, labels: map[string]string{
		"app.kubernetes.io/name": "temporal", "app.kubernetes.io/instance": "temporal", "app.kubernetes.io/component": component}}
}

var temporalServicePorts = map[string][]int{"frontend": {7233, 6933}, "history": {7234, 6934}, "matching": {7235, 6935}, "worker": {7239, 6939}}

var declaredCharts = []declaredChart{
	{
		chart:  "temporal",
		source: "temporalio/helm-charts 1.6.0: templates/_helpers.tpl temporal.resourceLabels; values.yaml server.*.service.port, membershipPort, web.service.port",
		pods: []declaredPods{
			temporalPods("frontend", map[string]int{"rpc": 7233, "membership": 6933, "metrics": 9090}),
			temporalPods("history", map[string]int{"rpc": 7234, "membership": 6934, "metrics": 9090}),
			temporalPods("matching", map[string]int{"rpc": 7235, "membership": 6935, "metrics": 9090}),
			temporalPods("worker", map[string]int{"rpc": 7239, "membership": 6939, "metrics": 9090}),
			temporalPods("web", map[string]int{"http": 8080}),
		},
		services: []declaredService{{name: "temporal-frontend", pods: "frontend", port: 7233}, {name: "temporal-web", pods: "web", port: 8080}},
		flows: append(temporalMesh(), declaredFlow{from: "web", to: "frontend", ports: []int{7233}, why: "Web UI → frontend gRPC"},
			declaredFlow{from: "frontend", toStore: tokens.RDSInstance, ports: []int{5432}, why: "persistence"},
			declaredFlow{from: "history", toStore: tokens.RDSInstance, ports: []int{5432}, why: "persistence"},
			declaredFlow{from: "matching", toStore: tokens.RDSInstance, ports: []int{5432}, why: "persistence"},
			declaredFlow{from: "worker", toStore: tokens.RDSInstance, ports: []int{5432}, why: "persistence"}),
		ingressPods: map[string]int{"web": 8080},
	},
	{
		chart:  "kube-prometheus-stack",
		source: "prometheus-community/kube-prometheus-stack: the operator labels Prometheus pods app.kubernetes.io/name=prometheus",
		pods:   []declaredPods{{name: "prometheus", labels: map[string]string{"app.kubernetes.io/name": "prometheus"}, ports: map[string]int{"web": 9090}}},
	},
	{
		chart:  "keda",
		source: "kedacore/charts keda: operator pods app=keda-operator, app.kubernetes.io/name=keda-operator",
		pods:   []declaredPods{{name: "keda-operator", labels: map[string]string{"app": "keda-operator", "app.kubernetes.io/name": "keda-operator"}}},
	},
	{
		chart:  "external-secrets",
		source: "external-secrets/external-secrets chart: controller pods app.kubernetes.io/name=external-secrets",
		pods:   []declaredPods{{name: "external-secrets", labels: map[string]string{"app.kubernetes.io/name": "external-secrets"}}},
	},
}

// temporalMesh: every server pod reaches every server pod, its own service's included
// (ringpop membership spans all of them), on gRPC and membership.
func temporalMesh() []declaredFlow {
	var out []declaredFlow
	for _, from := range []string{"frontend", "history", "matching", "worker"} {
		for _, to := range []string{"frontend", "history", "matching", "worker"} {
			out = append(out, declaredFlow{from: from, to: to, ports: temporalServicePorts[to], why: "server mesh"})
		}
	}
	return out
}

// kubeDNS are the CoreDNS pods (EKS add-on "coredns") every pod resolves names with.
var kubeDNS = podSet{name: "kube-system/coredns", namespace: "kube-system", labels: map[string]string{"k8s-app": "kube-dns"},
	ports: map[string]int{"dns": 53}, declared: "EKS add-on coredns (k8s-app=kube-dns)"}
