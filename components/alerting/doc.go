// Package alerting owns where alerts go and what raises them on the AWS side: three SNS
// topics, the CloudWatch alarms behind the seed's alerting rules, RDS event
// subscriptions, a Route 53 health check of the API and the stack's AWS budget.
// Application-level rules (queue depth, failed jobs, crashed workers) are Prometheus
// rules owned by the observability component.
//
// Routing. One topic per severity, "<NamePrefix>-critical|warning|info", each encrypted
// with a customer-managed key this package creates (the aws/sns managed key cannot be
// used: CloudWatch, EventBridge, Backup, Budgets and RDS events are not allowed on it).
// Topic policies let only those services publish, and only for this account
// (aws:SourceAccount), and refuse plain HTTP. Subscriptions:
//
//   - critical: Args.PagerDutyEndpoint over HTTPS (PagerDuty confirms it itself). The
//     URL embeds the integration key, so the stack passes it from config marked secret
//     (a Secrets Manager look-up would need the live account, which the offline plan
//     cannot do), or leaves it nil;
//   - warning: Args.WarningWebhookEndpoint over HTTPS. Slack cannot take SNS directly: a
//     Slack incoming webhook does not confirm subscriptions nor read SNS envelopes. Use
//     AWS Chatbot (it subscribes itself to WarningTopicArn) or a relay URL here;
//   - critical and warning: Args.EmailAddresses (each recipient confirms once);
//   - info: nothing by default ("log only"); consumers subscribe to InfoTopicArn.
//
// An empty endpoint is passed as nil and means no subscription.
//
// Alarms are data (alarmSpec): name, severity, a description naming the seed rule or
// runbook incident, the metric or metric-math queries, threshold, periods, and a
// treatMissingData chosen per alarm and explained in its description: notBreaching where
// no data means nothing happened (no requests, no evictions, no jobs), breaching where
// no data means the reporter is gone (health check, Redis primary, replica lag), and
// missing (keep state) for resource gauges whose silence other alarms or events cover.
// Every alarm sends both ALARM and OK to its severity's topic.
//
// The API's load balancer. The ALB metrics need the LoadBalancer dimension
// "app/<name>/<id>", whose id AWS assigns when the ALB is created, and alarms cannot
// use SEARCH to find it by name. The API alarms therefore take
// Api.LoadBalancerArnSuffix as an input: with a Pulumi-managed ALB
// (aws.lb.LoadBalancer, pods attached through a TargetGroupBinding of the AWS Load
// Balancer Controller) it is the ArnSuffix output. An Ingress-managed ALB has no id the
// program can know; leave the suffix nil and the ALB alarms are skipped, while the
// Route 53 health check (Api.HealthCheckFqdn) still pages when the API is down.
//
// The health check's metric exists only in us-east-1. In a stack in another region the
// alarm is created through Args.UsEast1Provider, with a critical topic (and key) of its
// own there, subscribed like the critical topic.
//
// Node disk uses Container Insights (node_filesystem_utilization), published only when
// the amazon-cloudwatch-observability add-on runs in the cluster. The budget filters on
// the environment cost allocation tag, which must be activated once in the billing
// console.
package alerting
