package cost_test

import (
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudfront"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/cost"
	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
)

func wafRule(name string, prio int, group string) *wafv2.WebAclRuleArgs {
	return &wafv2.WebAclRuleArgs{Name: pulumi.String(name), Priority: pulumi.Int(prio),
		OverrideAction: &wafv2.WebAclRuleOverrideActionArgs{None: &wafv2.WebAclRuleOverrideActionNoneArgs{}},
		Statement: &wafv2.WebAclRuleStatementArgs{ManagedRuleGroupStatement: &wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs{
			Name: pulumi.String(group), VendorName: pulumi.String("AWS")}},
		VisibilityConfig: &wafv2.WebAclRuleVisibilityConfigArgs{CloudwatchMetricsEnabled: pulumi.Bool(true),
			MetricName: pulumi.String(name), SampledRequestsEnabled: pulumi.Bool(true)}}
}

// edgeProgram: a CloudFront distribution with a CLOUDFRONT web ACL of two free managed
// rule groups, plus a regional ACL with Bot Control.
func edgeProgram(ctx *pulumi.Context) error {
	vis := &wafv2.WebAclVisibilityConfigArgs{CloudwatchMetricsEnabled: pulumi.Bool(true), MetricName: pulumi.String("m"),
		SampledRequestsEnabled: pulumi.Bool(true)}
	acl, err := wafv2.NewWebAcl(ctx, "edge", &wafv2.WebAclArgs{Scope: pulumi.String("CLOUDFRONT"), VisibilityConfig: vis,
		DefaultAction: &wafv2.WebAclDefaultActionArgs{Allow: &wafv2.WebAclDefaultActionAllowArgs{}},
		Rules: wafv2.WebAclRuleArray{wafRule("common", 1, "AWSManagedRulesCommonRuleSet"),
			wafRule("bad-inputs", 2, "AWSManagedRulesKnownBadInputsRuleSet")}})
	if err != nil {
		return err
	}
	if _, err := wafv2.NewWebAcl(ctx, "bots", &wafv2.WebAclArgs{Scope: pulumi.String("REGIONAL"), VisibilityConfig: vis,
		DefaultAction: &wafv2.WebAclDefaultActionArgs{Allow: &wafv2.WebAclDefaultActionAllowArgs{}},
		Rules:         wafv2.WebAclRuleArray{wafRule("bots", 1, "AWSManagedRulesBotControlRuleSet")}}); err != nil {
		return err
	}
	_, err = cloudfront.NewDistribution(ctx, "cdn", &cloudfront.DistributionArgs{
		Enabled: pulumi.Bool(true), WebAclId: acl.Arn,
		Origins: cloudfront.DistributionOriginArray{&cloudfront.DistributionOriginArgs{
			DomainName: pulumi.String("api.example.com"), OriginId: pulumi.String("api")}},
		DefaultCacheBehavior: &cloudfront.DistributionDefaultCacheBehaviorArgs{TargetOriginId: pulumi.String("api"),
			AllowedMethods: pulumi.ToStringArray([]string{"GET", "HEAD"}), CachedMethods: pulumi.ToStringArray([]string{"GET", "HEAD"}),
			ViewerProtocolPolicy: pulumi.String("redirect-to-https")},
		Restrictions: &cloudfront.DistributionRestrictionsArgs{GeoRestriction: &cloudfront.DistributionRestrictionsGeoRestrictionArgs{
			RestrictionType: pulumi.String("none")}},
		ViewerCertificate: &cloudfront.DistributionViewerCertificateArgs{CloudfrontDefaultCertificate: pulumi.Bool(true)},
	})
	return err
}

func TestCloudFrontAndWAF(t *testing.T) {
	payg := cost.DefaultAssumptions("prod") // 200 GB, 20M requests, 20M inspected
	flat, err := payg.Override([]byte(`{"cloudFrontPlan": "pro"}`))
	require.NoError(t, err)
	cases := []struct {
		name       string
		mode       plan.Mode
		a          cost.Assumptions
		cdn, edge  float64
		edgeReason string
	}{
		{"pay as you go", plan.Update, payg, 200*0.085 + 2000*0.01, 5 + 2*1 + 20*0.6, ""},
		{"flat-rate pro bundles the edge WAF (update)", plan.Update, flat, 15, 0, ""},
		{"flat-rate pro bundles the edge WAF (preview)", plan.Preview, flat, 15, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := estimate(t, capture(t, tc.mode, edgeProgram), tc.a)
			cdn := item(t, e, tokens.CloudFrontDistribution, "cdn")
			require.True(t, cdn.Known, cdn.Reason)
			require.InDelta(t, tc.cdn, cdn.MonthlyUSD, cents, cdn.Formula)
			edge := item(t, e, tokens.WAFWebACL, "edge")
			require.True(t, edge.Known, edge.Reason)
			require.InDelta(t, tc.edge, edge.MonthlyUSD, cents, edge.Formula)
			bots := item(t, e, tokens.WAFWebACL, "bots")
			require.False(t, bots.Known, "Bot Control fees are not in the table")
			require.Contains(t, bots.Reason, "AWSManagedRulesBotControlRuleSet")
			require.InDelta(t, 5+1+20*0.6, bots.MonthlyUSD, cents)
		})
	}
}

