package rules

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/generic-corp/platform/internal/tokens"
)

// The flow model: every connection a workload needs, derived from what the program wires
// (hosts and ports in env and ExternalSecret templates, the data stores its configuration
// depends on, monitors, autoscaler triggers, Ingress backends) plus the chart pods of
// flows_declared.go. flows_eval.go judges each flow against the NetworkPolicies and
// security groups in the plan.

// podSet is the pods of one workload.
type podSet struct {
	name      string // "platform/api"
	namespace string
	labels    map[string]string
	ports     map[string]int
	urn       string // the workload, or the chart that installs it
	declared  string // where a declared workload's labels come from
}

type endKind int

const (
	endPods       endKind = iota
	endStore              // an AWS data store (RDS, ElastiCache) in the VPC
	endExternal           // an address outside the cluster (ALB nodes, AWS APIs)
	endUnresolved         // a service name nothing in the plan serves (a chart left out)
)

// flowEnd is one side of a flow.
type flowEnd struct {
	kind  endKind
	pods  *podSet
	store Resource
	ip    string
	label string
}

// flow is one connection a workload needs.
type flow struct {
	from, to flowEnd
	port     int
	protocol string // TCP or UDP
	why      string
}

// flowModel is the inventory and needs of one stack.
type flowModel struct {
	s     Stack
	g     *readiness
	pods  []*podSet
	byURN map[string]*podSet // plan workloads
	addr  addresses
	flows []flow
	// nsLabels caches namespaceLabels: every flow check asks for them, and scanning the
	// stack's namespaces each time made it most of a policy run's cost.
	nsLabels map[string]map[string]string
}

var svcHostRe = regexp.MustCompile(`([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?:(\d{1,5})`)

func newFlowModel(s Stack) *flowModel {
	m := &flowModel{s: s, g: newReadiness(s), byURN: map[string]*podSet{}, nsLabels: map[string]map[string]string{}}
	m.addr = newAddresses(s)
	m.inventory()
	m.derive()
	return m
}

func (m *flowModel) inventory() {
	for _, r := range m.s.Resources {
		pod, ok := podOf(r)
		if !ok || fromHelmChart(r.URN) {
			continue
		}
		labels, _ := stringMap(pod.meta().Get("labels"))
		var spec corev1.PodSpec
		_, _ = decode(pod.spec(), &spec)
		ports := map[string]int{}
		for _, c := range append(slices.Clone(spec.InitContainers), spec.Containers...) {
			for _, p := range c.Ports {
				ports[p.Name] = int(p.ContainerPort)
			}
		}
		ns := m.g.namespaceOf(r)
		name := k8sName(r)
		if app := labels["app.kubernetes.io/name"]; app != "" && (r.Type == tokens.K8sJob || r.Type == tokens.K8sCronJob) {
			name = app // a Job's name carries its content hash or release; its pods' app label does not
		}
		ps := &podSet{name: ns + "/" + name, namespace: ns, labels: labels, ports: ports, urn: r.URN}
		m.pods = append(m.pods, ps)
		m.byURN[r.URN] = ps
	}
	for _, chart := range m.s.ofType(tokens.K8sHelmChart) {
		name, _ := chart.in("chart").String()
		for _, d := range declaredCharts {
			if d.chart != name {
				continue
			}
			ns := m.g.namespaceOf(chart)
			for _, p := range d.pods {
				m.pods = append(m.pods, &podSet{name: ns + "/" + p.name, namespace: ns, labels: maps.Clone(p.labels),
					ports: maps.Clone(p.ports), urn: chart.URN, declared: d.source})
			}
		}
	}
}

// add records a flow once: the same connection found through several objects keeps
// the first reason.
func (m *flowModel) add(from, to flowEnd, port int, protocol, why string) {
	for _, f := range m.flows {
		if f.from.label == from.label && f.to.label == to.label && f.port == port && f.protocol == protocol {
			return
		}
	}
	m.flows = append(m.flows, flow{from: from, to: to, port: port, protocol: protocol, why: why})
}

func (m *flowModel) podsEnd(p *podSet) flowEnd {
	return flowEnd{kind: endPods, pods: p, ip: m.addr.pod, label: p.name}
}

// declaredPod finds a chart's declared pods by chart name and pod name.
func (m *flowModel) declaredPod(chartURN, name string) *podSet {
	for _, p := range m.pods {
		if p.urn == chartURN && p.declared != "" && p.name == p.namespace+"/"+name {
			return p
		}
	}
	return nil
}

