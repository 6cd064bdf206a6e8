package database

import (
	"strings"
	"testing"

	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
)

const (
	tInstance   = "aws:rds/instance:Instance"
	tParams     = "aws:rds/parameterGroup:ParameterGroup"
	tSubnets    = "aws:rds/subnetGroup:SubnetGroup"
	tSG         = "aws:ec2/securityGroup:SecurityGroup"
	tIngress    = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	tRole       = "aws:iam/role:Role"
	tAttach     = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	tLogGroup   = "aws:cloudwatch/logGroup:LogGroup"
	tDeployment = "kubernetes:apps/v1:Deployment"
	tPDB        = "kubernetes:policy/v1:PodDisruptionBudget"
	tService    = "kubernetes:core/v1:Service"
	tConfigMap  = "kubernetes:core/v1:ConfigMap"
	tNamespace  = "kubernetes:core/v1:Namespace"
	tExternal   = "kubernetes:external-secrets.io/v1:ExternalSecret"

	testPassword = plan.FakeSecretPrefix + "db-password"
	testKey      = "arn:aws:kms:us-east-1:123456789012:key/data"
	testLogsKey  = "arn:aws:kms:us-east-1:123456789012:key/logs"
)

// program builds the component; mutate adjusts the args.
func program(mutate func(a *PostgresArgs)) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		a := &PostgresArgs{
			NamePrefix:              "platform-test",
			InstanceClass:           "db.m6g.large",
			Password:                pulumi.ToSecret(pulumi.String(testPassword)).(pulumi.StringOutput),
			KmsKeyArn:               pulumi.String(testKey),
			DataSubnetIds:           pulumi.StringArray{pulumi.String("subnet-a"), pulumi.String("subnet-b")},
			VpcId:                   pulumi.String("vpc-1"),
			AllowedSecurityGroupIds: pulumi.StringArray{pulumi.String("sg-nodes"), pulumi.String("sg-pods")},
			Tags:                    tags.New("test", "platform", "platform-team", "cc-1", nil),
		}
		if mutate != nil {
			mutate(a)
		}
		pg, err := NewPostgres(ctx, "db", a)
		if err != nil {
			return err
		}
		ctx.Export("databaseUrl", pg.DatabaseURL)
		ctx.Export("databaseUrlPooled", pg.DatabaseURLPooled)
		return nil
	}
}

func capture(t *testing.T, mode plan.Mode, mutate func(a *PostgresArgs)) *plan.Plan {
	t.Helper()
	p, err := plan.Capture(program(mutate), plan.Options{Mode: mode})
	require.NoError(t, err)
	return p
}

func prod(a *PostgresArgs) {
	a.MultiAz = true
	a.DeletionProtection = true
	a.Protect = true
	a.BackupRetentionDays = 30
	a.ReadReplica = true
	a.LogsKmsKeyArn = pulumi.String(testLogsKey)
}

func primary(t *testing.T, p *plan.Plan) *plan.Resource {
	t.Helper()
	r := p.Named(tInstance, "db")
	require.NotNil(t, r)
	return r
}

