package secrets

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
)

const (
	tKey     = "aws:kms/key:Key"
	tAlias   = "aws:kms/alias:Alias"
	tSecret  = "aws:secretsmanager/secret:Secret"
	tVersion = "aws:secretsmanager/secretVersion:SecretVersion"
	tRandom  = "random:index/randomPassword:RandomPassword"
)

func testTags() tags.Set { return tags.New("test", "platform", "platform-team", "cc-1", nil) }

func baseArgs() *SecretsArgs {
	return &SecretsArgs{
		NamePrefix: "platform-test",
		AccountId:  pulumi.String(plan.AccountID),
		Region:     "us-east-1",
		Tags:       testTags(),
	}
}

func capture(t *testing.T, mode plan.Mode, args *SecretsArgs) *plan.Plan {
	t.Helper()
	p, err := plan.Capture(func(ctx *pulumi.Context) error {
		s, err := NewSecrets(ctx, "secrets", args)
		if err != nil {
			return err
		}
		ctx.Export("dbPassword", s.DbPassword)
		ctx.Export("secretArns", s.SecretArns)
		return nil
	}, plan.Options{Mode: mode})
	require.NoError(t, err)
	return p
}

func TestSecretsUpdate(t *testing.T) {
	p := capture(t, plan.Update, baseArgs())

	t.Run("three rotating CMKs with explicit policies", func(t *testing.T) {
		keys := p.ByType(tKey)
		require.Len(t, keys, 3)
		for _, k := range keys {
			require.True(t, k.Input("enableKeyRotation").AsBool(), k.Name)
			require.Equal(t, 30.0, k.Input("deletionWindowInDays").AsNumber(), k.Name)
			require.Equal(t, "ENCRYPT_DECRYPT", testkit.Str(t, k.Input("keyUsage")))
			require.False(t, k.Protect, "Protect=false must not protect %s", k.Name)
			for _, tag := range tags.Required {
				require.NotEmpty(t, testkit.Str(t, k.Input("tags."+tag)), "%s tag %s", k.Name, tag)
			}

			var doc policyDoc
			require.NoError(t, json.Unmarshal([]byte(testkit.Str(t, k.Input("policy"))), &doc))
			require.Equal(t, "arn:aws:iam::"+plan.AccountID+":root", doc.Statement[0].Principal["AWS"])
			for _, s := range doc.Statement {
				if s.Principal["AWS"] == "*" {
					require.NotEmpty(t, s.Condition, "%s: a '*' principal needs conditions", s.Sid)
					eq := s.Condition["StringEquals"].(map[string]any)
					require.Equal(t, plan.AccountID, eq["kms:CallerAccount"])
				}
			}
		}
	})

	t.Run("logs key admits CloudWatch Logs of this account only", func(t *testing.T) {
		k := p.Named(tKey, "secrets-logs")
		require.NotNil(t, k)
		var doc policyDoc
		require.NoError(t, json.Unmarshal([]byte(testkit.Str(t, k.Input("policy"))), &doc))
		require.Len(t, doc.Statement, 2)
		logs := doc.Statement[1]
		require.Equal(t, "logs.us-east-1.amazonaws.com", logs.Principal["Service"])
		require.Equal(t, map[string]any{"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:" + plan.AccountID + ":*"},
			logs.Condition["ArnLike"])

		var secretsDoc policyDoc
		require.NoError(t, json.Unmarshal([]byte(testkit.Str(t, p.Named(tKey, "secrets-secrets").Input("policy"))), &secretsDoc))
		require.Len(t, secretsDoc.Statement, 1, "the secrets key is IAM-delegated only")
	})

	t.Run("aliases", func(t *testing.T) {
		var names []string
		for _, a := range p.ByType(tAlias) {
			names = append(names, testkit.Str(t, a.Input("name")))
			require.NotEmpty(t, testkit.Str(t, a.Input("targetKeyId")), "targetKeyId is known in update")
		}
		require.ElementsMatch(t, []string{"alias/platform-test-data", "alias/platform-test-secrets", "alias/platform-test-logs"}, names)
	})

	t.Run("secrets use the secrets key and a 30 day window", func(t *testing.T) {
		secretsKeyArn := testkit.Str(t, p.Named(tKey, "secrets-secrets").Output("arn"))
		want := []string{"db-app", "redis-queue", "redis-cache", "jwt-signing-key",
			"anthropic-api-key", "sentry-dsn", "stripe-secret-key", "stripe-webhook-secret"}
		var got []string
		for _, s := range p.ByType(tSecret) {
			got = append(got, strings.TrimPrefix(testkit.Str(t, s.Input("name")), "platform-test/"))
			require.Equal(t, secretsKeyArn, testkit.Str(t, s.Input("kmsKeyId")), s.Name)
			require.Equal(t, 30.0, s.Input("recoveryWindowInDays").AsNumber())
			require.Equal(t, testkit.Str(t, s.Input("name")), testkit.Str(t, s.Input("tags.Name")))
		}
		require.ElementsMatch(t, want, got)
	})

	t.Run("every secret gets one version of secret JSON", func(t *testing.T) {
		versions := p.ByType(tVersion)
		var names []string
		for _, v := range versions {
			names = append(names, v.Name)
			s := v.Input("secretString")
			require.True(t, s.Secret(), "%s secretString must be secret", v.Name)
			var doc map[string]string
			require.NoError(t, json.Unmarshal([]byte(s.AsString()), &doc))
			for _, val := range doc {
				require.NotEmpty(t, val)
			}
		}
		require.ElementsMatch(t, []string{"secrets-db-app", "secrets-redis-queue", "secrets-redis-cache", "secrets-jwt-signing-key",
			"secrets-anthropic-api-key", "secrets-sentry-dsn", "secrets-stripe-secret-key", "secrets-stripe-webhook-secret"}, names)

		db := p.Named(tVersion, "secrets-db-app").Input("secretString").AsString()
		var doc map[string]string
		require.NoError(t, json.Unmarshal([]byte(db), &doc))
		require.Equal(t, "app", doc[PropUsername])
		require.True(t, strings.HasPrefix(doc[PropPassword], plan.FakeSecretPrefix))
		require.Empty(t, p.Named(tVersion, "secrets-db-app").IgnoreChanges, "generated values are Pulumi's to rotate")
	})

	t.Run("random values fit what RDS and ElastiCache accept", func(t *testing.T) {
		db := p.Named(tRandom, "secrets-db-app")
		require.GreaterOrEqual(t, db.Input("length").AsNumber(), 32.0)
		special := testkit.Str(t, db.Input("overrideSpecial"))
		require.NotContains(t, special, "/")
		require.NotContains(t, special, "@")
		require.NotContains(t, special, `"`)
		require.NotContains(t, special, " ")
		require.NotContains(t, special, "'")
		for _, ch := range "$%\\`" { // URL, dotenv and userlist hazards
			require.NotContains(t, special, string(ch))
		}

		for _, g := range []string{"queue", "cache"} {
			r := p.Named(tRandom, "secrets-redis-"+g)
			require.NotNil(t, r, g)
			n := r.Input("length").AsNumber()
			require.True(t, n >= 32 && n <= 128, "redis token length %v", n)
			for _, ch := range testkit.Str(t, r.Input("overrideSpecial")) {
				require.Contains(t, "!&#$^<>-", string(ch), "ElastiCache rejects %q", ch)
			}
		}
		jwt := p.Named(tRandom, "secrets-jwt-signing-key")
		require.Equal(t, 64.0, jwt.Input("length").AsNumber())
		require.False(t, jwt.Input("special").AsBool())
	})

	t.Run("no generated value in plaintext anywhere", func(t *testing.T) {
		testkit.RequireNoLeaks(t, p)
		require.True(t, p.Outputs.Get("dbPassword").Secret())

		comp := p.ByType(Type)[0]
		require.True(t, comp.Output("dbPassword").Secret())
		require.True(t, comp.Output("redisAuthTokens.queue").Secret())
		require.Equal(t, "app", testkit.Str(t, comp.Output("dbUsername")))
		require.Equal(t, "platform-test/db-app", testkit.Str(t, comp.Output("secretNames.db-app")))
	})

	t.Run("every child is parented to the component", func(t *testing.T) {
		comp := p.ByType(Type)[0]
		for _, r := range p.Resources {
			if r != comp {
				require.Equal(t, comp.URN, r.Parent, r.URN)
			}
		}
	})
}

