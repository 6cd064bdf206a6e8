package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/components/alerting"
	"github.com/generic-corp/platform/components/audit"
	"github.com/generic-corp/platform/components/backup"
	"github.com/generic-corp/platform/components/cache"
)

// Ops is the operations layer: alerting, backups and the audit trail.
type Ops struct {
	Alerting *alerting.Alerting
	Backup   *backup.Backup
	Audit    *audit.Audit
}

// buildOps wires alarms to what they watch, backups to the database (selected by the
// backup=true tag and by ARN) with copies to the DR region, and the CloudTrail trail,
// whose CIS alarms page through the alerting topics.
func (p *Platform) buildOps(ctx *pulumi.Context, accountID string) error {
	cfg := p.Config
	prefix := cfg.NamePrefix()
	protect := cfg.Strict()
	o := &Ops{}
	p.Ops = o
	var err error

	api := &alerting.ApiAlarms{HealthCheckFqdn: cfg.Edge.ApiDomain()}
	if cfg.DR.PreProvisionedEdge() {
		// Route 53 publishes health-check metrics in us-east-1 only, so the alarm would
		// have to be created in the failed region; the load balancer alarms still page.
		api.HealthCheckFqdn = ""
	}
	if cfg.Ops.ApiLoadBalancerArnSuffix != "" {
		api.LoadBalancerArnSuffix = pulumi.String(cfg.Ops.ApiLoadBalancerArnSuffix)
	}
	if api.HealthCheckFqdn == "" && api.LoadBalancerArnSuffix == nil {
		api = nil // nothing to watch yet: the load balancer alarms need platform:apiLoadBalancerArnSuffix
	}
	nodes := 1 + cfg.Cache.Replicas
	redis := make([]alerting.RedisAlarms, 0, 2)
	for _, role := range []string{cache.RoleQueue, cache.RoleCache} {
		redis = append(redis, alerting.RedisAlarms{
			Name: role, ReplicationGroupId: p.Cache.Groups[role].ReplicationGroupId, Nodes: nodes,
			NoEviction: role == cache.RoleQueue,
		})
	}
	db := &alerting.DatabaseAlarms{
		InstanceIdentifier:  p.Database.InstanceIdentifier,
		AllocatedStorageGiB: cfg.Database.AllocatedGiB,
		MaxConnections:      p.Database.Budget.MaxConnections,
	}
	if cfg.Database.ReadReplica {
		db.ReplicaIdentifier = p.Database.ReplicaIdentifier
	}
	if o.Alerting, err = alerting.NewAlerting(ctx, "alerting", &alerting.AlertingArgs{
		NamePrefix: prefix, AccountId: pulumi.String(accountID), Region: cfg.Region,
		EmailAddresses: cfg.Ops.AlertEmails, Api: api, Database: db, Redis: redis,
		ClusterName: p.Cluster.ClusterName, BackupVaultName: pulumi.String(backup.VaultName(prefix)),
		MonthlyBudgetUSD: cfg.BudgetUSD, UsEast1Provider: p.Edge.EdgeProvider,
		Protect: protect, Tags: p.Tags,
	}); err != nil {
		return err
	}

	drProvider := p.DRProvider // the image and secret replicas use it too
	if o.Backup, err = backup.NewBackup(ctx, "backup", &backup.BackupArgs{
		NamePrefix: prefix, AccountId: pulumi.String(accountID), KmsKeyArn: p.Secrets.DataKeyArn,
		DRRegion: cfg.DRRegion, DRProvider: drProvider,
		RetentionDays:                cfg.Database.BackupRetentionDays,
		VaultLock:                    protect,
		Teardown:                     cfg.DR.RepeatableDrill,
		ResourceArns:                 pulumi.StringArray{p.Database.InstanceArn},
		NotificationTopicArn:         o.Alerting.InfoTopicArn,
		RestoreTestDbSubnetGroupName: p.Database.SubnetGroupName,
		RestoreTestSecurityGroupIds:  pulumi.StringArray{p.Database.SecurityGroupId},
		ReplicateRdsBackups:          cfg.Ops.ReplicateRdsBackups,
		RdsInstanceArn:               p.Database.InstanceArn,
		Protect:                      protect, Tags: p.Tags,
	}); err != nil {
		return err
	}

	o.Audit, err = audit.NewAudit(ctx, "audit", &audit.AuditArgs{
		NamePrefix: prefix, AccountId: pulumi.String(accountID), Region: cfg.Region,
		AccessLogBucket:  p.Edge.LogBucket.BucketName,
		CriticalTopicArn: o.Alerting.CriticalTopicArn, WarningTopicArn: o.Alerting.WarningTopicArn,
		Protect: protect, Teardown: cfg.DR.RepeatableDrill, Tags: p.Tags,
	})
	return err
}