func TestPostgresUpdateProd(t *testing.T) {
	p := capture(t, plan.Update, prod)
	db := primary(t, p)
	sg := p.Named(tSG, "db")
	pg := p.Named(tParams, "db")
	require.NotNil(t, sg)
	require.NotNil(t, pg)

	t.Run("primary instance inputs", func(t *testing.T) {
		in := func(path string) property.Value { return db.Input(path) }
		require.Equal(t, "platform-test-postgres", testkit.Str(t, in("identifier")))
		require.Equal(t, "postgres", testkit.Str(t, in("engine")))
		require.Equal(t, "16", testkit.Str(t, in("engineVersion")))
		require.Equal(t, "db.m6g.large", testkit.Str(t, in("instanceClass")))
		require.True(t, in("storageEncrypted").AsBool())
		require.Equal(t, testKey, testkit.Str(t, in("kmsKeyId")))
		require.Equal(t, "gp3", testkit.Str(t, in("storageType")))
		require.Equal(t, 50, testkit.Int(t, in("allocatedStorage")))
		require.Equal(t, 500, testkit.Int(t, in("maxAllocatedStorage")))
		require.True(t, in("multiAz").AsBool())
		require.True(t, in("deletionProtection").AsBool())
		require.True(t, db.Protect, "Protect=true must protect the instance")
		require.Equal(t, 30, testkit.Int(t, in("backupRetentionPeriod")))
		require.Equal(t, DefaultBackupWindow, testkit.Str(t, in("backupWindow")))
		require.Equal(t, DefaultMaintenanceWindow, testkit.Str(t, in("maintenanceWindow")))
		require.False(t, in("skipFinalSnapshot").AsBool())
		require.Regexp(t, `^platform-test-postgres-final-[0-9a-f]{8}$`, testkit.Str(t, in("finalSnapshotIdentifier")))
		require.False(t, in("deleteAutomatedBackups").AsBool())
		require.True(t, in("performanceInsightsEnabled").AsBool())
		require.Equal(t, testKey, testkit.Str(t, in("performanceInsightsKmsKeyId")))
		require.Equal(t, 7, testkit.Int(t, in("performanceInsightsRetentionPeriod")))
		require.Equal(t, 60, testkit.Int(t, in("monitoringInterval")))
		require.Equal(t, testkit.Str(t, p.Named(tRole, "db-monitoring").Output("arn")), testkit.Str(t, in("monitoringRoleArn")))
		require.Equal(t, []string{"postgresql", "upgrade"}, testkit.Strs(t, in("enabledCloudwatchLogsExports")))
		require.True(t, in("copyTagsToSnapshot").AsBool())
		require.True(t, in("autoMinorVersionUpgrade").AsBool())
		require.False(t, in("publiclyAccessible").AsBool())
		require.True(t, in("iamDatabaseAuthenticationEnabled").AsBool())
		require.Equal(t, "rds-ca-rsa2048-g1", testkit.Str(t, in("caCertIdentifier")))
		require.Equal(t, "app", testkit.Str(t, in("dbName")))
		require.Equal(t, "app", testkit.Str(t, in("username")))
		require.True(t, in("password").Secret(), "password must be secret")
		require.Equal(t, testkit.Str(t, pg.Output("name")), testkit.Str(t, in("parameterGroupName")))
		require.Equal(t, []string{p.Named(tSG, "db").ID}, testkit.Strs(t, in("vpcSecurityGroupIds")))
		require.Equal(t, testkit.Str(t, p.Named(tSubnets, "db").Output("name")), testkit.Str(t, in("dbSubnetGroupName")))
		for _, k := range tags.Required {
			require.NotEmpty(t, testkit.Str(t, in("tags."+k)), k)
		}
	})

	t.Run("read replica", func(t *testing.T) {
		r := p.Named(tInstance, "db-replica")
		require.NotNil(t, r)
		require.Equal(t, testkit.Str(t, db.Output("identifier")), testkit.Str(t, r.Input("replicateSourceDb")))
		require.Equal(t, "db.m6g.large", testkit.Str(t, r.Input("instanceClass")))
		require.True(t, r.Input("storageEncrypted").AsBool())
		require.Equal(t, testKey, testkit.Str(t, r.Input("kmsKeyId")))
		require.True(t, r.Input("performanceInsightsEnabled").AsBool())
		require.Equal(t, testKey, testkit.Str(t, r.Input("performanceInsightsKmsKeyId")))
		require.True(t, r.Input("skipFinalSnapshot").AsBool(), "RDS refuses a final snapshot of a replica")
		require.False(t, r.Input("publiclyAccessible").AsBool())
		require.True(t, r.Input("username").IsNull(), "a replica inherits its users")
		require.True(t, r.Protect)
		comp := p.ByType(Type)[0]
		require.Contains(t, testkit.Str(t, comp.Output("replicaEndpoint")), "platform-test-postgres-replica")
	})

	t.Run("parameter group", func(t *testing.T) {
		require.Equal(t, "postgres16", testkit.Str(t, pg.Input("family")))
		got := map[string][2]string{}
		for _, e := range pg.Input("parameters").AsArray().AsSlice() {
			m := e.AsMap()
			got[m.Get("name").AsString()] = [2]string{m.Get("value").AsString(), m.Get("applyMethod").AsString()}
		}
		require.Equal(t, [2]string{"1", "immediate"}, got["rds.force_ssl"])
		require.Equal(t, [2]string{"500", "immediate"}, got["log_min_duration_statement"])
		require.Equal(t, "1", got["log_connections"][0])
		require.Equal(t, "1", got["log_disconnections"][0])
		require.Equal(t, [2]string{"811", "pending-reboot"}, got["max_connections"])
	})

	t.Run("security group admits only security groups", func(t *testing.T) {
		require.NotEmpty(t, testkit.Str(t, sg.Input("description")))
		require.True(t, sg.Input("ingress").IsNull(), "no inline ingress")
		require.True(t, sg.Input("egress").IsNull(), "no egress at all")
		rules := p.ByType(tIngress)
		require.Len(t, rules, 2)
		var sources []string
		for _, r := range rules {
			require.Equal(t, sg.ID, testkit.Str(t, r.Input("securityGroupId")))
			require.Equal(t, "tcp", testkit.Str(t, r.Input("ipProtocol")))
			require.Equal(t, 5432, testkit.Int(t, r.Input("fromPort")))
			require.Equal(t, 5432, testkit.Int(t, r.Input("toPort")))
			require.NotEmpty(t, testkit.Str(t, r.Input("description")))
			require.True(t, r.Input("cidrIpv4").IsNull())
			require.True(t, r.Input("cidrIpv6").IsNull())
			require.True(t, r.Input("prefixListId").IsNull())
			sources = append(sources, testkit.Str(t, r.Input("referencedSecurityGroupId")))
		}
		require.ElementsMatch(t, []string{"sg-nodes", "sg-pods"}, sources)
	})

	t.Run("monitoring role and log groups", func(t *testing.T) {
		role := p.Named(tRole, "db-monitoring")
		require.Contains(t, testkit.Str(t, role.Input("assumeRolePolicy")), `"Service":"monitoring.rds.amazonaws.com"`)
		require.Equal(t, "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
			testkit.Str(t, p.Named(tAttach, "db-monitoring").Input("policyArn")))
		var names []string
		for _, lg := range p.ByType(tLogGroup) {
			names = append(names, testkit.Str(t, lg.Input("name")))
			require.Equal(t, testLogsKey, testkit.Str(t, lg.Input("kmsKeyId")))
			require.Equal(t, 30, testkit.Int(t, lg.Input("retentionInDays")))
		}
		require.ElementsMatch(t, []string{
			"/aws/rds/instance/platform-test-postgres/postgresql", "/aws/rds/instance/platform-test-postgres/upgrade",
			"/aws/rds/instance/platform-test-postgres-replica/postgresql", "/aws/rds/instance/platform-test-postgres-replica/upgrade",
		}, names)
		require.Contains(t, db.Dependencies, p.Named(tLogGroup, "db-logs-postgresql").URN, "RDS must not create the group first")
	})

	t.Run("every taggable AWS resource carries the required tags", func(t *testing.T) {
		for _, r := range p.Resources {
			if !strings.HasPrefix(r.Type, "aws:") || r.Type == tAttach {
				continue
			}
			for _, k := range tags.Required {
				require.NotEmpty(t, testkit.Str(t, r.Input("tags."+k)), "%s tag %s", r.URN, k)
			}
		}
	})

	t.Run("secret outputs and no plaintext password", func(t *testing.T) {
		url := p.Outputs.Get("databaseUrl")
		require.True(t, url.Secret())
		require.Equal(t, "postgresql://app:"+testPassword+"@"+testkit.Str(t, db.Output("address"))+":5432/app?sslmode=require", url.AsString())
		pooled := p.Outputs.Get("databaseUrlPooled")
		require.True(t, pooled.Secret())
		require.Equal(t, "postgresql://app:"+testPassword+"@pgbouncer.data.svc.cluster.local:5432/app?sslmode=disable", pooled.AsString())
		comp := p.ByType(Type)[0]
		require.True(t, comp.Output("databaseUrl").Secret())
		require.True(t, comp.Output("databaseUrlPooled").Secret())
		testkit.RequireNoLeaks(t, p)
	})

	t.Run("budget outputs", func(t *testing.T) {
		comp := p.ByType(Type)[0]
		require.Equal(t, 811, testkit.Int(t, comp.Output("maxConnections")))
		require.Equal(t, 3, testkit.Int(t, comp.Output("budgetReplicas")), "2 replicas + 1 surge")
		require.Equal(t, 3*25+50, testkit.Int(t, comp.Output("budgetUsed")))
		require.Equal(t, 811-15, testkit.Int(t, comp.Output("budgetLimit")))
	})

	t.Run("children parented under the component", func(t *testing.T) {
		comp := p.ByType(Type)[0]
		for _, r := range p.Resources {
			if r == comp {
				continue
			}
			require.Equal(t, comp.URN, p.Component(p.Resource(r.Parent), "platform:database:Postgres").URN, r.URN)
		}
	})
}

