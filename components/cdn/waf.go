package cdn

import (
	"errors"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/internal/naming"
)

// EdgeWafToken is the type token of an EdgeWaf.
const EdgeWafToken = "platform:cdn:EdgeWaf"

const (
	// wafLogGroupPrefix is the name prefix WAF requires of a CloudWatch log destination.
	wafLogGroupPrefix = "aws-waf-logs-"
	maxWebACLName     = 128
	maxLogGroupName   = 512
	// rateWindowSeconds is the rate rule's evaluation window: the 5 minutes of
	// RateLimitPer5Min.
	rateWindowSeconds = 300
)

// managedGroups are the AWS managed rule groups every web ACL runs, in priority order
// after the IP reputation list and the rate rule.
const (
	groupIPReputation = "AWSManagedRulesAmazonIpReputationList"
	groupCommon       = "AWSManagedRulesCommonRuleSet"
	groupBadInputs    = "AWSManagedRulesKnownBadInputsRuleSet"
)

// EdgeWaf is one WAFv2 web ACL with its CloudWatch logging.
type EdgeWaf struct {
	pulumi.ResourceState

	// WebAclArn is the web ACL's ARN: SiteArgs.WebAclArn for CLOUDFRONT, the
	// alb.ingress.kubernetes.io/wafv2-acl-arn annotation for REGIONAL.
	WebAclArn pulumi.StringOutput
	// WebAclId is the web ACL's id.
	WebAclId pulumi.StringOutput
	// LogGroupName is the CloudWatch log group receiving the WAF logs.
	LogGroupName pulumi.StringOutput
}

// NewEdgeWaf validates args and registers the web ACL, its log group and its logging
// configuration. Rules, in evaluation order: IP reputation list (drop known bad
// sources first, cheapest), the per-IP rate limit (block), the common rule set and the
// known-bad-inputs rule set (managed groups keep their own actions: overrideAction none).
func NewEdgeWaf(ctx *pulumi.Context, name string, args *EdgeWafArgs, opts ...pulumi.ResourceOption) (*EdgeWaf, error) {
	if args == nil {
		return nil, errors.New("cdn: EdgeWafArgs is required")
	}
	a := args.withDefaults()
	if err := a.validate(name); err != nil {
		return nil, err
	}

	c := &EdgeWaf{}
	if err := ctx.RegisterComponentResource(EdgeWafToken, name, c, opts...); err != nil {
		return nil, err
	}
	childOpts := []pulumi.ResourceOption{pulumi.Parent(c)}
	if a.Provider != nil {
		childOpts = append(childOpts, pulumi.Provider(a.Provider))
	}
	physical := naming.Name(maxWebACLName, a.NamePrefix, name)

	acl, err := wafv2.NewWebAcl(ctx, name, &wafv2.WebAclArgs{
		Name:        pulumi.String(physical),
		Description: pulumi.String("Managed rule groups and per-IP rate limit (" + a.Scope + ")"),
		Scope:       pulumi.String(a.Scope),
		DefaultAction: &wafv2.WebAclDefaultActionArgs{
			Allow: &wafv2.WebAclDefaultActionAllowArgs{},
		},
		Rules: wafv2.WebAclRuleArray{
			managedRule(groupIPReputation, 0, physical, nil),
			rateRule(1, physical, a.RateLimitPer5Min),
			managedRule(groupCommon, 2, physical, a.CountOnlyRules),
			managedRule(groupBadInputs, 3, physical, nil),
		},
		VisibilityConfig: &wafv2.WebAclVisibilityConfigArgs{
			CloudwatchMetricsEnabled: pulumi.Bool(true),
			SampledRequestsEnabled:   pulumi.Bool(true),
			MetricName:               pulumi.String(physical),
		},
		Tags: a.Tags.AWS(physical),
	}, childOpts...)
	if err != nil {
		return nil, err
	}

	logGroupName := wafLogGroupPrefix + naming.Name(maxLogGroupName-len(wafLogGroupPrefix), a.NamePrefix, name)
	logs, err := cloudwatch.NewLogGroup(ctx, name+"-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(logGroupName),
		RetentionInDays: pulumi.Int(a.LogRetentionDays),
		KmsKeyId:        a.LogsKmsKeyArn,
		Tags:            a.Tags.AWS(logGroupName),
	}, childOpts...)
	if err != nil {
		return nil, err
	}

	logging := &wafv2.WebAclLoggingConfigurationArgs{
		ResourceArn:           acl.Arn,
		LogDestinationConfigs: pulumi.StringArray{logs.Arn},
		// Credentials never belong in logs.
		RedactedFields: wafv2.WebAclLoggingConfigurationRedactedFieldArray{
			redactHeader("authorization"), redactHeader("cookie"),
		},
	}
	if !a.LogAllRequests {
		logging.LoggingFilter = onlyFlaggedRequests()
	}
	// WAF adds the log group's resource policy for delivery.logs.amazonaws.com itself
	// when the deployer may call logs:PutResourcePolicy.
	if _, err := wafv2.NewWebAclLoggingConfiguration(ctx, name+"-logging", logging, childOpts...); err != nil {
		return nil, err
	}

	c.WebAclArn = acl.Arn
	c.WebAclId = acl.ID().ToStringOutput()
	c.LogGroupName = logs.Name
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"webAclArn":    c.WebAclArn,
		"webAclId":     c.WebAclId,
		"logGroupName": c.LogGroupName,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

