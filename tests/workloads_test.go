package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	storagev1 "k8s.io/api/storage/v1"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
)

// Kubernetes type tokens of the objects our own components build.
const (
	k8sDeployment  = tokens.K8sDeployment
	k8sJob         = tokens.K8sJob
	k8sHPA         = tokens.K8sHorizontalPodAutoscaler
	k8sScaled      = tokens.K8sScaledObject
	k8sTriggerAuth = tokens.K8sTriggerAuthentication
)

// workloadStacks are the committed application stacks issue 3 asks about; dr mirrors prod
// and is compared with it in dr_test.go.
var workloadStacks = []string{"staging", "prod"}

// k8sObject returns the one object of a type with the given metadata.name (and namespace
// when ns is not empty).
func k8sObject(t testing.TB, p *plan.Plan, typ, ns, name string) *plan.Resource {
	t.Helper()
	return one(t, p, typ, func(r *plan.Resource) bool {
		return str(r.Input("metadata.name")) == name && (ns == "" || str(r.Input("metadata.namespace")) == ns)
	})
}

// podContainers returns the containers and init containers of a Deployment's or Job's
// pod template, each as a map.
func podContainers(r *plan.Resource) []property.Map {
	var out []property.Map
	for _, key := range []string{"containers", "initContainers"} {
		v := r.Input("spec.template.spec." + key)
		if !v.IsArray() {
			continue
		}
		for _, c := range v.AsArray().AsSlice() {
			if c.IsMap() {
				out = append(out, c.AsMap())
			}
		}
	}
	return out
}

func mapGet(m property.Map, path string) property.Value {
	v, _ := plan.Lookup(m, path)
	return v
}

func TestAPIAutoscaling(t *testing.T) {
	for _, tc := range []struct {
		stack    string
		min, max float64
	}{
		{"staging", 2, 4}, // Pulumi.staging.yaml: apiMaxReplicas 4
		{"prod", 2, 10},
	} {
		t.Run(tc.stack, func(t *testing.T) {
			p := capture(t, tc.stack, plan.Update)
			api := k8sObject(t, p, k8sDeployment, "platform", "api")
			hpa := one(t, p, k8sHPA, func(r *plan.Resource) bool {
				return str(r.Input("spec.scaleTargetRef.name")) == "api"
			})
			require.Equal(t, "apps/v1", str(hpa.Input("spec.scaleTargetRef.apiVersion")))
			require.Equal(t, "Deployment", str(hpa.Input("spec.scaleTargetRef.kind")))
			require.Equal(t, str(api.Input("metadata.namespace")), str(hpa.Input("metadata.namespace")))
			require.Equal(t, tc.min, num(hpa.Input("spec.minReplicas")))
			require.Equal(t, tc.max, num(hpa.Input("spec.maxReplicas")))
			require.NotEmpty(t, hpa.Input("spec.metrics").AsArray().AsSlice(), "the HPA needs a metric")
			// With an HPA the Deployment must not pin replicas, or every `pulumi up` resets the scale.
			require.True(t, api.Input("spec.replicas").IsNull(), "api Deployment sets spec.replicas next to its HPA")
		})
	}
}

func TestWorkerScaling(t *testing.T) {
	for _, tc := range []struct {
		stack     string
		workerMax float64
	}{
		{"staging", 4}, // Pulumi.staging.yaml: workerMaxReplicas 4
		{"prod", 10},
	} {
		t.Run(tc.stack, func(t *testing.T) {
			p := capture(t, tc.stack, plan.Update)

			worker := one(t, p, k8sScaled, func(r *plan.Resource) bool {
				return str(r.Input("spec.scaleTargetRef.name")) == "worker"
			})
			require.Equal(t, "Deployment", str(worker.Input("spec.scaleTargetRef.kind")))
			require.Equal(t, tc.workerMax, num(worker.Input("spec.maxReplicaCount")))
			triggers := worker.Input("spec.triggers").AsArray().AsSlice()
			require.Len(t, triggers, 1)
			trig := triggers[0].AsMap()
			require.Equal(t, "redis", str(trig.Get("type")))
			require.Equal(t, "bull:agent-tasks:wait", str(mapGet(trig, "metadata.listName")))
			require.Equal(t, "true", str(mapGet(trig, "metadata.enableTLS")))

			// The address is the queue group's primary endpoint (Update mode fills it in).
			queue := one(t, p, tokens.ElastiCacheReplicationGroup, func(r *plan.Resource) bool {
				return strings.Contains(r.Name, "queue")
			})
			require.Equal(t, str(queue.Output("primaryEndpointAddress"))+":6379", str(mapGet(trig, "metadata.address")))

			// The AUTH token comes through a TriggerAuthentication in the same namespace.
			authName := str(mapGet(trig, "authenticationRef.name"))
			require.NotEmpty(t, authName, "the redis trigger needs an authenticationRef")
			auth := k8sObject(t, p, k8sTriggerAuth, str(worker.Input("metadata.namespace")), authName)
			ref := auth.Input("spec.secretTargetRef[0]")
			require.True(t, ref.IsMap(), "TriggerAuthentication %s has no secretTargetRef", authName)
			require.Equal(t, "password", str(ref.AsMap().Get("parameter")))
			require.NotEmpty(t, str(ref.AsMap().Get("name")))
			require.NotEmpty(t, str(ref.AsMap().Get("key")))

			// The Temporal worker scales on its task queue, the one its Deployment polls.
			tw := one(t, p, k8sScaled, func(r *plan.Resource) bool {
				return str(r.Input("spec.scaleTargetRef.name")) == "temporal-worker"
			})
			ttrig := tw.Input("spec.triggers[0]").AsMap()
			require.Equal(t, "temporal", str(ttrig.Get("type")))
			dep := k8sObject(t, p, k8sDeployment, str(tw.Input("metadata.namespace")), "temporal-worker")
			require.Equal(t, containerEnv(dep)["TEMPORAL_TASK_QUEUE"], str(mapGet(ttrig, "metadata.taskQueue")))
			require.NotEmpty(t, str(mapGet(ttrig, "metadata.taskQueue")))
			require.Equal(t, containerEnv(dep)["TEMPORAL_ADDRESS"], str(mapGet(ttrig, "metadata.endpoint")))
		})
	}
}