func TestAlarmsSecretsBackupAndTopics(t *testing.T) {
	p := capture(t, plan.Update, func(ctx *pulumi.Context) error {
		if _, err := cloudwatch.NewMetricAlarm(ctx, "cpu", &cloudwatch.MetricAlarmArgs{ComparisonOperator: pulumi.String("GreaterThanThreshold"),
			EvaluationPeriods: pulumi.Int(3), MetricName: pulumi.String("CPUUtilization"), Namespace: pulumi.String("AWS/RDS"),
			Period: pulumi.Int(300), Statistic: pulumi.String("Average"), Threshold: pulumi.Float64(80)}); err != nil {
			return err
		}
		q := func(id, metric string) *cloudwatch.MetricAlarmMetricQueryArgs {
			return &cloudwatch.MetricAlarmMetricQueryArgs{Id: pulumi.String(id), ReturnData: pulumi.Bool(false),
				Metric: &cloudwatch.MetricAlarmMetricQueryMetricArgs{MetricName: pulumi.String(metric),
					Namespace: pulumi.String("AWS/ApplicationELB"), Period: pulumi.Int(60), Stat: pulumi.String("Sum")}}
		}
		if _, err := cloudwatch.NewMetricAlarm(ctx, "error-rate", &cloudwatch.MetricAlarmArgs{
			ComparisonOperator: pulumi.String("GreaterThanThreshold"), EvaluationPeriods: pulumi.Int(5), Threshold: pulumi.Float64(5),
			MetricQueries: cloudwatch.MetricAlarmMetricQueryArray{q("errors", "HTTPCode_Target_5XX_Count"), q("requests", "RequestCount"),
				&cloudwatch.MetricAlarmMetricQueryArgs{Id: pulumi.String("rate"), Expression: pulumi.String("100*errors/requests"),
					ReturnData: pulumi.Bool(true)}}}); err != nil {
			return err
		}
		if _, err := secretsmanager.NewSecret(ctx, "db", &secretsmanager.SecretArgs{}); err != nil {
			return err
		}
		if _, err := backup.NewVault(ctx, "vault", &backup.VaultArgs{}); err != nil {
			return err
		}
		if _, err := backup.NewPlan(ctx, "daily", &backup.PlanArgs{Rules: backup.PlanRuleArray{&backup.PlanRuleArgs{
			RuleName: pulumi.String("daily"), TargetVaultName: pulumi.String("vault"), Schedule: pulumi.String("cron(0 5 * * ? *)"),
			CopyActions: backup.PlanRuleCopyActionArray{&backup.PlanRuleCopyActionArgs{
				DestinationVaultArn: pulumi.String("arn:aws:backup:us-west-2:123456789012:backup-vault:dr")}}}}}); err != nil {
			return err
		}
		if _, err := sns.NewTopic(ctx, "alerts", &sns.TopicArgs{}); err != nil {
			return err
		}
		_, err := cloudwatch.NewDashboard(ctx, "ops", &cloudwatch.DashboardArgs{DashboardName: pulumi.String("ops"), DashboardBody: pulumi.String("{}")})
		return err
	})
	prod := cost.DefaultAssumptions("prod")
	ebs, err := prod.Override([]byte(`{"backupKind": "ebs", "perResourceGB": {"vault": 40}}`))
	require.NoError(t, err)
	cases := []struct {
		name      string
		a         cost.Assumptions
		typ, item string
		usd       float64
		known     bool
		reason    string
	}{
		{"simple alarm", prod, tokens.CloudWatchMetricAlarm, "cpu", 0.1, true, ""},
		{"metric-math alarm bills its two metrics", prod, tokens.CloudWatchMetricAlarm, "error-rate", 0.2, true, ""},
		{"secret", prod, tokens.SecretsManagerSecret, "db", 0.4, true, ""},
		{"vault of RDS snapshots has no citable price", prod, tokens.BackupVault, "vault", 0, false, "backup.warm_storage.rds_snapshot is null"},
		{"vault priced as EBS with a per-resource size", ebs, tokens.BackupVault, "vault", 40 * 0.05, true, ""},
		{"cross-region copy", prod, tokens.BackupPlan, "daily", 10 * 0.02, true, ""},
		{"SNS is unknown, not free", prod, tokens.SNSTopic, "alerts", 0, false, "no free tier"},
		{"unmodeled type", prod, tokens.CloudWatchDashboard, "ops", 0, false, "no price model for aws:cloudwatch/dashboard:Dashboard"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			it := item(t, estimate(t, p, tc.a), tc.typ, tc.item)
			require.Equal(t, tc.known, it.Known, it.Reason)
			require.InDelta(t, tc.usd, it.MonthlyUSD, cents, it.Formula)
			require.Contains(t, it.Reason, tc.reason)
		})
	}
}

func TestInvalidAssumptionsMakeEverythingUnknown(t *testing.T) {
	p := capture(t, plan.Update, func(ctx *pulumi.Context) error {
		_, err := secretsmanager.NewSecret(ctx, "db", &secretsmanager.SecretArgs{})
		return err
	})
	bad := cost.DefaultAssumptions("staging")
	bad.NATGBPerGateway = -1
	e := estimate(t, p, bad)
	require.Len(t, e.Unknown, 1)
	require.Contains(t, e.Unknown[0].Reason, "natGBPerGateway -1 must be a finite number >= 0")
	require.Zero(t, e.MonthlyUSD)
}
