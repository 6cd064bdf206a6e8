package preflight

import (
	"fmt"
	"github.com/generic-corp/platform/components/temporal"
	"github.com/generic-corp/platform/internal/tokens"
	"math"
	"strings"
)

// workload is a set of pods on EKS: one of our Deployments, or the Temporal server
// chart. Its state lives in PostgreSQL and Redis, so it only has to come back.
type workload struct {
	res  *Resource
	name string
	kind string // workload | temporal
	// min is how many replicas always run, and why (replicas, HPA or KEDA minimum).
	min    int
	minWhy string
	// hostHard/zoneHard: a DoNotSchedule spread or required anti-affinity keeps the
	// replicas on different nodes / AZs.
	hostHard, zoneHard bool
	// eviction is how long the pods stay bound to an unreachable node, minutes.
	eviction float64
	// detect is a pod's readiness failure window, ready the time to its first success
	// after it starts (minutes); probe says where they come from.
	detect, ready float64
	probe         string
	// maxUnavailable0: a rollout keeps every old pod until a new one is ready.
	maxUnavailable0 bool
}

func (w *workload) public() ResilienceComponent {
	return ResilienceComponent{Name: w.name, Kind: w.kind, URN: w.res.URN}
}

// spread reports whether losing one node or one AZ leaves a ready replica.
func (w *workload) survivesNode() bool { return w.min >= 2 && (w.hostHard || w.zoneHard) }
func (w *workload) survivesAZ() bool   { return w.min >= 2 && w.zoneHard }

func (w *workload) availability(m *resilienceModel) (float64, string) {
	if w.survivesAZ() && len(m.nodeZones) >= 2 {
		return m.c.percent("sla-ec2-region"), fmt.Sprintf("%s, held in different AZs (%s): the EC2 Region-level SLA", w.minWhy, strings.Join(m.nodeZones, ", "))
	}
	return m.c.percent("sla-ec2-instance"), w.minWhy + ", not held in different AZs by a DoNotSchedule zone spread: one node's loss can take it down, the EC2 instance-level SLA"
}

func (w *workload) estimate(m *resilienceModel, d string) (ResilienceEstimate, bool) {
	start := m.c.minutes("k8s-pod-startup")
	switch d {
	case "pod-loss":
		if w.min >= 2 {
			return est(minutesFig(w.detect), noDataFig(), fmt.Sprintf("%s: the others serve while the lost pod leaves the endpoints (%s)", w.minWhy, w.probe))
		}
		return est(minutesFig(start+w.ready), noDataFig(), fmt.Sprintf("%s: down until the replacement starts and is ready (%s)", w.minWhy, w.probe), "k8s-pod-startup")
	case "node-loss":
		if w.survivesNode() {
			return w.survivor(m, "on different nodes")
		}
		return w.rescheduled(m, "a node's loss can take every replica")
	case "az-loss":
		if len(m.nodeZones) < 2 {
			return est(unboundedFig(), noDataFig(), fmt.Sprintf("the node groups use %d AZ (%s): no node is left to run the pods", len(m.nodeZones), strings.Join(m.nodeZones, ", ")))
		}
		if w.survivesAZ() {
			return w.survivor(m, "in different AZs")
		}
		return w.rescheduled(m, "an AZ's loss can take every replica")
	case "region-loss":
		return est(minutesFig(m.region.RTOMinutes), noDataFig(), m.region.Basis+"; data: none (stateless)")
	case "bad-deploy":
		if w.kind != "workload" {
			return ResilienceEstimate{}, false // releases change our images, not the chart
		}
		return w.rollback(m)
	}
	return ResilienceEstimate{}, false
}

func (w *workload) survivor(m *resilienceModel, where string) (ResilienceEstimate, bool) {
	return est(minutesFig(m.c.minutes("k8s-node-monitor-grace")), noDataFig(),
		fmt.Sprintf("%s, held %s: the others serve; the lost pods leave the endpoints when the node is marked NotReady", w.minWhy, where), "k8s-node-monitor-grace")
}

