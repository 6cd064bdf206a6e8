package rules

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// workloadTypes hold a pod template.
var workloadTypes = []string{tDeployment, tStatefulSet, tDaemonSet, tReplicaSet, tJob, tCronJob, tPod}

// podPaths returns the input paths of a workload's pod metadata and pod spec.
func podPaths(typ string) (meta, spec string) {
	switch typ {
	case tPod:
		return "metadata", "spec"
	case tCronJob:
		return "spec.jobTemplate.spec.template.metadata", "spec.jobTemplate.spec.template.spec"
	}
	return "spec.template.metadata", "spec.template.spec"
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
