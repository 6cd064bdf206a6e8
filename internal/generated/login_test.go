package generated_test

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/generated"
	"github.com/generic-corp/platform/plan"
)

func TestNewLoginStoresASecretJSONLogin(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p, err := plan.Capture(func(ctx *pulumi.Context) error {
				_, err := generated.NewLogin(ctx, generated.LoginArgs{
					PasswordName: "pw", SecretName: "secret", PhysicalName: "agent-platform-prod/temporal-db",
					Password:    &random.RandomPasswordArgs{Length: pulumi.Int(40), Special: pulumi.Bool(false)},
					Description: "Temporal's database role", KmsKeyId: pulumi.String("arn:aws:kms:us-east-1:123456789012:key/k"),
					RecoveryWindowInDays: 30, Username: "temporal",
				})
				return err
			}, plan.Options{Mode: mode})
			require.NoError(t, err)
			secret := p.Named("aws:secretsmanager/secret:Secret", "secret")
			require.NotNil(t, secret)
			require.Equal(t, "agent-platform-prod/temporal-db", secret.Input("name").AsString())
			require.Equal(t, "arn:aws:kms:us-east-1:123456789012:key/k", secret.Input("kmsKeyId").AsString())
			require.Equal(t, 30.0, secret.Input("recoveryWindowInDays").AsNumber())
			require.Equal(t, 40.0, p.Named("random:index/randomPassword:RandomPassword", "pw").Input("length").AsNumber())

			value := p.ByType("aws:secretsmanager/secretVersion:SecretVersion")[0].Input("secretString")
			require.True(t, value.Secret(), "the login must reach the engine as a secret")
			if mode == plan.Update {
				var login map[string]string
				require.NoError(t, json.Unmarshal([]byte(value.AsString()), &login))
				require.Equal(t, "temporal", login["username"])
				require.Contains(t, login["password"], plan.FakeSecretPrefix)
			}
		})
	}
}
