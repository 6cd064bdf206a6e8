package observability

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

func s3Args(a *ObservabilityArgs) {
	a.LokiStorage = LokiStorageS3
	a.LokiS3 = &LokiS3Args{
		Region:          "us-east-1",
		OidcProviderArn: pulumi.String(oidcArn),
		OidcIssuer:      pulumi.String(oidcIssuer),
		KmsKeyArn:       pulumi.String(dataKey),
		AccessLogBucket: pulumi.String("platform-test-access-logs"),
	}
	a.Protect = true
}

func TestLokiOnS3(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Update, plan.Preview} {
		t.Run(mode.String(), func(t *testing.T) {
			p := capture(t, mode, s3Args)

			bucket := testkit.One(t, p, tBucket)
			require.Equal(t, "platform-test-loki", testkit.Str(t, bucket.Input("bucket")))
			require.True(t, bucket.Protect)
			require.True(t, bucket.RetainOnDelete)
			require.False(t, testkit.Bool(t, bucket.Input("forceDestroy")))

			pab := testkit.One(t, p, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
			for _, f := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				require.True(t, testkit.Bool(t, pab.Input(f)), f)
			}
			own := testkit.One(t, p, "aws:s3/bucketOwnershipControls:BucketOwnershipControls")
			require.Equal(t, "BucketOwnerEnforced", testkit.Str(t, own.Input("rule.objectOwnership")))
			sse := testkit.One(t, p, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")
			require.Equal(t, "aws:kms", testkit.Str(t, sse.Input("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm")))
			require.Equal(t, dataKey, testkit.Str(t, sse.Input("rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId")))
			require.True(t, testkit.Bool(t, sse.Input("rules[0].bucketKeyEnabled")))
			ver := testkit.One(t, p, "aws:s3/bucketVersioningV2:BucketVersioningV2")
			require.Equal(t, "Enabled", testkit.Str(t, ver.Input("versioningConfiguration.status")))
			lc := testkit.One(t, p, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2")
			require.Equal(t, 31+30, testkit.Int(t, lc.Input("rules[0].expiration.days")))
			require.Equal(t, 7, testkit.Int(t, lc.Input("rules[0].noncurrentVersionExpiration.noncurrentDays")))
			logging := testkit.One(t, p, "aws:s3/bucketLoggingV2:BucketLoggingV2")
			require.Equal(t, "platform-test-access-logs", testkit.Str(t, logging.Input("targetBucket")))

			var policy struct{ Statement []map[string]any }
			require.NoError(t, json.Unmarshal([]byte(testkit.Str(t, testkit.One(t, p, "aws:s3/bucketPolicy:BucketPolicy").Input("policy"))), &policy))
			require.Equal(t, "Deny", policy.Statement[0]["Effect"])
			require.Equal(t, map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}, policy.Statement[0]["Condition"])

			role := testkit.One(t, p, tRole)
			trust := role.Input("assumeRolePolicy")
			loki := chartNamed(t, p, "loki")
			require.Equal(t, "s3", testkit.Str(t, loki.Input("values.loki.storage.type")))
			require.Equal(t, "s3", testkit.Str(t, loki.Input("values.loki.schemaConfig.configs[0].object_store")))
			require.Equal(t, "us-east-1", testkit.Str(t, loki.Input("values.loki.storage.s3.region")))
			require.Equal(t, "platform-test-loki", testkit.Str(t, loki.Input("values.loki.storage.bucketNames.chunks")))
			require.Equal(t, "loki", testkit.Str(t, loki.Input("values.serviceAccount.name")))
			roleArn := testkit.Key(t, loki.Input("values.serviceAccount.annotations"), "eks.amazonaws.com/role-arn")
			if mode == plan.Preview {
				require.True(t, roleArn.IsComputed(), "the role ARN is unknown in a preview")
				return
			}
			require.Equal(t, testkit.Str(t, role.Output("arn")), testkit.Str(t, roleArn))

			var doc struct{ Statement []map[string]any }
			require.NoError(t, json.Unmarshal([]byte(testkit.Str(t, trust)), &doc))
			cond := doc.Statement[0]["Condition"].(map[string]any)["StringEquals"].(map[string]any)
			require.Equal(t, "system:serviceaccount:monitoring:loki", cond[oidcIssuer+":sub"])
			require.Equal(t, "sts.amazonaws.com", cond[oidcIssuer+":aud"])

			var access struct{ Statement []map[string]any }
			require.NoError(t, json.Unmarshal([]byte(testkit.Str(t, testkit.One(t, p, tRolePolicy).Input("policy"))), &access))
			for _, st := range access.Statement {
				for _, res := range st["Resource"].([]any) {
					require.NotEqual(t, "*", res, "scoped to the bucket and the key")
				}
			}
			require.Equal(t, []any{dataKey}, access.Statement[2]["Resource"])
		})
	}
}