func TestSecretsPreview(t *testing.T) {
	args := baseArgs()
	args.AccountId = pulumi.String(plan.AccountID).ToStringOutput()
	args.Protect = true
	args.RedisGroups = []string{}
	args.ExternalSecrets = []string{"only-one"}
	args.RecoveryWindowInDays = 7
	p := capture(t, plan.Preview, args)

	for _, k := range p.ByType(tKey) {
		require.True(t, k.Protect, k.Name)
		require.True(t, k.RetainOnDelete, k.Name)
		// the account id is known, so the policy is known even in preview
		require.True(t, k.Input("policy").IsString(), k.Name)
	}
	secrets := p.ByType(tSecret)
	require.Len(t, secrets, 3, "db-app, jwt-signing-key, only-one")
	for _, s := range secrets {
		require.True(t, s.Input("kmsKeyId").IsComputed(), "key ARN is unknown in preview")
		require.Equal(t, 7.0, s.Input("recoveryWindowInDays").AsNumber())
		require.True(t, s.Protect)
	}
	require.Len(t, p.ByType(tVersion), 3, "db-app, jwt-signing-key and the placeholder of only-one")
	for _, v := range p.ByType(tVersion) {
		require.True(t, v.Input("secretString").Secret(), v.Name)
	}
}

func TestSecretsValidation(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(a *SecretsArgs)
		want   []string
	}{
		{"empty prefix", func(a *SecretsArgs) { a.NamePrefix = "" }, []string{"NamePrefix", `""`}},
		{"bad region", func(a *SecretsArgs) { a.Region = "moon-1" }, []string{"Region", `"moon-1"`}},
		{"no account", func(a *SecretsArgs) { a.AccountId = nil }, []string{"AccountId"}},
		{"reserved user", func(a *SecretsArgs) { a.DbUsername = "rdsadmin" }, []string{"DbUsername", "rdsadmin"}},
		{"bad group", func(a *SecretsArgs) { a.RedisGroups = []string{"Queue!"} }, []string{"RedisGroups", "Queue!"}},
		{"dup group", func(a *SecretsArgs) { a.RedisGroups = []string{"q", "q"} }, []string{"RedisGroups", "already used"}},
		{"external clashes", func(a *SecretsArgs) { a.ExternalSecrets = []string{"db-app"} }, []string{"ExternalSecrets", "db-app"}},
		{"window too short", func(a *SecretsArgs) { a.RecoveryWindowInDays = 3 }, []string{"RecoveryWindowInDays", "7..30"}},
		{"bad registry", func(a *SecretsArgs) { a.RegistryCredentials = []string{"Docker Hub"} }, []string{"RegistryCredentials", `"Docker Hub"`}},
		{"dup registry", func(a *SecretsArgs) { a.RegistryCredentials = []string{"docker-hub", "docker-hub"} }, []string{"RegistryCredentials", "twice"}},
		{"missing tag", func(a *SecretsArgs) { a.Tags = tags.Set{"environment": "x"} }, []string{"Tags", "owner"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := baseArgs()
			tc.mutate(args)
			p, err := plan.Capture(func(ctx *pulumi.Context) error {
				_, err := NewSecrets(ctx, "secrets", args)
				return err
			}, plan.Options{Mode: plan.Preview})
			require.Error(t, err)
			for _, w := range tc.want {
				require.Contains(t, err.Error(), w)
			}
			require.Empty(t, p.ByType(Type), "nothing registered before validation")
		})
	}
}

