package cache

import (
	"maps"
	"slices"

	"github.com/generic-corp/platform/internal/naming"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elasticache"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// logTypes are the ElastiCache log streams delivered to CloudWatch: the slow log for
// latency incidents, the engine log for failovers, OOM and replication problems.
var logTypes = []string{"slow-log", "engine-log"}

// newGroup registers one replication group with its parameter group and log groups.
func newGroup(ctx *pulumi.Context, name string, parent pulumi.Resource, a RedisArgs, g GroupArgs, net *network) (*Group, error) {
	base := name + "-" + g.Name
	rgID := naming.Name(naming.MaxElastiCacheGroup, a.NamePrefix, g.Name)
	groupTags := a.Tags.With(map[string]string{"role": g.Role})

	params, err := newParameterGroup(ctx, base, parent, a, g, rgID)
	if err != nil {
		return nil, err
	}

	logs := elasticache.ReplicationGroupLogDeliveryConfigurationArray{}
	for _, lt := range logTypes {
		logName := "/aws/elasticache/" + rgID + "/" + lt
		lg, err := cloudwatch.NewLogGroup(ctx, base+"-"+lt, &cloudwatch.LogGroupArgs{
			Name:            pulumi.String(logName),
			RetentionInDays: pulumi.Int(a.LogRetentionDays),
			KmsKeyId:        a.LogsKmsKeyArn,
			Tags:            a.Tags.AWS(logName),
		}, pulumi.Parent(parent))
		if err != nil {
			return nil, err
		}
		logs = append(logs, elasticache.ReplicationGroupLogDeliveryConfigurationArgs{
			Destination:     lg.Name,
			DestinationType: pulumi.String("cloudwatch-logs"),
			LogFormat:       pulumi.String("json"),
			LogType:         pulumi.String(lt),
		})
	}

	replicas := *g.Replicas
	multiAz := *g.MultiAz
	rgArgs := &elasticache.ReplicationGroupArgs{
		ReplicationGroupId: pulumi.String(rgID),
		Description:        pulumi.String(g.Description),
		Engine:             pulumi.String("redis"),
		EngineVersion:      pulumi.String(a.EngineVersion),
		NodeType:           pulumi.String(g.NodeType),
		ClusterMode:        pulumi.String("disabled"),
		NumCacheClusters:   pulumi.Int(1 + replicas),
		// Multi-AZ without automatic failover is refused by AWS, and failover without
		// Multi-AZ can promote a replica in the failed AZ: one switch sets both.
		AutomaticFailoverEnabled:  pulumi.Bool(multiAz),
		MultiAzEnabled:            pulumi.Bool(multiAz),
		ParameterGroupName:        params.Name,
		Port:                      pulumi.Int(Port),
		SubnetGroupName:           net.subnetGroup.Name,
		SecurityGroupIds:          pulumi.StringArray{net.securityGroup.ID()},
		AtRestEncryptionEnabled:   pulumi.Bool(true),
		KmsKeyId:                  a.KmsKeyArn,
		TransitEncryptionEnabled:  pulumi.Bool(true),
		TransitEncryptionMode:     pulumi.String("required"),
		AuthToken:                 pulumi.ToSecret(g.AuthToken.ToStringOutput()).(pulumi.StringOutput).ToStringPtrOutput(),
		AuthTokenUpdateStrategy:   pulumi.String(a.AuthTokenUpdateStrategy),
		AutoMinorVersionUpgrade:   pulumi.Bool(true),
		SnapshotRetentionLimit:    pulumi.Int(a.SnapshotRetentionLimit),
		SnapshotWindow:            pulumi.String(a.SnapshotWindow),
		MaintenanceWindow:         pulumi.String(a.MaintenanceWindow),
		ApplyImmediately:          pulumi.Bool(a.ApplyImmediately),
		LogDeliveryConfigurations: logs,
		Tags:                      groupTags.AWS(rgID),
	}
	if g.SnapshotName != "" {
		rgArgs.SnapshotName = pulumi.String(g.SnapshotName)
	}
	if a.NotificationTopicArn != nil {
		rgArgs.NotificationTopicArn = a.NotificationTopicArn.ToStringOutput().ToStringPtrOutput()
	}
	if !a.SkipFinalSnapshot {
		suffix, err := finalSnapshotSuffix(ctx, base, parent, a, g, rgID)
		if err != nil {
			return nil, err
		}
		rgArgs.FinalSnapshotIdentifier = pulumi.Sprintf("%s-final-%s", rgID, suffix.Hex).ToStringPtrOutput()
	}

	// DeleteBeforeReplace: the replication group id is a fixed physical name, so a
	// replacement cannot be created while the old group still exists.
	rg, err := elasticache.NewReplicationGroup(ctx, base, rgArgs,
		pulumi.Parent(parent), pulumi.Protect(a.Protect), pulumi.DeleteBeforeReplace(true))
	if err != nil {
		return nil, err
	}

	return &Group{
		Role:            g.Role,
		PrimaryEndpoint: rg.PrimaryEndpointAddress,
		ReaderEndpoint:  rg.ReaderEndpointAddress,
		Port: rg.Port.ApplyT(func(p *int) int {
			if p == nil {
				return Port
			}
			return *p
		}).(pulumi.IntOutput),
		Arn:                rg.Arn,
		ReplicationGroupId: rg.ReplicationGroupId,
		MemberClusters:     rg.MemberClusters,
	}, nil
}

// newParameterGroup creates the group's redis7 parameter group. It is left to the
// provider to name (logical name plus a random suffix) so that a replacement, e.g. for a
// new family, is created and attached before the old one is deleted.
func newParameterGroup(ctx *pulumi.Context, base string, parent pulumi.Resource, a RedisArgs, g GroupArgs, rgID string) (*elasticache.ParameterGroup, error) {
	params := elasticache.ParameterGroupParameterArray{
		elasticache.ParameterGroupParameterArgs{Name: pulumi.String("maxmemory-policy"), Value: pulumi.String(g.MaxmemoryPolicy)},
	}
	for _, k := range slices.Sorted(maps.Keys(g.Parameters)) {
		params = append(params, elasticache.ParameterGroupParameterArgs{Name: pulumi.String(k), Value: pulumi.String(g.Parameters[k])})
	}
	return elasticache.NewParameterGroup(ctx, base+"-params", &elasticache.ParameterGroupArgs{
		Family:      pulumi.String("redis7"),
		Description: pulumi.String("Redis 7 " + g.Role + " parameters for " + rgID),
		Parameters:  params,
		Tags:        a.Tags.With(map[string]string{"role": g.Role}).AWS(rgID + "-params"),
	}, pulumi.Parent(parent))
}

// finalSnapshotSuffix makes the final snapshot name unique per incarnation of the group:
// a group deleted, re-created and deleted again would otherwise collide with its own
// earlier final snapshot and fail to delete. The keepers are the inputs whose change
// replaces the group, so a replacement gets a fresh suffix.
func finalSnapshotSuffix(ctx *pulumi.Context, base string, parent pulumi.Resource, a RedisArgs, g GroupArgs, rgID string) (*random.RandomId, error) {
	return random.NewRandomId(ctx, base+"-final-snapshot", &random.RandomIdArgs{
		ByteLength: pulumi.Int(4),
		Keepers: pulumi.StringMap{
			"replicationGroupId": pulumi.String(rgID),
			"kmsKeyArn":          a.KmsKeyArn,
			"snapshotName":       pulumi.String(g.SnapshotName),
		},
	}, pulumi.Parent(parent))
}
