package observability

import (
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

const (
	tChart          = "kubernetes:helm.sh/v4:Chart"
	tNamespace      = "kubernetes:core/v1:Namespace"
	tStorageClass   = "kubernetes:storage.k8s.io/v1:StorageClass"
	tRule           = "kubernetes:monitoring.coreos.com/v1:PrometheusRule"
	tServiceMonitor = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor"
	tPodMonitor     = "kubernetes:monitoring.coreos.com/v1:PodMonitor"
	tExternal       = "kubernetes:external-secrets.io/v1:ExternalSecret"
	tDeployment     = "kubernetes:apps/v1:Deployment"
	tPDB            = "kubernetes:policy/v1:PodDisruptionBudget"
	tProvider       = "pulumi:providers:kubernetes"
	tSecret         = "aws:secretsmanager/secret:Secret"
	tBucket         = "aws:s3/bucketV2:BucketV2"
	tRole           = "aws:iam/role:Role"
	tRolePolicy     = "aws:iam/rolePolicy:RolePolicy"

	secretsKey = "arn:aws:kms:us-east-1:123456789012:key/secrets"
	dataKey    = "arn:aws:kms:us-east-1:123456789012:key/data"
	oidcArn    = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"
	oidcIssuer = "oidc.eks.us-east-1.amazonaws.com/id/ABC"
)

func baseArgs() ObservabilityArgs {
	return ObservabilityArgs{
		NamePrefix:          "platform-test",
		PagerDutySecretName: "platform-test/pagerduty-routing-key",
		SlackSecretName:     "platform-test/slack-alerts-webhook",
		Tags:                tags.New("test", "platform", "platform-team", "cc-42", nil),
	}
}

func capture(t *testing.T, mode plan.Mode, mutate func(*ObservabilityArgs)) *plan.Plan {
	t.Helper()
	p, err := captureErr(mode, mutate)
	require.NoError(t, err)
	return p
}

func captureErr(mode plan.Mode, mutate func(*ObservabilityArgs)) (*plan.Plan, error) {
	return plan.Capture(func(ctx *pulumi.Context) error {
		k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String("fake")})
		if err != nil {
			return err
		}
		a := baseArgs()
		a.KubernetesProvider = k8s
		if mutate != nil {
			mutate(&a)
		}
		_, err = NewObservability(ctx, "obs", &a)
		return err
	}, plan.Options{Mode: mode, Config: map[string]string{"aws:region": "us-east-1"}})
}

func chartNamed(t *testing.T, p *plan.Plan, chart string) *plan.Resource {
	t.Helper()
	for _, r := range p.ByType(tChart) {
		if r.Input("chart").AsString() == chart {
			return r
		}
	}
	t.Fatalf("no chart %q", chart)
	return nil
}

// asMap decodes a property value into plain maps (custom resources, chart values).
func asMap(t *testing.T, v property.Value) map[string]any {
	t.Helper()
	m, ok := testkit.PlainMarked(v).(map[string]any)
	require.True(t, ok, "want a map, got %#v", v)
	return m
}
