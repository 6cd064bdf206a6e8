package audit

import (
	"errors"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Type is the component's type token.
const Type = "platform:audit:Audit"

// keyDeletionWindowDays is the longest window KMS allows: without the key no log file
// can be read again.
const keyDeletionWindowDays = 30

// Audit is the account's CloudTrail trail with its key, its bucket, its CloudWatch Logs
// log group and the CIS metric filters and alarms on it.
type Audit struct {
	pulumi.ResourceState

	// TrailArn is the trail's ARN.
	TrailArn pulumi.StringOutput
	// TrailName is the trail's name, "<NamePrefix>-trail".
	TrailName pulumi.StringOutput
	// BucketName is the log bucket's name.
	BucketName pulumi.StringOutput
	// BucketArn is the log bucket's ARN.
	BucketArn pulumi.StringOutput
	// KmsKeyArn is the trail key's ARN (readers of the logs need kms:Decrypt on it).
	KmsKeyArn pulumi.StringOutput
	// LogGroupName is the trail's CloudWatch Logs log group, "/aws/cloudtrail/<trail>".
	LogGroupName pulumi.StringOutput
	// AlarmNames are the CIS alarms' physical names, in Controls order (plain).
	AlarmNames []string
}

func trailName(a AuditArgs) string { return a.NamePrefix + "-trail" }

// NewAudit validates args and creates the key, the bucket and the trail.
func NewAudit(ctx *pulumi.Context, name string, args *AuditArgs, opts ...pulumi.ResourceOption) (*Audit, error) {
	if args == nil {
		return nil, errors.New("audit: args are required")
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, err
	}

	c := &Audit{}
	if err := ctx.RegisterComponentResource(Type, name, c, opts...); err != nil {
		return nil, err
	}

	region, tName, gName := a.Region, trailName(a), logGroupName(a)
	keyPolicyDoc := a.AccountId.ToStringOutput().ApplyT(func(account string) (string, error) {
		return keyPolicy(account, region, trailArn(region, account, tName), gName)
	}).(pulumi.StringOutput)
	physicalKey := a.NamePrefix + "-audit-trail"
	key, err := kms.NewKey(ctx, name+"-key", &kms.KeyArgs{
		Description:          pulumi.String(a.NamePrefix + ": CloudTrail log files of trail " + tName + " and its log group " + gName),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(keyDeletionWindowDays),
		KeyUsage:             pulumi.String("ENCRYPT_DECRYPT"),
		Policy:               keyPolicyDoc,
		Tags:                 a.Tags.AWS(physicalKey),
	}, pulumi.Parent(c), pulumi.Protect(a.Protect), pulumi.RetainOnDelete(a.Protect))
	if err != nil {
		return nil, err
	}
	if _, err := kms.NewAlias(ctx, name+"-key", &kms.AliasArgs{
		Name:        pulumi.String("alias/" + physicalKey),
		TargetKeyId: key.KeyId,
	}, pulumi.Parent(c)); err != nil {
		return nil, err
	}

	bucket, bp, err := c.newBucket(ctx, name, key.Arn, a)
	if err != nil {
		return nil, err
	}

	logs, err := c.newTrailLogs(ctx, name, key.Arn, a)
	if err != nil {
		return nil, err
	}

	trail, err := cloudtrail.NewTrail(ctx, name+"-trail", &cloudtrail.TrailArgs{
		Name:                       pulumi.String(tName),
		S3BucketName:               bucket.Bucket,
		KmsKeyId:                   key.Arn,
		CloudWatchLogsGroupArn:     logs.groupArn,
		CloudWatchLogsRoleArn:      logs.role.Arn,
		IsMultiRegionTrail:         pulumi.Bool(true),
		IncludeGlobalServiceEvents: pulumi.Bool(true),
		EnableLogFileValidation:    pulumi.Bool(true),
		EnableLogging:              pulumi.Bool(true),
		Tags:                       a.Tags.AWS(tName),
		// CloudTrail checks the bucket policy and the log role when the trail is created.
	}, pulumi.Parent(c), pulumi.Protect(a.Protect), pulumi.DependsOn([]pulumi.Resource{bp, logs.policy}))
	if err != nil {
		return nil, err
	}
	if err := c.newCISAlarms(ctx, name, logs.group, a); err != nil {
		return nil, err
	}

	c.TrailArn, c.TrailName = trail.Arn, trail.Name
	c.BucketName, c.BucketArn = bucket.Bucket, bucket.Arn
	c.KmsKeyArn = key.Arn
	c.LogGroupName = logs.group.Name
	names := pulumi.StringArray{}
	for _, n := range c.AlarmNames {
		names = append(names, pulumi.String(n))
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"logGroupName": c.LogGroupName,
		"alarmNames":   names,
		"trailArn":     c.TrailArn,
		"trailName":    c.TrailName,
		"bucketName":   c.BucketName,
		"bucketArn":    c.BucketArn,
		"kmsKeyArn":    c.KmsKeyArn,
	}); err != nil {
		return nil, err
	}
	return c, nil
}
