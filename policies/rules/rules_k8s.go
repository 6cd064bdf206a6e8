package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

// ecrPattern matches a private ECR registry host.
const ecrPattern = `^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com/`

var k8sHygiene = Rule{
	ID: "k8s-hygiene", Number: 52, Severity: Medium, Anchors: "CRP, CK_K8S, TV KSV",
	Description: "Pod templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs and Pods: every " +
		"container sets resource requests (cpu, memory) and limits (memory, cpu unless requireCpuLimit is off); the " +
		"containers of long-running pods also set readiness and liveness probes (not asked of Jobs, CronJobs and Pods " +
		"whose restartPolicy is Never or OnFailure: they run to completion); images are tagged (not :latest) or " +
		"digest-pinned and come from allowedRegistries (regexes, default our ECR) or allowedImages (prefixes of pinned " +
		"third-party images); objects are not in the default namespace.",
	ResourceTypes: workloadTypes,
	Params: append([]ParamSpec{
		{Name: "allowedRegistries", Type: ParamStringList, Default: []string{ecrPattern}, Description: "regexes an image reference must match"},
		{Name: "allowedImages", Type: ParamStringList, Default: []string{"edoburu/pgbouncer:"},
			Description: "prefixes of pinned third-party images (the tag rules still apply), default the PgBouncer image of components/database"},
		{Name: "requireCpuLimit", Type: ParamBool, Default: true, Description: "also require limits.cpu"},
	}, k8sParams...),
	CheckResource: func(r Resource, p Params) []Finding {
		if k8sSkipped(r, p) {
			return nil
		}
		out := namespaceFinding(r)
		pod, _ := podOf(r)
		cs, unknownLists := pod.containers()
		for _, path := range unknownLists {
			out = append(out, unknown(r, path, "the containers"))
		}
		// Probes: a readiness probe gates Service traffic and a rollout, a liveness probe
		// restarts a hung server; a pod that runs to completion has neither to serve, and a
		// liveness probe would kill a long migration midway.
		done, st := pod.runsToCompletion()
		if st == Unknown && len(cs) > 0 {
			out = append(out, unknown(r, pod.specPath+".restartPolicy", "whether the pod runs to completion (probes are asked of long-running pods)"))
		}
		for _, c := range cs {
			out = append(out, containerHygiene(r, c, !c.init && !done && st == Known, p)...)
		}
		return out
	},
}

func namespaceFinding(r Resource) []Finding {
	ns, st := k8sNamespace(r)
	switch {
	case st == Unknown && len(r.depsOfType("metadata", tokens.K8sNamespace)) > 0:
	case st == Unknown:
		return []Finding{unknown(r, "metadata.namespace", "whether the object lands in the default namespace")}
	case ns == "" || ns == "default":
		return []Finding{fail(r, "metadata.namespace is %s (the default namespace); create a namespace for the workload and set metadata.namespace",
			r.in("metadata.namespace").Display())}
	}
	return nil
}

// containerHygiene judges one container's resources, image and, when probes is set, its
// probes.
func containerHygiene(r Resource, c podContainer, probes bool, p Params) []Finding {
	var out, unk []Finding
	var problems []string
	need := []string{"resources.requests.cpu", "resources.requests.memory", "resources.limits.memory"}
	if p.Bool("requireCpuLimit") {
		need = append(need, "resources.limits.cpu")
	}
	if probes {
		need = append(need, "readinessProbe", "livenessProbe")
	}
	for _, n := range need {
		switch v := c.v.Get(n); v.State() {
		case Missing:
			problems = append(problems, n+" not set")
		case Unknown:
			unk = append(unk, unknown(r, c.path+"."+n, n))
		}
	}
	img := c.v.Get("image")
	if s, ok := img.String(); ok {
		problems = append(problems, imageProblems(s, img.Secret(), p)...)
	} else if img.IsUnknown() {
		unk = append(unk, unknown(r, c.path+".image", "the image tag and registry"))
	} else {
		problems = append(problems, "image not set")
	}
	if len(problems) > 0 {
		fix := "set requests/limits and probes"
		if !probes {
			fix = "set requests/limits"
		}
		out = append(out, fail(r, "%s (%s): %s; %s, pin images to a version tag or digest from our ECR",
			c.path, c.v.Get("name").Display(), strings.Join(problems, "; "), fix))
	}
	return append(out, unk...)
}

