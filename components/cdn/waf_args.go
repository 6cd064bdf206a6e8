package cdn

import (
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/internal/argcheck"
	"github.com/generic-corp/platform/internal/tags"
)

// Web ACL scopes.
const (
	// ScopeCloudFront protects CloudFront distributions; AWS keeps such web ACLs (and
	// their log groups) in us-east-1.
	ScopeCloudFront = "CLOUDFRONT"
	// ScopeRegional protects regional resources such as the API's load balancer.
	ScopeRegional = "REGIONAL"
)

// Defaults of EdgeWafArgs, applied by withDefaults and nowhere else.
const (
	DefaultRateLimitPer5Min    = 2000
	DefaultWafLogRetentionDays = 90
)

// DefaultRegionalCountOnlyRules are the AWSManagedRulesCommonRuleSet rules a REGIONAL
// web ACL only counts by default: SizeRestrictions_BODY blocks bodies over 8 KB, and
// agent prompts and tool results posted to the API routinely are larger.
var DefaultRegionalCountOnlyRules = []string{"SizeRestrictions_BODY"}

// LogRetentionValues are the retention periods CloudWatch Logs accepts ("never
// expire" is left out on purpose).
var LogRetentionValues = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
	1096, 1827, 2192, 2557, 2922, 3288, 3653}

// Rate limits WAF accepts per evaluation window.
const (
	minRateLimit = 10
	maxRateLimit = 2000000000
)

// EdgeWafArgs configures one WAFv2 web ACL.
type EdgeWafArgs struct {
	// NamePrefix starts the web ACL, metric and log group names, e.g. "platform-prod".
	// Required; lower-case words joined by single hyphens, starting with a letter, at most 40 characters (argcheck.NamePrefix).
	NamePrefix string
	// Scope is ScopeCloudFront ("CLOUDFRONT", the default) for the distributions or
	// ScopeRegional ("REGIONAL") for the API load balancer.
	Scope string
	// Provider is the aws provider the web ACL and its log group are created through.
	// Required for CLOUDFRONT, and it must be a us-east-1 provider (the same as
	// SiteArgs.EdgeProvider). For REGIONAL, nil uses the default provider (the stack's
	// region, where the load balancer is).
	Provider pulumi.ProviderResource
	// RateLimitPer5Min blocks a client IP that sends more than this many requests in
	// any 5-minute window. Default 2000; 10..2000000000.
	RateLimitPer5Min int
	// CountOnlyRules are rules of AWSManagedRulesCommonRuleSet that only count instead
	// of blocking. nil means the default: DefaultRegionalCountOnlyRules for REGIONAL,
	// none for CLOUDFRONT; an empty, non-nil slice means none.
	CountOnlyRules []string
	// LogsKmsKeyArn is the customer-managed KMS key (ARN) of the WAF log group.
	// Required. It must live in the log group's region (us-east-1 for CLOUDFRONT) and
	// allow logs.<region>.amazonaws.com.
	LogsKmsKeyArn pulumi.StringInput
	// LogRetentionDays is the WAF log group's retention. Default 90; one of
	// LogRetentionValues.
	LogRetentionDays int
	// LogAllRequests logs allowed requests too. Default false: only requests a rule
	// blocked or counted are logged, which keeps the log volume (and its cost) tied to
	// attacks rather than traffic.
	LogAllRequests bool
	// Tags is the stack-level tag set; the web ACL and log group get it plus Name.
	Tags tags.Set
}

var ruleNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

func (a EdgeWafArgs) withDefaults() EdgeWafArgs {
	if a.Scope == "" {
		a.Scope = ScopeCloudFront
	}
	if a.RateLimitPer5Min == 0 {
		a.RateLimitPer5Min = DefaultRateLimitPer5Min
	}
	if a.CountOnlyRules == nil && a.Scope == ScopeRegional {
		a.CountOnlyRules = DefaultRegionalCountOnlyRules
	}
	a.CountOnlyRules = slices.Clone(a.CountOnlyRules)
	if a.LogRetentionDays == 0 {
		a.LogRetentionDays = DefaultWafLogRetentionDays
	}
	return a
}

func (a EdgeWafArgs) validate(name string) error {
	var errs []error
	p := argcheck.Into(fmt.Sprintf("cdn: web ACL %q", name), &errs)
	bad := p.Addf
	if !prefixPattern.MatchString(name) {
		bad("the component name is not allowed (lower-case letters, digits and single hyphens, e.g. \"edge-waf\"; it is part of physical names)")
	}
	p.NamePrefix(a.NamePrefix)
	switch a.Scope {
	case ScopeCloudFront:
		if a.Provider == nil {
			bad("Provider is required for Scope %q (an aws.Provider for us-east-1: CloudFront web ACLs exist only there)", a.Scope)
		}
	case ScopeRegional:
	default:
		bad("Scope %q is not allowed (%q or %q)", a.Scope, ScopeCloudFront, ScopeRegional)
	}
	if a.RateLimitPer5Min < minRateLimit || a.RateLimitPer5Min > maxRateLimit {
		bad("RateLimitPer5Min %d is not allowed (%d..%d requests per 5 minutes per IP)", a.RateLimitPer5Min, minRateLimit, maxRateLimit)
	}
	for i, r := range a.CountOnlyRules {
		if !ruleNamePattern.MatchString(r) {
			bad("CountOnlyRules[%d] %q is not allowed (a rule name of AWSManagedRulesCommonRuleSet, e.g. \"SizeRestrictions_BODY\")", i, r)
		} else if slices.Index(a.CountOnlyRules, r) != i {
			bad("CountOnlyRules[%d] %q is listed twice", i, r)
		}
	}
	if a.LogsKmsKeyArn == nil {
		p.Missing("LogsKmsKeyArn", "customer-managed key of the WAF log group")
	}
	if !slices.Contains(LogRetentionValues, a.LogRetentionDays) {
		bad("LogRetentionDays %d is not allowed (one of %v)", a.LogRetentionDays, LogRetentionValues)
	}
	return errors.Join(errs...)
}
