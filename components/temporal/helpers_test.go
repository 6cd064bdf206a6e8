package temporal

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/plan"
)

const (
	tChart     = "kubernetes:helm.sh/v4:Chart"
	tJob       = "kubernetes:batch/v1:Job"
	tNamespace = "kubernetes:core/v1:Namespace"
	tConfigMap = "kubernetes:core/v1:ConfigMap"
	tCustom    = "kubernetes:external-secrets.io/v1:ExternalSecret"
	tSecret    = "aws:secretsmanager/secret:Secret"
	tVersion   = "aws:secretsmanager/secretVersion:SecretVersion"
	tPassword  = "random:index/randomPassword:RandomPassword"
	tRDS       = "aws:rds/instance:Instance"
	tProvider  = "pulumi:providers:kubernetes"

	secretsKey = "arn:aws:kms:us-east-1:123456789012:key/secrets"
)

// baseArgs are valid args without the provider and the host, which only exist inside a
// program.
func baseArgs() TemporalArgs {
	return TemporalArgs{
		NamePrefix:      "platform-test",
		AdminSecretName: "platform-test/db-app",
		WebHost:         "temporal.internal.example.com",
		Tags:            tags.New("test", "platform", "platform-team", "cc-42", nil),
	}
}

// capture runs NewTemporal with a Kubernetes provider and an RDS instance stub whose
// address is unknown in a preview, as the real one is.
func capture(t *testing.T, mode plan.Mode, mutate func(*TemporalArgs)) *plan.Plan {
	t.Helper()
	p, err := captureErr(mode, mutate)
	require.NoError(t, err)
	return p
}

func captureErr(mode plan.Mode, mutate func(*TemporalArgs)) (*plan.Plan, error) {
	return plan.Capture(func(ctx *pulumi.Context) error {
		k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String("fake")})
		if err != nil {
			return err
		}
		db, err := rds.NewInstance(ctx, "db", &rds.InstanceArgs{InstanceClass: pulumi.String("db.t4g.medium")})
		if err != nil {
			return err
		}
		a := baseArgs()
		a.KubernetesProvider = k8s
		a.DbHost = db.Address
		a.SecretsKmsKeyArn = pulumi.String(secretsKey)
		if mutate != nil {
			mutate(&a)
		}
		_, err = NewTemporal(ctx, "temporal", &a)
		return err
	}, plan.Options{Mode: mode, Config: map[string]string{"aws:region": "us-east-1"}})
}

func one(t *testing.T, p *plan.Plan, typ string) *plan.Resource {
	t.Helper()
	rs := p.ByType(typ)
	require.Len(t, rs, 1, typ)
	return rs[0]
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

// key reads one entry of a map value whose keys contain dots (labels, annotations).
func key(t *testing.T, v property.Value, k string) property.Value {
	t.Helper()
	require.True(t, v.IsMap(), "want a map, got %#v", v)
	e, ok := v.AsMap().GetOk(k)
	require.True(t, ok, "missing key %q", k)
	return e
}

// plain turns a property value into JSON-shaped Go values; unknowns become a marker
// string (callers decode Update-mode plans, where nothing is unknown).
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
// any field the API type does not know (a misspelt or invented field).
func decodeStrict(t *testing.T, r *plan.Resource, into any) {
	t.Helper()
	b, err := json.Marshal(plain(property.New(r.Inputs)))
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(into), string(b))
}