// containerEnv returns the literal env values of a workload's first container.
func containerEnv(r *plan.Resource) map[string]string {
	out := map[string]string{}
	env := r.Input("spec.template.spec.containers[0].env")
	if !env.IsArray() {
		return out
	}
	for _, e := range env.AsArray().AsSlice() {
		out[str(e.AsMap().Get("name"))] = str(e.AsMap().Get("value"))
	}
	return out
}

func TestDeploymentsAreHardened(t *testing.T) {
	for _, stack := range workloadStacks {
		t.Run(stack, func(t *testing.T) {
			p := capture(t, stack, plan.Update)
			deps := p.ByType(k8sDeployment)
			namespaces := map[string]bool{}
			for _, d := range deps {
				namespaces[str(d.Input("metadata.namespace"))] = true
				pod := d.Input("spec.template.spec.securityContext")
				podNonRoot := pod.IsMap() && mapGet(pod.AsMap(), "runAsNonRoot").IsBool() && mapGet(pod.AsMap(), "runAsNonRoot").AsBool()
				containers := podContainers(d)
				require.NotEmpty(t, containers, d.Name)
				for _, c := range containers {
					where := d.Name + "/" + str(c.Get("name"))
					nonRoot := mapGet(c, "securityContext.runAsNonRoot")
					require.True(t, (nonRoot.IsBool() && nonRoot.AsBool()) || (nonRoot.IsNull() && podNonRoot), "%s: runAsNonRoot", where)
					require.True(t, mapGet(c, "securityContext.readOnlyRootFilesystem").AsBool(), "%s: readOnlyRootFilesystem", where)
					require.False(t, mapGet(c, "securityContext.allowPrivilegeEscalation").AsBool(), "%s: allowPrivilegeEscalation", where)
					require.Contains(t, strs(mapGet(c, "securityContext.capabilities.drop")), "ALL", "%s: capabilities.drop", where)
					for _, q := range []string{"requests.cpu", "requests.memory", "limits.cpu", "limits.memory"} {
						require.NotEmpty(t, str(mapGet(c, "resources."+q)), "%s: resources.%s", where, q)
					}
					if slices.ContainsFunc(d.Input("spec.template.spec.containers").AsArray().AsSlice(), func(v property.Value) bool {
						return v.IsMap() && str(v.AsMap().Get("name")) == str(c.Get("name"))
					}) {
						require.True(t, mapGet(c, "readinessProbe").IsMap(), "%s: readinessProbe", where)
						require.True(t, mapGet(c, "livenessProbe").IsMap(), "%s: livenessProbe", where)
					}
				}
			}
			// platform: api, worker, temporal-worker; data: PgBouncer; monitoring: the redis exporters.
			for _, ns := range []string{"platform", "data", "monitoring"} {
				require.True(t, namespaces[ns], "no Deployment in namespace %s", ns)
			}
			require.GreaterOrEqual(t, len(deps), 6)
		})
	}
}

// imageTagOK reports whether an image reference is pinned: a digest, or a tag other than
// "latest". A registry port ("host:5000/repo") is not a tag.
func imageTagOK(image string) bool {
	if strings.Contains(image, "@sha256:") {
		return true
	}
	last := image[strings.LastIndex(image, "/")+1:]
	i := strings.LastIndex(last, ":")
	return i > 0 && i < len(last)-1 && last[i+1:] != "latest"
}

