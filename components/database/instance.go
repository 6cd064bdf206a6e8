package database

import (
	"github.com/generic-corp/platform/internal/instanceclass"
	"github.com/generic-corp/platform/internal/naming"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	// caCertIdentifier is the RDS server CA: RSA 2048, valid to 2061, trusted by the
	// global bundle clients verify against.
	caCertIdentifier = "rds-ca-rsa2048-g1"
	// monitoringIntervalSeconds is the enhanced-monitoring granularity.
	monitoringIntervalSeconds = 60
)

// instanceDeps are what both instances are built on.
type instanceDeps struct {
	net        network
	params     *rds.ParameterGroup
	monitoring *iam.Role
	dependsOn  []pulumi.Resource // role attachment, log groups
}

// finalSnapshotID is "<identifier>-final-<8 hex>". The suffix comes from a RandomId
// whose keepers are what makes a new instance (identifier, restore source): it is stable
// for the life of one instance, so the input never drifts, and a new instance that reuses
// the identifier (a rebuild, a DR restore) gets a new suffix instead of colliding with
// the snapshot its predecessor left behind.
func (c *Postgres) finalSnapshotID(ctx *pulumi.Context, name, identifier string, a PostgresArgs) (pulumi.StringOutput, error) {
	keepers := pulumi.StringMap{"identifier": pulumi.String(identifier)}
	if a.RestoreSnapshotIdentifier != "" {
		keepers["snapshot"] = pulumi.String(a.RestoreSnapshotIdentifier)
	}
	if r := a.RestorePointInTime; r != nil {
		keepers["pitr"] = pulumi.String(r.SourceDbInstanceIdentifier + r.SourceDbInstanceAutomatedBackupsArn + r.RestoreTime)
	}
	id, err := random.NewRandomId(ctx, name+"-final-snapshot", &random.RandomIdArgs{
		ByteLength: pulumi.Int(4),
		Keepers:    keepers,
	}, pulumi.Parent(c))
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return pulumi.Sprintf("%s-final-%s", identifier, id.Hex), nil
}

func (c *Postgres) stateful(a PostgresArgs, deps []pulumi.Resource) []pulumi.ResourceOption {
	o := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.DependsOn(deps)}
	if a.Protect {
		o = append(o, pulumi.Protect(true))
	}
	return o
}

// newPrimary creates the primary instance.
func (c *Postgres) newPrimary(ctx *pulumi.Context, name, identifier string, a PostgresArgs, d instanceDeps) (*rds.Instance, error) {
	finalSnapshot, err := c.finalSnapshotID(ctx, name, identifier, a)
	if err != nil {
		return nil, err
	}
	args := &rds.InstanceArgs{
		Identifier:                         pulumi.String(identifier),
		InstanceClass:                      pulumi.String(a.InstanceClass),
		Engine:                             pulumi.String("postgres"),
		EngineVersion:                      pulumi.String(a.EngineVersion),
		Port:                               pulumi.Int(postgresPort),
		AllocatedStorage:                   pulumi.Int(a.AllocatedStorageGiB),
		MaxAllocatedStorage:                pulumi.Int(a.MaxAllocatedStorageGiB),
		StorageType:                        pulumi.String("gp3"),
		StorageEncrypted:                   pulumi.Bool(true),
		Password:                           pulumi.ToSecret(a.Password.ToStringOutput()).(pulumi.StringOutput),
		DbSubnetGroupName:                  d.net.subnetGroup.Name,
		VpcSecurityGroupIds:                pulumi.StringArray{d.net.securityGroup.ID().ToStringOutput()},
		ParameterGroupName:                 d.params.Name,
		BackupRetentionPeriod:              pulumi.Int(a.BackupRetentionDays),
		BackupWindow:                       pulumi.String(a.BackupWindow),
		MaintenanceWindow:                  pulumi.String(a.MaintenanceWindow),
		DeleteAutomatedBackups:             pulumi.Bool(false),
		MultiAz:                            pulumi.Bool(a.MultiAz),
		DeletionProtection:                 pulumi.Bool(a.DeletionProtection),
		SkipFinalSnapshot:                  pulumi.Bool(false),
		FinalSnapshotIdentifier:            finalSnapshot,
		CopyTagsToSnapshot:                 pulumi.Bool(true),
		AutoMinorVersionUpgrade:            pulumi.Bool(true),
		PubliclyAccessible:                 pulumi.Bool(false),
		IamDatabaseAuthenticationEnabled:   pulumi.Bool(true),
		CaCertIdentifier:                   pulumi.String(caCertIdentifier),
		PerformanceInsightsEnabled:         pulumi.Bool(true),
		PerformanceInsightsKmsKeyId:        a.KmsKeyArn.ToStringOutput(),
		PerformanceInsightsRetentionPeriod: pulumi.Int(instanceclass.PerformanceInsightsFreeRetentionDays()),
		MonitoringInterval:                 pulumi.Int(monitoringIntervalSeconds),
		MonitoringRoleArn:                  d.monitoring.Arn,
		EnabledCloudwatchLogsExports:       pulumi.ToStringArray(logExports),
		Tags:                               a.Tags.AWS(identifier),
	}
	// A restore takes no KMS key (the provider passes none to either restore call): the
	// instance keeps the key of the snapshot or backups, a DR copy's being the DR vault's.
	// Naming ours would differ from it in the state, and kmsKeyId forces a replacement,
	// so the next run would replace the restored, protected database.
	switch {
	case a.RestoreSnapshotIdentifier != "":
		// The snapshot brings its own database and master user. The password is still
		// set (applied after the restore) so it matches the secret PgBouncer reads.
		args.SnapshotIdentifier = pulumi.String(a.RestoreSnapshotIdentifier)
	case a.RestorePointInTime != nil:
		r := a.RestorePointInTime
		pitr := rds.InstanceRestoreToPointInTimeArgs{}
		if r.SourceDbInstanceIdentifier != "" {
			pitr.SourceDbInstanceIdentifier = pulumi.String(r.SourceDbInstanceIdentifier)
		} else {
			pitr.SourceDbInstanceAutomatedBackupsArn = pulumi.String(r.SourceDbInstanceAutomatedBackupsArn)
		}
		if r.UseLatestRestorableTime {
			pitr.UseLatestRestorableTime = pulumi.Bool(true)
		} else {
			pitr.RestoreTime = pulumi.String(r.RestoreTime)
		}
		args.RestoreToPointInTime = pitr
	default:
		args.KmsKeyId = a.KmsKeyArn.ToStringOutput()
		args.DbName = pulumi.String(a.DbName)
		args.Username = pulumi.String(a.Username)
	}
	return rds.NewInstance(ctx, name, args, c.stateful(a, d.dependsOn)...)
}

