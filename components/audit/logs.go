package audit

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/internal/naming"
	"github.com/generic-corp/platform/internal/policydoc"
)

// logGroupName is the trail's CloudWatch Logs log group.
func logGroupName(a AuditArgs) string { return "/aws/cloudtrail/" + trailName(a) }

// trailLogs is what the trail needs to deliver to CloudWatch Logs.
type trailLogs struct {
	group *cloudwatch.LogGroup
	// groupArn is the group's ARN with the ":*" log-stream wildcard CloudTrail requires.
	groupArn pulumi.StringOutput
	role     *iam.Role
	// policy is the role's permissions; the trail waits for it (CloudTrail checks at
	// CreateTrail that the role can write).
	policy *iam.RolePolicy
}

// newTrailLogs creates the log group (encrypted with the trail key, STANDARD class:
// metric filters need it) and the role CloudTrail assumes to write into it.
func (c *Audit) newTrailLogs(ctx *pulumi.Context, name string, keyArn pulumi.StringInput, a AuditArgs) (trailLogs, error) {
	parent := pulumi.Parent(c)
	gName := logGroupName(a)
	group, err := cloudwatch.NewLogGroup(ctx, name+"-trail-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(gName),
		RetentionInDays: pulumi.Int(a.RetentionDays),
		KmsKeyId:        keyArn,
		LogGroupClass:   pulumi.String("STANDARD"),
		Tags:            a.Tags.AWS(gName),
	}, parent) // a copy for alarms and queries: the bucket keeps the evidence
	if err != nil {
		return trailLogs{}, err
	}
	region := a.Region
	// Built from the group's name output (known in a preview, and a dependency on the
	// group) rather than its arn output, which the provider strips of ":*".
	groupArn := pulumi.All(group.Name, a.AccountId).ApplyT(func(v []any) string {
		return logGroupArn(region, v[1].(string), v[0].(string)) + ":*"
	}).(pulumi.StringOutput)

	roleName := naming.Name(naming.MaxIAMRole, a.NamePrefix, "cloudtrail-logs")
	trust, err := trailRoleTrust()
	if err != nil {
		return trailLogs{}, err
	}
	role, err := iam.NewRole(ctx, name+"-trail-logs", &iam.RoleArgs{
		Name:             pulumi.String(roleName),
		Description:      pulumi.String("Lets CloudTrail deliver trail " + trailName(a) + " to " + gName),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             a.Tags.AWS(roleName),
	}, parent)
	if err != nil {
		return trailLogs{}, err
	}
	policy, err := iam.NewRolePolicy(ctx, name+"-trail-logs", &iam.RolePolicyArgs{
		Role: role.ID(),
		Policy: pulumi.All(group.Name, a.AccountId).ApplyT(func(v []any) (string, error) {
			return trailRoleWrite(region, v[1].(string), v[0].(string))
		}).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return trailLogs{}, err
	}
	return trailLogs{group: group, groupArn: groupArn, role: role, policy: policy}, nil
}

// trailRoleTrust lets CloudTrail assume the role. No aws:SourceArn condition: the
// CloudTrail documentation gives this role without one and does not say CloudTrail sends
// it on this AssumeRole, and a condition it does not meet fails CreateTrail. The
// permissions, not the trust, keep the role narrow.
func trailRoleTrust() (string, error) {
	return policydoc.Render("audit", policydoc.Document{
		Version: policydoc.Version,
		Statement: []policydoc.Statement{{
			Sid:       "AllowCloudTrailToAssume",
			Effect:    "Allow",
			Principal: map[string]any{"Service": cloudtrailService},
			Action:    []string{"sts:AssumeRole"},
		}},
	})
}

// trailRoleWrite lets the role create and write the trail's log streams in this one group
// and nothing else. CloudTrail names a stream "<account>_CloudTrail_<source region>", one
// per region of a multi-region trail.
func trailRoleWrite(region, account, group string) (string, error) {
	streams := fmt.Sprintf("%s:log-stream:%s_CloudTrail_*", logGroupArn(region, account, group), account)
	// An identity policy has no Principal, which policydoc.Statement always renders.
	type statement struct {
		Sid      string
		Effect   string
		Action   []string
		Resource []string
	}
	b, err := json.Marshal(map[string]any{
		"Version": policydoc.Version,
		"Statement": []statement{
			{Sid: "CreateTrailLogStreams", Effect: "Allow", Action: []string{"logs:CreateLogStream"}, Resource: []string{streams}},
			{Sid: "PutTrailLogEvents", Effect: "Allow", Action: []string{"logs:PutLogEvents"}, Resource: []string{streams}},
		},
	})
	if err != nil {
		return "", fmt.Errorf("audit: rendering the trail role policy (please report): %w", err)
	}
	return string(b), nil
}
