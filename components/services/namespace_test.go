package services

import (
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

func TestNamespace(t *testing.T) {
	p := captureRelease(t, plan.Update)
	ns := testkit.Decode[corev1.Namespace](t, one(t, p, tNamespace, appNS))
	for _, mode := range []string{"enforce", "audit", "warn"} {
		require.Equal(t, "restricted", ns.Labels["pod-security.kubernetes.io/"+mode])
	}
	require.Equal(t, "enabled", ns.Labels["elbv2.k8s.aws/pod-readiness-gate-inject"])
	require.Equal(t, "prod", ns.Labels["platform.generic-corp.io/environment"])
	deny := testkit.Decode[networkingv1.NetworkPolicy](t, one(t, p, tNetPol, "default-deny-all"))
	require.Empty(t, deny.Spec.PodSelector.MatchLabels, "selects every pod")
	require.Empty(t, deny.Spec.Ingress)
	require.Empty(t, deny.Spec.Egress)
	require.Equal(t, []networkingv1.PolicyType{"Ingress", "Egress"}, deny.Spec.PolicyTypes)
	// Everything in the namespace waits for it (and so for the deny policy).
	nsObj, denyObj := one(t, p, tNamespace, appNS), one(t, p, tNetPol, "default-deny-all")
	for _, r := range p.ByType(tDeployment) {
		require.True(t, testkit.WaitsFor(r, nsObj.URN) && testkit.WaitsFor(r, denyObj.URN), r.Name)
	}
}

func TestWorkloadCreatesItsNamespace(t *testing.T) {
	p := capture(t, plan.Preview, func(ctx *pulumi.Context, k8s *kubernetes.Provider) error {
		_, err := NewWorkload(ctx, "echo", &WorkloadArgs{
			Name: "echo", NamePrefix: "platform-staging", Namespace: "tools", CreateNamespace: true,
			Image: pulumi.String(imageRepo + "echo:1.0.0"), Port: 8080, Replicas: 3,
			Resources:          ResourceArgs{CPURequest: "50m", MemoryRequest: "64Mi", CPULimit: "200m", MemoryLimit: "128Mi"},
			Network:            NetworkArgs{EgressInternetPorts: []int{}},
			KubernetesProvider: k8s, Tags: testTags,
		})
		return err
	})
	requireExplicitProvider(t, p)
	ns := one(t, p, tNamespace, "tools")
	require.Equal(t, "restricted", ns.Input("metadata.labels").AsMap().Get("pod-security.kubernetes.io/enforce").AsString())
	require.True(t, ns.Input("metadata.labels").AsMap().Get("elbv2.k8s.aws/pod-readiness-gate-inject").IsNull(), "no Ingress, no readiness gates")
	deny := one(t, p, tNetPol, "default-deny-all")
	d := one(t, p, tDeployment, "echo")
	require.True(t, testkit.WaitsFor(d, ns.URN) && testkit.WaitsFor(d, deny.URN))
	dep := testkit.Decode[appsv1.Deployment](t, d)
	require.EqualValues(t, 3, *dep.Spec.Replicas, "no autoscaler: fixed replicas")
	require.Empty(t, dep.Spec.Template.Spec.Containers[0].EnvFrom)
	require.Empty(t, dep.Spec.Template.Annotations)
	require.Equal(t, "200m", dep.Spec.Template.Spec.Containers[0].Resources.Limits.Cpu().String())
	require.Empty(t, p.ByType(tRole), "no secrets, no IAM role")
	require.Empty(t, p.ByType(tHPA))
	require.Empty(t, p.ByType(tScaled))
	np := testkit.Decode[networkingv1.NetworkPolicy](t, one(t, p, tNetPol, "echo"))
	require.Len(t, np.Spec.Egress, 1, "DNS only")
	require.Len(t, np.Spec.Ingress, 1, "no Ingress: only Prometheus, on the app port")
	require.Equal(t, ingressRule{from: "monitoring", ports: []int{8080}}, ruleOf(t, np.Spec.Ingress[0]))
	require.Empty(t, p.ByType(tIngress))
}

func TestSecretStoreValidation(t *testing.T) {
	_, err := tryCapture(plan.Preview, func(ctx *pulumi.Context, k8s *kubernetes.Provider) error {
		_, err := NewSecretStore(ctx, "s", &SecretStoreArgs{NamePrefix: "platform-prod", Namespace: "data", Region: "us-east-1",
			KubernetesProvider: k8s, Tags: testTags})
		return err
	})
	require.ErrorContains(t, err, "SecretArns is empty")
	require.ErrorContains(t, err, "KmsKeyArn is required")
	require.ErrorContains(t, err, "OidcProviderArn and OidcIssuer are required")
}
