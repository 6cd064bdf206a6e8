package services

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

func captureRelease(t *testing.T, mode plan.Mode) *plan.Plan {
	return capture(t, mode, func(ctx *pulumi.Context, k8s *kubernetes.Provider) error {
		_, err := buildRelease(ctx, k8s)
		return err
	})
}

// TestDeploymentsAreHardened checks every Deployment we build, in both engine passes:
// restricted pod security (evaluated with k8s.io/pod-security-admission), resources,
// probes, rolling updates that never drop capacity, and pinned images.
func TestDeploymentsAreHardened(t *testing.T) {
	ev, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	require.NoError(t, err)
	restricted := psaapi.LevelVersion{Level: psaapi.LevelRestricted, Version: psaapi.LatestVersion()}

	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p := captureRelease(t, mode)
			requireExplicitProvider(t, p)
			deployments := p.ByType(tDeployment)
			require.Len(t, deployments, 3)
			for _, r := range deployments {
				d := testkit.Decode[appsv1.Deployment](t, r)
				t.Run(d.Name, func(t *testing.T) {
					require.Equal(t, appNS, d.Namespace)
					for _, res := range ev.EvaluatePod(restricted, &d.Spec.Template.ObjectMeta, &d.Spec.Template.Spec) {
						require.True(t, res.Allowed, "PSS restricted: %s (%s)", res.ForbiddenReason, res.ForbiddenDetail)
					}
					pod := d.Spec.Template.Spec
					require.False(t, *pod.AutomountServiceAccountToken)
					require.Equal(t, d.Name, pod.ServiceAccountName)
					require.True(t, *pod.SecurityContext.RunAsNonRoot)
					require.EqualValues(t, 1000, *pod.SecurityContext.FSGroup)
					require.Equal(t, corev1.SeccompProfileTypeRuntimeDefault, pod.SecurityContext.SeccompProfile.Type)
					require.Len(t, pod.Containers, 1)
					c := pod.Containers[0]
					sc := c.SecurityContext
					require.True(t, *sc.RunAsNonRoot)
					require.True(t, *sc.ReadOnlyRootFilesystem)
					require.False(t, *sc.AllowPrivilegeEscalation)
					require.Equal(t, []corev1.Capability{"ALL"}, sc.Capabilities.Drop)
					for _, rl := range []corev1.ResourceList{c.Resources.Requests, c.Resources.Limits} {
						require.False(t, rl.Cpu().IsZero(), "cpu")
						require.False(t, rl.Memory().IsZero(), "memory")
					}
					for _, probe := range []*corev1.Probe{c.ReadinessProbe, c.LivenessProbe, c.StartupProbe} {
						require.NotNil(t, probe)
						require.Equal(t, "/health", probe.HTTPGet.Path)
					}
					require.Equal(t, "/tmp", c.VolumeMounts[0].MountPath)
					require.NotNil(t, pod.Volumes[0].EmptyDir)
					if mode == plan.Update {
						require.True(t, strings.HasPrefix(c.Image, "123456789012.dkr.ecr.us-east-1.amazonaws.com/platform-prod/"), c.Image)
						require.True(t, strings.HasSuffix(c.Image, ":"+releaseTag), c.Image)
						require.NotContains(t, c.Image, ":latest")
					}
					require.Equal(t, appsv1.RollingUpdateDeploymentStrategyType, d.Spec.Strategy.Type)
					require.Equal(t, 0, d.Spec.Strategy.RollingUpdate.MaxUnavailable.IntValue())
					require.Equal(t, 1, d.Spec.Strategy.RollingUpdate.MaxSurge.IntValue())
					require.Nil(t, d.Spec.Replicas, "autoscaled: the autoscaler owns spec.replicas")
					require.Equal(t, map[string]string{"app.kubernetes.io/name": d.Name}, d.Spec.Selector.MatchLabels)
					require.Len(t, pod.TopologySpreadConstraints, 2)
					require.Equal(t, "topology.kubernetes.io/zone", pod.TopologySpreadConstraints[0].TopologyKey)
					require.Equal(t, corev1.DoNotSchedule, pod.TopologySpreadConstraints[0].WhenUnsatisfiable)
					require.Equal(t, "kubernetes.io/hostname", pod.TopologySpreadConstraints[1].TopologyKey)
				})
			}
		})
	}
}

