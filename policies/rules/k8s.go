package rules

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/generic-corp/platform/internal/tokens"
)

// workloadTypes hold a pod template.
var workloadTypes = []string{tokens.K8sDeployment, tokens.K8sStatefulSet, tokens.K8sDaemonSet, tokens.K8sReplicaSet, tokens.K8sJob, tokens.K8sCronJob, tokens.K8sPod}

// podTemplate is the pod a workload of any kind runs. Every rule that reads a pod reads it
// through podOf, so that a rule written against a Deployment judges a Job, a CronJob
// (whose template sits under spec.jobTemplate), a StatefulSet or a DaemonSet alike.
type podTemplate struct {
	r                  Resource
	metaPath, specPath string // input paths of the pod's metadata and spec
}

// podOf returns the pod template of a workload; false for any other type.
func podOf(r Resource) (podTemplate, bool) {
	switch {
	case r.Type == tokens.K8sPod:
		return podTemplate{r, "metadata", "spec"}, true
	case r.Type == tokens.K8sCronJob:
		return podTemplate{r, "spec.jobTemplate.spec.template.metadata", "spec.jobTemplate.spec.template.spec"}, true
	case slices.Contains(workloadTypes, r.Type):
		return podTemplate{r, "spec.template.metadata", "spec.template.spec"}, true
	}
	return podTemplate{}, false
}

func (p podTemplate) meta() Value { return p.r.in(p.metaPath) }
func (p podTemplate) spec() Value { return p.r.in(p.specPath) }

// podContainer is one container of a pod template.
type podContainer struct {
	path string // "spec.template.spec.initContainers[0]"
	init bool
	v    Value
}

// containers lists the init containers, then the containers; unknownLists are the paths
// of container lists not known until apply.
func (p podTemplate) containers() (cs []podContainer, unknownLists []string) {
	for _, group := range []string{"initContainers", "containers"} {
		list := p.spec().Get(group)
		if list.IsUnknown() {
			unknownLists = append(unknownLists, p.specPath+"."+group)
			continue
		}
		elems, _ := list.Array()
		for i, c := range elems {
			cs = append(cs, podContainer{path: fmt.Sprintf("%s.%s[%d]", p.specPath, group, i), init: group == "initContainers", v: c})
		}
	}
	return cs, unknownLists
}

// runsToCompletion reports pods that exit when their work is done: those of Jobs and
// CronJobs, and a bare Pod whose restartPolicy is Never or OnFailure (the default is
// Always). The state is Unknown when a Pod's restartPolicy is not known yet.
func (p podTemplate) runsToCompletion() (bool, State) {
	switch p.r.Type {
	case tokens.K8sJob, tokens.K8sCronJob:
		return true, Known
	case tokens.K8sPod:
		rp := p.spec().Get("restartPolicy")
		if rp.IsUnknown() {
			return false, Unknown
		}
		s, _ := rp.String()
		return s == "Never" || s == "OnFailure", Known
	}
	return false, Known
}

// k8sName is metadata.name, or the logical name when the SDK auto-names the object.
func k8sName(r Resource) string {
	if n, ok := r.in("metadata.name").String(); ok {
		return n
	}
	return r.Name
}

// k8sNamespace returns metadata.namespace ("" when unset) and its state.
func k8sNamespace(r Resource) (string, State) {
	v := r.in("metadata.namespace")
	s, _ := v.String()
	return s, v.State()
}

// k8sParams are the scoping parameters shared by the Kubernetes rules.
var k8sParams = []ParamSpec{
	{Name: "ignoreNamespaces", Type: ParamStringList, Default: []string{"kube-system"},
		Description: "namespaces whose objects the rule skips (cluster add-ons managed by their vendors)"},
	{Name: "includeHelmCharts", Type: ParamBool, Default: false,
		Description: "also judge objects rendered by a helm Chart (third-party add-ons); off by default because " +
			"their images and probes are the vendor's"},
}

// k8sSkipped applies ignoreNamespaces and includeHelmCharts.
func k8sSkipped(r Resource, p Params) bool {
	if ns, st := k8sNamespace(r); st == Known && contains(p.StringList("ignoreNamespaces"), ns) {
		return true
	}
	if p.Has("includeHelmCharts") && !p.Bool("includeHelmCharts") && fromHelmChart(r.URN) {
		return true
	}
	return false
}

// fromHelmChart reports an object rendered by a helm Chart component (its URN's type chain
// names the chart).
func fromHelmChart(urn string) bool {
	parts := strings.SplitN(urn, "::", 4)
	return len(parts) == 4 && strings.Contains(parts[2], "kubernetes:helm.sh/")
}

// decode converts a property value to a Kubernetes API struct by a JSON round trip.
// Computed parts are dropped; unknown reports whether there were any.
func decode(v Value, into any) (unknown bool, err error) {
	g, unk := toGo(v.Raw())
	b, err := json.Marshal(g)
	if err != nil {
		return unk, err
	}
	return unk, json.Unmarshal(b, into)
}

// computedPaths lists the paths of computed values nested in v.
func computedPaths(v property.Value, prefix string) []string {
	switch {
	case v.IsComputed():
		return []string{prefix}
	case v.IsArray():
		var out []string
		for i, e := range v.AsArray().AsSlice() {
			out = append(out, computedPaths(e, prefix+"["+strconv.Itoa(i)+"]")...)
		}
		return out
	case v.IsMap():
		var out []string
		for k, e := range v.AsMap().AllStable {
			out = append(out, computedPaths(e, prefix+"."+k)...)
		}
		return out
	}
	return nil
}

// selectorMatches reports whether a label selector (spec.selector of a PDB) matches the
// pod labels. Unknown parts make it undecided.
func selectorMatches(sel Value, podLabels map[string]string) verdict {
	if sel.IsUnknown() {
		return undecided
	}
	var ls metav1.LabelSelector
	unk, err := decode(sel, &ls)
	if err != nil {
		return violation
	}
	if unk {
		return undecided
	}
	s, err := metav1.LabelSelectorAsSelector(&ls)
	if err != nil {
		return violation
	}
	if s.Matches(labels.Set(podLabels)) {
		return pass
	}
	return violation
}

// stringMap reads a known map of strings (labels); false if any part is unknown.
func stringMap(v Value) (map[string]string, bool) {
	if v.IsUnknown() {
		return nil, false
	}
	out := map[string]string{}
	m, _ := v.Map()
	for k, e := range m.All {
		if e.IsComputed() {
			return nil, false
		}
		if e.IsString() {
			out[k] = e.AsString()
		}
	}
	return out, true
}