// newReplica creates a same-region read replica of primary. RDS takes the engine,
// storage size, database and users from the source; a replica cannot leave a final
// snapshot (RDS refuses one when deleting a replica), so it skips it; the primary's
// backups cover the data.
func (c *Postgres) newReplica(ctx *pulumi.Context, name string, a PostgresArgs, primary *rds.Instance, d instanceDeps) (*rds.Instance, error) {
	identifier := naming.Name(naming.MaxRDSIdentifier, a.NamePrefix, "postgres", "replica")
	return rds.NewInstance(ctx, name+"-replica", &rds.InstanceArgs{
		Identifier:                         pulumi.String(identifier),
		ReplicateSourceDb:                  primary.Identifier,
		InstanceClass:                      pulumi.String(a.InstanceClass),
		Port:                               pulumi.Int(postgresPort),
		MaxAllocatedStorage:                pulumi.Int(a.MaxAllocatedStorageGiB),
		StorageType:                        pulumi.String("gp3"),
		StorageEncrypted:                   pulumi.Bool(true),
		KmsKeyId:                           a.KmsKeyArn.ToStringOutput(),
		DbSubnetGroupName:                  d.net.subnetGroup.Name,
		VpcSecurityGroupIds:                pulumi.StringArray{d.net.securityGroup.ID().ToStringOutput()},
		ParameterGroupName:                 d.params.Name,
		MaintenanceWindow:                  pulumi.String(a.MaintenanceWindow),
		MultiAz:                            pulumi.Bool(false),
		DeletionProtection:                 pulumi.Bool(a.DeletionProtection),
		SkipFinalSnapshot:                  pulumi.Bool(true),
		CopyTagsToSnapshot:                 pulumi.Bool(true),
		AutoMinorVersionUpgrade:            pulumi.Bool(true),
		PubliclyAccessible:                 pulumi.Bool(false),
		IamDatabaseAuthenticationEnabled:   pulumi.Bool(true),
		CaCertIdentifier:                   pulumi.String(caCertIdentifier),
		PerformanceInsightsEnabled:         pulumi.Bool(true),
		PerformanceInsightsKmsKeyId:        a.KmsKeyArn.ToStringOutput(),
		PerformanceInsightsRetentionPeriod: pulumi.Int(instanceclass.PerformanceInsightsFreeRetentionDays()),
		MonitoringInterval:                 pulumi.Int(monitoringIntervalSeconds),
		MonitoringRoleArn:                  d.monitoring.Arn,
		EnabledCloudwatchLogsExports:       pulumi.ToStringArray(logExports),
		Tags:                               a.Tags.AWS(identifier),
	}, c.stateful(a, d.dependsOn)...)
}
