package observability

import (
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	redisExporterApp     = "redis-exporter"
	redisExporterPort    = "metrics"
	redisExporterPortNum = 9121
	redisExporterUID     = 59000 // the image's user
	redisGroupLabel      = "platform.generic-corp.io/redis-group"
	// Two exporters per group: one exporter's own trouble does not look like Redis being
	// down, because RedisUnavailable needs every exporter of the group to fail.
	redisExporterReplicas = 2
)

// newRedisExporter runs redis_exporter against one ElastiCache group over TLS, with the
// AUTH token from Secrets Manager through an ExternalSecret.
func newRedisExporter(ctx *pulumi.Context, name string, a ObservabilityArgs, r RedisExporterArgs, ns pulumi.StringInput,
	k8s func(deps []pulumi.Resource) []pulumi.ResourceOption) error {
	objName := redisExporterApp + "-" + r.Name
	labels := a.Tags.Labels(redisExporterApp, "monitoring")
	labels[redisGroupLabel] = pulumi.String(r.Name)
	selector := &metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{
		"app.kubernetes.io/name": pulumi.String(redisExporterApp),
		redisGroupLabel:          pulumi.String(r.Name),
	}}
	meta := &metav1.ObjectMetaArgs{Name: pulumi.String(objName), Namespace: ns, Labels: labels}

	es, err := newExternalSecret(ctx, name+"-auth", a, meta, objName, map[string]secretRef{
		"password": {key: r.AuthSecretName, property: "authToken"},
	}, k8s(nil)...)
	if err != nil {
		return err
	}
	addr := r.Address.ToStringOutput().ApplyT(func(hp string) string { return "rediss://" + hp }).(pulumi.StringOutput)
	seccomp := &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")}
	probe := func(delay int) *corev1.ProbeArgs {
		return &corev1.ProbeArgs{
			TcpSocket:           &corev1.TCPSocketActionArgs{Port: pulumi.String(redisExporterPort)},
			InitialDelaySeconds: pulumi.Int(delay), PeriodSeconds: pulumi.Int(20), TimeoutSeconds: pulumi.Int(3),
		}
	}
	if _, err := appsv1.NewDeployment(ctx, name, &appsv1.DeploymentArgs{
		Metadata: meta,
		Spec: &appsv1.DeploymentSpecArgs{
			Replicas: pulumi.Int(redisExporterReplicas),
			Selector: selector,
			Template: &corev1.PodTemplateSpecArgs{
				Metadata: &metav1.ObjectMetaArgs{Labels: labels},
				Spec: &corev1.PodSpecArgs{
					AutomountServiceAccountToken: pulumi.Bool(false),
					EnableServiceLinks:           pulumi.Bool(false),
					SecurityContext: &corev1.PodSecurityContextArgs{
						RunAsNonRoot: pulumi.Bool(true), RunAsUser: pulumi.Int(redisExporterUID),
						RunAsGroup: pulumi.Int(redisExporterUID), SeccompProfile: seccomp,
					},
					TopologySpreadConstraints: corev1.TopologySpreadConstraintArray{corev1.TopologySpreadConstraintArgs{
						MaxSkew: pulumi.Int(1), TopologyKey: pulumi.String("topology.kubernetes.io/zone"),
						WhenUnsatisfiable: pulumi.String("ScheduleAnyway"), LabelSelector: selector,
					}},
					Containers: corev1.ContainerArray{corev1.ContainerArgs{
						Name:  pulumi.String(redisExporterApp),
						Image: pulumi.String(a.RedisExporterImage),
						Env: corev1.EnvVarArray{
							corev1.EnvVarArgs{Name: pulumi.String("REDIS_ADDR"), Value: addr},
							corev1.EnvVarArgs{Name: pulumi.String("REDIS_PASSWORD"), ValueFrom: &corev1.EnvVarSourceArgs{
								SecretKeyRef: &corev1.SecretKeySelectorArgs{Name: pulumi.String(objName), Key: pulumi.String("password")},
							}},
							corev1.EnvVarArgs{Name: pulumi.String("REDIS_EXPORTER_LOG_FORMAT"), Value: pulumi.String("json")},
						},
						Ports: corev1.ContainerPortArray{corev1.ContainerPortArgs{
							Name: pulumi.String(redisExporterPort), ContainerPort: pulumi.Int(redisExporterPortNum), Protocol: pulumi.String("TCP"),
						}},
						ReadinessProbe: probe(5),
						LivenessProbe:  probe(15),
						Resources: &corev1.ResourceRequirementsArgs{
							Requests: pulumi.StringMap{"cpu": pulumi.String("10m"), "memory": pulumi.String("32Mi")},
							Limits:   pulumi.StringMap{"cpu": pulumi.String("200m"), "memory": pulumi.String("128Mi")},
						},
						SecurityContext: &corev1.SecurityContextArgs{
							AllowPrivilegeEscalation: pulumi.Bool(false),
							ReadOnlyRootFilesystem:   pulumi.Bool(true),
							RunAsNonRoot:             pulumi.Bool(true),
							Privileged:               pulumi.Bool(false),
							Capabilities:             &corev1.CapabilitiesArgs{Drop: pulumi.ToStringArray([]string{"ALL"})},
							SeccompProfile:           seccomp,
						},
					}},
				},
			},
		},
	}, k8s([]pulumi.Resource{es})...); err != nil {
		return err
	}
	_, err = policyv1.NewPodDisruptionBudget(ctx, name, &policyv1.PodDisruptionBudgetArgs{
		Metadata: meta,
		Spec:     &policyv1.PodDisruptionBudgetSpecArgs{MaxUnavailable: pulumi.Int(1), Selector: selector},
	}, k8s(nil)...)
	return err
}
