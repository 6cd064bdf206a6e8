package temporal

import (
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
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
		if mutate != nil {
			mutate(&a)
		}
		_, err = NewTemporal(ctx, "temporal", &a)
		return err
	}, plan.Options{Mode: mode, Config: map[string]string{"aws:region": "us-east-1"}})
}
