package runner

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

func args() *RunnerArgs {
	return &RunnerArgs{
		NamePrefix: "platform-test", AccountId: "123456789012", Region: "us-east-1", Repository: "generic-corp/platform",
		VpcId: pulumi.String("vpc-1"), SubnetIds: pulumi.ToStringArray([]string{"subnet-a", "subnet-b"}),
		ClusterSecurityGroupId: pulumi.String("sg-cluster"), LogsKmsKeyArn: pulumi.String("arn:aws:kms:us-east-1:123456789012:key/logs"),
		LogRetentionDays: 90, Tags: tags.New("test", "platform", "sre", "platform", nil),
	}
}

func capture(t *testing.T, mode plan.Mode, a *RunnerArgs) (*plan.Plan, error) {
	t.Helper()
	return plan.Capture(func(ctx *pulumi.Context) error {
		_, err := NewRunner(ctx, "deployer", a)
		return err
	}, plan.Options{Mode: mode})
}

func TestRunner(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p, err := capture(t, mode, args())
			require.NoError(t, err)
			proj := p.Named("aws:codebuild/project:Project", "deployer")
			require.NotNil(t, proj)
			require.Equal(t, "platform-test-deployer", testkit.Str(t, proj.Input("name")))
			require.Equal(t, "vpc-1", testkit.Str(t, proj.Input("vpcConfig.vpcId")))
			require.Len(t, proj.Input("vpcConfig.subnets").AsArray().AsSlice(), 2)
			require.Equal(t, "CODECONNECTIONS", testkit.Str(t, proj.Input("source.auth.type")))
			require.Equal(t, "https://github.com/generic-corp/platform.git", testkit.Str(t, proj.Input("source.location")))
			require.Equal(t, DefaultComputeType, testkit.Str(t, proj.Input("environment.computeType")))
			sg := p.Named("aws:ec2/securityGroup:SecurityGroup", "deployer")
			require.NotNil(t, sg)
			require.Contains(t, proj.PropertyDependencies["vpcConfig"], sg.URN, "the project runs in the runner's group")

			in := p.Named("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "deployer-to-control-plane")
			require.NotNil(t, in)
			require.Equal(t, "sg-cluster", testkit.Str(t, in.Input("securityGroupId")))
			require.Equal(t, 443.0, in.Input("fromPort").AsNumber())
			require.Contains(t, in.PropertyDependencies["referencedSecurityGroupId"], sg.URN)
			out := p.Named("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "deployer-https")
			require.Equal(t, 443.0, out.Input("toPort").AsNumber(), "HTTPS out only")

			hook := p.Named("aws:codebuild/webhook:Webhook", "deployer")
			require.NotNil(t, hook)
			require.Equal(t, "WORKFLOW_JOB_QUEUED", testkit.Str(t, hook.Input("filterGroups[0].filters[0].pattern")))

			role := p.Named("aws:iam/role:Role", "deployer")
			var trust struct {
				Statement []struct {
					Principal map[string]string
					Condition map[string]map[string]string
				}
			}
			require.NoError(t, json.Unmarshal([]byte(testkit.Str(t, role.Input("assumeRolePolicy"))), &trust))
			require.Equal(t, "codebuild.amazonaws.com", trust.Statement[0].Principal["Service"])
			require.Equal(t, "arn:aws:codebuild:us-east-1:123456789012:project/platform-test-deployer", trust.Statement[0].Condition["ArnLike"]["aws:SourceArn"])
			pol := p.Named("aws:iam/rolePolicy:RolePolicy", "deployer")
			require.True(t, pol.Input("policy").IsString(), "the role policy is known in a preview")
		})
	}
}

func TestRunsOnLabel(t *testing.T) {
	require.Equal(t, "codebuild-agent-platform-prod-deployer-${{ github.run_id }}-${{ github.run_attempt }}", RunsOn("agent-platform-prod"))
}

func TestRunnerArgsAreChecked(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*RunnerArgs)
		want   string
	}{
		{"repository", func(a *RunnerArgs) { a.Repository = "platform" }, `Repository "platform" is invalid`},
		{"account", func(a *RunnerArgs) { a.AccountId = "12" }, `AccountId "12" is invalid`},
		{"compute type", func(a *RunnerArgs) { a.ComputeType = "HUGE" }, `ComputeType "HUGE" is invalid`},
		{"subnets", func(a *RunnerArgs) { a.SubnetIds = nil }, "SubnetIds is required"},
		{"cluster group", func(a *RunnerArgs) { a.ClusterSecurityGroupId = nil }, "ClusterSecurityGroupId is required"},
		{"timeout", func(a *RunnerArgs) { a.BuildTimeoutMinutes = 1000 }, `BuildTimeoutMinutes "1000" is invalid`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := args()
			c.mutate(a)
			p, err := capture(t, plan.Preview, a)
			require.ErrorContains(t, err, c.want)
			if p != nil {
				require.Empty(t, p.ByType("aws:codebuild/project:Project"), "nothing registered on bad args")
			}
		})
	}
}
