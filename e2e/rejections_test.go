//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/services"
	"github.com/generic-corp/platform/internal/tags"
)

// The server says no: objects the API server itself must refuse, sent through the real
// engine and provider. The namespace is the program's own services.Namespace, so what is
// proven is that the namespaces the program creates are enforced by the server.

const rejectNamespace = "e2e-rejections"

// rejectProgram deploys a restricted namespace with a ServiceAccount and, per variant, a
// restricted Pod (good), a privileged Pod, or a KEDA ScaledObject whose required
// scaleTargetRef is misspelt.
func rejectProgram(kubeconfig, variant string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		if err := skipAwaits(ctx); err != nil {
			return err
		}
		k8s, err := kubernetes.NewProvider(ctx, "cluster", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String(kubeconfig)})
		if err != nil {
			return err
		}
		ns, err := services.NewNamespace(ctx, "rejections", &services.NamespaceArgs{
			Name: rejectNamespace, KubernetesProvider: k8s,
			Tags: tags.New("prod", "agent-platform", "sre", "platform", nil),
		})
		if err != nil {
			return err
		}
		opts := []pulumi.ResourceOption{pulumi.Provider(k8s), pulumi.DependsOn([]pulumi.Resource{ns})}
		meta := func(name string) *metav1.ObjectMetaArgs {
			return &metav1.ObjectMetaArgs{Name: pulumi.String(name), Namespace: ns.Name}
		}
		sa, err := corev1.NewServiceAccount(ctx, "pods", &corev1.ServiceAccountArgs{Metadata: meta("pods")}, opts...)
		if err != nil {
			return err
		}
		podOpts := append(opts, pulumi.DependsOn([]pulumi.Resource{sa}))
		switch variant {
		case "good", "privileged":
			spec := podSpec(variant, variant == "privileged")
			_, err = corev1.NewPod(ctx, variant, &corev1.PodArgs{Metadata: meta(variant), Spec: spec}, podOpts...)
		case "privileged-deployment":
			labels := pulumi.StringMap{"app": pulumi.String(variant)}
			_, err = appsv1.NewDeployment(ctx, variant, &appsv1.DeploymentArgs{Metadata: meta(variant), Spec: &appsv1.DeploymentSpecArgs{
				Selector: &metav1.LabelSelectorArgs{MatchLabels: labels},
				Template: &corev1.PodTemplateSpecArgs{Metadata: &metav1.ObjectMetaArgs{Labels: labels}, Spec: podSpec(variant, true)},
			}}, podOpts...)
		case "misspelt":
			_, err = apiextensions.NewCustomResource(ctx, "misspelt", &apiextensions.CustomResourceArgs{
				ApiVersion: pulumi.String("keda.sh/v1alpha1"), Kind: pulumi.String("ScaledObject"), Metadata: meta("misspelt"),
				OtherFields: kubernetes.UntypedArgs{"spec": pulumi.Map{
					"scaleTargetRf":   pulumi.Map{"name": pulumi.String("api")}, // scaleTargetRef, misspelt
					"minReplicaCount": pulumi.Int(2),
					"triggers": pulumi.Array{pulumi.Map{
						"type": pulumi.String("cpu"), "metricType": pulumi.String("Utilization"),
						"metadata": pulumi.Map{"value": pulumi.String("70")},
					}},
				}},
			}, opts...)
		}
		return err
	}
}

// podSpec is the fixture's restricted pod, or with privileged a container that is
// privileged (and so may escalate): valid, but refused by Pod Security "restricted".
func podSpec(name string, privileged bool) *corev1.PodSpecArgs {
	spec := restrictedPod(name, goodImage)
	spec.ServiceAccountName = pulumi.String("pods")
	if privileged {
		spec.Containers = corev1.ContainerArray{restrictedContainer(name, goodImage, &corev1.SecurityContextArgs{
			Privileged:             pulumi.Bool(true),
			ReadOnlyRootFilesystem: pulumi.Bool(true),
			Capabilities:           &corev1.CapabilitiesArgs{Drop: pulumi.StringArray{pulumi.String("ALL")}},
		})}
	}
	return spec
}