// policyDoc is how the tests read a rendered key policy: every statement of these keys
// names its principal as a map.
type policyDoc struct {
	Statement []struct {
		Sid       string
		Principal map[string]any
		Condition map[string]any
	}
}

func TestKeyPolicyHasNoUnconditionalWildcard(t *testing.T) {
	for _, spec := range keySpecs {
		t.Run(spec.purpose, func(t *testing.T) {
			s, err := keyPolicy(spec, "111122223333", "eu-west-1")
			require.NoError(t, err)
			var doc policyDoc
			require.NoError(t, json.Unmarshal([]byte(s), &doc))
			for _, st := range doc.Statement {
				for _, v := range st.Principal {
					if v == "*" {
						require.NotEmpty(t, st.Condition, st.Sid)
					}
				}
			}
			require.NotContains(t, s, "us-east-1")
		})
	}
}

// The leak walk must itself be able to fail, or the test above proves nothing.
func TestPlaintextLeakDetector(t *testing.T) {
	p, err := plan.Capture(func(ctx *pulumi.Context) error {
		s, err := NewSecrets(ctx, "secrets", baseArgs())
		if err != nil {
			return err
		}
		ctx.Export("leak", pulumi.Unsecret(s.DbPassword))
		return nil
	}, plan.Options{Mode: plan.Update})
	require.NoError(t, err)
	var leaks []string
	testkit.PlaintextLeaks(property.New(p.Outputs), "stack outputs", &leaks)
	require.Equal(t, []string{"stack outputs.leak"}, leaks)
}
