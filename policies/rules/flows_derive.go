package rules

import (
	"net/netip"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/generic-corp/platform/internal/tokens"
)

func propertyMap(m property.Map) property.Value { return property.New(m) }

// knownStrings lists every known string nested in v.
func knownStrings(v Value) []string {
	var out []string
	var walk func(Value)
	walk = func(v Value) {
		if s, ok := v.String(); ok {
			out = append(out, s)
			return
		}
		if m, ok := v.Map(); ok {
			for _, e := range m.AllStable {
				walk(valueOf(e))
			}
		}
		if arr, ok := v.Array(); ok {
			for _, e := range arr {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// addresses are representative IPs: pods and data stores get VPC addresses (VPC CNI),
// the ALB's nodes too; AWS public APIs an address outside the VPC.
type addresses struct {
	vpc                  netip.Prefix
	pod, store, alb, aws string
	// known is false when the plan has no VPC (an in-cluster layer on its own): the
	// addresses of the ALB and the data stores are then guesses.
	known bool
}

func newAddresses(s Stack) addresses {
	vpc := netip.MustParsePrefix("10.0.0.0/16")
	known := false
	for _, r := range s.ofType(tokens.EC2VPC) {
		known = true
		if c, ok := r.in("cidrBlock").String(); ok {
			if p, err := netip.ParsePrefix(c); err == nil {
				vpc = p.Masked()
			}
		}
	}
	at := func(offset int) string {
		a := vpc.Addr().As4()
		a[2] += byte(offset)
		a[3] = 10
		return netip.AddrFrom4(a).String()
	}
	return addresses{vpc: vpc, pod: at(64), store: at(200), alb: at(1), aws: "52.94.133.131", known: known}
}

// deriveCharts adds the declared flows among a chart's pods and to the data stores its
// values reference, and the ALB flows to its Ingress pods.
func (m *flowModel) deriveCharts() {
	for _, chart := range m.s.ofType(tokens.K8sHelmChart) {
		name, _ := chart.in("chart").String()
		for _, d := range declaredCharts {
			if d.chart != name {
				continue
			}
			for _, f := range d.flows {
				from := m.declaredPod(chart.URN, f.from)
				if from == nil {
					continue
				}
				if f.toStore != "" {
					for _, urn := range chart.PropertyDependencies["values"] {
						if store, ok := m.g.byURN[urn]; ok && store.Type == f.toStore {
							m.add(m.podsEnd(from), flowEnd{kind: endStore, store: store, ip: m.addr.store, label: store.label()},
								storePort(store), "TCP", f.why+" (chart values)")
						}
					}
					continue
				}
				if to := m.declaredPod(chart.URN, f.to); to != nil {
					for _, port := range f.ports {
						m.add(m.podsEnd(from), m.podsEnd(to), port, "TCP", f.why)
					}
				}
			}
			for pod, port := range d.ingressPods {
				if to := m.declaredPod(chart.URN, pod); to != nil {
					m.add(flowEnd{kind: endExternal, ip: m.addr.alb, label: "ALB (VPC)"}, m.podsEnd(to), port, "TCP", "chart Ingress, target-type ip")
				}
			}
			if d.chart == "external-secrets" {
				if eso := m.declaredPod(chart.URN, "external-secrets"); eso != nil {
					m.add(m.podsEnd(eso), flowEnd{kind: endExternal, ip: m.addr.aws, label: "AWS APIs (Secrets Manager, STS)"}, 443, "TCP",
						"reads Secrets Manager through the NAT gateways")
				}
			}
		}
	}
}

// chartPod is a declared pod set of the chart named chart, nil when no such chart is in
// the plan (the KEDA operator runs the scalers' queries; Prometheus scrapes).
func (m *flowModel) chartPod(chart, pod string) *podSet {
	for _, c := range m.s.ofType(tokens.K8sHelmChart) {
		if name, _ := c.in("chart").String(); name == chart {
			return m.declaredPod(c.URN, pod)
		}
	}
	return nil
}

// deriveScalers: KEDA's operator connects to what the ScaledObject triggers name.
func (m *flowModel) deriveScalers() {
	keda := m.chartPod("keda", "keda-operator")
	if keda == nil {
		return
	}
	for _, so := range m.s.ofType(tokens.K8sScaledObject) {
		why := "scaler of " + so.label()
		for _, text := range knownStrings(so.in("spec.triggers")) {
			for _, hit := range svcHostRe.FindAllStringSubmatch(text, -1) {
				port, _ := strconv.Atoi(hit[6])
				m.toService(m.podsEnd(keda), hit[1], hit[3], port, why+" ("+hit[0]+")")
			}
		}
		m.toStores(m.podsEnd(keda), so, why)
	}
}

// deriveMonitors: Prometheus scrapes what the ServiceMonitors and PodMonitors select.
func (m *flowModel) deriveMonitors() {
	prom := m.chartPod("kube-prometheus-stack", "prometheus")
	if prom == nil {
		return
	}
	for _, mon := range m.s.ofType(tokens.K8sServiceMonitor, tokens.K8sPodMonitor) {
		names, _ := mon.in("spec.namespaceSelector.matchNames").StringList()
		sel, _ := stringMap(mon.in("spec.selector.matchLabels"))
		endpoints := "spec.endpoints"
		if mon.Type == tokens.K8sPodMonitor {
			endpoints = "spec.podMetricsEndpoints"
		}
		eps, _ := mon.in(endpoints).Array()
		for _, ns := range names {
			for _, target := range m.selected(ns, sel) {
				for _, ep := range eps {
					portName, _ := ep.Get("port").String()
					port := m.scrapePort(mon, target, portName)
					if port == 0 {
						continue // no such port on these pods: Prometheus finds no target there
					}
					m.add(m.podsEnd(prom), m.podsEnd(target), port, "TCP", "scraped by "+mon.label())
				}
			}
		}
	}
}

// scrapePort resolves a monitor's port name: a container port (PodMonitor) or a Service
// port whose targetPort names or numbers the container port (ServiceMonitor).
func (m *flowModel) scrapePort(mon Resource, target *podSet, name string) int {
	if mon.Type == tokens.K8sServiceMonitor {
		for _, svc := range m.s.ofType(tokens.K8sService) {
			if m.g.namespaceOf(svc) != target.namespace {
				continue
			}
			ports, _ := svc.in("spec.ports").Array()
			for _, sp := range ports {
				if n, _ := sp.Get("name").String(); n != name {
					continue
				}
				if tn, ok := sp.Get("targetPort").String(); ok {
					name = tn
				} else if tp, ok := sp.Get("targetPort").Number(); ok {
					return int(tp)
				}
			}
		}
	}
	if p, ok := target.ports[name]; ok {
		return p
	}
	return 0
}

// deriveIngresses: the ALB (target-type ip) reaches the pods behind each Ingress backend.
func (m *flowModel) deriveIngresses() {
	for _, ing := range m.s.ofType(tokens.K8sIngress) {
		ns := m.g.namespaceOf(ing)
		rules, _ := ing.in("spec.rules").Array()
		for _, rule := range rules {
			paths, _ := rule.Get("http.paths").Array()
			for _, p := range paths {
				svcName, _ := p.Get("backend.service.name").String()
				for _, svc := range m.s.ofType(tokens.K8sService) {
					if k8sName(svc) != svcName || m.g.namespaceOf(svc) != ns {
						continue
					}
					sel, _ := stringMap(svc.in("spec.selector"))
					for _, target := range m.selected(ns, sel) {
						portName, _ := p.Get("backend.service.port.name").String()
						port := m.scrapePort(Resource{Type: tokens.K8sServiceMonitor}, target, portName)
						if n, ok := p.Get("backend.service.port.number").Number(); ok {
							port = int(n)
						}
						m.add(flowEnd{kind: endExternal, ip: m.addr.alb, label: "ALB (VPC)"}, m.podsEnd(target), port, "TCP",
							"Ingress "+k8sName(ing)+", target-type ip")
					}
				}
			}
		}
	}
}

// deriveIdentity: a pod whose ServiceAccount carries an IRSA role calls STS and the AWS
// APIs the role grants, over HTTPS through the NAT gateways or VPC endpoints.
func (m *flowModel) deriveIdentity(ps *podSet, r Resource) {
	for _, n := range m.g.needs[r.URN] {
		sa := m.g.byURN[n.to]
		if sa.Type != tokens.K8sServiceAccount {
			continue
		}
		if role, _ := sa.in(`metadata.annotations["eks.amazonaws.com/role-arn"]`).String(); role != "" || sa.in(`metadata.annotations["eks.amazonaws.com/role-arn"]`).IsUnknown() {
			m.add(m.podsEnd(ps), flowEnd{kind: endExternal, ip: m.addr.aws, label: "AWS APIs (STS, IRSA role)"}, 443, "TCP",
				"IRSA "+sa.label())
		}
	}
}