func TestAPI(t *testing.T) {
	p := captureRelease(t, plan.Update)
	d := testkit.Decode[appsv1.Deployment](t, one(t, p, tDeployment, "api"))
	pod := d.Spec.Template.Spec
	c := pod.Containers[0]

	t.Run("graceful shutdown", func(t *testing.T) {
		require.EqualValues(t, 45, *pod.TerminationGracePeriodSeconds)
		require.NotNil(t, c.Lifecycle.PreStop.Sleep, "preStop uses the sleep action, no shell needed")
		require.EqualValues(t, 10, c.Lifecycle.PreStop.Sleep.Seconds)
	})
	t.Run("probes on the service port", func(t *testing.T) {
		require.Equal(t, []corev1.ContainerPort{{Name: "http", ContainerPort: 3000, Protocol: corev1.ProtocolTCP}}, c.Ports)
		require.Equal(t, 3000, c.ReadinessProbe.HTTPGet.Port.IntValue())
		require.Equal(t, 3000, c.LivenessProbe.HTTPGet.Port.IntValue())
	})
	t.Run("environment", func(t *testing.T) {
		require.Equal(t, []corev1.EnvVar{
			{Name: "CORS_ORIGINS", Value: "https://app.generic-corp.io,https://generic-corp.io"},
			{Name: "NODE_ENV", Value: "production"},
		}, c.Env)
		require.Len(t, c.EnvFrom, 1)
		require.Equal(t, "api-env", c.EnvFrom[0].SecretRef.Name)
		require.Len(t, d.Spec.Template.Annotations["platform.generic-corp.io/secret-env-sha256"], 64)
	})
	t.Run("hpa 2 to 10 on cpu", func(t *testing.T) {
		h := testkit.Decode[autoscalingv2.HorizontalPodAutoscaler](t, one(t, p, tHPA, "api"))
		require.EqualValues(t, 2, *h.Spec.MinReplicas)
		require.EqualValues(t, 10, h.Spec.MaxReplicas)
		require.Equal(t, autoscalingv2.CrossVersionObjectReference{Kind: "Deployment", Name: "api", APIVersion: "apps/v1"}, h.Spec.ScaleTargetRef)
		require.Equal(t, corev1.ResourceCPU, h.Spec.Metrics[0].Resource.Name)
		require.EqualValues(t, 70, *h.Spec.Metrics[0].Resource.Target.AverageUtilization)
		require.EqualValues(t, 300, *h.Spec.Behavior.ScaleDown.StabilizationWindowSeconds)
	})
	t.Run("service and pdb", func(t *testing.T) {
		s := testkit.Decode[corev1.Service](t, one(t, p, tService, "api"))
		require.Equal(t, corev1.ServiceTypeClusterIP, s.Spec.Type)
		require.EqualValues(t, 3000, s.Spec.Ports[0].Port)
		require.Equal(t, "http", s.Spec.Ports[0].TargetPort.String())
		require.Equal(t, map[string]string{"app.kubernetes.io/name": "api"}, s.Spec.Selector)
		b := testkit.Decode[policyv1.PodDisruptionBudget](t, one(t, p, tPDB, "api"))
		require.Equal(t, 1, b.Spec.MaxUnavailable.IntValue())
		require.Equal(t, d.Spec.Selector.MatchLabels, b.Spec.Selector.MatchLabels)
	})
	t.Run("ingress: internet-facing ALB, HTTPS only, WebSocket idle timeout", func(t *testing.T) {
		ing := testkit.Decode[networkingv1.Ingress](t, one(t, p, tIngress, "api"))
		require.Equal(t, "alb", *ing.Spec.IngressClassName)
		require.Equal(t, "api.generic-corp.io", ing.Spec.Rules[0].Host)
		backend := ing.Spec.Rules[0].HTTP.Paths[0].Backend.Service
		require.Equal(t, "api", backend.Name)
		require.Equal(t, "http", backend.Port.Name)
		want := map[string]string{
			"scheme":                   "internet-facing",
			"target-type":              "ip",
			"listen-ports":             `[{"HTTP": 80}, {"HTTPS": 443}]`,
			"ssl-redirect":             "443",
			"certificate-arn":          "arn:aws:acm:us-east-1:123456789012:certificate/abc",
			"ssl-policy":               "ELBSecurityPolicy-TLS13-1-2-2021-06",
			"load-balancer-attributes": "idle_timeout.timeout_seconds=3600,routing.http.drop_invalid_header_fields.enabled=true",
			"healthcheck-path":         "/health",
			"wafv2-acl-arn":            "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/api/1",
			"load-balancer-name":       "platform-prod-api",
		}
		for k, v := range want {
			require.Equal(t, v, ing.Annotations["alb.ingress.kubernetes.io/"+k], k)
		}
		require.Contains(t, ing.Annotations["alb.ingress.kubernetes.io/target-group-attributes"], "stickiness.enabled=true")
		for k := range ing.Annotations {
			require.True(t, strings.HasPrefix(k, "alb.ingress.kubernetes.io/"), k)
		}
	})
	t.Run("network policy: ALB from the VPC, named namespaces, Prometheus, DNS, data tier, HTTPS out", func(t *testing.T) {
		np := testkit.Decode[networkingv1.NetworkPolicy](t, one(t, p, tNetPol, "api"))
		require.Equal(t, []networkingv1.PolicyType{"Ingress", "Egress"}, np.Spec.PolicyTypes)
		require.Equal(t, map[string]string{"app.kubernetes.io/name": "api"}, np.Spec.PodSelector.MatchLabels)
		require.Len(t, np.Spec.Ingress, 3)
		require.Equal(t, vpcCidr, np.Spec.Ingress[0].From[0].IPBlock.CIDR)
		require.Equal(t, 3000, np.Spec.Ingress[0].Ports[0].Port.IntValue())
		require.Equal(t, "internal-tools", np.Spec.Ingress[1].From[0].NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"])
		// Prometheus scrapes /metrics on the app port (the ServiceMonitor's "http").
		require.Equal(t, ingressRule{from: "monitoring", ports: []int{3000}}, ruleOf(t, np.Spec.Ingress[2]))
		require.Len(t, np.Spec.Egress, 3)
		require.Equal(t, "kube-dns", np.Spec.Egress[0].To[0].PodSelector.MatchLabels["k8s-app"])
		require.Equal(t, corev1.ProtocolUDP, *np.Spec.Egress[0].Ports[0].Protocol)
		require.Equal(t, vpcCidr, np.Spec.Egress[1].To[0].IPBlock.CIDR)
		var vpcPorts []int
		for _, port := range np.Spec.Egress[1].Ports {
			vpcPorts = append(vpcPorts, port.Port.IntValue())
		}
		require.Equal(t, []int{5432, 6379, 7233}, vpcPorts)
		require.Equal(t, "0.0.0.0/0", np.Spec.Egress[2].To[0].IPBlock.CIDR)
		require.Equal(t, 443, np.Spec.Egress[2].Ports[0].Port.IntValue())
	})
}

func TestIdentityAndSecrets(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p := captureRelease(t, mode)
			roles := map[string]*plan.Resource{}
			for _, r := range p.ByType(tRole) {
				roles[testkit.StrOr(r.Input("name"))] = r
			}
			require.Len(t, roles, 3, "api, worker and migration read secrets; the Temporal worker needs none")

			t.Run("trust is scoped to one service account", func(t *testing.T) {
				role := roles["platform-prod-app-api"]
				require.NotNil(t, role, "%v", roles)
				if mode == plan.Preview {
					require.True(t, role.Input("assumeRolePolicy").IsComputed(), "the OIDC provider ARN is unknown in preview")
					return
				}
				st := statements(t, testkit.JSONDoc(t, role.Input("assumeRolePolicy")))
				require.Len(t, st, 1)
				cond := st[0]["Condition"].(map[string]any)["StringEquals"].(map[string]any)
				require.Equal(t, "system:serviceaccount:app:api", cond[oidcIssuer+":sub"])
				require.Equal(t, "sts.amazonaws.com", cond[oidcIssuer+":aud"])
				require.Equal(t, "sts:AssumeRoleWithWebIdentity", st[0]["Action"])
			})
			t.Run("policy grants exactly the workload's secrets", func(t *testing.T) {
				for _, rp := range p.ByType(tRolePolicy) {
					require.Equal(t, "read-own-secrets", testkit.StrOr(rp.Input("name")))
					if mode == plan.Preview {
						require.True(t, rp.Input("policy").IsComputed())
						continue
					}
					st := statements(t, testkit.JSONDoc(t, rp.Input("policy")))
					require.Len(t, st, 2)
					require.Equal(t, []any{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}, st[0]["Action"])
					for _, arn := range st[0]["Resource"].([]any) {
						require.Regexp(t, `^arn:aws:secretsmanager:us-east-1:\d{12}:secret:platform-prod/[a-z-]+-[0-9a-f]{6}$`, arn)
					}
					require.Equal(t, "kms:Decrypt", st[1]["Action"])
					require.Equal(t, secretsKey, st[1]["Resource"])
					require.Equal(t, "secretsmanager.us-east-1.amazonaws.com",
						st[1]["Condition"].(map[string]any)["StringEquals"].(map[string]any)["kms:ViaService"])
				}
				api := p.Named(tRolePolicy, "api-secrets")
				if mode == plan.Update {
					res := statements(t, testkit.JSONDoc(t, api.Input("policy")))[0]["Resource"].([]any)
					require.Len(t, res, 2)
					require.Contains(t, res[0], "platform-prod/db-app-")
					require.Contains(t, res[1], "platform-prod/jwt-signing-key-")
				}
			})
			t.Run("service account carries the role, no token", func(t *testing.T) {
				sa := testkit.Decode[corev1.ServiceAccount](t, one(t, p, tSA, "api"))
				require.False(t, *sa.AutomountServiceAccountToken)
				if mode == plan.Update {
					require.Equal(t, testkit.StrOr(roles["platform-prod-app-api"].Output("arn")), sa.Annotations["eks.amazonaws.com/role-arn"])
				} else {
					ann := one(t, p, tSA, "api").Input("metadata.annotations").AsMap()
					require.True(t, ann.Get("eks.amazonaws.com/role-arn").IsComputed(), "the role ARN is unknown in preview")
				}
				tw := testkit.Decode[corev1.ServiceAccount](t, one(t, p, tSA, "temporal-worker"))
				require.Empty(t, tw.Annotations, "no secrets, no role")
			})
			t.Run("secret store", func(t *testing.T) {
				s := testkit.Decode[esSecretStore](t, one(t, p, tStore, "api-secrets-manager"))
				require.Equal(t, appNS, s.Namespace)
				require.Equal(t, "SecretsManager", s.Spec.Provider.AWS.Service)
				require.Equal(t, "us-east-1", s.Spec.Provider.AWS.Region)
				require.Equal(t, "api", s.Spec.Provider.AWS.Auth.JWTAuth.ServiceAccountRef.Name)
			})
			t.Run("external secret renders the environment", func(t *testing.T) {
				r := one(t, p, tExternal, "api-env")
				es := testkit.Decode[esExternalSecret](t, r)
				require.Equal(t, "api-secrets-manager", es.Spec.SecretStoreRef.Name)
				require.Equal(t, "SecretStore", es.Spec.SecretStoreRef.Kind)
				require.Equal(t, "api-env", es.Spec.Target.Name)
				require.Equal(t, "Owner", es.Spec.Target.CreationPolicy)
				require.Equal(t, "v2", es.Spec.Target.Template.EngineVersion)
				require.Equal(t, "Replace", es.Spec.Target.Template.MergePolicy)
				require.Equal(t, map[string]string{
					"DATABASE_URL":    "postgresql://{{ .dbUser | urlquery }}:{{ .dbPassword | urlquery }}@" + pooledHost + ":5432/app?sslmode=disable&pgbouncer=true",
					"JWT_SIGNING_KEY": "{{ .jwt }}",
				}, es.Spec.Target.Template.Data)
				var refs []string
				for _, d := range es.Spec.Data {
					refs = append(refs, d.SecretKey+"="+d.RemoteRef.Key+"#"+d.RemoteRef.Property)
				}
				require.Equal(t, []string{"dbPassword=platform-prod/db-app#password", "dbUser=platform-prod/db-app#username",
					"jwt=platform-prod/jwt-signing-key#signingKey"}, refs)
				store := one(t, p, tStore, "api-secrets-manager")
				require.True(t, testkit.WaitsFor(r, store.URN), "the ExternalSecret waits for its store")
			})
		})
	}
}

