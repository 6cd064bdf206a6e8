package cdn_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/cdn"
	"github.com/generic-corp/platform/plan"
)

func TestEdgeWaf(t *testing.T) {
	cases := []struct {
		name       string
		mode       plan.Mode
		regional   bool
		args       cdn.EdgeWafArgs
		wantScope  string
		wantLimit  float64
		wantCount  []string
		wantFilter bool
	}{
		{"cloudfront defaults update", plan.Update, false,
			cdn.EdgeWafArgs{NamePrefix: "platform-prod", LogsKmsKeyArn: pulumi.String(logsKey), Tags: stackTags},
			"CLOUDFRONT", 2000, nil, true},
		{"cloudfront preview", plan.Preview, false,
			cdn.EdgeWafArgs{NamePrefix: "platform-prod", LogsKmsKeyArn: pulumi.String(logsKey), RateLimitPer5Min: 500,
				LogAllRequests: true, Tags: stackTags},
			"CLOUDFRONT", 500, nil, false},
		{"regional defaults", plan.Update, true,
			cdn.EdgeWafArgs{NamePrefix: "platform-prod", Scope: cdn.ScopeRegional, LogsKmsKeyArn: pulumi.String(logsKey), Tags: stackTags},
			"REGIONAL", 2000, []string{"SizeRestrictions_BODY"}, true},
		{"regional nothing counted", plan.Update, true,
			cdn.EdgeWafArgs{NamePrefix: "platform-prod", Scope: cdn.ScopeRegional, CountOnlyRules: []string{},
				LogsKmsKeyArn: pulumi.String(logsKey), LogRetentionDays: 30, Tags: stackTags},
			"REGIONAL", 2000, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := capture(t, tc.mode, func(ctx *pulumi.Context) error {
				args := tc.args
				if !tc.regional {
					edge, err := aws.NewProvider(ctx, "us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
					if err != nil {
						return err
					}
					args.Provider = edge
				}
				w, err := cdn.NewEdgeWaf(ctx, "waf", &args)
				if err != nil {
					return err
				}
				ctx.Export("webAclArn", w.WebAclArn)
				ctx.Export("webAclId", w.WebAclId)
				return nil
			})
			comp := p.Named(cdn.EdgeWafToken, "waf")
			require.NotNil(t, comp)
			acl := one(t, p, comp.URN, typeWebACL)
			logs := one(t, p, comp.URN, typeLogGroup)
			logging := one(t, p, comp.URN, typeWafLogging)
			edge := p.Named(typeAwsProvider, "us-east-1")
			for _, r := range []*plan.Resource{acl, logs, logging} {
				if tc.regional {
					require.Empty(t, r.Provider, "%s uses the default (stack region) provider", r.Type)
				} else {
					require.True(t, strings.HasPrefix(r.Provider, edge.URN+"::"), "%s must use the us-east-1 provider", r.Type)
				}
			}

			require.Equal(t, tc.wantScope, acl.Input("scope").AsString())
			require.Equal(t, "platform-prod-waf", acl.Input("name").AsString())
			require.True(t, acl.Input("defaultAction.allow").IsMap())
			require.True(t, acl.Input("defaultAction.block").IsNull())
			require.True(t, acl.Input("visibilityConfig.cloudwatchMetricsEnabled").AsBool())
			require.True(t, acl.Input("visibilityConfig.sampledRequestsEnabled").AsBool())
			require.Equal(t, "platform-prod-waf", acl.Input("tags.Name").AsString())

			rules := map[string]int{}
			for i, r := range acl.Input("rules").AsArray().AsSlice() {
				rules[r.AsMap().Get("name").AsString()] = i
			}
			require.Len(t, rules, 4)
			priorities := map[float64]bool{}
			for _, group := range []string{"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList"} {
				i, ok := rules[group]
				require.True(t, ok, group)
				base := "rules[" + string(rune('0'+i)) + "]."
				require.Equal(t, "AWS", acl.Input(base+"statement.managedRuleGroupStatement.vendorName").AsString())
				require.Equal(t, group, acl.Input(base+"statement.managedRuleGroupStatement.name").AsString())
				require.True(t, acl.Input(base+"overrideAction.none").IsMap(), "%s keeps its own actions", group)
				require.True(t, acl.Input(base+"action").IsNull(), "a managed group takes overrideAction, not action")
				require.True(t, acl.Input(base+"visibilityConfig.cloudwatchMetricsEnabled").AsBool())
				priorities[acl.Input(base+"priority").AsNumber()] = true
				overrides := acl.Input(base + "statement.managedRuleGroupStatement.ruleActionOverrides")
				if group != "AWSManagedRulesCommonRuleSet" || tc.wantCount == nil {
					require.True(t, overrides.IsNull() || len(overrides.AsArray().AsSlice()) == 0, group)
					continue
				}
				var counted []string
				for _, o := range overrides.AsArray().AsSlice() {
					counted = append(counted, o.AsMap().Get("name").AsString())
					require.True(t, o.AsMap().Get("actionToUse").AsMap().Get("count").IsMap())
				}
				require.Equal(t, tc.wantCount, counted)
			}
			i, ok := rules["rate-limit-per-ip"]
			require.True(t, ok)
			base := "rules[" + string(rune('0'+i)) + "]."
			require.Equal(t, tc.wantLimit, acl.Input(base+"statement.rateBasedStatement.limit").AsNumber())
			require.Equal(t, "IP", acl.Input(base+"statement.rateBasedStatement.aggregateKeyType").AsString())
			require.Equal(t, 300.0, acl.Input(base+"statement.rateBasedStatement.evaluationWindowSec").AsNumber())
			require.True(t, acl.Input(base+"action.block").IsMap())
			priorities[acl.Input(base+"priority").AsNumber()] = true
			require.Len(t, priorities, 4, "priorities are unique")

			require.Equal(t, "aws-waf-logs-platform-prod-waf", logs.Input("name").AsString())
			require.Equal(t, logsKey, logs.Input("kmsKeyId").AsString())
			wantRetention := 90.0
			if tc.args.LogRetentionDays != 0 {
				wantRetention = float64(tc.args.LogRetentionDays)
			}
			require.Equal(t, wantRetention, logs.Input("retentionInDays").AsNumber())

			require.Contains(t, logging.PropertyDependencies["resourceArn"], acl.URN)
			require.Contains(t, logging.PropertyDependencies["logDestinationConfigs"], logs.URN)
			var redacted []string
			for _, f := range logging.Input("redactedFields").AsArray().AsSlice() {
				redacted = append(redacted, f.AsMap().Get("singleHeader").AsMap().Get("name").AsString())
			}
			require.ElementsMatch(t, []string{"authorization", "cookie"}, redacted)
			if tc.wantFilter {
				require.Equal(t, "DROP", logging.Input("loggingFilter.defaultBehavior").AsString())
				require.Equal(t, "KEEP", logging.Input("loggingFilter.filters[0].behavior").AsString())
				var actions []string
				for _, c := range logging.Input("loggingFilter.filters[0].conditions").AsArray().AsSlice() {
					actions = append(actions, c.AsMap().Get("actionCondition").AsMap().Get("action").AsString())
				}
				require.ElementsMatch(t, []string{"BLOCK", "COUNT", "EXCLUDED_AS_COUNT"}, actions)
			} else {
				require.True(t, logging.Input("loggingFilter").IsNull())
			}

			if tc.mode == plan.Update {
				require.Equal(t, acl.Output("arn").AsString(), logging.Input("resourceArn").AsString())
				require.Equal(t, logs.Output("arn").AsString(), logging.Input("logDestinationConfigs[0]").AsString())
				require.Equal(t, acl.Output("arn").AsString(), p.Outputs.Get("webAclArn").AsString())
				require.Equal(t, acl.ID, p.Outputs.Get("webAclId").AsString())
			} else {
				require.True(t, p.Outputs.Get("webAclArn").IsComputed())
			}
		})
	}
}
