//go:build e2e

package e2e

import (
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The fixture is a small workload of our own, independent of the platform program: a
// restricted, pinned, probed Deployment with its PodDisruptionBudget, and a "rogue"
// Deployment that breaks the two rules the bad-variant tests look for. It proves the pack
// enforces through the engine whatever the platform program happens to contain.

const (
	fixtureNamespace = "e2e-fixture"
	// rogueName is the bad Deployment's logical (and object) name; exceptions glob on it.
	rogueName = "rogue"
	// goodImage matches the pack's default allowedRegistries (our ECR).
	goodImage = "123456789012.dkr.ecr.us-east-1.amazonaws.com/platform/api:1.4.2"
)

// renderProvider is the Kubernetes provider in render mode: it writes each object's YAML
// under dir instead of talking to a cluster.
func renderProvider(ctx *pulumi.Context, dir string) (*kubernetes.Provider, error) {
	return kubernetes.NewProvider(ctx, "render", &kubernetes.ProviderArgs{
		RenderYamlToDirectory: pulumi.String(dir),
	})
}

// fixtureProgram deploys the fixture; withRogue adds the privileged, :latest Deployment.
func fixtureProgram(renderDir string, withRogue bool) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		k8s, err := renderProvider(ctx, renderDir)
		if err != nil {
			return err
		}
		ns, err := corev1.NewNamespace(ctx, fixtureNamespace, &corev1.NamespaceArgs{
			Metadata: &metav1.ObjectMetaArgs{
				Name: pulumi.String(fixtureNamespace),
				Labels: pulumi.StringMap{
					"pod-security.kubernetes.io/enforce": pulumi.String("restricted"),
				},
			},
		}, pulumi.Provider(k8s))
		if err != nil {
			return err
		}
		opts := []pulumi.ResourceOption{pulumi.Provider(k8s), pulumi.DependsOn([]pulumi.Resource{ns})}
		if err := fixturePolicies(ctx, opts); err != nil {
			return err
		}
		labels := pulumi.StringMap{"app.kubernetes.io/name": pulumi.String("web")}
		if _, err := appsv1.NewDeployment(ctx, "web", &appsv1.DeploymentArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("web"), Namespace: pulumi.String(fixtureNamespace), Labels: labels},
			Spec: &appsv1.DeploymentSpecArgs{
				Replicas: pulumi.Int(2),
				Selector: &metav1.LabelSelectorArgs{MatchLabels: labels},
				Template: &corev1.PodTemplateSpecArgs{
					Metadata: &metav1.ObjectMetaArgs{Labels: labels},
					Spec:     restrictedPod("web", goodImage),
				},
			},
		}, opts...); err != nil {
			return err
		}
		if _, err := policyv1.NewPodDisruptionBudget(ctx, "web", &policyv1.PodDisruptionBudgetArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("web"), Namespace: pulumi.String(fixtureNamespace)},
			Spec: &policyv1.PodDisruptionBudgetSpecArgs{
				MaxUnavailable: pulumi.Int(1),
				Selector:       &metav1.LabelSelectorArgs{MatchLabels: labels},
			},
		}, opts...); err != nil {
			return err
		}
		ctx.Export("namespace", ns.Metadata.Name())
		if !withRogue {
			return nil
		}
		return rogue(ctx, opts)
	}
}

// fixturePolicies deny everything in the namespace (netpol-default-deny) and let every pod
// resolve names (the one flow the fixture's pods need: netpol-required-flows).
func fixturePolicies(ctx *pulumi.Context, opts []pulumi.ResourceOption) error {
	all := &metav1.LabelSelectorArgs{}
	both := pulumi.ToStringArray([]string{"Ingress", "Egress"})
	if _, err := networkingv1.NewNetworkPolicy(ctx, fixtureNamespace+"-default-deny", &networkingv1.NetworkPolicyArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("default-deny-all"), Namespace: pulumi.String(fixtureNamespace)},
		Spec:     &networkingv1.NetworkPolicySpecArgs{PodSelector: all, PolicyTypes: both},
	}, opts...); err != nil {
		return err
	}
	_, err := networkingv1.NewNetworkPolicy(ctx, fixtureNamespace+"-dns", &networkingv1.NetworkPolicyArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("allow-dns"), Namespace: pulumi.String(fixtureNamespace)},
		Spec: &networkingv1.NetworkPolicySpecArgs{
			PodSelector: all, PolicyTypes: both,
			Egress: networkingv1.NetworkPolicyEgressRuleArray{networkingv1.NetworkPolicyEgressRuleArgs{
				To: networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{
					NamespaceSelector: &metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"kubernetes.io/metadata.name": pulumi.String("kube-system")}},
					PodSelector:       &metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"k8s-app": pulumi.String("kube-dns")}},
				}},
				Ports: networkingv1.NetworkPolicyPortArray{
					networkingv1.NetworkPolicyPortArgs{Port: pulumi.Int(53), Protocol: pulumi.String("UDP")},
					networkingv1.NetworkPolicyPortArgs{Port: pulumi.Int(53), Protocol: pulumi.String("TCP")},
				},
			}},
		},
	}, opts...)
	return err
}

