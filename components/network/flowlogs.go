package network

import (
	"encoding/json"
	"strings"

	"github.com/generic-corp/platform/internal/naming"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// newFlowLogs records ALL traffic (accepted and rejected) of the VPC into a KMS-encrypted
// log group we create ourselves, so retention and encryption are ours, not defaults.
func newFlowLogs(ctx *pulumi.Context, name string, a *NetworkArgs, vpc *ec2.Vpc, parent pulumi.ResourceOption) error {
	groupName := "/aws/vpc-flow-logs/" + a.NamePrefix
	group, err := cloudwatch.NewLogGroup(ctx, name+"-flow-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(groupName),
		RetentionInDays: pulumi.Int(a.FlowLogRetentionDays),
		KmsKeyId:        a.LogsKmsKeyArn,
		Tags:            a.Tags.AWS(groupName),
	}, parent)
	if err != nil {
		return err
	}

	roleName := naming.Name(naming.MaxIAMRole, a.NamePrefix, "vpc-flow-logs")
	role, err := iam.NewRole(ctx, name+"-flow-logs", &iam.RoleArgs{
		Name:             pulumi.String(roleName),
		Description:      pulumi.String("Lets the VPC flow-logs service write " + groupName),
		AssumeRolePolicy: group.Arn.ApplyT(flowLogsTrustPolicy).(pulumi.StringOutput),
		Tags:             a.Tags.AWS(roleName),
	}, parent)
	if err != nil {
		return err
	}
	if _, err := iam.NewRolePolicy(ctx, name+"-flow-logs", &iam.RolePolicyArgs{
		Role:   role.ID(),
		Policy: group.Arn.ApplyT(flowLogsWritePolicy).(pulumi.StringOutput),
	}, parent); err != nil {
		return err
	}

	_, err = ec2.NewFlowLog(ctx, name, &ec2.FlowLogArgs{
		VpcId:              vpc.ID(),
		TrafficType:        pulumi.String("ALL"),
		LogDestinationType: pulumi.String("cloud-watch-logs"),
		LogDestination:     group.Arn,
		IamRoleArn:         role.Arn,
		Tags:               a.Tags.AWS(a.NamePrefix + "-flow-log"),
	}, parent)
	return err
}

// arnParts splits "arn:partition:service:region:account:resource".
func arnParts(arn string) (partition, region, account string) {
	p := strings.SplitN(arn, ":", 6)
	if len(p) < 6 {
		return "aws", "", ""
	}
	return p[1], p[3], p[4]
}

// flowLogsTrustPolicy lets only the flow-logs service assume the role, and only on
// behalf of flow logs in our own account and region (confused-deputy protection). The
// account and region come from the log group's ARN, so no caller-identity look-up.
func flowLogsTrustPolicy(groupArn string) (string, error) {
	partition, region, account := arnParts(groupArn)
	return policyJSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": "vpc-flow-logs.amazonaws.com"},
			"Action":    "sts:AssumeRole",
			"Condition": map[string]any{
				"StringEquals": map[string]any{"aws:SourceAccount": account},
				"ArnLike":      map[string]any{"aws:SourceArn": "arn:" + partition + ":ec2:" + region + ":" + account + ":vpc-flow-log/*"},
			},
		}},
	})
}

// flowLogsWritePolicy grants writing to this one log group and nothing else. No
// logs:CreateLogGroup: the group is ours.
func flowLogsWritePolicy(groupArn string) (string, error) {
	partition, region, account := arnParts(groupArn)
	return policyJSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{
			map[string]any{
				"Sid":      "WriteFlowLogs",
				"Effect":   "Allow",
				"Action":   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
				"Resource": []string{groupArn, groupArn + ":log-stream:*"},
			},
			map[string]any{
				// The service checks the group exists; DescribeLogGroups has no
				// per-group resource, only the account's log-group:* pattern.
				"Sid":      "FindLogGroup",
				"Effect":   "Allow",
				"Action":   "logs:DescribeLogGroups",
				"Resource": "arn:" + partition + ":logs:" + region + ":" + account + ":log-group:*",
			},
		},
	})
}

func policyJSON(doc map[string]any) (string, error) {
	b, err := json.Marshal(doc)
	return string(b), err
}
