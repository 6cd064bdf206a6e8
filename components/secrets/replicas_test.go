package secrets

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

// TestOperatorSecretsReachTheDRRegion: prod's operator-filled secrets are replicated to
// the DR region under a key of their own there, and a dr stack reads those replicas
// instead of placeholders an operator would have to fill during the disaster (issue 12).
func TestOperatorSecretsReachTheDRRegion(t *testing.T) {
	t.Run("the primary replicates them", func(t *testing.T) {
		p, err := plan.Capture(func(ctx *pulumi.Context) error {
			west, err := aws.NewProvider(ctx, "dr-region", &aws.ProviderArgs{Region: pulumi.String("us-west-2")})
			if err != nil {
				return err
			}
			a := baseArgs()
			a.Replicate = &ReplicaArgs{Region: "us-west-2", Provider: west}
			_, err = NewSecrets(ctx, "secrets", a)
			return err
		}, plan.Options{Mode: plan.Update})
		require.NoError(t, err)
		var replicaKey *plan.Resource
		for _, k := range p.ByType(tKey) {
			if strings.HasSuffix(k.Name, PurposeSecretsReplica) {
				replicaKey = k
			}
		}
		require.NotNil(t, replicaKey)
		var aliases []string
		for _, al := range p.ByType(tAlias) {
			aliases = append(aliases, testkit.Str(t, al.Input("name")))
		}
		require.Contains(t, aliases, ReplicaKeyAlias("platform-test"), "the readers' grant names this alias")
		require.Contains(t, replicaKey.Provider, "dr-region", "the replicas' key lives in their region")
		require.True(t, replicaKey.Input("enableKeyRotation").AsBool())
		operator := 0
		for _, s := range p.ByType(tSecret) {
			replicas := s.Input("replicas")
			if !strings.Contains(testkit.Str(t, s.Input("description")), "Filled by an operator") || strings.HasPrefix(testkit.Str(t, s.Input("name")), RegistryCredentialPrefix) {
				require.True(t, replicas.IsNull(), "%s: only the operator-filled secrets are replicated", s.Name)
				continue
			}
			operator++
			require.Equal(t, "us-west-2", testkit.Str(t, s.Input("replicas[0].region")), s.Name)
			require.Equal(t, testkit.Str(t, replicaKey.Output("arn")), testkit.Str(t, s.Input("replicas[0].kmsKeyId")), s.Name)
		}
		require.Equal(t, len(DefaultExternalSecrets), operator)
	})
	t.Run("the dr stack reads the replicas", func(t *testing.T) {
		a := baseArgs()
		a.Region = "us-west-2"
		a.OperatorSecretsFrom = &OperatorSource{NamePrefix: "platform-prod"}
		p, err := plan.Capture(func(ctx *pulumi.Context) error {
			s, err := NewSecrets(ctx, "secrets", a)
			if err != nil {
				return err
			}
			require.Equal(t, "alias/platform-prod-secrets-replica", s.ReplicaKeyAlias)
			require.Equal(t, "platform-prod/sentry-dsn", s.SecretNames["sentry-dsn"])
			require.Contains(t, s.OperatorSecretNames, "platform-prod/stripe-secret-key")
			ctx.Export("secretArns", s.SecretArns)
			return nil
		}, plan.Options{Mode: plan.Update})
		require.NoError(t, err)
		for _, s := range p.ByType(tSecret) {
			require.False(t, strings.Contains(testkit.Str(t, s.Input("description")), "Filled by an operator") &&
				!strings.HasPrefix(testkit.Str(t, s.Input("name")), RegistryCredentialPrefix), "no placeholder of its own: %s", s.Name)
		}
		arn := testkit.Str(t, p.Outputs.Get("secretArns").AsMap().Get("anthropic-api-key"))
		require.Equal(t, "arn:aws:secretsmanager:us-west-2:"+plan.AccountID+":secret:platform-prod/anthropic-api-key-??????", arn)
	})
	for name, edit := range map[string]func(*SecretsArgs){
		"both modes": func(a *SecretsArgs) {
			a.Replicate = &ReplicaArgs{Region: "us-west-2"}
			a.OperatorSecretsFrom = &OperatorSource{NamePrefix: "platform-prod"}
		},
		"replicas at home": func(a *SecretsArgs) { a.Replicate = &ReplicaArgs{Region: a.Region} },
		"reading its own":  func(a *SecretsArgs) { a.OperatorSecretsFrom = &OperatorSource{NamePrefix: a.NamePrefix} },
	} {
		t.Run("refused: "+name, func(t *testing.T) {
			a := baseArgs()
			edit(a)
			require.Error(t, a.withDefaults().validate())
		})
	}
}
