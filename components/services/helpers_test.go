package services

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

const (
	tDeployment  = "kubernetes:apps/v1:Deployment"
	tJob         = "kubernetes:batch/v1:Job"
	tService     = "kubernetes:core/v1:Service"
	tSA          = "kubernetes:core/v1:ServiceAccount"
	tNamespace   = "kubernetes:core/v1:Namespace"
	tPDB         = "kubernetes:policy/v1:PodDisruptionBudget"
	tHPA         = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
	tNetPol      = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
	tIngress     = "kubernetes:networking.k8s.io/v1:Ingress"
	tExternal    = "kubernetes:external-secrets.io/v1:ExternalSecret"
	tStore       = "kubernetes:external-secrets.io/v1:SecretStore"
	tScaled      = "kubernetes:keda.sh/v1alpha1:ScaledObject"
	tTriggerAuth = "kubernetes:keda.sh/v1alpha1:TriggerAuthentication"
	tRole        = "aws:iam/role:Role"
	tRolePolicy  = "aws:iam/rolePolicy:RolePolicy"
	tK8sProvider = "pulumi:providers:kubernetes"

	oidcArn    = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"
	oidcIssuer = "oidc.eks.us-east-1.amazonaws.com/id/ABC"
	secretsKey = "arn:aws:kms:us-east-1:123456789012:key/secrets"
	dbArn      = "arn:aws:secretsmanager:us-east-1:123456789012:secret:platform-prod/db-app-AbCdEf"
	jwtArn     = "arn:aws:secretsmanager:us-east-1:123456789012:secret:platform-prod/jwt-signing-key-GhIjKl"
	redisArn   = "arn:aws:secretsmanager:us-east-1:123456789012:secret:platform-prod/redis-queue-MnOpQr"
	imageRepo  = "123456789012.dkr.ecr.us-east-1.amazonaws.com/platform-prod/"
	vpcCidr    = "10.20.0.0/16"
)

var testTags = tags.New("prod", "agent-platform", "sre", "platform", nil)

// capture runs a program that gets a fresh explicit Kubernetes provider.
func capture(t *testing.T, mode plan.Mode, build func(ctx *pulumi.Context, k8s *kubernetes.Provider) error) *plan.Plan {
	t.Helper()
	p, err := tryCapture(mode, build)
	require.NoError(t, err)
	return p
}

func tryCapture(mode plan.Mode, build func(ctx *pulumi.Context, k8s *kubernetes.Provider) error) (*plan.Plan, error) {
	return plan.Capture(func(ctx *pulumi.Context) error {
		k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String("fake")})
		if err != nil {
			return err
		}
		return build(ctx, k8s)
	}, plan.Options{Mode: mode, Stack: "prod", Config: map[string]string{"aws:region": "us-east-1"}})
}

func one(t *testing.T, p *plan.Plan, typ, k8sName string) *plan.Resource {
	t.Helper()
	var found []*plan.Resource
	for _, r := range p.ByType(typ) {
		if k8sName == "" || testkit.StrOr(r.Input("metadata.name")) == k8sName {
			found = append(found, r)
		}
	}
	require.Len(t, found, 1, "%s %q", typ, k8sName)
	return found[0]
}

func statements(t *testing.T, doc map[string]any) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, s := range doc["Statement"].([]any) {
		out = append(out, s.(map[string]any))
	}
	return out
}

// requireExplicitProvider checks that every Kubernetes object uses the test's provider.
func requireExplicitProvider(t *testing.T, p *plan.Plan) {
	t.Helper()
	prov := p.ByType(tK8sProvider)
	require.Len(t, prov, 1)
	for _, r := range p.Resources {
		if strings.HasPrefix(r.Type, "kubernetes:") {
			require.True(t, strings.HasPrefix(r.Provider, prov[0].URN+"::"), "%s uses provider %q", r.URN, r.Provider)
		}
	}
}

func ptr[T any](v T) *T { return &v }