func TestWorkerScalesOnBullMQ(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p := captureRelease(t, mode)
			so := testkit.Decode[kedaScaledObject](t, one(t, p, tScaled, "worker"))
			require.Equal(t, "worker", so.Spec.ScaleTargetRef.Name)
			require.Equal(t, "Deployment", so.Spec.ScaleTargetRef.Kind)
			require.EqualValues(t, 2, *so.Spec.MinReplicaCount)
			require.EqualValues(t, 20, *so.Spec.MaxReplicaCount)
			require.EqualValues(t, 300, *so.Spec.Advanced.HorizontalPodAutoscalerConfig.Behavior.ScaleDown.StabilizationWindowSeconds)
			require.Len(t, so.Spec.Triggers, 2)
			for i, queue := range []string{"agent-tasks", "notifications"} {
				tr := so.Spec.Triggers[i]
				require.Equal(t, "redis", tr.Type)
				require.Equal(t, "bull:"+queue+":wait", tr.Metadata["listName"])
				require.Equal(t, "true", tr.Metadata["enableTLS"])
				require.Equal(t, "5", tr.Metadata["listLength"])
				require.Equal(t, "worker-redis", tr.AuthenticationRef.Name)
				if mode == plan.Update {
					require.Regexp(t, `^master\.platform-prod-queue\.[0-9a-f]+\.us-east-1\.cache\.amazonaws\.com:6379$`, tr.Metadata["address"])
				} else {
					require.Empty(t, tr.Metadata["address"], "the endpoint is unknown in preview")
				}
			}
			ta := testkit.Decode[kedaTriggerAuthentication](t, one(t, p, tTriggerAuth, "worker-redis"))
			require.Len(t, ta.Spec.SecretTargetRef, 1)
			require.Equal(t, "password", ta.Spec.SecretTargetRef[0].Parameter)
			require.Equal(t, "worker-env", ta.Spec.SecretTargetRef[0].Name)
			require.Equal(t, "REDIS_PASSWORD", ta.Spec.SecretTargetRef[0].Key)
			es := testkit.Decode[esExternalSecret](t, one(t, p, tExternal, "worker-env"))
			require.Equal(t, "{{ .redisToken }}", es.Spec.Target.Template.Data["REDIS_PASSWORD"])

			d := testkit.Decode[appsv1.Deployment](t, one(t, p, tDeployment, "worker"))
			pod := d.Spec.Template.Spec
			c := pod.Containers[0]
			require.EqualValues(t, 3600, *pod.TerminationGracePeriodSeconds, "agent tasks finish before the pod goes")
			require.Nil(t, c.Lifecycle, "no preStop: a worker should stop taking jobs at once")
			require.Equal(t, []corev1.ContainerPort{
				{Name: "health", ContainerPort: 8081, Protocol: corev1.ProtocolTCP},
				{Name: "metrics", ContainerPort: 9464, Protocol: corev1.ProtocolTCP},
			}, c.Ports, "the worker PodMonitor scrapes the port named metrics")
			require.Equal(t, 8081, c.LivenessProbe.HTTPGet.Port.IntValue())
			require.Empty(t, p.ByType(tHPA)[1:], "only the API has an HPA; KEDA owns the worker's")
			for _, s := range p.ByType(tService) {
				require.NotEqual(t, "worker", testkit.StrOr(s.Input("metadata.name")), "workers have no Service")
			}
			np := testkit.Decode[networkingv1.NetworkPolicy](t, one(t, p, tNetPol, "worker"))
			require.Len(t, np.Spec.Ingress, 1, "nothing but Prometheus may connect to a worker")
			require.Equal(t, ingressRule{from: "monitoring", ports: []int{9464}}, ruleOf(t, np.Spec.Ingress[0]))
		})
	}
}