func TestAPIServerRefusesWhatItMust(t *testing.T) {
	// Beside the layer test: separate namespaces, and the shared server is mostly waiting.
	t.Parallel()
	cp := requireCluster(t)
	cp.installCRDs(t)
	for _, tc := range []struct {
		variant string
		// refusal is the server's own message (empty: the up succeeds).
		refusal []string
		// podRefusal is what the server said to the controller that made the Pod.
		podRefusal string
	}{
		{variant: "good"},
		{
			variant: "privileged",
			refusal: []string{
				`pods "privileged" is forbidden: violates PodSecurity "restricted:latest"`,
				`privileged (container "privileged" must not set securityContext.privileged=true)`,
				`allowPrivilegeEscalation != false (container "privileged" must set securityContext.allowPrivilegeEscalation=false)`,
			},
		},
		{
			variant: "misspelt",
			// Server-side apply builds a typed patch from the CRD's schema, so an undeclared
			// field is refused outright (fieldValidation=Warn, which the provider sends,
			// applies to other write paths).
			refusal: []string{`failed to create typed patch object (e2e-rejections/misspelt; keda.sh/v1alpha1, Kind=ScaledObject): .spec.scaleTargetRf: field not declared in schema`},
		},
		{
			// The Deployment is accepted; the Pods its ReplicaSet makes are refused, and the
			// check the prod layer passes (requirePodsAdmitted) is what sees it.
			variant:    "privileged-deployment",
			podRefusal: `is forbidden: violates PodSecurity "restricted:latest": privileged (container "privileged-deployment" must not set securityContext.privileged=true)`,
		},
	} {
		t.Run(tc.variant, func(t *testing.T) {
			s := newStack(t, "prod", rejectProgram(cp.kubeconfig, tc.variant))
			ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
			defer cancel()
			t.Cleanup(func() {
				var out bytes.Buffer
				_, err := s.Destroy(context.Background(), optdestroy.ProgressStreams(&out), optdestroy.Color("never"))
				require.NoError(t, err, "destroy:\n%s", out.String())
				requireNamespaceGone(t, cp, rejectNamespace)
			})
			var out bytes.Buffer
			_, err := s.Up(ctx, optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out), optup.Color("never"))
			if tc.refusal == nil {
				require.NoError(t, err, "the %s variant is accepted:\n%s", tc.variant, out.String())
				for _, o := range stateKubeObjects(ctx, t, s) {
					if o.kind != "Deployment" {
						continue
					}
					if tc.podRefusal == "" {
						continue
					}
					require.NoError(t, podsRefused(ctx, cp, o, tc.podRefusal, time.Minute))
					// The layer test's check reports it, with the server's words.
					err := podsAdmitted(ctx, t, cp, o, 0)
					require.Error(t, err, "the controller's Pods must be refused")
					require.Contains(t, err.Error(), tc.podRefusal)
				}
				return
			}
			require.Error(t, err, "the API server must refuse the %s variant:\n%s", tc.variant, out.String())
			for _, msg := range tc.refusal {
				require.Contains(t, out.String(), msg, "the server's own refusal")
			}
		})
	}
}

// podsRefused waits until the server has told o's controller `refusal` (a FailedCreate
// event in o's namespace) and then requires that none of o's Pods exist.
func podsRefused(ctx context.Context, cp *controlPlane, o stateObject, refusal string, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for !strings.Contains(refusals(ctx, cp, o.namespace), refusal) {
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: no FailedCreate event says %q within %s; events: %s", o, refusal, wait, refusals(ctx, cp, o.namespace))
		}
		time.Sleep(250 * time.Millisecond)
	}
	pods, err := cp.api.list(ctx, "/api/v1/namespaces/"+o.namespace+"/pods")
	if err != nil {
		return err
	}
	if len(pods) != 0 {
		return fmt.Errorf("%s: the server refused a Pod but admitted %d", o, len(pods))
	}
	return nil
}

// requireNamespaceGone waits until the namespace has finished terminating, so the next
// variant starts from an empty server.
func requireNamespaceGone(t *testing.T, cp *controlPlane, name string) {
	t.Helper()
	requireGone(context.Background(), t, cp, &discovery{api: cp.api},
		[]stateObject{{apiVersion: "v1", kind: "Namespace", name: name}})
}
