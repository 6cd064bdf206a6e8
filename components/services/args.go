package services

import (
	"maps"
	"slices"

	"github.com/generic-corp/platform/internal/tags"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Defaults, named so the docs below and the code cannot drift apart.
const (
	DefaultReplicas         = 2
	DefaultHealthPath       = "/health"
	DefaultWorkerHealthPort = 8081
	// DefaultWorkerMetricsPort is where a workload without a Service port serves
	// Prometheus /metrics: the OpenTelemetry Prometheus exporter's default port.
	DefaultWorkerMetricsPort = 9464
	// DefaultMetricsFromNamespace is the namespace Prometheus scrapes from
	// (components/observability installs it there).
	DefaultMetricsFromNamespace = "monitoring"
	DefaultRunAsUser            = 1000 // the "node" user of the official Node.js images
	DefaultCPURequest           = "250m"
	DefaultMemoryRequest        = "512Mi"
	DefaultCPULimit             = "1"
	DefaultMemoryLimit          = "1Gi"
	// DefaultHTTPGraceSeconds covers the seed's "force shutdown after 30s" plus the
	// preStop delay and a margin.
	DefaultHTTPGraceSeconds = 45
	DefaultHTTPPreStop      = 10
	// DefaultWorkerGraceSeconds lets a running agent task finish after SIGTERM.
	DefaultWorkerGraceSeconds = 3600
	DefaultTmpSize            = "256Mi"
)

// DefaultEgressInternetPorts are the TCP ports a workload may reach anywhere: HTTPS for
// the Claude API, Sentry, Stripe and AWS APIs.
var DefaultEgressInternetPorts = []int{443}

// WorkloadArgs configure one Workload.
type WorkloadArgs struct {
	// Name names every Kubernetes object of the workload and is its app label
	// (app.kubernetes.io/name), e.g. "api". Required: a DNS-1123 label of at most 40
	// characters, unique in the namespace.
	Name string
	// Component is the app.kubernetes.io/component label. Default: Name.
	Component string
	// NamePrefix starts the IAM role name, e.g. "platform-prod". Required; the rule of
	// argcheck.NamePrefix, at most 32 characters.
	NamePrefix string
	// Namespace the workload runs in. Required; not "default".
	Namespace string
	// CreateNamespace creates Namespace (restricted Pod Security, default-deny network
	// policy). Default false: create it once with NewNamespace and pass it in
	// KubernetesDependsOn when several workloads share it.
	CreateNamespace bool

	// Image is the full image reference, from registry.ImageRefOutput (explicit tag or
	// digest). Required. ":latest" or an untagged reference fails the deployment.
	Image pulumi.StringInput
	// Command overrides the image entrypoint. Default: the image's.
	Command []string
	// Args overrides the image command arguments. Default: the image's.
	Args []string
	// Port is the container port served through the ClusterIP Service (and the Ingress).
	// 0 (default) means no Service: a worker.
	Port int
	// HealthPath is the HTTP path of the readiness, liveness and startup probes.
	// Default "/health".
	HealthPath string
	// HealthPort is the port the probes call. Default: Port, or 8081 when Port is 0 (the
	// worker must serve HealthPath there).
	HealthPort int
	// MetricsPort is the container port serving Prometheus /metrics. Default: Port (the
	// API serves /metrics on its app port, and its ServiceMonitor scrapes the Service port
	// "http"), or 9464 when Port is 0 (workers; their PodMonitor scrapes the container port
	// "metrics"). A MetricsPort other than Port is declared as the container port
	// "metrics" (it takes that name over "health" when it equals HealthPort).
	MetricsPort int
	// MetricsFromNamespace is the namespace whose pods (Prometheus) may reach MetricsPort
	// through the NetworkPolicy. Default "monitoring".
	MetricsFromNamespace string
	// RunAsUser is the non-root UID (and GID, fsGroup) of the pod. Default 1000.
	RunAsUser int

	// Replicas is the fixed replica count when no autoscaler is set. Default 2.
	Replicas int
	// HPA scales on CPU. At most one of HPA, KedaRedis and KedaTemporal.
	HPA *HPAArgs
	// KedaRedis scales on BullMQ wait-list length through KEDA.
	KedaRedis *KedaRedisArgs
	// KedaTemporal scales on a Temporal task-queue backlog through KEDA.
	KedaTemporal *KedaTemporalArgs

	// Resources are the container's requests and limits.
	Resources ResourceArgs
	// GracePeriodSeconds is terminationGracePeriodSeconds. Default 45 with a Port,
	// 3600 without (workers). 1 to 86400, above PreStopSeconds.
	GracePeriodSeconds int
	// PreStopSeconds is the preStop sleep before SIGTERM, so load balancers stop routing
	// first. Default 10 with a Port, 0 (no preStop) without.
	PreStopSeconds int

	// Env are plain environment variables (not secrets), e.g. NODE_ENV, CORS_ORIGINS.
	Env map[string]string
	// Secrets are the Secrets Manager secrets the workload reads; the IRSA role may read
	// exactly these. Default none.
	Secrets []SecretSource
	// SecretEnv maps an environment variable to an External Secrets template (engine
	// v2, Go text/template + sprig) over the Secrets' variables, e.g.
	// "JWT_SIGNING_KEY": Value("jwt") or a URL from PostgresURL. Required non-empty
	// when Secrets is set.
	SecretEnv map[string]pulumi.StringInput
	// RoleArn is an IRSA role created elsewhere (NewStoreRole in the AWS layer, a
	// fixture in a test of the in-cluster layer), passed to the workload's SecretStore:
	// no IAM role or policy is created here, and KmsKeyArn, OidcProviderArn, OidcIssuer
	// and Secrets[].Arn become optional (ignored). The role must trust the ServiceAccount
	// Namespace/WorkloadServiceAccount(Name) and may read the Secrets. Only with Secrets.
	// Default nil: the workload creates its own role.
	RoleArn pulumi.StringInput
	// KmsKeyArn is the customer-managed key the secrets are encrypted with
	// (secrets.Secrets.SecretsKeyArn). Required with Secrets unless RoleArn is set.
	KmsKeyArn pulumi.StringInput
	// Region is the AWS region of Secrets Manager, e.g. "us-east-1". Required with Secrets.
	Region string
	// OidcProviderArn and OidcIssuer are the cluster's IRSA provider (cluster.Cluster).
	// Required with Secrets unless RoleArn is set.
	OidcProviderArn pulumi.StringInput
	OidcIssuer      pulumi.StringInput

	// Network lists the flows the NetworkPolicy allows besides DNS.
	Network NetworkArgs
	// Ingress exposes Port through an internet-facing ALB. Default none.
	Ingress *IngressArgs

	// KubernetesProvider is the cluster's provider. Required.
	KubernetesProvider *kubernetes.Provider
	// KubernetesDependsOn are waited for by every Kubernetes object: the add-on charts
	// (External Secrets and KEDA CRDs, the load balancer controller's webhooks) and a
	// namespace created elsewhere.
	KubernetesDependsOn []pulumi.Resource
	// RolloutDependsOn are waited for by the Deployment only, e.g. the MigrationJob's
	// Job, so pods of a new release start only after migrations succeeded.
	RolloutDependsOn []pulumi.Resource
	// Tags is the stack tag set: IAM tags and Kubernetes labels.
	Tags tags.Set
}

// SecretSource is one Secrets Manager secret a workload reads.
type SecretSource struct {
	// Name is the secret's name in Secrets Manager (secrets.Secrets.SecretNames[...]),
	// the ExternalSecret's remoteRef key. Required.
	Name string
	// Arn is the secret's ARN (secrets.Secrets.SecretArns[...]), the IAM policy's
	// resource. Required unless the workload's (or Job's) RoleArn is set.
	Arn pulumi.StringInput
	// Properties maps a template variable to a JSON property of the secret; "" takes
	// the whole secret string. Variables are letters, digits and '_', starting with a
	// letter, unique across all sources. Required, at least one.
	Properties map[string]string
}

// ResourceArgs are container requests and limits (Kubernetes quantities).
type ResourceArgs struct {
	// CPURequest, default "250m"; MemoryRequest, default "512Mi".
	CPURequest, MemoryRequest string
	// CPULimit, default "1"; MemoryLimit, default "1Gi". Limits >= requests.
	CPULimit, MemoryLimit string
}

// HPAArgs configure an autoscaling/v2 HorizontalPodAutoscaler on CPU.
type HPAArgs struct {
	// Min replicas, default 2; Max replicas, default 10 (seed: 2-10 instances).
	Min, Max int
	// TargetCPU is the average CPU utilisation (percent of requests) to hold. Default 70.
	TargetCPU int
	// ScaleDownStabilizationSeconds damps scale-in. Default 300.
	ScaleDownStabilizationSeconds int
}

// KedaRedisArgs configure a KEDA ScaledObject with one `redis` list trigger per BullMQ
// queue, on the queue's wait list "<Prefix>:<queue>:wait".
type KedaRedisArgs struct {
	// Address is the Redis primary endpoint "host:port" (cache.Redis queue group).
	// Required.
	Address pulumi.StringInput
	// Prefix is the BullMQ key prefix. Default "bull".
	Prefix string
	// Queues are the BullMQ queue names. Required, at least one.
	Queues []string
	// ListLength is the waiting jobs per replica KEDA aims for. Default 5.
	ListLength int
	// PasswordEnv is the SecretEnv variable holding the Redis AUTH token; the
	// TriggerAuthentication reads it from the workload's Secret. Required.
	PasswordEnv string
	// DisableTLS turns TLS to Redis off. Default false: enableTLS "true" (ElastiCache
	// in-transit encryption).
	DisableTLS bool
	// Min and Max replicas. Default 1 and 10; Min >= 1 (no scale to zero: a worker
	// that is already running picks a job up at once, and KEDA's activation would add
	// a polling interval of latency to every first job).
	Min, Max int
	// PollingInterval (default 15) and CooldownPeriod (default 300), seconds.
	PollingInterval, CooldownPeriod int
}

// KedaTemporalArgs configure a KEDA ScaledObject with a `temporal` trigger on a task
// queue's backlog.
type KedaTemporalArgs struct {
	// Endpoint is the Temporal frontend "host:port", e.g.
	// "temporal-frontend.temporal.svc.cluster.local:7233". Required.
	Endpoint string
	// Namespace is the Temporal namespace. Default "default".
	Namespace string
	// TaskQueue is the task queue name. Required.
	TaskQueue string
	// QueueTypes are "workflow" and/or "activity". Default both.
	QueueTypes []string
	// TargetQueueSize is the backlog per replica. Default 5.
	TargetQueueSize int
	// Min and Max replicas. Default 1 and 10.
	Min, Max int
	// PollingInterval (default 15) and CooldownPeriod (default 300), seconds.
	PollingInterval, CooldownPeriod int
}

// NetworkArgs list the flows the workload's NetworkPolicy allows. DNS to kube-system
// is always allowed; everything else is denied.
type NetworkArgs struct {
	// VpcCidr is the VPC's CIDR: RDS, ElastiCache, PgBouncer and Temporal pods (VPC CNI
	// pod IPs) live in it, and the ALB reaches pods from it. Required when
	// EgressVpcPorts is set or with Ingress.
	VpcCidr pulumi.StringInput
	// EgressVpcPorts are TCP ports allowed to VpcCidr, for AWS endpoints (RDS 5432,
	// ElastiCache 6379). Default none.
	EgressVpcPorts []int
	// EgressInternetPorts are TCP ports allowed to 0.0.0.0/0. nil means [443]; an
	// empty, non-nil slice means none.
	EgressInternetPorts []int
	// IngressFromNamespaces may reach Port and HealthPort, e.g. a namespace of internal
	// callers. Default none. (Prometheus is admitted on MetricsPort through
	// WorkloadArgs.MetricsFromNamespace.)
	IngressFromNamespaces []string
	// EgressPeers are in-cluster peers the pods call, chosen by namespace and pod
	// selectors (PgBouncer, the Temporal frontend). Prefer them to EgressVpcPorts for
	// anything that runs in the cluster: a VPC ipBlock would admit every pod. Default none.
	EgressPeers []PolicyRule
}

// withDefaults returns a copy with every documented default applied; slices and maps
// are cloned so the caller's args are never modified. It is the only place defaults
// are set.
func (a WorkloadArgs) withDefaults() WorkloadArgs {
	setS(&a.Component, a.Name)
	setS(&a.HealthPath, DefaultHealthPath)
	if a.HealthPort == 0 {
		a.HealthPort = a.Port
		if a.Port == 0 {
			a.HealthPort = DefaultWorkerHealthPort
		}
	}
	if a.MetricsPort == 0 {
		a.MetricsPort = a.Port
		if a.Port == 0 {
			a.MetricsPort = DefaultWorkerMetricsPort
		}
	}
	setS(&a.MetricsFromNamespace, DefaultMetricsFromNamespace)
	setI(&a.RunAsUser, DefaultRunAsUser)
	setI(&a.Replicas, DefaultReplicas)
	if a.Port > 0 {
		setI(&a.GracePeriodSeconds, DefaultHTTPGraceSeconds)
		setI(&a.PreStopSeconds, DefaultHTTPPreStop)
	} else {
		setI(&a.GracePeriodSeconds, DefaultWorkerGraceSeconds)
	}
	a.Resources = a.Resources.withDefaults()
	if a.HPA != nil {
		h := *a.HPA
		setI(&h.Min, 2)
		setI(&h.Max, 10)
		setI(&h.TargetCPU, 70)
		setI(&h.ScaleDownStabilizationSeconds, 300)
		a.HPA = &h
	}
	if a.KedaRedis != nil {
		k := *a.KedaRedis
		setS(&k.Prefix, "bull")
		setI(&k.ListLength, 5)
		setI(&k.Min, 1)
		setI(&k.Max, 10)
		setI(&k.PollingInterval, 15)
		setI(&k.CooldownPeriod, 300)
		k.Queues = slices.Clone(k.Queues)
		a.KedaRedis = &k
	}
	if a.KedaTemporal != nil {
		k := *a.KedaTemporal
		setS(&k.Namespace, "default")
		if len(k.QueueTypes) == 0 {
			k.QueueTypes = []string{"workflow", "activity"}
		}
		k.QueueTypes = slices.Clone(k.QueueTypes)
		setI(&k.TargetQueueSize, 5)
		setI(&k.Min, 1)
		setI(&k.Max, 10)
		setI(&k.PollingInterval, 15)
		setI(&k.CooldownPeriod, 300)
		a.KedaTemporal = &k
	}
	a.Network = a.Network.withDefaults()
	if a.Ingress != nil {
		in := a.Ingress.withDefaults()
		a.Ingress = &in
	}
	a.Command, a.Args = slices.Clone(a.Command), slices.Clone(a.Args)
	a.Env = maps.Clone(a.Env)
	a.SecretEnv = maps.Clone(a.SecretEnv)
	a.Secrets = cloneSources(a.Secrets)
	a.KubernetesDependsOn = slices.Clone(a.KubernetesDependsOn)
	a.RolloutDependsOn = slices.Clone(a.RolloutDependsOn)
	return a
}

func (r ResourceArgs) withDefaults() ResourceArgs {
	setS(&r.CPURequest, DefaultCPURequest)
	setS(&r.MemoryRequest, DefaultMemoryRequest)
	setS(&r.CPULimit, DefaultCPULimit)
	setS(&r.MemoryLimit, DefaultMemoryLimit)
	return r
}

func (n NetworkArgs) withDefaults() NetworkArgs {
	if n.EgressInternetPorts == nil {
		n.EgressInternetPorts = slices.Clone(DefaultEgressInternetPorts)
	}
	n.EgressInternetPorts = slices.Clone(n.EgressInternetPorts)
	n.EgressVpcPorts = slices.Clone(n.EgressVpcPorts)
	n.IngressFromNamespaces = slices.Clone(n.IngressFromNamespaces)
	n.EgressPeers = clonePeers(n.EgressPeers)
	return n
}

func cloneSources(in []SecretSource) []SecretSource {
	if in == nil {
		return nil
	}
	out := make([]SecretSource, len(in))
	for i, s := range in {
		s.Properties = maps.Clone(s.Properties)
		out[i] = s
	}
	return out
}

func setS(p *string, v string) {
	if *p == "" {
		*p = v
	}
}

func setI(p *int, v int) {
	if *p == 0 {
		*p = v
	}
}
