package services

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

// TestStoreRoleDecryptsReplicasByAlias: a dr stack reads prod's replicated secrets,
// whose key ARN it cannot know; the role may decrypt, through Secrets Manager only, with
// the key that carries the replica alias, and with nothing else of the account.
func TestStoreRoleDecryptsReplicasByAlias(t *testing.T) {
	for _, c := range []struct {
		name  string
		alias string
		want  int // statements
	}{{"own secrets only", "", 2}, {"prod's replicas too", "alias/platform-prod-secrets-replica", 3}} {
		t.Run(c.name, func(t *testing.T) {
			p := capture(t, plan.Update, func(ctx *pulumi.Context, _ *kubernetes.Provider) error {
				_, err := NewStoreRole(ctx, "reader-role", &StoreRoleArgs{
					NamePrefix: "platform-dr", Namespace: "api",
					SecretArns: []pulumi.StringInput{pulumi.String(dbArn)}, KmsKeyArn: pulumi.String(secretsKey), Region: "us-west-2",
					ReplicaKeyAlias: c.alias, AccountId: pulumi.String(plan.AccountID),
					OidcProviderArn: pulumi.String(oidcArn), OidcIssuer: pulumi.String(oidcIssuer), Tags: testTags,
				})
				return err
			})
			var doc struct{ Statement []map[string]any }
			require.NoError(t, json.Unmarshal([]byte(testkit.Str(t, p.Named(tRolePolicy, "reader-role").Input("policy"))), &doc))
			require.Len(t, doc.Statement, c.want)
			if c.alias == "" {
				return
			}
			s := doc.Statement[2]
			require.Equal(t, "kms:Decrypt", s["Action"])
			require.Equal(t, "arn:aws:kms:us-west-2:"+plan.AccountID+":key/*", s["Resource"])
			cond := s["Condition"].(map[string]any)
			require.Equal(t, map[string]any{"kms:ResourceAliases": c.alias}, cond["ForAnyValue:StringEquals"])
			require.Equal(t, map[string]any{"kms:ViaService": "secretsmanager.us-west-2.amazonaws.com"}, cond["StringEquals"])
		})
	}
	_, err := tryCapture(plan.Preview, func(ctx *pulumi.Context, _ *kubernetes.Provider) error {
		_, err := NewStoreRole(ctx, "r", &StoreRoleArgs{NamePrefix: "platform-dr", Namespace: "api",
			SecretArns: []pulumi.StringInput{pulumi.String(dbArn)}, KmsKeyArn: pulumi.String(secretsKey), Region: "us-west-2",
			ReplicaKeyAlias: "platform-prod-secrets-replica", OidcProviderArn: pulumi.String(oidcArn), OidcIssuer: pulumi.String(oidcIssuer), Tags: testTags})
		return err
	})
	require.ErrorContains(t, err, "ReplicaKeyAlias")
}
