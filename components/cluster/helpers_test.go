package cluster

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/plan"
)

const (
	tCluster    = "aws:eks/cluster:Cluster"
	tNodeGroup  = "aws:eks/nodeGroup:NodeGroup"
	tAddon      = "aws:eks/addon:Addon"
	tEntry      = "aws:eks/accessEntry:AccessEntry"
	tAssoc      = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
	tLT         = "aws:ec2/launchTemplate:LaunchTemplate"
	tSG         = "aws:ec2/securityGroup:SecurityGroup"
	tIngress    = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	tEgress     = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	tRole       = "aws:iam/role:Role"
	tAttachment = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	tOIDC       = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
	tLogGroup   = "aws:cloudwatch/logGroup:LogGroup"
	tK8s        = "pulumi:providers:kubernetes"

	secretsKey = "arn:aws:kms:us-east-1:123456789012:key/secrets"
	logsKey    = "arn:aws:kms:us-east-1:123456789012:key/logs"
	dataKey    = "arn:aws:kms:us-east-1:123456789012:key/data"
	adminRole  = "arn:aws:iam::123456789012:role/platform-deployer"
	breakGlass = "arn:aws:iam::123456789012:role/ops/break-glass"
)

var privateSubnets = []string{"subnet-a", "subnet-b", "subnet-c"}

func testArgs() *ClusterArgs {
	return &ClusterArgs{
		NamePrefix:        "platform-test",
		VpcId:             pulumi.String("vpc-123"),
		VpcCidr:           pulumi.String("10.0.0.0/16"),
		PrivateSubnetIds:  pulumi.ToStringArray(privateSubnets),
		KubernetesVersion: "1.36",
		SecretsKmsKeyArn:  pulumi.String(secretsKey),
		LogsKmsKeyArn:     pulumi.String(logsKey),
		DataKmsKeyArn:     pulumi.String(dataKey),
		AdminRoleArns:     []string{adminRole, breakGlass},
		Tags:              tags.New("test", "platform", "platform-team", "cc-42", nil),
	}
}

func capture(t *testing.T, mode plan.Mode, args *ClusterArgs) *plan.Plan {
	t.Helper()
	p, err := plan.Capture(func(ctx *pulumi.Context) error {
		_, err := NewCluster(ctx, "eks", args)
		return err
	}, plan.Options{Mode: mode})
	require.NoError(t, err)
	return p
}