// imageProblems judges an image reference's tag and registry.
func imageProblems(img string, secret bool, p Params) []string {
	var out []string
	shown := show(img, secret)
	last := img[strings.LastIndex(img, "/")+1:]
	switch {
	case strings.Contains(last, "@sha256:"):
	case !strings.Contains(last, ":"):
		out = append(out, "image "+shown+" has no tag (means :latest)")
	case strings.HasSuffix(last, ":latest"):
		out = append(out, "image "+shown+" uses :latest")
	}
	for _, pat := range p.StringList("allowedRegistries") {
		if re, err := regexp.Compile(pat); err == nil && re.MatchString(img) {
			return out
		}
	}
	for _, pre := range p.StringList("allowedImages") {
		if pre != "" && strings.HasPrefix(img, pre) {
			return out
		}
	}
	return append(out, "image "+shown+" is not from an allowed registry (push it to our ECR or add a pinned prefix to allowedImages)")
}

var k8sHA = Rule{
	ID: "k8s-ha", Number: 53, Severity: Medium, ProdMandatory: true, Anchors: "CRP",
	Description: "Deployments run at least minReplicas replicas (or an HPA with minReplicas >= minReplicas, or a KEDA " +
		"ScaledObject with minReplicaCount >= scaledObjectMinReplicas) and have a PodDisruptionBudget whose selector " +
		"matches the pod labels and that allows a disruption; no Service is of type LoadBalancer (expose through the ALB ingress).",
	ResourceTypes: []string{tokens.K8sDeployment, tokens.K8sPodDisruptionBudget, tokens.K8sHorizontalPodAutoscaler, tokens.K8sScaledObject, tokens.K8sService},
	Params: append([]ParamSpec{
		{Name: "minReplicas", Type: ParamInteger, Default: 2, Description: "minimum fixed replicas, or HPA minReplicas"},
		{Name: "scaledObjectMinReplicas", Type: ParamInteger, Default: 1, Description: "minimum KEDA minReplicaCount (queue workers may idle at 1)"},
	}, k8sParams...),
	CheckStack: func(s Stack, p Params) []Finding {
		var out []Finding
		for _, d := range s.ofType(tokens.K8sDeployment) {
			if k8sSkipped(d, p) {
				continue
			}
			out = append(out, deploymentHA(s, d, p)...)
		}
		for _, svc := range s.ofType(tokens.K8sService) {
			if k8sSkipped(svc, p) {
				continue
			}
			t := svc.in("spec.type")
			if v, _ := t.String(); v == "LoadBalancer" {
				out = append(out, fail(svc, "spec.type is \"LoadBalancer\" (a public NLB/CLB per Service); use ClusterIP behind the ALB Ingress"))
			} else if t.IsUnknown() {
				out = append(out, unknown(svc, "spec.type", "whether the Service creates a load balancer"))
			}
		}
		return out
	},
}

// autoscaler finds an HPA or ScaledObject targeting the Deployment; kind is "" if none.
func autoscaler(s Stack, d Resource) (kind string, minReplicas, maxReplicas Value, r Resource) {
	name := k8sName(d)
	ns, nsSt := k8sNamespace(d)
	for _, a := range s.ofType(tokens.K8sHorizontalPodAutoscaler, tokens.K8sScaledObject) {
		if n, _ := a.in("spec.scaleTargetRef.name").String(); n != name {
			continue
		}
		if k, ok := a.in("spec.scaleTargetRef.kind").String(); ok && k != "Deployment" {
			continue
		}
		if ans, st := k8sNamespace(a); st == Known && nsSt == Known && ans != ns {
			continue
		}
		if a.Type == tokens.K8sHorizontalPodAutoscaler {
			return "HorizontalPodAutoscaler", a.in("spec.minReplicas"), a.in("spec.maxReplicas"), a
		}
		return "ScaledObject", a.in("spec.minReplicaCount"), a.in("spec.maxReplicaCount"), a
	}
	return "", Value{}, Value{}, Resource{}
}

