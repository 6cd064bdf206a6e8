package alerting

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// RDS event categories by severity. The critical ones are the CloudWatch side of the
// seed's "database connection failures": the instance failed, failed over, stopped or
// restarted (availability), or is running out of storage.
var (
	rdsCriticalEvents = []string{"availability", "failover", "failure", "low storage"}
	rdsInfoEvents     = []string{"maintenance", "notification", "recovery", "configuration change"}
)

// rdsEvents subscribes the critical and info topics to the instance's (and replica's)
// RDS events.
func (c *Alerting) rdsEvents(ctx *pulumi.Context, name string, a AlertingArgs) error {
	db := a.Database
	if db == nil {
		return nil
	}
	sources := pulumi.StringArray{db.InstanceIdentifier}
	if db.ReplicaIdentifier != nil {
		sources = append(sources, db.ReplicaIdentifier)
	}
	for _, sub := range []struct {
		severity   string
		categories []string
	}{{Critical, rdsCriticalEvents}, {Info, rdsInfoEvents}} {
		physical := a.NamePrefix + "-rds-" + sub.severity
		if _, err := rds.NewEventSubscription(ctx, name+"-rds-"+sub.severity, &rds.EventSubscriptionArgs{
			Name:            pulumi.String(physical),
			SnsTopic:        c.topics[sub.severity].Arn,
			SourceType:      pulumi.String("db-instance"),
			SourceIds:       sources,
			EventCategories: pulumi.ToStringArray(sub.categories),
			Enabled:         pulumi.Bool(true),
			Tags:            a.Tags.AWS(physical),
		}, pulumi.Parent(c)); err != nil {
			return err
		}
	}
	return nil
}
