package plan_test

import (
	"errors"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
)

type box struct{ pulumi.ResourceState }

// program registers a component with a KMS key, a generated password stored in a secret
// version, and exports; enough to exercise ids, secrets, unknowns, options and edges.
func program(ctx *pulumi.Context) error {
	c := &box{}
	if err := ctx.RegisterComponentResource("platform:test:Box", "box", c); err != nil {
		return err
	}
	key, err := kms.NewKey(ctx, "data", &kms.KeyArgs{EnableKeyRotation: pulumi.Bool(true)},
		pulumi.Parent(c), pulumi.Protect(true), pulumi.RetainOnDelete(true))
	if err != nil {
		return err
	}
	pw, err := random.NewRandomPassword(ctx, "db", &random.RandomPasswordArgs{Length: pulumi.Int(32)}, pulumi.Parent(c))
	if err != nil {
		return err
	}
	sec, err := secretsmanager.NewSecret(ctx, "db", &secretsmanager.SecretArgs{KmsKeyId: key.Arn}, pulumi.Parent(c))
	if err != nil {
		return err
	}
	_, err = secretsmanager.NewSecretVersion(ctx, "db", &secretsmanager.SecretVersionArgs{
		SecretId: sec.ID(), SecretString: pw.Result,
	}, pulumi.Parent(c), pulumi.IgnoreChanges([]string{"secretString"}))
	if err != nil {
		return err
	}
	ctx.Export("keyArn", key.Arn)
	ctx.Export("password", pw.Result)
	return ctx.RegisterResourceOutputs(c, pulumi.Map{"keyArn": key.Arn})
}

func TestCaptureUpdateFillsComputedValuesAndKeepsSecrets(t *testing.T) {
	p, err := plan.Capture(program, plan.Options{Stack: "prod", Mode: plan.Update})
	require.NoError(t, err)

	key := p.Named(tokens.KMSKey, "data")
	require.NotNil(t, key)
	require.True(t, key.Protect)
	require.True(t, key.RetainOnDelete)
	require.True(t, key.Custom)
	require.Equal(t, "urn:pulumi:prod::platform::platform:test:Box$aws:kms/key:Key::data", key.URN)
	require.True(t, key.Input("enableKeyRotation").AsBool())
	require.Contains(t, key.Output("arn").AsString(), "arn:aws:kms:us-east-1:123456789012:key/")

	box := p.Named("platform:test:Box", "box")
	require.NotNil(t, box)
	require.False(t, box.Custom)
	require.Equal(t, box.URN, key.Parent)
	require.Equal(t, key.Output("arn").AsString(), box.Output("keyArn").AsString())

	secret := p.Named(tokens.SecretsManagerSecret, "db")
	require.Equal(t, key.Output("arn").AsString(), secret.Input("kmsKeyId").AsString())
	require.Equal(t, []string{key.URN}, secret.PropertyDependencies["kmsKeyId"])
	require.Contains(t, secret.Dependencies, key.URN)

	version := p.Named(tokens.SecretsManagerSecretVersion, "db")
	v := version.Input("secretString")
	require.True(t, v.Secret(), "a generated password must reach the engine as a secret")
	require.Contains(t, v.AsString(), plan.FakeSecretPrefix)
	require.Equal(t, []string{"secretString"}, version.IgnoreChanges)

	out, ok := p.Outputs.GetOk("password")
	require.True(t, ok)
	require.True(t, out.Secret())
	require.True(t, p.Outputs.Get("keyArn").IsString())
}

func TestCapturePreviewLeavesComputedValuesUnknown(t *testing.T) {
	p, err := plan.Capture(program, plan.Options{Stack: "staging", Mode: plan.Preview})
	require.NoError(t, err)
	secret := p.Named(tokens.SecretsManagerSecret, "db")
	require.True(t, secret.Input("kmsKeyId").IsComputed())
	require.Equal(t, "", secret.ID)
	require.True(t, p.Outputs.Get("keyArn").IsComputed())
}

func TestCaptureIsDeterministic(t *testing.T) {
	a, err := plan.Capture(program, plan.Options{Mode: plan.Update})
	require.NoError(t, err)
	b, err := plan.Capture(program, plan.Options{Mode: plan.Update})
	require.NoError(t, err)
	require.Equal(t, len(a.Resources), len(b.Resources))
	for i := range a.Resources {
		require.Equal(t, a.Resources[i].URN, b.Resources[i].URN)
		require.Equal(t, a.Resources[i].Inputs, b.Resources[i].Inputs)
	}
}

func TestCaptureReturnsProgramErrorsAndWhatWasRegistered(t *testing.T) {
	boom := errors.New("platform:dbInstanceClass: bad")
	p, err := plan.Capture(func(ctx *pulumi.Context) error { return boom }, plan.Options{})
	require.ErrorIs(t, err, boom)
	require.Empty(t, p.Resources)
}

func TestCaptureRejectsUnsupportedInvokes(t *testing.T) {
	_, err := plan.Capture(func(ctx *pulumi.Context) error {
		_, err := kms.LookupKey(ctx, &kms.LookupKeyArgs{KeyId: "alias/x"})
		return err
	}, plan.Options{})
	require.ErrorContains(t, err, "aws:kms/getKey:getKey is not supported")
}

func TestLookupPaths(t *testing.T) {
	p, err := plan.Capture(func(ctx *pulumi.Context) error {
		_, err := kms.NewKey(ctx, "k", &kms.KeyArgs{Tags: pulumi.StringMap{"a": pulumi.String("b")}})
		return err
	}, plan.Options{Mode: plan.Update})
	require.NoError(t, err)
	k := p.Named(tokens.KMSKey, "k")
	require.Equal(t, "b", k.Input("tags.a").AsString())
	require.True(t, k.Input("tags.missing").IsNull())
	_, ok := plan.Lookup(k.Inputs, "tags[0]")
	require.False(t, ok)
}

// The engine refuses a program that registers one URN twice ("Duplicate resource URN");
// the capture must too, not keep the second registration and drop the first.
func TestCaptureRejectsDuplicateURNs(t *testing.T) {
	for _, tc := range []struct {
		name    string
		program pulumi.RunFunc
		wantErr string
	}{
		{name: "same type and name twice", wantErr: "duplicate resource URN urn:pulumi:test::platform::aws:kms/key:Key::data", program: func(ctx *pulumi.Context) error {
			for range 2 {
				if _, err := kms.NewKey(ctx, "data", &kms.KeyArgs{}); err != nil {
					return err
				}
			}
			return nil
		}},
		{name: "same name under parents of different types", program: func(ctx *pulumi.Context) error {
			for _, typ := range []string{"platform:test:A", "platform:test:B"} {
				c := &box{}
				if err := ctx.RegisterComponentResource(typ, "box", c); err != nil {
					return err
				}
				if _, err := kms.NewKey(ctx, "data", &kms.KeyArgs{}, pulumi.Parent(c)); err != nil {
					return err
				}
			}
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := plan.Capture(tc.program, plan.Options{Mode: plan.Update})
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}
