//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// The manifest half of the tier: what the real Kubernetes provider wrote in render mode
// (renderYamlToDirectory: <dir>/0-crd and <dir>/1-manifest, one YAML file per object) is
// read back and judged independently of the program and of the policy pack.

// manifest is one rendered object.
type manifest struct {
	path       string
	apiVersion string
	kind       string
	name       string
	namespace  string
	labels     map[string]string
	json       []byte // the object as JSON, for strict decoding
}

func (m manifest) String() string {
	return fmt.Sprintf("%s %s %s/%s (%s)", m.apiVersion, m.kind, m.namespace, m.name, filepath.Base(m.path))
}

// builtin are the k8s.io/api types a rendered built-in object must decode into, keyed by
// apiVersion/kind. A built-in kind missing here fails the test: add it, do not skip it.
var builtin = map[string]func() any{
	"v1/Namespace":                             func() any { return &corev1.Namespace{} },
	"v1/Service":                               func() any { return &corev1.Service{} },
	"v1/ServiceAccount":                        func() any { return &corev1.ServiceAccount{} },
	"v1/ConfigMap":                             func() any { return &corev1.ConfigMap{} },
	"v1/Secret":                                func() any { return &corev1.Secret{} },
	"v1/Pod":                                   func() any { return &corev1.Pod{} },
	"v1/ResourceQuota":                         func() any { return &corev1.ResourceQuota{} },
	"v1/LimitRange":                            func() any { return &corev1.LimitRange{} },
	"apps/v1/Deployment":                       func() any { return &appsv1.Deployment{} },
	"apps/v1/StatefulSet":                      func() any { return &appsv1.StatefulSet{} },
	"apps/v1/DaemonSet":                        func() any { return &appsv1.DaemonSet{} },
	"batch/v1/Job":                             func() any { return &batchv1.Job{} },
	"batch/v1/CronJob":                         func() any { return &batchv1.CronJob{} },
	"policy/v1/PodDisruptionBudget":            func() any { return &policyv1.PodDisruptionBudget{} },
	"autoscaling/v2/HorizontalPodAutoscaler":   func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"networking.k8s.io/v1/NetworkPolicy":       func() any { return &networkingv1.NetworkPolicy{} },
	"networking.k8s.io/v1/Ingress":             func() any { return &networkingv1.Ingress{} },
	"networking.k8s.io/v1/IngressClass":        func() any { return &networkingv1.IngressClass{} },
	"rbac.authorization.k8s.io/v1/Role":        func() any { return &rbacv1.Role{} },
	"rbac.authorization.k8s.io/v1/RoleBinding": func() any { return &rbacv1.RoleBinding{} },
	"rbac.authorization.k8s.io/v1/ClusterRole": func() any { return &rbacv1.ClusterRole{} },
	"rbac.authorization.k8s.io/v1/ClusterRoleBinding": func() any {
		return &rbacv1.ClusterRoleBinding{}
	},
	"scheduling.k8s.io/v1/PriorityClass": func() any { return &schedulingv1.PriorityClass{} },
	"storage.k8s.io/v1/StorageClass":     func() any { return &storagev1.StorageClass{} },
}

// clusterScoped kinds carry no namespace.
var clusterScoped = map[string]bool{
	"Namespace": true, "ClusterRole": true, "ClusterRoleBinding": true, "PriorityClass": true,
	"IngressClass": true, "CustomResourceDefinition": true, "ClusterSecretStore": true, "StorageClass": true,
}

// isCustom reports an apiVersion outside the built-in groups (a CRD's resource, e.g.
// external-secrets.io/v1, keda.sh/v1alpha1, monitoring.coreos.com/v1).
func isCustom(apiVersion string) bool {
	group, _, found := strings.Cut(apiVersion, "/")
	if !found { // "v1": the core group
		return false
	}
	return strings.Contains(group, ".") && !strings.HasSuffix(group, ".k8s.io")
}

