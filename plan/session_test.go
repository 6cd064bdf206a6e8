package plan_test

import (
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/plan"
)

// The offline getSessionContext must answer like the provider: the role ARN with its
// path for an assumed-role session, the ARN itself for anything else.
func TestSessionContextKeepsTheRolePath(t *testing.T) {
	cases := []struct {
		name, caller, issuer string
	}{
		{"default CI deployer", "", "arn:aws:iam::123456789012:role/platform-deployer"},
		{"SSO permission set", "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@generic-corp.io",
			"arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef"},
		{"IAM user passes through", "arn:aws:iam::123456789012:user/bob", "arn:aws:iam::123456789012:user/bob"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := plan.Capture(func(ctx *pulumi.Context) error {
				caller, err := aws.GetCallerIdentity(ctx, nil)
				if err != nil {
					return err
				}
				sc, err := iam.GetSessionContext(ctx, &iam.GetSessionContextArgs{Arn: caller.Arn})
				if err != nil {
					return err
				}
				ctx.Export("caller", pulumi.String(caller.Arn))
				ctx.Export("issuer", pulumi.String(sc.IssuerArn))
				return nil
			}, plan.Options{Mode: plan.Preview, CallerArn: tc.caller})
			require.NoError(t, err)
			want := tc.caller
			if want == "" {
				want = plan.DefaultCallerArn
			}
			require.Equal(t, want, p.Outputs.Get("caller").AsString())
			require.Equal(t, tc.issuer, p.Outputs.Get("issuer").AsString())
		})
	}
}