func TestRedisExporters(t *testing.T) {
	p := capture(t, plan.Update, func(a *ObservabilityArgs) {
		a.RedisExporters = []RedisExporterArgs{
			{Name: "queue", Address: pulumi.String("master.queue.abc.use1.cache.amazonaws.com:6379"), AuthSecretName: "platform-test/redis-queue"},
			{Name: "cache", Address: pulumi.String("master.cache.abc.use1.cache.amazonaws.com:6379"), AuthSecretName: "platform-test/redis-cache"},
		}
	})
	deps := p.ByType(tDeployment)
	require.Len(t, deps, 2)
	require.Len(t, p.ByType(tPDB), 2)

	var d appsv1.Deployment
	testkit.DecodeStrict(t, p.Named(tDeployment, "obs-redis-queue"), &d)
	require.Equal(t, "redis-exporter-queue", d.Name)
	require.Equal(t, int32(2), *d.Spec.Replicas)
	c := d.Spec.Template.Spec.Containers[0]
	require.Equal(t, "oliver006/redis_exporter:v1.88.0", c.Image)
	env := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		env[e.Name] = e
	}
	require.Equal(t, "rediss://master.queue.abc.use1.cache.amazonaws.com:6379", env["REDIS_ADDR"].Value)
	require.Equal(t, "redis-exporter-queue", env["REDIS_PASSWORD"].ValueFrom.SecretKeyRef.Name)
	require.Equal(t, "metrics", c.Ports[0].Name)
	require.Equal(t, int32(9121), c.Ports[0].ContainerPort)
	require.NotNil(t, c.ReadinessProbe)
	require.NotNil(t, c.LivenessProbe)
	require.NotEmpty(t, c.Resources.Limits)
	require.False(t, *c.SecurityContext.AllowPrivilegeEscalation)
	require.Equal(t, "queue", d.Spec.Template.Labels["platform.generic-corp.io/redis-group"])

	var auth map[string]any
	for _, r := range p.ByType(tExternal) {
		if testkit.Str(t, r.Input("metadata.name")) == "redis-exporter-queue" {
			auth = asMap(t, r.Input("spec"))
		}
	}
	require.Equal(t, map[string]any{"secretKey": "password", "remoteRef": map[string]any{"key": "platform-test/redis-queue", "property": "authToken"}},
		auth["data"].([]any)[0])

	var redis map[string]any
	for _, r := range p.ByType(tPodMonitor) {
		if testkit.Str(t, r.Input("metadata.name")) == "redis-exporter" {
			redis = asMap(t, r.Input("spec"))
		}
	}
	require.NotNil(t, redis, "a PodMonitor scrapes the exporters")
	relabel := redis["podMetricsEndpoints"].([]any)[0].(map[string]any)["relabelings"].([]any)
	require.Equal(t, "redis_group", relabel[1].(map[string]any)["targetLabel"], "RedisUnavailable groups by redis_group")
}

func TestValidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*ObservabilityArgs)
		want   string
	}{
		{"no pagerduty", func(a *ObservabilityArgs) { a.PagerDutySecretName = "" }, "PagerDutySecretName is required"},
		{"no slack", func(a *ObservabilityArgs) { a.SlackSecretName = "" }, "SlackSecretName is required"},
		{"bad channel", func(a *ObservabilityArgs) { a.SlackChannel = "alerts" }, `SlackChannel "alerts"`},
		{"bad retention", func(a *ObservabilityArgs) { a.PrometheusRetention = "2w" }, `PrometheusRetention "2w"`},
		{"tiny disk", func(a *ObservabilityArgs) { a.PrometheusStorageGiB = 5 }, "PrometheusStorageGiB"},
		{"s3 without bucket args", func(a *ObservabilityArgs) { a.LokiStorage = LokiStorageS3 }, "LokiS3 is required"},
		{"bucket args without s3", func(a *ObservabilityArgs) { a.LokiS3 = &LokiS3Args{Region: "us-east-1"} }, `LokiStorage "filesystem"`},
		{"unknown storage", func(a *ObservabilityArgs) { a.LokiStorage = "gcs" }, `LokiStorage "gcs"`},
		{"runbook with fragment", func(a *ObservabilityArgs) { a.RunbookBaseURL = "https://x/runbooks.md#top" }, "RunbookBaseURL"},
		{"bad port name", func(a *ObservabilityArgs) { a.Worker.Port = "9090" }, `Worker.Port "9090"`},
		{"bad selector", func(a *ObservabilityArgs) { a.PgBouncer.Selector = map[string]string{"app": "pg bouncer"} }, "PgBouncer.Selector"},
		{"duplicate redis", func(a *ObservabilityArgs) {
			a.RedisExporters = []RedisExporterArgs{{Name: "q", Address: pulumi.String("h:1"), AuthSecretName: "s"}, {Name: "q", Address: pulumi.String("h:1"), AuthSecretName: "s"}}
		}, `RedisExporters.Name "q"`},
		{"redis without address", func(a *ObservabilityArgs) {
			a.RedisExporters = []RedisExporterArgs{{Name: "q", AuthSecretName: "s"}}
		}, "RedisExporters[q].Address is required"},
		{"latest exporter", func(a *ObservabilityArgs) { a.RedisExporterImage = "oliver006/redis_exporter:latest" }, "RedisExporterImage"},
		{"missing tags", func(a *ObservabilityArgs) { a.Tags = nil }, `required tag "environment"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := captureErr(plan.Preview, tc.mutate)
			require.ErrorContains(t, err, tc.want)
		})
	}
}
