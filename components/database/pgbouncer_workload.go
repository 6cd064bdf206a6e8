package database

import (
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/internal/connbudget"
)

// readOnly is the mode of the mounted auth file and TLS key: owner and fsGroup may read.
const readOnly = 0o440

// newPgBouncerWorkload creates the Deployment (PgBouncer and its metrics exporter
// sidecar), its PodDisruptionBudget and the Service.
func newPgBouncerWorkload(ctx *pulumi.Context, name string, a PgBouncerStandaloneArgs, ns pulumi.StringOutput,
	meta func(string, pulumi.StringInput) *metav1.ObjectMetaArgs, checksum pulumi.StringOutput,
	k8s func(...pulumi.ResourceOption) []pulumi.ResourceOption) error {
	b := a.PgBouncer

	volumes := corev1.VolumeArray{
		corev1.VolumeArgs{Name: pulumi.String("config"), ConfigMap: &corev1.ConfigMapVolumeSourceArgs{Name: pulumi.String(pgbouncerName)}},
		corev1.VolumeArgs{Name: pulumi.String("auth"), Secret: &corev1.SecretVolumeSourceArgs{
			SecretName:  pulumi.String(authSecretName),
			DefaultMode: pulumi.Int(readOnly),
			Items:       corev1.KeyToPathArray{corev1.KeyToPathArgs{Key: pulumi.String(userlistKey), Path: pulumi.String(userlistKey)}},
		}},
		// readOnlyRootFilesystem: the only writable paths are these scratch dirs.
		corev1.VolumeArgs{Name: pulumi.String("tmp"), EmptyDir: &corev1.EmptyDirVolumeSourceArgs{SizeLimit: pulumi.String("16Mi")}},
		corev1.VolumeArgs{Name: pulumi.String("run"), EmptyDir: &corev1.EmptyDirVolumeSourceArgs{SizeLimit: pulumi.String("16Mi")}},
	}
	mounts := corev1.VolumeMountArray{
		corev1.VolumeMountArgs{Name: pulumi.String("config"), MountPath: pulumi.String(configDir), ReadOnly: pulumi.Bool(true)},
		corev1.VolumeMountArgs{Name: pulumi.String("auth"), MountPath: pulumi.String(authDir), ReadOnly: pulumi.Bool(true)},
		corev1.VolumeMountArgs{Name: pulumi.String("tmp"), MountPath: pulumi.String("/tmp")},
		corev1.VolumeMountArgs{Name: pulumi.String("run"), MountPath: pulumi.String("/var/run/pgbouncer")},
	}
	if b.ClientTLSSecretName != "" {
		volumes = append(volumes, corev1.VolumeArgs{Name: pulumi.String("client-tls"), Secret: &corev1.SecretVolumeSourceArgs{
			SecretName: pulumi.String(b.ClientTLSSecretName), DefaultMode: pulumi.Int(readOnly)}})
		mounts = append(mounts, corev1.VolumeMountArgs{Name: pulumi.String("client-tls"), MountPath: pulumi.String(clientTLSDir), ReadOnly: pulumi.Bool(true)})
	}

	tcpProbe := func(initialDelay, period int) *corev1.ProbeArgs {
		return &corev1.ProbeArgs{
			TcpSocket:           &corev1.TCPSocketActionArgs{Port: pulumi.Int(postgresPort)},
			InitialDelaySeconds: pulumi.Int(initialDelay),
			PeriodSeconds:       pulumi.Int(period),
			TimeoutSeconds:      pulumi.Int(3),
			FailureThreshold:    pulumi.Int(3),
		}
	}
	seccomp := &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")}
	zoneSpread := func(key, when string) corev1.TopologySpreadConstraintArgs {
		return corev1.TopologySpreadConstraintArgs{
			MaxSkew: pulumi.Int(1), TopologyKey: pulumi.String(key),
			WhenUnsatisfiable: pulumi.String(when), LabelSelector: selector(),
		}
	}

	podLabels := a.Tags.Labels(pgbouncerAppTag, pgbouncerRole)
	_, err := appsv1.NewDeployment(ctx, name, &appsv1.DeploymentArgs{
		Metadata: meta(pgbouncerName, ns),
		Spec: &appsv1.DeploymentSpecArgs{
			Replicas: pulumi.Int(b.Replicas),
			Selector: selector(),
			Strategy: &appsv1.DeploymentStrategyArgs{
				Type: pulumi.String("RollingUpdate"),
				RollingUpdate: &appsv1.RollingUpdateDeploymentArgs{
					MaxSurge:       pulumi.Int(connbudget.RolloutSurge),
					MaxUnavailable: pulumi.Int(0),
				},
			},
			Template: &corev1.PodTemplateSpecArgs{
				Metadata: &metav1.ObjectMetaArgs{
					Labels:      podLabels,
					Annotations: pulumi.StringMap{"platform.generic-corp.io/config-sha256": checksum},
				},
				Spec: &corev1.PodSpecArgs{
					AutomountServiceAccountToken: pulumi.Bool(false),
					EnableServiceLinks:           pulumi.Bool(false),
					SecurityContext: &corev1.PodSecurityContextArgs{
						RunAsNonRoot:   pulumi.Bool(true),
						RunAsUser:      pulumi.Int(pgbouncerUID),
						RunAsGroup:     pulumi.Int(pgbouncerUID),
						FsGroup:        pulumi.Int(pgbouncerUID),
						SeccompProfile: seccomp,
					},
					TopologySpreadConstraints: corev1.TopologySpreadConstraintArray{
						zoneSpread("topology.kubernetes.io/zone", "DoNotSchedule"),
						zoneSpread("kubernetes.io/hostname", "ScheduleAnyway"),
					},
					Containers: corev1.ContainerArray{corev1.ContainerArgs{
						Name:  pulumi.String(pgbouncerName),
						Image: pulumi.String(b.Image),
						// Run PgBouncer on our config directly; the image's entrypoint would
						// try to write one from environment variables.
						Command: pulumi.ToStringArray([]string{"pgbouncer", configDir + "/" + configKey}),
						Ports: corev1.ContainerPortArray{corev1.ContainerPortArgs{
							Name: pulumi.String("postgres"), ContainerPort: pulumi.Int(postgresPort), Protocol: pulumi.String("TCP"),
						}},
						ReadinessProbe: tcpProbe(5, 10),
						LivenessProbe:  tcpProbe(15, 20),
						Resources: &corev1.ResourceRequirementsArgs{
							Requests: pulumi.StringMap{"cpu": pulumi.String(b.CPURequest), "memory": pulumi.String(b.MemoryRequest)},
							Limits:   pulumi.StringMap{"cpu": pulumi.String(b.CPULimit), "memory": pulumi.String(b.MemoryLimit)},
						},
						SecurityContext: &corev1.SecurityContextArgs{
							AllowPrivilegeEscalation: pulumi.Bool(false),
							ReadOnlyRootFilesystem:   pulumi.Bool(true),
							RunAsNonRoot:             pulumi.Bool(true),
							RunAsUser:                pulumi.Int(pgbouncerUID),
							RunAsGroup:               pulumi.Int(pgbouncerUID),
							Privileged:               pulumi.Bool(false),
							Capabilities:             &corev1.CapabilitiesArgs{Drop: pulumi.ToStringArray([]string{"ALL"})},
							SeccompProfile:           seccomp,
						},
						VolumeMounts: mounts,
					}, exporterContainer(b, seccomp)},
					Volumes: volumes,
				},
			},
		},
	}, k8s()...)
	if err != nil {
		return err
	}

	if _, err := policyv1.NewPodDisruptionBudget(ctx, name, &policyv1.PodDisruptionBudgetArgs{
		Metadata: meta(pgbouncerName, ns),
		Spec: &policyv1.PodDisruptionBudgetSpecArgs{
			MinAvailable: pulumi.Int(1),
			Selector:     selector(),
		},
	}, k8s()...); err != nil {
		return err
	}

	_, err = corev1.NewService(ctx, name, &corev1.ServiceArgs{
		Metadata: meta(pgbouncerName, ns),
		Spec: &corev1.ServiceSpecArgs{
			Type:     pulumi.String("ClusterIP"),
			Selector: selector().MatchLabels,
			Ports: corev1.ServicePortArray{corev1.ServicePortArgs{
				Name: pulumi.String("postgres"), Port: pulumi.Int(postgresPort),
				TargetPort: pulumi.String("postgres"), Protocol: pulumi.String("TCP"),
			}},
		},
	}, k8s()...)
	return err
}
