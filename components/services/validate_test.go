package services

import (
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/plan"
)

// workloadErr builds one workload from the API or worker fixture after edit, and
// returns the capture's error.
func workloadErr(worker bool, edit func(*WorkloadArgs)) error {
	_, err := tryCapture(plan.Update, func(ctx *pulumi.Context, k8s *kubernetes.Provider) error {
		u, err := newUpstream(ctx, k8s)
		if err != nil {
			return err
		}
		a := u.apiArgs(nil, nil)
		if worker {
			a = u.workerArgs(nil, nil)
		}
		edit(a)
		_, err = NewWorkload(ctx, a.Name, a)
		return err
	})
	return err
}

func TestWorkloadValidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		worker bool
		edit   func(*WorkloadArgs)
		want   string // substring of the error; "" means valid
	}{
		{"fixture api is valid", false, func(*WorkloadArgs) {}, ""},
		{"fixture worker is valid", true, func(*WorkloadArgs) {}, ""},
		{"name not a label", false, func(a *WorkloadArgs) { a.Name = "API_1" }, `Name "API_1" must be a DNS-1123 label`},
		{"default namespace", false, func(a *WorkloadArgs) { a.Namespace = "default" }, `Namespace "default" is reserved`},
		{"no image", false, func(a *WorkloadArgs) { a.Image = nil }, "Image is required"},
		{"two autoscalers", true, func(a *WorkloadArgs) { a.HPA = &HPAArgs{} }, "at most one of HPA, KedaRedis and KedaTemporal"},
		{"hpa min above max", false, func(a *WorkloadArgs) { a.HPA = &HPAArgs{Min: 5, Max: 3} }, "HPA.Min 5 / Max 3 are invalid"},
		{"request above limit", false, func(a *WorkloadArgs) { a.Resources = ResourceArgs{MemoryRequest: "2Gi", MemoryLimit: "1Gi"} },
			"memory request 2Gi is above the limit 1Gi"},
		{"bad quantity", false, func(a *WorkloadArgs) { a.Resources.CPULimit = "lots" }, `cpu limit "lots" is not a positive Kubernetes quantity`},
		{"preStop eats the grace period", false, func(a *WorkloadArgs) { a.GracePeriodSeconds = 10 }, "PreStopSeconds 10 must be >= 0 and below GracePeriodSeconds (10)"},
		{"ingress without port", true, func(a *WorkloadArgs) {
			a.Ingress = &IngressArgs{Host: "w.example.com", CertificateArn: pulumi.String("arn")}
		}, "Ingress needs a Port"},
		{"ingress without certificate", false, func(a *WorkloadArgs) { a.Ingress.CertificateArn = nil }, "Ingress.CertificateArn is required"},
		{"weak tls policy", false, func(a *WorkloadArgs) { a.Ingress.SslPolicy = "ELBSecurityPolicy-2016-08" }, `Ingress.SslPolicy "ELBSecurityPolicy-2016-08" may allow TLS below 1.2`},
		{"idle timeout above the ALB maximum", false, func(a *WorkloadArgs) { a.Ingress.IdleTimeoutSeconds = 5000 }, "Ingress.IdleTimeoutSeconds 5000 is out of range"},
		{"ingress without vpc cidr", false, func(a *WorkloadArgs) { a.Network.VpcCidr = nil }, "Network.VpcCidr is required"},
		{"password env not a secret", true, func(a *WorkloadArgs) { a.KedaRedis.PasswordEnv = "REDIS_PASS" }, `KedaRedis.PasswordEnv "REDIS_PASS" is not a SecretEnv variable`},
		{"no queues", true, func(a *WorkloadArgs) { a.KedaRedis.Queues = nil }, "KedaRedis.Queues is empty"},
		{"queue with colon", true, func(a *WorkloadArgs) { a.KedaRedis.Queues = []string{"a:b"} }, `KedaRedis.Queues[0] "a:b"`},
		{"queues that collide as trigger names", true, func(a *WorkloadArgs) { a.KedaRedis.Queues = []string{"a.b", "a_b"} }, `KedaRedis.Queues[1] "a_b"`},
		{"secret env without secrets", false, func(a *WorkloadArgs) { a.Secrets = nil }, "SecretEnv is set but Secrets is empty"},
		{"secret without arn", false, func(a *WorkloadArgs) { a.Secrets[1].Arn = nil }, `Secrets[1] ("platform-prod/jwt-signing-key").Arn is required`},
		{"variable defined twice", false, func(a *WorkloadArgs) { a.Secrets[1].Properties = map[string]string{"dbUser": "x"} }, `variable "dbUser" is defined twice`},
		{"bad region", false, func(a *WorkloadArgs) { a.Region = "mars" }, `Region "mars"`},
		{"env in both", false, func(a *WorkloadArgs) { a.Env["DATABASE_URL"] = "x" }, `Env key "DATABASE_URL" is also in SecretEnv`},
		{"missing tag", false, func(a *WorkloadArgs) { delete(a.Tags, "owner") }, `Tags lacks the required tag "owner"`},
		{"metrics port out of range", true, func(a *WorkloadArgs) { a.MetricsPort = 70000 }, "MetricsPort 70000 is out of range"},
		{"metrics namespace not a name", true, func(a *WorkloadArgs) { a.MetricsFromNamespace = "Mon_itoring" },
			`MetricsFromNamespace "Mon_itoring" must be a namespace name`},
		{"no provider", false, func(a *WorkloadArgs) { a.KubernetesProvider = nil }, "KubernetesProvider is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := workloadErr(tc.worker, func(a *WorkloadArgs) {
				a.Tags = a.Tags.With(nil)
				tc.edit(a)
			})
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestLatestImageFailsTheDeployment(t *testing.T) {
	for _, img := range []string{imageRepo + "api:latest", imageRepo + "api"} {
		t.Run(img, func(t *testing.T) {
			err := workloadErr(false, func(a *WorkloadArgs) { a.Image = pulumi.String(img) })
			require.ErrorContains(t, err, "deploy an explicit release tag or digest")
		})
	}
	t.Run("digest is fine", func(t *testing.T) {
		require.NoError(t, checkImageRef(imageRepo+"api@sha256:"+"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"))
		require.NoError(t, checkImageRef("localhost:5000/api:v1"))
		require.Error(t, checkImageRef("localhost:5000/api"))
	})
}

func TestMigrationValidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*MigrationArgs)
		want string
	}{
		{"latest tag", func(a *MigrationArgs) { a.ImageTag = "latest" }, `image tag "latest" is not allowed`},
		{"empty tag", func(a *MigrationArgs) { a.ImageTag = "" }, "image tag is empty"},
		{"no DATABASE_URL", func(a *MigrationArgs) {
			a.SecretEnv = map[string]pulumi.StringInput{"DB": Value("dbUser")}
		}, "SecretEnv lacks DATABASE_URL"},
		{"too many retries", func(a *MigrationArgs) { a.BackoffLimit = 5 }, "BackoffLimit 5 is out of range (0 to 2"},
		{"deadline too short", func(a *MigrationArgs) { a.ActiveDeadlineSeconds = 10 }, "ActiveDeadlineSeconds 10 is out of range"},
		{"no secrets", func(a *MigrationArgs) { a.Secrets = nil }, "Secrets is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tryCapture(plan.Preview, func(ctx *pulumi.Context, k8s *kubernetes.Provider) error {
				u, err := newUpstream(ctx, k8s)
				if err != nil {
					return err
				}
				a := u.migrationArgs()
				tc.edit(a)
				_, err = NewMigrationJob(ctx, "migrate", a)
				return err
			})
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestDefaultsDoNotTouchTheCallersArgs(t *testing.T) {
	a := WorkloadArgs{Name: "api", Port: 3000, Env: map[string]string{"A": "1"}, HPA: &HPAArgs{}, Network: NetworkArgs{EgressVpcPorts: []int{5432}}}
	d := a.withDefaults()
	d.Env["B"] = "2"
	d.Network.EgressVpcPorts[0] = 1
	require.Equal(t, map[string]string{"A": "1"}, a.Env)
	require.Equal(t, []int{5432}, a.Network.EgressVpcPorts)
	require.Equal(t, HPAArgs{}, *a.HPA)
	require.Equal(t, HPAArgs{Min: 2, Max: 10, TargetCPU: 70, ScaleDownStabilizationSeconds: 300}, *d.HPA)
	require.Equal(t, 45, d.GracePeriodSeconds)
	require.Equal(t, 10, d.PreStopSeconds)
	require.Equal(t, 3000, d.HealthPort)
	require.Equal(t, []int{443}, d.Network.EgressInternetPorts)

	w := WorkloadArgs{Name: "worker", KedaRedis: &KedaRedisArgs{}, Network: NetworkArgs{EgressInternetPorts: []int{}}}.withDefaults()
	require.Equal(t, 3600, w.GracePeriodSeconds)
	require.Equal(t, 0, w.PreStopSeconds)
	require.Equal(t, DefaultWorkerHealthPort, w.HealthPort)
	require.Equal(t, KedaRedisArgs{Prefix: "bull", ListLength: 5, Min: 1, Max: 10, PollingInterval: 15, CooldownPeriod: 300, Queues: nil}, *w.KedaRedis)
	require.Empty(t, w.Network.EgressInternetPorts, "an explicit empty list means no internet egress")
}