func ruleVisibility(metric string) *wafv2.WebAclRuleVisibilityConfigArgs {
	return &wafv2.WebAclRuleVisibilityConfigArgs{
		CloudwatchMetricsEnabled: pulumi.Bool(true),
		SampledRequestsEnabled:   pulumi.Bool(true),
		MetricName:               pulumi.String(metric),
	}
}

// managedRule runs an AWS managed rule group with its own actions, except countOnly
// rules, which are overridden to count.
func managedRule(group string, priority int, physical string, countOnly []string) *wafv2.WebAclRuleArgs {
	stmt := &wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs{
		VendorName: pulumi.String("AWS"),
		Name:       pulumi.String(group),
	}
	if len(countOnly) > 0 {
		var overrides wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArray
		for _, r := range countOnly {
			overrides = append(overrides, &wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArgs{
				Name: pulumi.String(r),
				ActionToUse: &wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseArgs{
					Count: &wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseCountArgs{},
				},
			})
		}
		stmt.RuleActionOverrides = overrides
	}
	return &wafv2.WebAclRuleArgs{
		Name:             pulumi.String(group),
		Priority:         pulumi.Int(priority),
		OverrideAction:   &wafv2.WebAclRuleOverrideActionArgs{None: &wafv2.WebAclRuleOverrideActionNoneArgs{}},
		Statement:        &wafv2.WebAclRuleStatementArgs{ManagedRuleGroupStatement: stmt},
		VisibilityConfig: ruleVisibility(physical + "-" + group),
	}
}

// rateRule blocks a client IP above limit requests per 5 minutes.
func rateRule(priority int, physical string, limit int) *wafv2.WebAclRuleArgs {
	return &wafv2.WebAclRuleArgs{
		Name:     pulumi.String("rate-limit-per-ip"),
		Priority: pulumi.Int(priority),
		Action:   &wafv2.WebAclRuleActionArgs{Block: &wafv2.WebAclRuleActionBlockArgs{}},
		Statement: &wafv2.WebAclRuleStatementArgs{
			RateBasedStatement: &wafv2.WebAclRuleStatementRateBasedStatementArgs{
				Limit:               pulumi.Int(limit),
				AggregateKeyType:    pulumi.String("IP"),
				EvaluationWindowSec: pulumi.Int(rateWindowSeconds),
			},
		},
		VisibilityConfig: ruleVisibility(physical + "-rate-limit-per-ip"),
	}
}

func redactHeader(h string) *wafv2.WebAclLoggingConfigurationRedactedFieldArgs {
	return &wafv2.WebAclLoggingConfigurationRedactedFieldArgs{
		SingleHeader: &wafv2.WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs{Name: pulumi.String(h)},
	}
}

// onlyFlaggedRequests keeps log records of requests a rule blocked or counted and
// drops the rest.
func onlyFlaggedRequests() *wafv2.WebAclLoggingConfigurationLoggingFilterArgs {
	var conds wafv2.WebAclLoggingConfigurationLoggingFilterFilterConditionArray
	for _, action := range []string{"BLOCK", "COUNT", "EXCLUDED_AS_COUNT"} {
		conds = append(conds, &wafv2.WebAclLoggingConfigurationLoggingFilterFilterConditionArgs{
			ActionCondition: &wafv2.WebAclLoggingConfigurationLoggingFilterFilterConditionActionConditionArgs{
				Action: pulumi.String(action),
			},
		})
	}
	return &wafv2.WebAclLoggingConfigurationLoggingFilterArgs{
		DefaultBehavior: pulumi.String("DROP"),
		Filters: wafv2.WebAclLoggingConfigurationLoggingFilterFilterArray{
			&wafv2.WebAclLoggingConfigurationLoggingFilterFilterArgs{
				Behavior:    pulumi.String("KEEP"),
				Requirement: pulumi.String("MEETS_ANY"),
				Conditions:  conds,
			},
		},
	}
}
