package cdn

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/internal/argcheck"
	"github.com/generic-corp/platform/internal/naming"
	"github.com/generic-corp/platform/internal/tags"
)

// LogBucketToken is the type token of a LogBucket.
const LogBucketToken = "platform:cdn:LogBucket"

// Defaults of LogBucketArgs, applied by withDefaults and nowhere else.
const (
	DefaultLogRetentionDays  = 90
	DefaultLogNoncurrentDays = 7
)

// LogBucketArgs configures the shared access-log bucket.
type LogBucketArgs struct {
	// NamePrefix starts the bucket name, e.g. "platform-prod". Required;
	// lower-case words joined by single hyphens, starting with a letter, at most 40 characters (argcheck.NamePrefix).
	NamePrefix string
	// AccountId is this AWS account's id (12 digits); the bucket policy admits S3 server
	// access logs only from buckets of this account. Required; may be unknown at
	// construction (e.g. from aws.GetCallerIdentity).
	AccountId pulumi.StringInput
	// LogRetentionDays deletes log objects this many days after delivery. Default 90;
	// 1..3650.
	LogRetentionDays int
	// NoncurrentDays deletes the noncurrent versions that expiry leaves behind (the
	// bucket is versioned) after this many more days. Default 7; 1..3650.
	NoncurrentDays int
	// BucketName is the bucket's name. Default "<NamePrefix>-<component name>". S3 names
	// are global across all accounts: set it when the default is taken.
	BucketName string
	// Protect adds pulumi.Protect to the bucket. Default false; true in prod.
	Protect bool
	// ForceDestroy lets `pulumi destroy` empty the bucket before deleting it. Default
	// false: deleting a bucket that holds objects fails. Only for a stack whose data is
	// a copy, torn down on purpose (a repeatable DR drill).
	ForceDestroy bool

	// Tags is the stack-level tag set; the bucket gets it plus Name.
	Tags tags.Set
}

func (a LogBucketArgs) withDefaults(name string) LogBucketArgs {
	if a.LogRetentionDays == 0 {
		a.LogRetentionDays = DefaultLogRetentionDays
	}
	if a.NoncurrentDays == 0 {
		a.NoncurrentDays = DefaultLogNoncurrentDays
	}
	if a.BucketName == "" {
		a.BucketName = naming.Name(naming.MaxS3Bucket, a.NamePrefix, name)
	}
	return a
}

func (a LogBucketArgs) validate(name string) error {
	var errs []error
	p := argcheck.Into(fmt.Sprintf("cdn: log bucket %q", name), &errs)
	bad := p.Addf
	p.NamePrefix(a.NamePrefix)
	if a.AccountId == nil {
		p.Missing("AccountId", "the account whose buckets may deliver access logs")
	}
	if a.LogRetentionDays < 1 || a.LogRetentionDays > 3650 {
		bad("LogRetentionDays %d is not allowed (1..3650 days)", a.LogRetentionDays)
	}
	if a.NoncurrentDays < 1 || a.NoncurrentDays > 3650 {
		bad("NoncurrentDays %d is not allowed (1..3650 days)", a.NoncurrentDays)
	}
	if !validBucketName(a.BucketName) {
		bad("BucketName %q is not allowed (3..63 lower-case letters, digits and hyphens, starting and ending with a letter or digit)", a.BucketName)
	}
	return errors.Join(errs...)
}

// LogBucket is the access-log bucket of the sites (see the package doc for why it keeps
// ACLs, uses SSE-S3 and is not logged itself).
type LogBucket struct {
	pulumi.ResourceState

	// BucketName is the bucket's name: SiteArgs.LogBucket.
	BucketName pulumi.StringOutput
	// BucketArn is the bucket's ARN.
	BucketArn pulumi.StringOutput
	// BucketDomainName is "<bucket>.s3.amazonaws.com": SiteArgs.LogBucketDomainName.
	BucketDomainName pulumi.StringOutput
}

// NewLogBucket validates args and registers the log bucket with its public access block,
// ownership controls, encryption, versioning, lifecycle and policy.
func NewLogBucket(ctx *pulumi.Context, name string, args *LogBucketArgs, opts ...pulumi.ResourceOption) (*LogBucket, error) {
	if args == nil {
		return nil, errors.New("cdn: LogBucketArgs is required")
	}
	a := args.withDefaults(name)
	if err := a.validate(name); err != nil {
		return nil, err
	}

	c := &LogBucket{}
	if err := ctx.RegisterComponentResource(LogBucketToken, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	bucket, err := s3.NewBucketV2(ctx, name, &s3.BucketV2Args{
		Bucket:       pulumi.String(a.BucketName),
		ForceDestroy: pulumi.Bool(a.ForceDestroy),
		Tags:         a.Tags.AWS(a.BucketName),
	}, parent, pulumi.Protect(a.Protect))
	if err != nil {
		return nil, err
	}
	// ACLs stay on: CloudFront standard logging grants itself write access via an ACL.
	hard, err := hardening(ctx, name, bucket.Bucket, ownerPreferred, parent)
	if err != nil {
		return nil, err
	}
	// SSE-S3: S3 server access logging cannot deliver into an SSE-KMS bucket.
	if err := encryption(ctx, name, bucket.Bucket, nil, parent); err != nil {
		return nil, err
	}
	if err := lifecycle(ctx, name, bucket.Bucket, a.LogRetentionDays, a.NoncurrentDays, parent); err != nil {
		return nil, err
	}
	// The ARN is built from the name (known up front) rather than read from the bucket,
	// so that the policy, and the policy checks on it, are known in a preview.
	bucketArn := "arn:aws:s3:::" + a.BucketName
	policy := a.AccountId.ToStringOutput().ApplyT(func(account string) (string, error) {
		return logBucketPolicy(bucketArn, account)
	}).(pulumi.StringOutput)
	bp, err := s3.NewBucketPolicy(ctx, name+"-policy", &s3.BucketPolicyArgs{
		Bucket: bucket.Bucket,
		Policy: policy,
	}, parent, pulumi.DependsOn([]pulumi.Resource{hard.publicAccess}))
	if err != nil {
		return nil, err
	}

	// The outputs carry dependencies on the settings log delivery needs, so a consumer
	// waits for them: S3 logging configured against BucketName waits for the policy that
	// admits logging.s3; a distribution logging to BucketDomainName waits for ACLs to be
	// enabled (CloudFront refuses a log bucket without ACL access).
	c.BucketName = after(bucket.Bucket, bp)
	c.BucketArn = bucket.Arn
	c.BucketDomainName = after(bucket.BucketDomainName, hard.ownership, bp)
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"bucketName":       c.BucketName,
		"bucketArn":        c.BucketArn,
		"bucketDomainName": c.BucketDomainName,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// after returns v once every resource in deps has been created, carrying their
// dependencies along with the value.
func after(v pulumi.StringOutput, deps ...pulumi.CustomResource) pulumi.StringOutput {
	all := []any{v}
	for _, d := range deps {
		all = append(all, d.URN())
	}
	return pulumi.All(all...).ApplyT(func(vs []any) string { return vs[0].(string) }).(pulumi.StringOutput)
}