func (m *flowModel) derive() {
	dns := kubeDNS
	for _, p := range m.pods {
		m.add(m.podsEnd(p), m.podsEnd(&dns), 53, "UDP", "DNS")
		m.add(m.podsEnd(p), m.podsEnd(&dns), 53, "TCP", "DNS")
	}
	for _, r := range m.s.Resources {
		ps, ok := m.byURN[r.URN]
		if !ok {
			continue
		}
		m.deriveConfigured(ps, r)
		m.deriveIdentity(ps, r)
	}
	m.deriveCharts()
	m.deriveScalers()
	m.deriveMonitors()
	m.deriveIngresses()
}

// deriveConfigured follows what a workload is configured with: service hosts in its env
// and in the Secrets and ConfigMaps it mounts, and the data stores those depend on.
func (m *flowModel) deriveConfigured(ps *podSet, r Resource) {
	sources := []Resource{r}
	for _, n := range m.g.needs[r.URN] {
		if dep := m.g.byURN[n.to]; dep.Type == tokens.K8sExternalSecret || dep.Type == tokens.K8sConfigMap {
			sources = append(sources, dep)
		}
	}
	for _, src := range sources {
		why := "configured in " + src.label()
		for _, text := range knownStrings(valueOf(propertyMap(src.Inputs))) {
			for _, hit := range svcHostRe.FindAllStringSubmatch(text, -1) {
				port, _ := strconv.Atoi(hit[6])
				m.toService(m.podsEnd(ps), hit[1], hit[3], port, why+" ("+hit[0]+")")
			}
		}
		m.toStores(m.podsEnd(ps), src, why)
	}
}

// toStores adds a flow to every data store src's inputs came from.
func (m *flowModel) toStores(from flowEnd, src Resource, why string) {
	seen := map[string]bool{}
	for _, deps := range src.PropertyDependencies {
		for _, urn := range deps {
			store, ok := m.g.byURN[urn]
			if seen[urn] || !ok || (store.Type != tokens.RDSInstance && store.Type != tokens.ElastiCacheReplicationGroup) {
				continue
			}
			seen[urn] = true
			m.add(from, flowEnd{kind: endStore, store: store, ip: m.addr.store, label: store.label()}, storePort(store), "TCP", why)
		}
	}
}

func storePort(r Resource) int {
	if n, ok := r.in("port").Number(); ok {
		return int(n)
	}
	if r.Type == tokens.RDSInstance {
		return 5432
	}
	return 6379
}

// toService resolves "<name>.<ns>.svc:<port>" to the pods behind it.
func (m *flowModel) toService(from flowEnd, name, ns string, port int, why string) {
	for _, svc := range m.s.ofType(tokens.K8sService) {
		if k8sName(svc) != name || m.g.namespaceOf(svc) != ns {
			continue
		}
		sel, _ := stringMap(svc.in("spec.selector"))
		target := port
		ports, _ := svc.in("spec.ports").Array()
		for _, sp := range ports {
			if n, _ := sp.Get("port").Number(); int(n) != port {
				continue
			}
			if tp, ok := sp.Get("targetPort").Number(); ok {
				target = int(tp)
			} else if tn, ok := sp.Get("targetPort").String(); ok {
				target = -1
				for _, p := range m.selected(ns, sel) {
					if v, ok := p.ports[tn]; ok {
						target = v
					}
				}
			}
		}
		for _, p := range m.selected(ns, sel) {
			m.add(from, m.podsEnd(p), target, "TCP", why)
		}
		return
	}
	for _, chart := range m.s.ofType(tokens.K8sHelmChart) {
		chartName, _ := chart.in("chart").String()
		for _, d := range declaredCharts {
			if d.chart != chartName || m.g.namespaceOf(chart) != ns {
				continue
			}
			for _, s := range d.services {
				if s.name == name {
					if p := m.declaredPod(chart.URN, s.pods); p != nil {
						m.add(from, m.podsEnd(p), s.port, "TCP", why)
						return
					}
				}
			}
		}
	}
	m.add(from, flowEnd{kind: endUnresolved, label: fmt.Sprintf("%s.%s.svc (no Service in the plan)", name, ns)}, port, "TCP", why)
}

// selected are the pods of ns whose labels match a selector.
func (m *flowModel) selected(ns string, sel map[string]string) []*podSet {
	var out []*podSet
	for _, p := range m.pods {
		if p.namespace != ns || len(sel) == 0 {
			continue
		}
		match := true
		for k, v := range sel {
			if p.labels[k] != v {
				match = false
			}
		}
		if match {
			out = append(out, p)
		}
	}
	return out
}
