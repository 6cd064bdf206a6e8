package runner

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codebuild"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codestarconnections"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/internal/naming"
)

// Runner is the in-VPC executor of the stack's deployments.
type Runner struct {
	pulumi.ResourceState

	// ProjectName is the CodeBuild project; RunsOn the workflow jobs' runs-on label.
	ProjectName string
	RunsOn      string
	// ConnectionArn is the GitHub connection an operator completes once.
	ConnectionArn pulumi.StringOutput
	// SecurityGroupId is the runner's security group (admitted by the cluster on 443).
	SecurityGroupId pulumi.StringOutput
	// Webhook is the project's GitHub webhook: it needs the connection AVAILABLE, so the
	// bootstrap phase leaves it out (docs/first-deploy.md).
	Webhook *codebuild.Webhook
}

// NewRunner registers the runner.
func NewRunner(ctx *pulumi.Context, name string, args *RunnerArgs, opts ...pulumi.ResourceOption) (*Runner, error) {
	if args == nil {
		return nil, fmt.Errorf("runner: args are required")
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, err
	}
	project := ProjectName(a.NamePrefix)
	c := &Runner{ProjectName: project, RunsOn: RunsOn(a.NamePrefix)}
	if err := ctx.RegisterComponentResource(Type, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	// Connection names are at most 32 characters.
	connName := naming.Name(32, a.NamePrefix, "github")
	conn, err := codestarconnections.NewConnection(ctx, name+"-github", &codestarconnections.ConnectionArgs{
		Name: pulumi.String(connName), ProviderType: pulumi.String("GitHub"), Tags: a.Tags.AWS(connName),
	}, parent)
	if err != nil {
		return nil, err
	}
	c.ConnectionArn = conn.Arn

	sgName := naming.Name(255, a.NamePrefix, "deployer")
	sg, err := ec2.NewSecurityGroup(ctx, name, &ec2.SecurityGroupArgs{
		Name: pulumi.String(sgName), VpcId: a.VpcId, RevokeRulesOnDelete: pulumi.Bool(true),
		Description: pulumi.String("CodeBuild GitHub Actions runner that deploys the stack: HTTPS out only"),
		Tags:        a.Tags.AWS(sgName),
	}, parent)
	if err != nil {
		return nil, err
	}
	c.SecurityGroupId = sg.ID().ToStringOutput()
	if _, err := vpc.NewSecurityGroupEgressRule(ctx, name+"-https", &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId: sg.ID(), IpProtocol: pulumi.String("tcp"), FromPort: pulumi.Int(443), ToPort: pulumi.Int(443),
		CidrIpv4:    pulumi.String("0.0.0.0/0"),
		Description: pulumi.String("GitHub, Pulumi Cloud, AWS APIs, the Go module proxy and the EKS endpoint"),
		Tags:        a.Tags.AWS(sgName + "-https"),
	}, parent); err != nil {
		return nil, err
	}
	if _, err := vpc.NewSecurityGroupIngressRule(ctx, name+"-to-control-plane", &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId: a.ClusterSecurityGroupId, ReferencedSecurityGroupId: sg.ID(),
		IpProtocol: pulumi.String("tcp"), FromPort: pulumi.Int(443), ToPort: pulumi.Int(443),
		Description: pulumi.String("Kubernetes API from the deploying runner"),
		Tags:        a.Tags.AWS(sgName + "-to-control-plane"),
	}, parent); err != nil {
		return nil, err
	}

	logGroup := "/aws/codebuild/" + project
	group, err := cloudwatch.NewLogGroup(ctx, name, &cloudwatch.LogGroupArgs{
		Name: pulumi.String(logGroup), RetentionInDays: pulumi.Int(a.LogRetentionDays), KmsKeyId: a.LogsKmsKeyArn,
		Tags: a.Tags.AWS(logGroup),
	}, parent)
	if err != nil {
		return nil, err
	}
	role, err := newServiceRole(ctx, name, a, project, logGroup, parent)
	if err != nil {
		return nil, err
	}

	proj, err := codebuild.NewProject(ctx, name, &codebuild.ProjectArgs{
		Name:        pulumi.String(project),
		Description: pulumi.String("GitHub Actions runner in the VPC: every job that touches the EKS API runs here"),
		ServiceRole: role.Arn,
		Source: &codebuild.ProjectSourceArgs{
			Type: pulumi.String("GITHUB"), Location: pulumi.String("https://github.com/" + a.Repository + ".git"),
			Auth: &codebuild.ProjectSourceAuthArgs{Type: pulumi.String("CODECONNECTIONS"), Resource: conn.Arn},
		},
		Artifacts: &codebuild.ProjectArtifactsArgs{Type: pulumi.String("NO_ARTIFACTS")},
		Environment: &codebuild.ProjectEnvironmentArgs{
			ComputeType: pulumi.String(a.ComputeType), Image: pulumi.String(a.Image), Type: pulumi.String("LINUX_CONTAINER"),
			ImagePullCredentialsType: pulumi.String("CODEBUILD"),
		},
		VpcConfig: &codebuild.ProjectVpcConfigArgs{
			VpcId: a.VpcId, Subnets: a.SubnetIds, SecurityGroupIds: pulumi.StringArray{sg.ID()},
		},
		LogsConfig: &codebuild.ProjectLogsConfigArgs{
			CloudwatchLogs: &codebuild.ProjectLogsConfigCloudwatchLogsArgs{GroupName: group.Name, Status: pulumi.String("ENABLED")},
			S3Logs:         &codebuild.ProjectLogsConfigS3LogsArgs{Status: pulumi.String("DISABLED")},
		},
		BuildTimeout: pulumi.Int(a.BuildTimeoutMinutes),
		Tags:         a.Tags.AWS(project),
	}, parent)
	if err != nil {
		return nil, err
	}
	// WORKFLOW_JOB_QUEUED makes CodeBuild start a runner for every queued job whose
	// runs-on names this project.
	if c.Webhook, err = codebuild.NewWebhook(ctx, name, &codebuild.WebhookArgs{
		ProjectName: proj.Name, BuildType: pulumi.String("BUILD"),
		FilterGroups: codebuild.WebhookFilterGroupArray{codebuild.WebhookFilterGroupArgs{
			Filters: codebuild.WebhookFilterGroupFilterArray{codebuild.WebhookFilterGroupFilterArgs{
				Type: pulumi.String("EVENT"), Pattern: pulumi.String("WORKFLOW_JOB_QUEUED"),
			}},
		}},
	}, parent); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"projectName": pulumi.String(c.ProjectName), "runsOn": pulumi.String(c.RunsOn),
		"connectionArn": c.ConnectionArn, "securityGroupId": c.SecurityGroupId,
	}); err != nil {
		return nil, err
	}
	return c, nil
}
