package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/components/backup"
	"github.com/generic-corp/platform/components/cache"
	"github.com/generic-corp/platform/components/database"
)

// buildDataStores creates PostgreSQL (with PgBouncer on the cluster) and the two Redis
// groups. Both admit traffic only from the cluster's security groups.
func (p *Platform) buildDataStores(ctx *pulumi.Context) error {
	cfg := p.Config
	prefix := cfg.NamePrefix()
	protect := cfg.Strict()
	var err error

	if p.Database, err = database.NewPostgres(ctx, "database", &database.PostgresArgs{
		NamePrefix:             prefix,
		InstanceClass:          cfg.Database.InstanceClass,
		EngineVersion:          cfg.Database.EngineVersion,
		AllocatedStorageGiB:    cfg.Database.AllocatedGiB,
		MaxAllocatedStorageGiB: cfg.Database.MaxAllocatedGiB,
		Username:               p.Secrets.DbUsername,
		Password:               p.Secrets.DbPassword,
		KmsKeyArn:              p.Secrets.DataKeyArn,
		DataSubnetIds:          p.Network.DataSubnetIds,
		VpcId:                  p.Network.VpcId,
		// Nodes and pods carry only the node security group (no security groups for pods).
		AllowedSecurityGroupIds:   pulumi.StringArray{p.Cluster.NodeSecurityGroupId},
		BackupRetentionDays:       cfg.Database.BackupRetentionDays,
		MultiAz:                   cfg.Database.MultiAz,
		DeletionProtection:        cfg.Database.DeletionProtection,
		Protect:                   protect,
		ReadReplica:               cfg.Database.ReadReplica,
		RestoreSnapshotIdentifier: cfg.Restore.SnapshotID,
		RestorePointInTime:        pointInTime(cfg.Restore),
		LogsKmsKeyArn:             p.Secrets.LogsKeyArn,
		LogRetentionDays:          cfg.LogRetentionDays,
		OtherClients:              cfg.OtherClients(),
		ConnectionMargin:          cfg.Database.ConnectionMargin,
		PgBouncer: database.PgBouncerArgs{
			Replicas:            cfg.Database.PgBouncerReplicas,
			DefaultPoolSize:     cfg.Database.DefaultPoolSize,
			ReservePoolSize:     cfg.Database.ReservePoolSize,
			ReservePoolSizeZero: cfg.Database.ReservePoolSize == 0,
			MaxClientConn:       cfg.Database.MaxClientConn,
		},
		// PgBouncer belongs to the in-cluster layer; the instance still reports the pooled URL.
		Namespace: nsData,
		// AWS Backup selects by this tag (and by ARN): a restored or renamed instance stays covered.
		Tags: p.Tags.With(map[string]string{backup.SelectionTagKey: backup.SelectionTagValue}),
	}); err != nil {
		return err
	}

	replicas := cfg.Cache.Replicas
	multiAz := cfg.Strict() && replicas > 0
	group := func(role, policy, nodeType, snapshot string) cache.GroupArgs {
		return cache.GroupArgs{
			Name:            role,
			Role:            role,
			MaxmemoryPolicy: policy,
			NodeType:        nodeType,
			Replicas:        &replicas,
			MultiAz:         &multiAz,
			AuthToken:       p.Secrets.RedisAuthTokens[role],
			SnapshotName:    snapshot,
		}
	}
	p.Cache, err = cache.NewRedis(ctx, "cache", &cache.RedisArgs{
		NamePrefix:              prefix,
		VpcId:                   p.Network.VpcId,
		DataSubnetIds:           p.Network.DataSubnetIds,
		AllowedSecurityGroupIds: map[string]pulumi.StringInput{"eks-nodes": p.Cluster.NodeSecurityGroupId},
		KmsKeyArn:               p.Secrets.DataKeyArn,
		LogsKmsKeyArn:           p.Secrets.LogsKeyArn,
		EngineVersion:           cfg.Cache.EngineVersion,
		SnapshotRetentionLimit:  cfg.Cache.SnapshotRetentionDays,
		LogRetentionDays:        cfg.LogRetentionDays,
		SkipFinalSnapshot:       !cfg.Strict(),
		Protect:                 protect,
		Tags:                    p.Tags,
		Groups: []cache.GroupArgs{
			group(cache.RoleQueue, "noeviction", cfg.Cache.QueueNodeType, cfg.Restore.RedisQueueSnapshot),
			group(cache.RoleCache, "allkeys-lru", cfg.Cache.CacheNodeType, cfg.Restore.RedisCacheSnapshot),
		},
	})
	return err
}

func pointInTime(r RestoreConfig) *database.RestorePointInTimeArgs {
	if r.PointInTime == "" {
		return nil
	}
	pit := &database.RestorePointInTimeArgs{SourceDbInstanceAutomatedBackupsArn: r.SourceBackupsArn}
	if r.PointInTime == "latest" {
		pit.UseLatestRestorableTime = true
	} else {
		pit.RestoreTime = r.PointInTime
	}
	return pit
}
