package services

import (
	"fmt"

	"github.com/generic-corp/platform/internal/argcheck"
	"github.com/generic-corp/platform/internal/tags"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// NamespaceType is the component's type token.
const NamespaceType = "platform:services:Namespace"

// Pod Security Standard levels a namespace may enforce.
const (
	PodSecurityRestricted = "restricted"
	PodSecurityPrivileged = "privileged"
)

// readinessGateLabel makes the load balancer controller inject its target-health
// readiness gate into pods of the namespace, so a rollout waits until the ALB sees new
// pods healthy (docs/deploy/pod_readiness_gate.md; target-type ip only).
const readinessGateLabel = "elbv2.k8s.aws/pod-readiness-gate-inject"

// NamespaceArgs configure a namespace for our workloads.
type NamespaceArgs struct {
	// Name of the namespace. Required: a DNS-1123 label, not "default" or "kube-*".
	Name string
	// PermitByDefault skips the namespace-wide default-deny NetworkPolicy. Default
	// false: everything not allowed by a workload's own policy is denied. Set it only
	// for namespaces whose pods have no NetworkPolicy of their own (e.g. components/database
	// PgBouncer).
	PermitByDefault bool
	// PodSecurity is the Pod Security Standard level enforced: "restricted" (default) or
	// "privileged" for host-access agents (node-exporter: host network, PID and /proc;
	// Alloy: /var/log). A privileged namespace still warns and audits at "baseline", so
	// anything else that needs more than baseline stands out.
	PodSecurity string
	// ALBReadinessGates labels the namespace for the load balancer controller's pod
	// readiness gates. Set it where an Ingress routes to pods. Default false.
	ALBReadinessGates bool
	// Aliases are earlier URNs of the namespace object, so moving it under this component
	// is not a replacement (which would delete everything in the namespace). Default none.
	Aliases []pulumi.Alias
	// KubernetesProvider is the cluster's provider. Required.
	KubernetesProvider *kubernetes.Provider
	// KubernetesDependsOn are waited for by the namespace and the policy.
	KubernetesDependsOn []pulumi.Resource
	// Tags is the stack tag set (labels).
	Tags tags.Set
}

// Namespace is a namespace enforcing the restricted Pod Security Standard.
type Namespace struct {
	pulumi.ResourceState

	// Name is the namespace's name, resolved once the namespace exists: use it as the
	// metadata.namespace of objects that must wait for it.
	Name pulumi.StringOutput
}

// NewNamespace registers the namespace and its default-deny NetworkPolicy.
func NewNamespace(ctx *pulumi.Context, name string, args *NamespaceArgs, opts ...pulumi.ResourceOption) (*Namespace, error) {
	if args == nil {
		return nil, fmt.Errorf("services: namespace %q: args are required", name)
	}
	p := argcheck.New(fmt.Sprintf("services: namespace %q", args.Name))
	checkNamespace(p, args.Name)
	if args.PodSecurity != "" && args.PodSecurity != PodSecurityRestricted && args.PodSecurity != PodSecurityPrivileged {
		p.Addf("PodSecurity %q is not allowed (allowed: %s, %s)", args.PodSecurity, PodSecurityRestricted, PodSecurityPrivileged)
	}
	if args.KubernetesProvider == nil {
		p.Addf("KubernetesProvider is required (the cluster's provider)")
	}
	p.Tags(args.Tags)
	if err := p.Err(); err != nil {
		return nil, err
	}
	c := &Namespace{}
	if err := ctx.RegisterComponentResource(NamespaceType, name, c, opts...); err != nil {
		return nil, err
	}
	ns, err := newNamespace(ctx, name, *args, pulumi.Parent(c))
	if err != nil {
		return nil, err
	}
	c.Name = ns
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"name": c.Name}); err != nil {
		return nil, err
	}
	return c, nil
}

// newNamespace registers the namespace (and default-deny policy) under parent and
// returns its name as an output that resolves once the namespace exists.
func newNamespace(ctx *pulumi.Context, name string, a NamespaceArgs, parent pulumi.ResourceOption) (pulumi.StringOutput, error) {
	opts := []pulumi.ResourceOption{parent, pulumi.Provider(a.KubernetesProvider), pulumi.DependsOn(a.KubernetesDependsOn)}
	labels := a.Tags.Labels(a.Name, "namespace")
	// Enforce, audit and warn at restricted: admission rejects any pod that is not
	// non-root, capability-free, seccomp-confined and without privilege escalation.
	for _, mode := range []string{"enforce", "audit", "warn"} {
		level := PodSecurityRestricted
		if a.PodSecurity == PodSecurityPrivileged {
			level = map[string]string{"enforce": PodSecurityPrivileged, "audit": "baseline", "warn": "baseline"}[mode]
		}
		labels["pod-security.kubernetes.io/"+mode] = pulumi.String(level)
		labels["pod-security.kubernetes.io/"+mode+"-version"] = pulumi.String("latest")
	}
	if a.ALBReadinessGates {
		labels[readinessGateLabel] = pulumi.String("enabled")
	}
	ns, err := corev1.NewNamespace(ctx, name, &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(a.Name), Labels: labels},
	}, append(opts, pulumi.Aliases(a.Aliases))...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	nsName := ns.Metadata.Name().Elem()
	if a.PermitByDefault {
		return nsName, nil
	}
	deny, err := networkingv1.NewNetworkPolicy(ctx, name+"-default-deny", &networkingv1.NetworkPolicyArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("default-deny-all"), Namespace: nsName, Labels: a.Tags.Labels(a.Name, "network-policy")},
		Spec: &networkingv1.NetworkPolicySpecArgs{
			PodSelector: &metav1.LabelSelectorArgs{},
			PolicyTypes: pulumi.ToStringArray([]string{"Ingress", "Egress"}),
		},
	}, opts...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	// Objects placed in the namespace through this output also wait for the deny
	// policy, so no pod ever runs unconfined by it.
	return pulumi.All(nsName, deny.Metadata.Name().Elem()).ApplyT(func(v []any) string { return v[0].(string) }).(pulumi.StringOutput), nil
}
