package alerting

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Health-check probing: every 30 s from each Route 53 checker region, unhealthy after 3
// failures in a row (about 90 s), the AWS defaults for a standard check.
const (
	healthCheckIntervalSeconds = 30
	healthCheckFailures        = 3
)

// healthCheck probes https://<fqdn><path> from outside AWS's network, the only alarm
// that fires when nothing reaches the API at all (no ALB metrics then). Route 53
// publishes HealthCheckStatus in us-east-1 only, so the alarm and its topic live there.
func (c *Alerting) healthCheck(ctx *pulumi.Context, name string, a AlertingArgs) error {
	api := a.Api
	if api == nil || api.HealthCheckFqdn == "" {
		c.HealthCheckId = pulumi.String("").ToStringOutput()
		return nil
	}
	physical := a.NamePrefix + "-api-health"
	hc, err := route53.NewHealthCheck(ctx, name+"-api-health", &route53.HealthCheckArgs{
		Type:             pulumi.String("HTTPS"),
		Fqdn:             pulumi.String(api.HealthCheckFqdn),
		Port:             pulumi.Int(443),
		ResourcePath:     pulumi.String(api.HealthCheckPath),
		EnableSni:        pulumi.Bool(true),
		RequestInterval:  pulumi.Int(healthCheckIntervalSeconds),
		FailureThreshold: pulumi.Int(healthCheckFailures),
		Tags:             a.Tags.AWS(physical),
	}, pulumi.Parent(c))
	if err != nil {
		return err
	}
	c.HealthCheckId = hc.ID().ToStringOutput()

	var provider pulumi.ResourceOption
	var topic *sns.Topic
	if a.Region != usEast1 {
		set, err := c.newTopicSet(ctx, name, usEast1, usEast1, []string{Critical}, a, pulumi.Provider(a.UsEast1Provider))
		if err != nil {
			return err
		}
		provider, topic = pulumi.Provider(a.UsEast1Provider), set.topics[Critical]
		c.HealthCheckTopicArn = topic.Arn
	} else {
		c.HealthCheckTopicArn = c.topics[Critical].Arn
	}
	return c.newAlarm(ctx, name, alarmSpec{
		name: "api-unhealthy-critical", severity: Critical,
		description: "Seed critical: the API is down: the Route 53 health check of https://" + api.HealthCheckFqdn + api.HealthCheckPath +
			" failed for 2 minutes. A check that reports nothing is not healthy (missing: breaching).",
		metric: &metric{"AWS/Route53", "HealthCheckStatus", pulumi.StringMap{"HealthCheckId": c.HealthCheckId}, "Minimum"},
		period: 60, threshold: 1, comparison: below,
		evaluationPeriods: 2, datapointsToAlarm: 2, treatMissingData: missingIsBad,
		provider: provider, topicOverride: topic,
	}, a)
}