// rescheduled: the pods wait out the node-monitor grace period and their unreachable
// toleration before they are evicted and started elsewhere (room is assumed).
func (w *workload) rescheduled(m *resilienceModel, why string) (ResilienceEstimate, bool) {
	grace, start := m.c.minutes("k8s-node-monitor-grace"), m.c.minutes("k8s-pod-startup")
	return est(minutesFig(grace+w.eviction+start+w.ready), noDataFig(),
		fmt.Sprintf("%s, %s: NotReady after %s, evicted %s later (unreachable toleration), then started elsewhere and ready (%s)",
			w.minWhy, why, minutes(round1(grace)), minutes(round1(w.eviction)), w.probe),
		"k8s-node-monitor-grace", "k8s-default-unreachable-toleration", "k8s-pod-startup")
}

// rollback: a release that passes readiness but fails requests is paged, decided on and
// undone one pod at a time.
func (w *workload) rollback(m *resilienceModel) (ResilienceEstimate, bool) {
	if m.detect.Unbounded {
		return est(unboundedFig(), noDataFig(), "nothing pages on a bad release: "+m.detectBasis)
	}
	pods := math.Max(1, float64(w.min))
	each := m.c.minutes("k8s-pod-startup") + w.ready
	decide := m.c.minutes("rollback-decision")
	basis := fmt.Sprintf("paged after %s (%s), the decision (%s), then `kubectl rollout undo` replaces %g pod(s) one at a time (%s each)",
		minutes(m.detect.Minutes), m.detectBasis, minutes(decide), pods, minutes(round1(each)))
	if w.maxUnavailable0 {
		basis += "; a release that fails readiness never takes traffic (maxUnavailable 0)"
	}
	return est(minutesFig(m.detect.Minutes+decide+pods*each), noDataFig(), basis, "rollback-decision", "k8s-pod-startup")
}

// workloads reads our Deployments (the observability exporters are not part of the
// service) and the Temporal server chart.
func (m *resilienceModel) workloads() []resilient {
	var out []resilient
	for i := range m.r.Resources {
		res := &m.r.Resources[i]
		switch {
		case res.Type == tokens.K8sDeployment && res.Component != "observability":
			out = append(out, m.deployment(res))
		case res.Type == tokens.K8sHelmChart && res.Inputs["chart"] == "temporal":
			out = append(out, m.temporalServer(res))
		}
	}
	return out
}

func (m *resilienceModel) deployment(res *Resource) *workload {
	meta, spec := asMap(res.Inputs["metadata"]), asMap(res.Inputs["spec"])
	name, _ := meta["name"].(string)
	if name == "" {
		name = res.Name
	}
	pod := asMap(at(spec, "template.spec"))
	w := &workload{res: res, name: name, kind: "workload"}
	w.min, w.minWhy = m.minReplicas(name, meta["namespace"], spec)
	w.hostHard, w.zoneHard = hardSpread(pod)
	w.eviction = m.unreachableToleration(pod)
	w.detect, w.ready, w.probe = m.readiness(pod)
	w.maxUnavailable0 = number(at(spec, "strategy.rollingUpdate.maxUnavailable"), -1) == 0
	return w
}

func (m *resilienceModel) temporalServer(res *Resource) *workload {
	server := asMap(at(res.Inputs, "values.server"))
	n := int(number(server["replicaCount"], 1))
	w := &workload{res: res, name: "Temporal server", kind: "temporal", min: n, minWhy: fmt.Sprintf("replicaCount %d per Temporal service", n)}
	// Chart 1.6.0 reads topologySpreadConstraints per service (server.<service>), not
	// for the server as a whole: the server is spread only if every service is.
	w.hostHard, w.zoneHard = true, true
	for _, svc := range temporal.ServerServices {
		host, zone := hardSpread(asMap(server[svc]))
		w.hostHard, w.zoneHard = w.hostHard && host, w.zoneHard && zone
	}
	w.eviction = m.unreachableToleration(server)
	period, failures := m.c.minutes("k8s-probe-period"), m.c.count("k8s-probe-failure-threshold")
	w.detect, w.ready = period*failures, period
	w.probe = "chart probes not in the plan: Kubernetes probe defaults"
	return w
}

