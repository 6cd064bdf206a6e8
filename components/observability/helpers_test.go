package observability

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tags"
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
		a.SecretsKmsKeyArn = pulumi.String(secretsKey)
		if mutate != nil {
			mutate(&a)
		}
		_, err = NewObservability(ctx, "obs", &a)
		return err
	}, plan.Options{Mode: mode, Config: map[string]string{"aws:region": "us-east-1"}})
}

func one(t *testing.T, p *plan.Plan, typ string) *plan.Resource {
	t.Helper()
	rs := p.ByType(typ)
	require.Len(t, rs, 1, typ)
	return rs[0]
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

func str(t *testing.T, v property.Value) string {
	t.Helper()
	if v.Secret() {
		v = v.WithSecret(false)
	}
	require.True(t, v.IsString(), "want a string, got %#v", v)
	return v.AsString()
}

func num(t *testing.T, v property.Value) int {
	t.Helper()
	require.True(t, v.IsNumber(), "want a number, got %#v", v)
	return int(v.AsNumber())
}

func boolean(t *testing.T, v property.Value) bool {
	t.Helper()
	require.True(t, v.IsBool(), "want a bool, got %#v", v)
	return v.AsBool()
}

func key(t *testing.T, v property.Value, k string) property.Value {
	t.Helper()
	require.True(t, v.IsMap(), "want a map, got %#v", v)
	e, ok := v.AsMap().GetOk(k)
	require.True(t, ok, "missing key %q", k)
	return e
}

// plain turns a property value into JSON-shaped Go values; unknowns become a marker.
func plain(v property.Value) any {
	switch {
	case v.Secret():
		return plain(v.WithSecret(false))
	case v.IsComputed():
		return "<computed>"
	case v.IsNull():
		return nil
	case v.IsString():
		return v.AsString()
	case v.IsNumber():
		return v.AsNumber()
	case v.IsBool():
		return v.AsBool()
	case v.IsArray():
		out := []any{}
		for _, e := range v.AsArray().AsSlice() {
			out = append(out, plain(e))
		}
		return out
	case v.IsMap():
		out := map[string]any{}
		for k, e := range v.AsMap().All {
			out[k] = plain(e)
		}
		return out
	}
	return nil
}

// decodeStrict decodes a captured Kubernetes object into a k8s.io/api type, failing on
// any field the type does not know.
func decodeStrict(t *testing.T, r *plan.Resource, into any) {
	t.Helper()
	b, err := json.Marshal(plain(property.New(r.Inputs)))
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(into), string(b))
}

// asMap decodes a property value into plain maps (custom resources, chart values).
func asMap(t *testing.T, v property.Value) map[string]any {
	t.Helper()
	m, ok := plain(v).(map[string]any)
	require.True(t, ok, "want a map, got %#v", v)
	return m
}
