package services

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

func TestMigrationJob(t *testing.T) {
	ev, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	require.NoError(t, err)
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p := captureRelease(t, mode)
			r := one(t, p, tJob, "")
			job := testkit.Decode[batchv1.Job](t, r)

			t.Run("named after the release", func(t *testing.T) {
				require.Equal(t, "migrate-v1-4-2", job.Name)
				require.Equal(t, JobName("migrate", releaseTag), job.Name)
				require.Equal(t, appNS, job.Namespace)
				require.Equal(t, "true", job.Annotations["pulumi.com/replaceUnready"])
			})
			t.Run("runs prisma migrate deploy once, bounded", func(t *testing.T) {
				pod := job.Spec.Template.Spec
				c := pod.Containers[0]
				require.Equal(t, []string{"npx", "prisma", "migrate", "deploy"}, c.Command)
				require.Equal(t, corev1.RestartPolicyNever, pod.RestartPolicy)
				require.EqualValues(t, 1, *job.Spec.BackoffLimit)
				require.EqualValues(t, 1800, *job.Spec.ActiveDeadlineSeconds)
				require.Nil(t, job.Spec.TTLSecondsAfterFinished, "kept until the next release replaces it")
				require.Equal(t, []corev1.EnvVar{{Name: "HOME", Value: "/tmp"}}, c.Env)
				require.Equal(t, "migrate-env", c.EnvFrom[0].SecretRef.Name)
				require.Equal(t, "migrate", pod.ServiceAccountName)
				require.False(t, *pod.AutomountServiceAccountToken)
				if mode == plan.Update {
					require.True(t, strings.HasSuffix(c.Image, "/platform-prod/migrations:"+releaseTag), c.Image)
				}
			})
			t.Run("restricted pod security", func(t *testing.T) {
				lv := psaapi.LevelVersion{Level: psaapi.LevelRestricted, Version: psaapi.LatestVersion()}
				for _, res := range ev.EvaluatePod(lv, &job.Spec.Template.ObjectMeta, &job.Spec.Template.Spec) {
					require.True(t, res.Allowed, "PSS restricted: %s (%s)", res.ForbiddenReason, res.ForbiddenDetail)
				}
				sc := job.Spec.Template.Spec.Containers[0].SecurityContext
				require.True(t, *sc.ReadOnlyRootFilesystem)
				require.Equal(t, []corev1.Capability{"ALL"}, sc.Capabilities.Drop)
			})
			t.Run("replaced, never patched", func(t *testing.T) {
				require.True(t, r.DeleteBeforeReplace, "same name on a spec change: delete the old Job first")
				require.Equal(t, []string{"spec"}, r.ReplaceOnChanges)
			})
			t.Run("unpooled DATABASE_URL straight to RDS", func(t *testing.T) {
				es := testkit.Decode[esExternalSecret](t, one(t, p, tExternal, "migrate-env"))
				url := es.Spec.Target.Template.Data[DatabaseURLEnv]
				if mode == plan.Preview {
					require.Empty(t, url, "the RDS address is unknown in preview")
					return
				}
				require.Regexp(t, `^postgresql://\{\{ \.dbUser \| urlquery \}\}:\{\{ \.dbPassword \| urlquery \}\}@platform-prod-postgres\.c[0-9a-f]+\.us-east-1\.rds\.amazonaws\.com:5432/app\?sslmode=require$`, url)
				require.NotContains(t, url, pooledHost)
			})
			t.Run("egress to the database and HTTPS only", func(t *testing.T) {
				np := testkit.Decode[networkingv1.NetworkPolicy](t, one(t, p, tNetPol, "migrate"))
				require.Equal(t, map[string]string{"app.kubernetes.io/name": "migrate"}, np.Spec.PodSelector.MatchLabels)
				require.Empty(t, np.Spec.Ingress)
				require.Len(t, np.Spec.Egress, 3)
				require.Equal(t, 5432, np.Spec.Egress[1].Ports[0].Port.IntValue())
				require.Equal(t, 443, np.Spec.Egress[2].Ports[0].Port.IntValue())
			})
			t.Run("API and worker roll out only after the migration", func(t *testing.T) {
				for _, name := range []string{"api", "worker"} {
					d := one(t, p, tDeployment, name)
					require.True(t, testkit.WaitsFor(d, r.URN), "%s must depend on the migration Job %s; has %v", name, r.URN, d.Dependencies)
				}
				require.False(t, testkit.WaitsFor(one(t, p, tDeployment, "temporal-worker"), r.URN), "the Temporal worker does not touch the schema")
				// Nothing else of the workloads waits for the migration: identity, secrets
				// and services are created in parallel with it.
				for _, typ := range []string{tExternal, tService, tSA, tStore} {
					for _, o := range p.ByType(typ) {
						require.False(t, testkit.WaitsFor(o, r.URN), "%s %s", typ, o.Name)
					}
				}
			})
		})
	}
}

func TestJobName(t *testing.T) {
	for _, tc := range []struct{ tag, want string }{
		{"v1.4.2", "migrate-v1-4-2"},
		{"2026.01.26-abc1234", "migrate-2026-01-26-abc1234"},
		{"Release_42", "migrate-release-42"},
	} {
		t.Run(tc.tag, func(t *testing.T) {
			require.Equal(t, tc.want, JobName("migrate", tc.tag))
		})
	}
	t.Run("digest is shortened to a label", func(t *testing.T) {
		n := JobName("migrate", "sha256:"+strings.Repeat("ab", 32))
		require.LessOrEqual(t, len(n), 63)
		require.Regexp(t, `^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`, n)
		require.NotEqual(t, n, JobName("migrate", "sha256:"+strings.Repeat("cd", 32)))
	})
}