// readManifests reads every rendered YAML file under dir.
func readManifests(t *testing.T, dir string) []manifest {
	t.Helper()
	var out []manifest
	for _, sub := range []string{"0-crd", "1-manifest"} {
		files, err := filepath.Glob(filepath.Join(dir, sub, "*.yaml"))
		require.NoError(t, err)
		for _, f := range files {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			var obj map[string]any
			require.NoError(t, yaml.Unmarshal(data, &obj), "%s is YAML", f)
			js, err := json.Marshal(obj)
			require.NoError(t, err, "%s converts to JSON", f)
			m := manifest{path: f, json: js}
			m.apiVersion, _ = obj["apiVersion"].(string)
			m.kind, _ = obj["kind"].(string)
			meta, _ := obj["metadata"].(map[string]any)
			m.name, _ = meta["name"].(string)
			m.namespace, _ = meta["namespace"].(string)
			labels, _ := meta["labels"].(map[string]any)
			m.labels = map[string]string{}
			for k, v := range labels {
				m.labels[k], _ = v.(string)
			}
			require.NotEmpty(t, m.apiVersion, "%s has apiVersion", f)
			require.NotEmpty(t, m.kind, "%s has kind", f)
			require.NotEmpty(t, m.name, "%s has metadata.name", f)
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// decodeStrict decodes the object into its k8s.io/api type, rejecting unknown fields (a
// misspelt or misplaced property the provider would send to the API server verbatim).
// Custom resources have no k8s.io/api type: they must have a spec object.
func decodeStrict(m manifest) (any, error) {
	if isCustom(m.apiVersion) {
		var obj struct {
			Spec map[string]any `json:"spec"`
		}
		if err := json.Unmarshal(m.json, &obj); err != nil {
			return nil, err
		}
		if obj.Spec == nil {
			return nil, fmt.Errorf("custom resource has no spec")
		}
		return nil, nil
	}
	newObj, ok := builtin[m.apiVersion+"/"+m.kind]
	if !ok {
		return nil, fmt.Errorf("built-in kind %s/%s has no k8s.io/api type in the e2e decoder (add it to builtin)", m.apiVersion, m.kind)
	}
	obj := newObj()
	dec := json.NewDecoder(bytes.NewReader(m.json))
	dec.DisallowUnknownFields()
	if err := dec.Decode(obj); err != nil {
		return nil, err
	}
	return obj, nil
}

// podTemplate returns the pod metadata and spec of a workload object, if it is one.
func podTemplate(obj any) (*metav1.ObjectMeta, *corev1.PodSpec, bool) {
	switch o := obj.(type) {
	case *appsv1.Deployment:
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec, true
	case *appsv1.StatefulSet:
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec, true
	case *appsv1.DaemonSet:
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec, true
	case *batchv1.Job:
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec, true
	case *batchv1.CronJob:
		return &o.Spec.JobTemplate.Spec.Template.ObjectMeta, &o.Spec.JobTemplate.Spec.Template.Spec, true
	case *corev1.Pod:
		return &o.ObjectMeta, &o.Spec, true
	}
	return nil, nil, false
}

// pssRestricted returns the Pod Security Standard "restricted" (latest) violations of a
// pod, as the admission controller would word them.
func pssRestricted(meta *metav1.ObjectMeta, spec *corev1.PodSpec) ([]string, error) {
	ev, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		return nil, err
	}
	var out []string
	lv := psaapi.LevelVersion{Level: psaapi.LevelRestricted, Version: psaapi.LatestVersion()}
	for _, r := range ev.EvaluatePod(lv, meta, spec) {
		if !r.Allowed {
			out = append(out, r.ForbiddenReason+": "+r.ForbiddenDetail)
		}
	}
	return out, nil
}

// checkManifests applies the manifest assertions to a render folder and returns the
// objects: each decodes strictly, namespaced objects are not in the default namespace,
// and every pod template passes PSS restricted.
func checkManifests(t *testing.T, dir string) []manifest {
	t.Helper()
	ms := readManifests(t, dir)
	require.NotEmpty(t, ms, "the provider rendered manifests under %s", dir)
	workloads := 0
	for _, m := range ms {
		obj, err := decodeStrict(m)
		require.NoError(t, err, "%s decodes strictly", m)
		if clusterScoped[m.kind] {
			require.Empty(t, m.namespace, "%s is cluster-scoped", m)
		} else {
			require.NotEmpty(t, m.namespace, "%s sets metadata.namespace", m)
			require.NotEqual(t, "default", m.namespace, "%s is not in the default namespace", m)
		}
		meta, spec, ok := podTemplate(obj)
		if !ok {
			continue
		}
		workloads++
		violations, err := pssRestricted(meta, spec)
		require.NoError(t, err)
		require.Empty(t, violations, "%s passes Pod Security Standards restricted", m)
	}
	require.NotZero(t, workloads, "the render holds at least one workload to judge")
	return ms
}

func TestManifestCheckerRejectsBadObjects(t *testing.T) {
	// The checker itself must fail on what it exists to catch, or a passing e2e run
	// proves nothing. These objects are what the provider would render.
	cases := []struct {
		name    string
		obj     string
		wantErr string // from decodeStrict
		wantPSS string // from pssRestricted
	}{
		{name: "unknown field", obj: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a"},"spec":{"replica":2}}`,
			wantErr: `unknown field "replica"`},
		{name: "unknown kind", obj: `{"apiVersion":"v1","kind":"Frobnicator","metadata":{"name":"a"}}`,
			wantErr: "no k8s.io/api type"},
		{name: "custom resource without spec", obj: `{"apiVersion":"keda.sh/v1alpha1","kind":"ScaledObject","metadata":{"name":"a"}}`,
			wantErr: "no spec"},
		{name: "privileged container", obj: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a"},"spec":{"template":{"spec":{"containers":[{"name":"c","image":"x:1","securityContext":{"privileged":true}}]}}}}`,
			wantPSS: "privileged"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var probe struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
			}
			require.NoError(t, json.Unmarshal([]byte(tc.obj), &probe))
			obj, err := decodeStrict(manifest{apiVersion: probe.APIVersion, kind: probe.Kind, json: []byte(tc.obj)})
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			meta, spec, ok := podTemplate(obj)
			require.True(t, ok)
			violations, err := pssRestricted(meta, spec)
			require.NoError(t, err)
			require.NotEmpty(t, violations)
			require.Contains(t, strings.Join(violations, "\n"), tc.wantPSS)
		})
	}
}
