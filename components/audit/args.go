package audit

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/internal/argcheck"
	"github.com/generic-corp/platform/internal/naming"
	"github.com/generic-corp/platform/internal/tags"
)

// Defaults, applied by withDefaults and nowhere else.
const (
	DefaultRetentionDays  = 365
	DefaultNoncurrentDays = 30
)

// AuditArgs configure the trail, its key and its bucket.
type AuditArgs struct {
	// NamePrefix starts every physical name, e.g. "platform-prod". Required; lower-case
	// words joined by single hyphens, starting with a letter, at most 40 characters
	// (argcheck.NamePrefix).
	NamePrefix string
	// AccountId is the AWS account id (12 digits); the key and bucket policies name it.
	// Required; may be unknown at construction.
	AccountId pulumi.StringInput
	// Region is the trail's home region (the stack's region), e.g. "us-east-1". Required.
	Region string
	// BucketName is the log bucket's name. Default "<NamePrefix>-audit-trail". S3 names
	// are global across all accounts: set it when the default is taken.
	BucketName string
	// RetentionDays deletes log files this many days after delivery, and is the
	// retention of the trail's CloudWatch Logs log group. Default 365; one of CloudWatch's
	// retention values from 90 up (shorter would lose the trail an investigation needs).
	RetentionDays int
	// NoncurrentDays deletes noncurrent versions (left by expiry or an overwrite) after
	// this many more days. Default 30; 1..3650.
	NoncurrentDays int
	// AccessLogBucket is the bucket (name) receiving this bucket's S3 server access logs
	// under "s3/<BucketName>/", e.g. the cdn LogBucket. Optional: nil means none.
	AccessLogBucket pulumi.StringInput
	// CriticalTopicArn and WarningTopicArn are the SNS topics the CIS alarms notify, by
	// each control's severity (alerting.CriticalTopicArn, WarningTopicArn). Required.
	CriticalTopicArn, WarningTopicArn pulumi.StringInput
	// Protect adds pulumi.Protect to the key, the bucket and the trail, and
	// RetainOnDelete to the key and the bucket. Default false; true in prod.
	Protect bool
	// Teardown empties and deletes the log bucket on destroy instead of keeping it, so
	// a rebuild can create its name again. Default false; only for a repeatable DR drill,
	// whose trail records the drill (the key is still kept: it decrypts what was copied).
	Teardown bool
	// Tags is the stack tag set; must carry tags.Required.
	Tags tags.Set
}

func (a AuditArgs) withDefaults() AuditArgs {
	if a.BucketName == "" {
		a.BucketName = naming.Name(naming.MaxS3Bucket, a.NamePrefix, "audit-trail")
	}
	if a.RetentionDays == 0 {
		a.RetentionDays = DefaultRetentionDays
	}
	if a.NoncurrentDays == 0 {
		a.NoncurrentDays = DefaultNoncurrentDays
	}
	return a
}

// retentionValues are CloudWatch Logs' retention values of at least 90 days.
var retentionValues = []int{90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

var (
	regionRe = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)
	bucketRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)
)

// validate reports every user error at once, each naming the field, the value and what
// is allowed. It runs before anything is registered.
func (a AuditArgs) validate() error {
	var errs []error
	p := argcheck.Into("audit", &errs)
	bad := p.Bad
	p.NamePrefix(a.NamePrefix)
	if a.AccountId == nil {
		errs = append(errs, errors.New("audit: AccountId is required (the account the key and bucket policies name)"))
	}
	if !regionRe.MatchString(a.Region) {
		bad("Region", a.Region, "want an AWS region such as us-east-1")
	}
	if !bucketRe.MatchString(a.BucketName) || strings.Contains(a.BucketName, "--") || strings.HasPrefix(a.BucketName, "xn--") {
		bad("BucketName", a.BucketName, "want 3..63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit")
	}
	if !slices.Contains(retentionValues, a.RetentionDays) {
		bad("RetentionDays", a.RetentionDays, fmt.Sprintf("want a CloudWatch Logs retention of 90 days or more: %v", retentionValues))
	}
	if a.CriticalTopicArn == nil || a.WarningTopicArn == nil {
		errs = append(errs, errors.New("audit: CriticalTopicArn and WarningTopicArn are required (the topics the CIS alarms notify)"))
	}
	if a.NoncurrentDays < 1 || a.NoncurrentDays > 3650 {
		bad("NoncurrentDays", a.NoncurrentDays, "want 1..3650 days")
	}
	errs = append(errs, argcheck.MissingTags("audit", a.Tags)...)
	return errors.Join(errs...)
}