func TestTemporalWorker(t *testing.T) {
	p := captureRelease(t, plan.Preview)
	so := testkit.Decode[kedaScaledObject](t, one(t, p, tScaled, "temporal-worker"))
	require.Len(t, so.Spec.Triggers, 1)
	tr := so.Spec.Triggers[0]
	require.Equal(t, "temporal", tr.Type)
	require.Equal(t, map[string]string{
		"endpoint": "temporal-frontend.temporal.svc.cluster.local:7233", "namespace": "agents",
		"taskQueue": "agent-workflows", "queueTypes": "workflow,activity", "targetQueueSize": "5",
	}, tr.Metadata)
	require.Nil(t, tr.AuthenticationRef)
	require.EqualValues(t, 2, *so.Spec.MinReplicaCount)
	require.EqualValues(t, 8, *so.Spec.MaxReplicaCount)
	d := testkit.Decode[appsv1.Deployment](t, one(t, p, tDeployment, "temporal-worker"))
	require.Equal(t, []string{"dist/temporal-worker.js"}, d.Spec.Template.Spec.Containers[0].Args)
	require.Empty(t, d.Spec.Template.Spec.Containers[0].EnvFrom)
	require.Empty(t, p.ByType(tTriggerAuth)[1:], "only the BullMQ worker authenticates")
}
