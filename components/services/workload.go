package services

import (
	"fmt"

	"github.com/generic-corp/platform/internal/tags"
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// WorkloadType is the component's type token.
const WorkloadType = "platform:services:Workload"

// Workload is one of our Deployments with everything it runs with.
type Workload struct {
	pulumi.ResourceState

	// Deployment is the workload's Deployment (depend on it to wait for a rollout).
	Deployment *appsv1.Deployment
	// Namespace is the namespace the workload runs in.
	Namespace string
	// ServiceAccountName is the pods' ServiceAccount.
	ServiceAccountName string
	// ServiceHost is the Service's cluster DNS name, "" without a Port.
	ServiceHost string
	// RoleArn is the IRSA role's ARN (WorkloadArgs.RoleArn when that was set); empty
	// without Secrets.
	RoleArn pulumi.StringOutput
	// LoadBalancerHostname is the ALB's DNS name (for a Route 53 alias or CNAME); empty
	// without an Ingress.
	LoadBalancerHostname pulumi.StringOutput
}

// WorkloadServiceAccount is the ServiceAccount of the workload whose WorkloadArgs.Name
// is name: the pods run as it and its SecretStore authenticates as it, so an IRSA role
// passed in WorkloadArgs.RoleArn must trust system:serviceaccount:<Namespace>:<this>.
func WorkloadServiceAccount(name string) string { return name }

// NewWorkload registers the workload.
func NewWorkload(ctx *pulumi.Context, name string, args *WorkloadArgs, opts ...pulumi.ResourceOption) (*Workload, error) {
	if args == nil {
		return nil, fmt.Errorf("services: workload %q: args are required", name)
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, err
	}
	c := &Workload{Namespace: a.Namespace, ServiceAccountName: WorkloadServiceAccount(a.Name)}
	if a.Port > 0 {
		c.ServiceHost = fmt.Sprintf("%s.%s.svc.cluster.local", a.Name, a.Namespace)
	}
	if err := ctx.RegisterComponentResource(WorkloadType, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	deps := a.KubernetesDependsOn
	if a.CreateNamespace {
		ns, err := NewNamespace(ctx, name+"-ns", &NamespaceArgs{
			Name: a.Namespace, ALBReadinessGates: a.Ingress != nil, KubernetesProvider: a.KubernetesProvider,
			KubernetesDependsOn: a.KubernetesDependsOn, Tags: a.Tags,
		}, parent)
		if err != nil {
			return nil, err
		}
		deps = append(deps, ns)
	}
	k8s := func(extra ...pulumi.Resource) []pulumi.ResourceOption {
		return []pulumi.ResourceOption{parent, pulumi.Provider(a.KubernetesProvider), pulumi.DependsOn(append(append([]pulumi.Resource{}, deps...), extra...))}
	}
	labels := a.Tags.Labels(a.Name, a.Component)
	meta := func(objName string) *metav1.ObjectMetaArgs {
		return &metav1.ObjectMetaArgs{Name: pulumi.String(objName), Namespace: pulumi.String(a.Namespace), Labels: labels}
	}
	selector := func() *metav1.LabelSelectorArgs { return &metav1.LabelSelectorArgs{MatchLabels: tags.Selector(a.Name)} }

	// Identity and secrets: with Secrets, the SecretStore component creates the
	// ServiceAccount with its IRSA role; without, a plain ServiceAccount.
	var env *envSecret
	var identity pulumi.Resource
	if len(a.Secrets) > 0 {
		store, err := NewSecretStore(ctx, name+"-secrets", &SecretStoreArgs{
			NamePrefix: a.NamePrefix, Namespace: a.Namespace, StoreName: a.Name + "-secrets-manager",
			ServiceAccountName: WorkloadServiceAccount(a.Name), App: a.Name, RoleArn: a.RoleArn,
			SecretArns: sourceArns(a.Secrets), KmsKeyArn: a.KmsKeyArn,
			Region: a.Region, OidcProviderArn: a.OidcProviderArn, OidcIssuer: a.OidcIssuer,
			KubernetesProvider: a.KubernetesProvider, KubernetesDependsOn: deps, Tags: a.Tags,
		}, parent)
		if err != nil {
			return nil, err
		}
		c.RoleArn = store.RoleArn
		identity = store
		env, err = newEnvSecret(ctx, name+"-env", a.Name+"-env", meta(a.Name+"-env"), store.StoreName, a.Secrets, a.SecretEnv, k8s(store))
		if err != nil {
			return nil, err
		}
	} else {
		sa, err := corev1.NewServiceAccount(ctx, name, &corev1.ServiceAccountArgs{
			Metadata:                     meta(a.Name),
			AutomountServiceAccountToken: pulumi.Bool(false),
		}, k8s()...)
		if err != nil {
			return nil, err
		}
		identity = sa
		c.RoleArn = pulumi.String("").ToStringOutput()
	}

	if err := c.newDeployment(ctx, name, &a, labels, meta, selector, env, identity, k8s); err != nil {
		return nil, err
	}
	if _, err := policyv1.NewPodDisruptionBudget(ctx, name, &policyv1.PodDisruptionBudgetArgs{
		Metadata: meta(a.Name),
		Spec: &policyv1.PodDisruptionBudgetSpecArgs{
			MaxUnavailable: pulumi.Int(1),
			Selector:       selector(),
		},
	}, k8s()...); err != nil {
		return nil, err
	}
	if a.Port > 0 {
		if _, err := corev1.NewService(ctx, name, &corev1.ServiceArgs{
			Metadata: meta(a.Name),
			Spec: &corev1.ServiceSpecArgs{
				Type:     pulumi.String("ClusterIP"),
				Selector: tags.Selector(a.Name),
				Ports: corev1.ServicePortArray{corev1.ServicePortArgs{
					Name: pulumi.String(httpPortName), Port: pulumi.Int(a.Port),
					TargetPort: pulumi.String(httpPortName), Protocol: pulumi.String("TCP"),
				}},
			},
		}, k8s()...); err != nil {
			return nil, err
		}
	}
	secretName := ""
	if env != nil {
		secretName = env.name
	}
	if err := newAutoscaler(ctx, name, &a, meta, secretName, k8s()); err != nil {
		return nil, err
	}
	ports := []int{a.HealthPort}
	if a.Port > 0 {
		ports = append(ports, a.Port)
	}
	if _, err := newAllowPolicy(ctx, name, meta(a.Name), selector(), flows{
		ports: ports, fromVpc: a.Ingress != nil, net: a.Network,
		metricsPort: a.MetricsPort, metricsFrom: a.MetricsFromNamespace,
	}, k8s()); err != nil {
		return nil, err
	}
	c.LoadBalancerHostname = pulumi.String("").ToStringOutput()
	if a.Ingress != nil {
		host, err := newIngress(ctx, name, &a, func() *metav1.ObjectMetaArgs { return meta(a.Name) }, k8s())
		if err != nil {
			return nil, err
		}
		c.LoadBalancerHostname = host
	}

	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"namespace":            pulumi.String(c.Namespace),
		"serviceAccountName":   pulumi.String(c.ServiceAccountName),
		"serviceHost":          pulumi.String(c.ServiceHost),
		"roleArn":              c.RoleArn,
		"loadBalancerHostname": c.LoadBalancerHostname,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Workload) newDeployment(ctx *pulumi.Context, name string, a *WorkloadArgs, labels pulumi.StringMap,
	meta func(string) *metav1.ObjectMetaArgs, selector func() *metav1.LabelSelectorArgs, env *envSecret,
	identity pulumi.Resource, k8s func(...pulumi.Resource) []pulumi.ResourceOption) error {
	pod := podSpec{
		app: a.Name, image: a.Image, command: a.Command, args: a.Args, env: a.Env,
		serviceAccount: WorkloadServiceAccount(a.Name), runAsUser: a.RunAsUser, resources: a.Resources,
		port: a.Port, healthPort: a.HealthPort, metricsPort: a.MetricsPort, healthPath: a.HealthPath,
		grace: a.GracePeriodSeconds, preStop: a.PreStopSeconds,
	}
	annotations := pulumi.StringMap{}
	// Pods need their ServiceAccount (and Secret) to be admitted and to start.
	waitFor := append([]pulumi.Resource{identity}, a.RolloutDependsOn...)
	if env != nil {
		pod.secretName = env.name
		// A change to the secret environment's definition rolls the pods (envFrom is
		// read at container start only).
		annotations["platform.generic-corp.io/secret-env-sha256"] = env.checksum
		waitFor = append(waitFor, env.resource)
	}
	spread := func(key, when string) corev1.TopologySpreadConstraintArgs {
		return corev1.TopologySpreadConstraintArgs{
			MaxSkew: pulumi.Int(1), TopologyKey: pulumi.String(key),
			WhenUnsatisfiable: pulumi.String(when), LabelSelector: selector(),
		}
	}
	spec := pod.build()
	// Zones must stay balanced (an AZ outage takes at most a third); hosts preferably.
	spec.TopologySpreadConstraints = corev1.TopologySpreadConstraintArray{
		spread("topology.kubernetes.io/zone", "DoNotSchedule"),
		spread("kubernetes.io/hostname", "ScheduleAnyway"),
	}
	dspec := &appsv1.DeploymentSpecArgs{
		Selector:             selector(),
		RevisionHistoryLimit: pulumi.Int(5),
		Strategy: &appsv1.DeploymentStrategyArgs{
			Type: pulumi.String("RollingUpdate"),
			RollingUpdate: &appsv1.RollingUpdateDeploymentArgs{
				MaxSurge:       pulumi.Int(1),
				MaxUnavailable: pulumi.Int(0),
			},
		},
		Template: &corev1.PodTemplateSpecArgs{
			Metadata: &metav1.ObjectMetaArgs{Labels: labels, Annotations: annotations},
			Spec:     spec,
		},
	}
	if !a.autoscaled() {
		dspec.Replicas = pulumi.Int(a.Replicas)
	}
	d, err := appsv1.NewDeployment(ctx, name, &appsv1.DeploymentArgs{Metadata: meta(a.Name), Spec: dspec}, k8s(waitFor...)...)
	if err != nil {
		return err
	}
	c.Deployment = d
	return nil
}

func sourceArns(sources []SecretSource) []pulumi.StringInput {
	out := make([]pulumi.StringInput, len(sources))
	for i, s := range sources {
		out[i] = s.Arn
	}
	return out
}
