package services

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Port names of our containers.
const (
	httpPortName    = "http"
	healthPortName  = "health"
	metricsPortName = "metrics" // the port the observability PodMonitors scrape
)

// podSpec is what a Deployment's and a Job's pods share: restricted security, resources,
// probes and the secret environment.
type podSpec struct {
	app            string
	image          pulumi.StringInput
	command, args  []string
	env            map[string]string
	secretName     string // Secret for envFrom; "" for none
	serviceAccount string
	runAsUser      int
	resources      ResourceArgs
	port           int // Service port; 0 for none
	healthPort     int // 0: no probes (Jobs)
	metricsPort    int // 0: not scraped (Jobs)
	healthPath     string
	grace          int
	preStop        int
	restartPolicy  string // "" (Always) for Deployments, "Never" for Jobs
}

func (s podSpec) build() *corev1.PodSpecArgs {
	seccomp := &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")}
	uid := pulumi.Int(s.runAsUser)
	c := corev1.ContainerArgs{
		Name:            pulumi.String(s.app),
		Image:           checkedImage(s.image),
		ImagePullPolicy: pulumi.String("IfNotPresent"),
		Env:             envVars(s.env),
		Resources: &corev1.ResourceRequirementsArgs{
			Requests: pulumi.StringMap{"cpu": pulumi.String(s.resources.CPURequest), "memory": pulumi.String(s.resources.MemoryRequest)},
			Limits:   pulumi.StringMap{"cpu": pulumi.String(s.resources.CPULimit), "memory": pulumi.String(s.resources.MemoryLimit)},
		},
		SecurityContext: &corev1.SecurityContextArgs{
			AllowPrivilegeEscalation: pulumi.Bool(false),
			Privileged:               pulumi.Bool(false),
			ReadOnlyRootFilesystem:   pulumi.Bool(true),
			RunAsNonRoot:             pulumi.Bool(true),
			RunAsUser:                uid,
			RunAsGroup:               uid,
			Capabilities:             &corev1.CapabilitiesArgs{Drop: pulumi.ToStringArray([]string{"ALL"})},
			SeccompProfile:           seccomp,
		},
		// readOnlyRootFilesystem: /tmp is the only writable path.
		VolumeMounts:             corev1.VolumeMountArray{corev1.VolumeMountArgs{Name: pulumi.String("tmp"), MountPath: pulumi.String("/tmp")}},
		TerminationMessagePolicy: pulumi.String("FallbackToLogsOnError"),
	}
	if len(s.command) > 0 {
		c.Command = pulumi.ToStringArray(s.command)
	}
	if len(s.args) > 0 {
		c.Args = pulumi.ToStringArray(s.args)
	}
	if s.secretName != "" {
		c.EnvFrom = corev1.EnvFromSourceArray{corev1.EnvFromSourceArgs{
			SecretRef: &corev1.SecretEnvSourceArgs{Name: pulumi.String(s.secretName), Optional: pulumi.Bool(false)},
		}}
	}
	if ports := s.containerPorts(); len(ports) > 0 {
		c.Ports = ports
	}
	if s.healthPort > 0 {
		probe := func(period, timeout, failures int) *corev1.ProbeArgs {
			return &corev1.ProbeArgs{
				HttpGet:          &corev1.HTTPGetActionArgs{Path: pulumi.String(s.healthPath), Port: pulumi.Int(s.healthPort), Scheme: pulumi.String("HTTP")},
				PeriodSeconds:    pulumi.Int(period),
				TimeoutSeconds:   pulumi.Int(timeout),
				FailureThreshold: pulumi.Int(failures),
				SuccessThreshold: pulumi.Int(1),
			}
		}
		// The startup probe holds liveness off for up to 150 s of boot (migrations of
		// caches, Prisma engine start), so a slow start is not a restart loop.
		c.StartupProbe = probe(5, 3, 30)
		c.ReadinessProbe = probe(10, 3, 3)
		c.LivenessProbe = probe(20, 5, 3)
	}
	if s.preStop > 0 {
		// The sleep action (Kubernetes >= 1.30) needs no shell in the image.
		c.Lifecycle = &corev1.LifecycleArgs{PreStop: &corev1.LifecycleHandlerArgs{
			Sleep: &corev1.SleepActionArgs{Seconds: pulumi.Int(s.preStop)},
		}}
	}

	spec := &corev1.PodSpecArgs{
		ServiceAccountName:            pulumi.String(s.serviceAccount),
		AutomountServiceAccountToken:  pulumi.Bool(false),
		EnableServiceLinks:            pulumi.Bool(false),
		TerminationGracePeriodSeconds: pulumi.Int(s.grace),
		SecurityContext: &corev1.PodSecurityContextArgs{
			RunAsNonRoot:   pulumi.Bool(true),
			RunAsUser:      uid,
			RunAsGroup:     uid,
			FsGroup:        uid, // makes the IRSA token file readable by the non-root user
			SeccompProfile: seccomp,
		},
		Containers: corev1.ContainerArray{c},
		Volumes: corev1.VolumeArray{corev1.VolumeArgs{
			Name:     pulumi.String("tmp"),
			EmptyDir: &corev1.EmptyDirVolumeSourceArgs{SizeLimit: pulumi.String(DefaultTmpSize)},
		}},
	}
	if s.restartPolicy != "" {
		spec.RestartPolicy = pulumi.String(s.restartPolicy)
	}
	return spec
}

// containerPorts names each distinct port once (a container port has one name):
// "http" for the Service port, which also serves /metrics when MetricsPort is Port;
// "metrics" for a separate metrics port, so a PodMonitor finds it even when the
// probes share it; "health" for a probe-only port.
func (s podSpec) containerPorts() corev1.ContainerPortArray {
	var ports corev1.ContainerPortArray
	add := func(name string, port int) {
		ports = append(ports, corev1.ContainerPortArgs{Name: pulumi.String(name), ContainerPort: pulumi.Int(port), Protocol: pulumi.String("TCP")})
	}
	if s.port > 0 {
		add(httpPortName, s.port)
	}
	if s.healthPort > 0 && s.healthPort != s.port && s.healthPort != s.metricsPort {
		add(healthPortName, s.healthPort)
	}
	if s.metricsPort > 0 && s.metricsPort != s.port {
		add(metricsPortName, s.metricsPort)
	}
	return ports
}

// envVars renders plain variables in name order, so the plan is stable.
func envVars(env map[string]string) corev1.EnvVarArray {
	if len(env) == 0 {
		return nil
	}
	out := corev1.EnvVarArray{}
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, corev1.EnvVarArgs{Name: pulumi.String(k), Value: pulumi.String(env[k])})
	}
	return out
}

// checkedImage fails the deployment when the reference resolves to a moving tag: the
// registry component refuses "latest" already, but Image may come from elsewhere.
func checkedImage(image pulumi.StringInput) pulumi.StringOutput {
	return image.ToStringOutput().ApplyT(func(ref string) (string, error) {
		if err := checkImageRef(ref); err != nil {
			return "", err
		}
		return ref, nil
	}).(pulumi.StringOutput)
}

func checkImageRef(ref string) error {
	last := ref[strings.LastIndex(ref, "/")+1:]
	switch {
	case strings.Contains(last, "@sha256:"):
		return nil
	case !strings.Contains(last, ":"):
		return fmt.Errorf("services: image %q has no tag (that means :latest); deploy an explicit release tag or digest", ref)
	case strings.EqualFold(last[strings.LastIndex(last, ":")+1:], "latest"):
		return fmt.Errorf("services: image %q uses the moving tag latest; deploy an explicit release tag or digest", ref)
	}
	return nil
}