func TestImagesArePinned(t *testing.T) {
	for _, bad := range []string{"nginx", "nginx:latest", "registry:5000/app", "repo/app:", "a/b:latest"} {
		require.False(t, imageTagOK(bad), bad)
	}
	for _, good := range []string{"a/b:v1", "registry:5000/app:1.2", "x@sha256:abcd"} {
		require.True(t, imageTagOK(good), good)
	}
	for _, stack := range workloadStacks {
		t.Run(stack, func(t *testing.T) {
			p := capture(t, stack, plan.Update) // images built from repository URLs are unknown in a preview
			seen := 0
			for _, r := range append(p.ByType(k8sDeployment), p.ByType(k8sJob)...) {
				for _, c := range podContainers(r) {
					image := str(c.Get("image"))
					require.True(t, imageTagOK(image), "%s/%s: image %q is not pinned to a tag", r.Name, str(c.Get("name")), image)
					seen++
				}
			}
			require.GreaterOrEqual(t, seen, 9)
		})
	}
}

func TestMigrationsRunBeforeTheApplication(t *testing.T) {
	for _, stack := range workloadStacks {
		t.Run(stack, func(t *testing.T) {
			p := capture(t, stack, plan.Update)
			job := one(t, p, k8sJob, func(r *plan.Resource) bool {
				labels := r.Input("metadata.labels")
				return labels.IsMap() && str(labels.AsMap().Get("app.kubernetes.io/component")) == "migration"
			})
			require.Contains(t, strs(job.Input("spec.template.spec.containers[0].command")), "migrate")
			for _, name := range []string{"api", "worker"} {
				d := k8sObject(t, p, k8sDeployment, "platform", name)
				require.Contains(t, d.Dependencies, job.URN, "%s Deployment must wait for the migrations Job", name)
			}
		})
	}
}

// k8sDecoders are the k8s.io/api types our own objects must decode into, by type token.
var k8sDecoders = map[string]func() any{
	k8sDeployment:                 func() any { return &appsv1.Deployment{} },
	k8sJob:                        func() any { return &batchv1.Job{} },
	tokens.K8sService:             func() any { return &corev1.Service{} },
	tokens.K8sServiceAccount:      func() any { return &corev1.ServiceAccount{} },
	tokens.K8sNamespace:           func() any { return &corev1.Namespace{} },
	tokens.K8sConfigMap:           func() any { return &corev1.ConfigMap{} },
	tokens.K8sPodDisruptionBudget: func() any { return &policyv1.PodDisruptionBudget{} },
	k8sHPA:                        func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	tokens.K8sNetworkPolicy:       func() any { return &networkingv1.NetworkPolicy{} },
	tokens.K8sIngress:             func() any { return &networkingv1.Ingress{} },
	tokens.K8sStorageClass:        func() any { return &storagev1.StorageClass{} },
}

// plainJSON turns a captured value into what encoding/json would produce for it: secrets
// are unwrapped, unknowns (preview) become null.
func plainJSON(v property.Value) any {
	switch {
	case v.IsNull(), v.IsComputed():
		return nil
	case v.IsBool():
		return v.AsBool()
	case v.IsNumber():
		return v.AsNumber()
	case v.IsString():
		return v.AsString()
	case v.IsArray():
		out := []any{}
		for _, e := range v.AsArray().AsSlice() {
			out = append(out, plainJSON(e))
		}
		return out
	case v.IsMap():
		out := map[string]any{}
		for k, e := range v.AsMap().All {
			out[k] = plainJSON(e)
		}
		return out
	}
	return nil
}

// decodeK8sStrictly decodes a resource's inputs into out and fails on any field the API
// type does not have: a misspelt property name is silently dropped by the API server.
func decodeK8sStrictly(r *plan.Resource, out any) error {
	b, err := json.Marshal(plainJSON(property.New(r.Inputs)))
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("%s %s: %w in %s", r.Type, r.Name, err, b)
	}
	return nil
}

func TestKubernetesObjectsDecodeStrictly(t *testing.T) {
	// The check itself must catch a misspelt field.
	bad := &plan.Resource{Type: k8sHPA, Name: "typo", Inputs: property.NewMap(map[string]property.Value{
		"spec": property.New(map[string]property.Value{"maxReplica": property.New(3.0)}),
	})}
	require.ErrorContains(t, decodeK8sStrictly(bad, &autoscalingv2.HorizontalPodAutoscaler{}), `unknown field "maxReplica"`)

	for _, mode := range []plan.Mode{plan.Update, plan.Preview} {
		t.Run(mode.String(), func(t *testing.T) {
			p := capture(t, "prod", mode)
			for typ, newObj := range k8sDecoders {
				objs := p.ByType(typ)
				require.NotEmpty(t, objs, "no %s in the prod plan", typ)
				for _, r := range objs {
					obj := newObj()
					require.NoError(t, decodeK8sStrictly(r, obj))
				}
			}
			// Spot-check that decoding kept the values (not an empty struct).
			var dep appsv1.Deployment
			require.NoError(t, decodeK8sStrictly(k8sObject(t, p, k8sDeployment, "platform", "api"), &dep))
			require.Equal(t, "api", dep.Spec.Template.Spec.Containers[0].Name)
			require.NotNil(t, dep.Spec.Template.Spec.Containers[0].ReadinessProbe)
		})
	}
}