// minReplicas is the floor an autoscaler keeps (HPA minReplicas, KEDA minReplicaCount,
// whose default is 0), else spec.replicas.
func (m *resilienceModel) minReplicas(name string, namespace any, spec map[string]any) (int, string) {
	for _, res := range m.r.Resources {
		s := asMap(res.Inputs["spec"])
		if at(s, "scaleTargetRef.name") != name || at(res.Inputs, "metadata.namespace") != namespace {
			continue
		}
		switch res.Type {
		case tokens.K8sHorizontalPodAutoscaler:
			n := int(number(s["minReplicas"], 1))
			return n, fmt.Sprintf("HPA minReplicas %d", n)
		case tokens.K8sScaledObject:
			n := int(number(s["minReplicaCount"], 0))
			return n, fmt.Sprintf("KEDA minReplicaCount %d", n)
		}
	}
	n := int(number(spec["replicas"], 1))
	return n, fmt.Sprintf("replicas %d", n)
}

// hardSpread reads topologySpreadConstraints and required pod anti-affinity of a pod
// spec (or chart values shaped like one).
func hardSpread(pod map[string]any) (host, zone bool) {
	mark := func(key any) {
		switch key {
		case "kubernetes.io/hostname":
			host = true
		case "topology.kubernetes.io/zone":
			zone = true
		}
	}
	for _, c := range asList(pod["topologySpreadConstraints"]) {
		if cm := asMap(c); cm["whenUnsatisfiable"] == "DoNotSchedule" {
			mark(cm["topologyKey"])
		}
	}
	for _, term := range asList(at(pod, "affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution")) {
		mark(asMap(term)["topologyKey"])
	}
	return host, zone
}

// unreachableToleration is the pod's own NoExecute toleration of an unreachable node,
// else the default every pod gets (minutes).
func (m *resilienceModel) unreachableToleration(pod map[string]any) float64 {
	for _, t := range asList(pod["tolerations"]) {
		tm := asMap(t)
		if (tm["key"] == "node.kubernetes.io/unreachable" || tm["key"] == nil) && tm["effect"] == "NoExecute" && tm["tolerationSeconds"] != nil {
			return number(tm["tolerationSeconds"], 0) / 60
		}
	}
	return m.c.minutes("k8s-default-unreachable-toleration")
}

// readiness is the slowest container's readiness failure window (periodSeconds x
// failureThreshold) and time to its first success (initialDelaySeconds + periodSeconds x
// successThreshold), with the Kubernetes defaults for unset fields.
func (m *resilienceModel) readiness(pod map[string]any) (detect, ready float64, why string) {
	defPeriod, defFailures := m.c.minutes("k8s-probe-period")*60, m.c.count("k8s-probe-failure-threshold")
	probes := 0
	for _, c := range asList(pod["containers"]) {
		p := asMap(asMap(c)["readinessProbe"])
		if p == nil {
			continue
		}
		probes++
		period := number(p["periodSeconds"], defPeriod)
		detect = math.Max(detect, period*number(p["failureThreshold"], defFailures)/60)
		ready = math.Max(ready, (number(p["initialDelaySeconds"], 0)+period*number(p["successThreshold"], 1))/60)
	}
	if probes == 0 {
		return 0, 0, "no readiness probe: a hung pod keeps its traffic"
	}
	return detect, ready, fmt.Sprintf("readiness fails after %.0f s, first passes after %.0f s", detect*60, ready*60)
}
