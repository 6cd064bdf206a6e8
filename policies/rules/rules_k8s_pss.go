package rules

import (
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// pssEvaluator is built once: the check registry is immutable.
var pssEvaluator = sync.OnceValues(func() (policy.Evaluator, error) {
	return policy.NewEvaluator(policy.DefaultChecks(), nil)
})

// pssRelevant are the pod spec keys a PSS check reads; an unknown value under one of them
// makes the verdict undecided, an unknown elsewhere (an image, an env value) does not.
var pssRelevant = []string{"securityContext", "volumes", "hostNetwork", "hostPID", "hostIPC", "hostUsers",
	"ports", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "os"}

var k8sPSSRestricted = Rule{
	ID: "k8s-pss-restricted", Number: 51, Severity: High, Anchors: "PSS, CK_K8S, TV KSV",
	Description: "Pod templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs and Pods pass the " +
		"Pod Security Standard \"restricted\" (k8s.io/pod-security-admission, latest version).",
	ResourceTypes: workloadTypes,
	Params:        []ParamSpec{k8sParams[0]},
	CheckResource: func(r Resource, p Params) []Finding {
		if k8sSkipped(r, p) {
			return nil
		}
		pod, _ := podOf(r)
		specPath, spec := pod.specPath, pod.spec()
		switch spec.State() {
		case Unknown:
			return []Finding{unknown(r, specPath, "the pod security settings")}
		case Missing:
			return []Finding{fail(r, "%s is not set; a workload needs a pod template", specPath)}
		}
		for _, cp := range computedPaths(spec.Raw(), specPath) {
			for _, key := range pssRelevant {
				if strings.Contains(cp, "."+key) {
					return []Finding{unknown(r, cp, "the pod security settings (PSS restricted)")}
				}
			}
		}
		var ps corev1.PodSpec
		if _, err := decode(spec, &ps); err != nil {
			return []Finding{fail(r, "%s does not decode as a Kubernetes PodSpec (%v); fix the field types", specPath, err)}
		}
		var meta metav1.ObjectMeta
		_, _ = decode(pod.meta(), &meta)
		ev, err := pssEvaluator()
		if err != nil {
			return []Finding{{Error: true, Message: "k8s-pss-restricted: cannot build the PSS evaluator: " + err.Error() + " (please report)"}}
		}
		lv := psaapi.LevelVersion{Level: psaapi.LevelRestricted, Version: psaapi.LatestVersion()}
		var out []Finding
		for _, res := range ev.EvaluatePod(lv, &meta, &ps) {
			if res.Allowed {
				continue
			}
			detail := ""
			if res.ForbiddenDetail != "" {
				detail = " (" + res.ForbiddenDetail + ")"
			}
			out = append(out, fail(r, "%s violates PSS restricted: %s%s; %s", specPath, res.ForbiddenReason, detail, pssFix(res.ForbiddenReason)))
		}
		return out
	},
}

// pssFix suggests the securityContext change for a PSS reason.
func pssFix(reason string) string {
	switch {
	case strings.Contains(reason, "allowPrivilegeEscalation"):
		return "set securityContext.allowPrivilegeEscalation: false on every container"
	case strings.Contains(reason, "capabilities"):
		return "set securityContext.capabilities.drop: [\"ALL\"] (add back only NET_BIND_SERVICE)"
	case strings.Contains(reason, "runAsNonRoot"):
		return "set securityContext.runAsNonRoot: true (pod or every container) and a non-zero runAsUser"
	case strings.Contains(reason, "runAsUser"):
		return "do not run as UID 0; set runAsUser to a non-zero UID"
	case strings.Contains(reason, "seccompProfile"):
		return "set securityContext.seccompProfile.type: RuntimeDefault"
	case strings.Contains(reason, "volume"):
		return "use only configMap, secret, emptyDir, projected, downwardAPI, csi, ephemeral or PVC volumes"
	case strings.Contains(reason, "host"):
		return "drop host namespaces, hostPath volumes and hostPorts"
	case strings.Contains(reason, "privileged"):
		return "remove securityContext.privileged"
	}
	return "harden the pod securityContext to the restricted profile"
}