func deploymentHA(s Stack, d Resource, p Params) []Finding {
	var out []Finding
	kind, minV, _, a := autoscaler(s, d)
	floor, path, holder := p.Number("minReplicas"), "spec.replicas", d
	count := d.in("spec.replicas")
	switch kind {
	case "HorizontalPodAutoscaler":
		count, path, holder = minV, "spec.minReplicas", a
	case "ScaledObject":
		count, path, holder = minV, "spec.minReplicaCount", a
		floor = p.Number("scaledObjectMinReplicas")
	}
	if count.IsUnknown() {
		return []Finding{unknown(holder, path, "the replica count")}
	}
	n, ok := count.Number()
	if !ok { // Kubernetes defaults: 1 replica, HPA minReplicas 1, KEDA minReplicaCount 0
		n = 1
		if kind == "ScaledObject" {
			n = 0
		}
	}
	if n < floor {
		out = append(out, fail(holder, "%s is %s (effective %g), below %g; run at least %g so one pod can be lost (targets Deployment %q)",
			path, count.Display(), n, floor, floor, k8sName(d)))
	}
	return append(out, pdbFindings(s, d, n)...)
}

func pdbFindings(s Stack, d Resource, replicas float64) []Finding {
	pod, _ := podOf(d)
	labelsPath := pod.metaPath + ".labels"
	podLabels, ok := stringMap(d.in(labelsPath))
	if !ok {
		return []Finding{unknown(d, labelsPath, "which PodDisruptionBudget covers the pods")}
	}
	ns, nsSt := k8sNamespace(d)
	undecidedSel := false
	for _, pdb := range s.ofType(tokens.K8sPodDisruptionBudget) {
		if pns, st := k8sNamespace(pdb); st == Known && nsSt == Known && pns != ns {
			continue
		}
		switch selectorMatches(pdb.in("spec.selector"), podLabels) {
		case undecided:
			undecidedSel = true
			continue
		case violation:
			continue
		}
		return pdbAllows(pdb, d, replicas)
	}
	if undecidedSel {
		return []Finding{unknown(d, labelsPath, "which PodDisruptionBudget covers the pods")}
	}
	return []Finding{fail(d, "no PodDisruptionBudget selects the pod labels %s; add one with maxUnavailable: 1 and spec.selector.matchLabels = the pod's app labels",
		d.in(labelsPath).Display())}
}

// pdbAllows checks that a PDB lets at least one pod be evicted.
func pdbAllows(pdb, d Resource, replicas float64) []Finding {
	maxU, minA := pdb.in("spec.maxUnavailable"), pdb.in("spec.minAvailable")
	if maxU.IsUnknown() || minA.IsUnknown() {
		return []Finding{unknown(pdb, "spec", "whether the budget allows a disruption")}
	}
	switch {
	case maxU.IsKnown():
		if n, ok := intOrPercent(maxU, replicas); ok && n >= 1 {
			return nil
		}
		return []Finding{fail(pdb, "spec.maxUnavailable is %s, which blocks every eviction of Deployment %q (node drains hang); set maxUnavailable: 1",
			maxU.Display(), k8sName(d))}
	case minA.IsKnown():
		if n, ok := intOrPercent(minA, replicas); ok && n < replicas {
			return nil
		}
		return []Finding{fail(pdb, "spec.minAvailable is %s with %g replica(s) of Deployment %q, so no pod may be evicted; use maxUnavailable: 1 or raise replicas",
			minA.Display(), replicas, k8sName(d))}
	}
	return []Finding{fail(pdb, "spec sets neither maxUnavailable nor minAvailable; set maxUnavailable: 1")}
}

// intOrPercent resolves an IntOrString against a replica count (percentages round up, as
// the disruption controller does for minAvailable and maxUnavailable alike, close enough
// for a policy).
func intOrPercent(v Value, replicas float64) (float64, bool) {
	if n, ok := v.Number(); ok {
		return n, true
	}
	s, ok := v.String()
	if !ok || !strings.HasSuffix(s, "%") {
		return 0, false
	}
	var pct float64
	if _, err := fmt.Sscanf(strings.TrimSuffix(s, "%"), "%g", &pct); err != nil {
		return 0, false
	}
	n := pct * replicas / 100
	if n != float64(int(n)) {
		n = float64(int(n) + 1)
	}
	return n, true
}