func TestPostgresPreviewStaging(t *testing.T) {
	p := capture(t, plan.Preview, func(a *PostgresArgs) {
		a.InstanceClass = "db.t4g.medium"
		// a plain (non-secret) password must still never be stored in plaintext
		a.Password = pulumi.String(testPassword)
	})
	db := primary(t, p)
	require.False(t, db.Protect)
	require.False(t, db.Input("multiAz").AsBool())
	require.False(t, db.Input("deletionProtection").AsBool())
	require.Equal(t, 7, testkit.Int(t, db.Input("backupRetentionPeriod")))
	require.False(t, db.Input("skipFinalSnapshot").AsBool())
	require.True(t, db.Input("finalSnapshotIdentifier").IsComputed(), "the random suffix is unknown in preview")
	require.Equal(t, testKey, testkit.Str(t, db.Input("kmsKeyId")))
	require.True(t, db.Input("monitoringRoleArn").IsComputed())
	require.True(t, db.Input("password").Secret())
	require.Nil(t, p.Named(tInstance, "db-replica"))
	require.Empty(t, p.ByType(tLogGroup), "no logs key, no pre-created groups")

	for _, r := range p.ByType(tIngress) {
		require.True(t, r.Input("securityGroupId").IsComputed())
	}
	var maxConns string
	for _, e := range p.Named(tParams, "db").Input("parameters").AsArray().AsSlice() {
		if e.AsMap().Get("name").AsString() == "max_connections" {
			maxConns = e.AsMap().Get("value").AsString()
		}
	}
	require.Equal(t, "405", maxConns)

	url := p.Outputs.Get("databaseUrl")
	require.True(t, url.Secret())
	require.True(t, url.IsComputed() || strings.Contains(url.AsString(), "sslmode=require"))
	testkit.RequireNoLeaks(t, p)
}