// rogue is the bad variant: a privileged container (k8s-pss-restricted) running an
// unpinned :latest image from Docker Hub (k8s-hygiene). Replicas and PDB are fine, so the
// findings are exactly the two rules under test.
func rogue(ctx *pulumi.Context, opts []pulumi.ResourceOption) error {
	labels := pulumi.StringMap{"app.kubernetes.io/name": pulumi.String(rogueName)}
	pod := restrictedPod(rogueName, "nginx:latest")
	pod.Containers = corev1.ContainerArray{restrictedContainer(rogueName, "nginx:latest", &corev1.SecurityContextArgs{
		Privileged:               pulumi.Bool(true),
		AllowPrivilegeEscalation: pulumi.Bool(true),
	})}
	if _, err := appsv1.NewDeployment(ctx, rogueName, &appsv1.DeploymentArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(rogueName), Namespace: pulumi.String(fixtureNamespace), Labels: labels},
		Spec: &appsv1.DeploymentSpecArgs{
			Replicas: pulumi.Int(2),
			Selector: &metav1.LabelSelectorArgs{MatchLabels: labels},
			Template: &corev1.PodTemplateSpecArgs{Metadata: &metav1.ObjectMetaArgs{Labels: labels}, Spec: pod},
		},
	}, opts...); err != nil {
		return err
	}
	_, err := policyv1.NewPodDisruptionBudget(ctx, rogueName, &policyv1.PodDisruptionBudgetArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(rogueName), Namespace: pulumi.String(fixtureNamespace)},
		Spec: &policyv1.PodDisruptionBudgetSpecArgs{
			MaxUnavailable: pulumi.Int(1),
			Selector:       &metav1.LabelSelectorArgs{MatchLabels: labels},
		},
	}, opts...)
	return err
}

// restrictedPod is a pod spec that passes PSS restricted and the hygiene rule.
func restrictedPod(name, image string) *corev1.PodSpecArgs {
	return &corev1.PodSpecArgs{
		AutomountServiceAccountToken: pulumi.Bool(false),
		SecurityContext: &corev1.PodSecurityContextArgs{
			RunAsNonRoot:   pulumi.Bool(true),
			RunAsUser:      pulumi.Int(10001),
			SeccompProfile: &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
		},
		Containers: corev1.ContainerArray{restrictedContainer(name, image, &corev1.SecurityContextArgs{
			AllowPrivilegeEscalation: pulumi.Bool(false),
			ReadOnlyRootFilesystem:   pulumi.Bool(true),
			Capabilities:             &corev1.CapabilitiesArgs{Drop: pulumi.StringArray{pulumi.String("ALL")}},
		})},
	}
}

func restrictedContainer(name, image string, sc *corev1.SecurityContextArgs) corev1.ContainerArgs {
	probe := &corev1.ProbeArgs{
		HttpGet:       &corev1.HTTPGetActionArgs{Path: pulumi.String("/health"), Port: pulumi.Int(8080)},
		PeriodSeconds: pulumi.Int(10),
	}
	return corev1.ContainerArgs{
		Name:  pulumi.String(name),
		Image: pulumi.String(image),
		Ports: corev1.ContainerPortArray{corev1.ContainerPortArgs{ContainerPort: pulumi.Int(8080)}},
		Resources: &corev1.ResourceRequirementsArgs{
			Requests: pulumi.StringMap{"cpu": pulumi.String("250m"), "memory": pulumi.String("256Mi")},
			Limits:   pulumi.StringMap{"cpu": pulumi.String("500m"), "memory": pulumi.String("256Mi")},
		},
		ReadinessProbe:  probe,
		LivenessProbe:   probe,
		SecurityContext: sc,
	}
}
