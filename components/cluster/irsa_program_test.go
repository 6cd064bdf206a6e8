package cluster

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// irsaProgram registers one role whose trust policy comes from IRSATrustPolicy, the way
// later components use it.
func irsaProgram(issuer, namespace, serviceAccount string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		_, err := iam.NewRole(ctx, "irsa", &iam.RoleArgs{
			AssumeRolePolicy: IRSATrustPolicy(
				pulumi.String("arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"),
				pulumi.String(issuer), namespace, serviceAccount),
		})
		return err
	}
}