func TestPostgresRestore(t *testing.T) {
	t.Run("from a snapshot", func(t *testing.T) {
		p := capture(t, plan.Update, func(a *PostgresArgs) { a.RestoreSnapshotIdentifier = "snap-2025-01-01" })
		db := primary(t, p)
		require.Equal(t, "snap-2025-01-01", testkit.Str(t, db.Input("snapshotIdentifier")))
		require.True(t, db.Input("username").IsNull(), "the snapshot brings its users")
		require.True(t, db.Input("dbName").IsNull())
		require.True(t, db.Input("password").Secret(), "the password is still reset to ours")
		require.True(t, db.Input("restoreToPointInTime").IsNull())
		// A restore takes no KMS key: the instance keeps the snapshot's. A key here
		// differs from it in the state, and kmsKeyId forces a replacement of the restored
		// (protected) database on the next run.
		require.True(t, db.Input("kmsKeyId").IsNull(), "a snapshot restore keeps the snapshot's key")
		require.True(t, db.Input("storageEncrypted").AsBool())
	})
	t.Run("to a point in time", func(t *testing.T) {
		p := capture(t, plan.Update, func(a *PostgresArgs) {
			a.RestorePointInTime = &RestorePointInTimeArgs{SourceDbInstanceIdentifier: "platform-prod-postgres", UseLatestRestorableTime: true}
		})
		db := primary(t, p)
		require.Equal(t, "platform-prod-postgres", testkit.Str(t, db.Input("restoreToPointInTime.sourceDbInstanceIdentifier")))
		require.True(t, db.Input("restoreToPointInTime.useLatestRestorableTime").AsBool())
		require.True(t, db.Input("restoreToPointInTime.restoreTime").IsNull())
		require.True(t, db.Input("snapshotIdentifier").IsNull())
		// The provider passes no key to RestoreDBInstanceToPointInTime either.
		require.True(t, db.Input("kmsKeyId").IsNull(), "a point-in-time restore keeps the backups' key")
	})
}
