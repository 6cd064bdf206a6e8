package runner

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/internal/naming"
)

// newServiceRole is the project's own role: CodeBuild assumes it to start the runner. It
// may write the project's logs, manage the network interfaces of the VPC configuration
// and use the GitHub connection; the deployment itself runs as the workflow's OIDC role.
func newServiceRole(ctx *pulumi.Context, name string, a RunnerArgs, project, logGroup string,
	parent pulumi.ResourceOption) (*iam.Role, error) {
	roleName := naming.Name(64, a.NamePrefix, "deployer-codebuild")
	projectArn := fmt.Sprintf("arn:aws:codebuild:%s:%s:project/%s", a.Region, a.AccountId, project)
	trust, err := policyJSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect": "Allow", "Principal": map[string]any{"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole",
			// Only this project, in this account (confused-deputy protection).
			"Condition": map[string]any{
				"StringEquals": map[string]any{"aws:SourceAccount": a.AccountId},
				"ArnLike":      map[string]any{"aws:SourceArn": projectArn},
			},
		}},
	})
	if err != nil {
		return nil, err
	}
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		Name: pulumi.String(roleName), AssumeRolePolicy: pulumi.String(trust),
		Description: pulumi.String("CodeBuild service role of " + project),
		Tags:        a.Tags.AWS(roleName),
	}, parent)
	if err != nil {
		return nil, err
	}
	groupArn := fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", a.Region, a.AccountId, logGroup)
	// The connection's ARN ends in an id AWS picks; the account's connections (both ARN
	// forms) keep the policy known at preview, so the gate can judge it.
	conns := []string{
		fmt.Sprintf("arn:aws:codeconnections:%s:%s:connection/*", a.Region, a.AccountId),
		fmt.Sprintf("arn:aws:codestar-connections:%s:%s:connection/*", a.Region, a.AccountId),
	}
	policy, err := policyJSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{
			map[string]any{"Sid": "WriteLogs", "Effect": "Allow", "Action": []string{"logs:CreateLogStream", "logs:PutLogEvents"},
				"Resource": []string{groupArn, groupArn + ":log-stream:*"}},
			// CodeBuild's documented VPC permissions: describing the network and
			// managing the interfaces it attaches (no resource-level scoping exists
			// for the Describe calls).
			map[string]any{"Sid": "DescribeNetwork", "Effect": "Allow", "Resource": "*", "Action": []string{
				"ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
				"ec2:DescribeSecurityGroups", "ec2:DescribeVpcs", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"}},
			map[string]any{"Sid": "AttachInterfaces", "Effect": "Allow", "Action": []string{"ec2:CreateNetworkInterfacePermission"},
				"Resource":  fmt.Sprintf("arn:aws:ec2:%s:%s:network-interface/*", a.Region, a.AccountId),
				"Condition": map[string]any{"StringEquals": map[string]any{"ec2:AuthorizedService": "codebuild.amazonaws.com"}}},
			map[string]any{"Sid": "UseGitHubConnection", "Effect": "Allow", "Resource": conns, "Action": []string{
				"codeconnections:UseConnection", "codeconnections:GetConnectionToken", "codeconnections:GetConnection",
				"codestar-connections:UseConnection", "codestar-connections:GetConnectionToken", "codestar-connections:GetConnection"}},
		},
	})
	if err != nil {
		return nil, err
	}
	if _, err := iam.NewRolePolicy(ctx, name, &iam.RolePolicyArgs{Role: role.ID(), Policy: pulumi.String(policy)}, parent); err != nil {
		return nil, err
	}
	return role, nil
}

func policyJSON(doc map[string]any) (string, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("runner: rendering a policy (please report): %w", err)
	}
	return string(b), nil
}
