package database

import (
	"fmt"
	"net"
	"net/url"
	"strconv"

	"github.com/generic-corp/platform/internal/instanceclass"
	"github.com/generic-corp/platform/internal/naming"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Type is the component's type token.
const Type = "platform:database:Postgres"

// Postgres is the RDS PostgreSQL instance, its network, parameters and monitoring, with
// the endpoint of the PgBouncer pool (NewPgBouncer) in front of it.
type Postgres struct {
	pulumi.ResourceState

	// Endpoint is the primary's "host:port".
	Endpoint pulumi.StringOutput
	// Address is the primary's DNS name.
	Address pulumi.StringOutput
	// Port is the primary's port (5432).
	Port pulumi.IntOutput
	// PooledHost is the PgBouncer Service DNS name, pgbouncer.<ns>.svc.cluster.local.
	PooledHost pulumi.StringOutput
	// PooledPort is the PgBouncer Service port (5432).
	PooledPort pulumi.IntOutput
	// DatabaseURL is postgresql://user:pass@address:port/db?sslmode=require (secret),
	// for migrations and anything that needs session semantics.
	DatabaseURL pulumi.StringOutput
	// DatabaseURLPooled is the same through PgBouncer (secret); sslmode=require when
	// PgBouncer.ClientTLSSecretName is set, else sslmode=disable (in-cluster hop).
	DatabaseURLPooled pulumi.StringOutput
	// InstanceIdentifier is the primary's identifier.
	InstanceIdentifier pulumi.StringOutput
	// InstanceArn is the primary's ARN (for backup selections and alarms).
	InstanceArn pulumi.StringOutput
	// SecurityGroupId is the database security group.
	SecurityGroupId pulumi.StringOutput
	// ParameterGroupName is the custom parameter group.
	ParameterGroupName pulumi.StringOutput
	// SubnetGroupName is the DB subnet group in the data tier (restore tests land there).
	SubnetGroupName pulumi.StringOutput
	// ReplicaEndpoint is the read replica's "host:port", "" without a replica.
	ReplicaEndpoint pulumi.StringOutput
	// ReplicaIdentifier is the read replica's identifier, "" without a replica.
	ReplicaIdentifier pulumi.StringOutput

	// MaxConnections is the max_connections set in the parameter group.
	MaxConnections pulumi.IntOutput
	// BudgetUsed and BudgetLimit are ConnectionBudget.Used() and Limit().
	BudgetUsed, BudgetLimit pulumi.IntOutput
	// Budget is the checked connection budget (plain, for the stack and reports).
	Budget ConnectionBudget
	// DbName and Username are the database and the application user (plain).
	DbName, Username string
}

// NewPostgres validates args, then creates the database tier.
func NewPostgres(ctx *pulumi.Context, name string, args *PostgresArgs, opts ...pulumi.ResourceOption) (*Postgres, error) {
	if args == nil {
		return nil, fmt.Errorf("database: args are required")
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, err
	}
	maxConns, err := instanceclass.MaxConnections(a.InstanceClass)
	if err != nil {
		return nil, fmt.Errorf("database: %w (please report: validate accepted it)", err)
	}

	c := &Postgres{Budget: a.budget(maxConns), DbName: a.DbName, Username: a.Username}
	if err := ctx.RegisterComponentResource(Type, name, c, opts...); err != nil {
		return nil, err
	}

	nw, err := c.newNetwork(ctx, name, a)
	if err != nil {
		return nil, err
	}
	params, err := c.newParameterGroup(ctx, name, a, maxConns)
	if err != nil {
		return nil, err
	}
	role, attach, err := c.newMonitoringRole(ctx, name, a)
	if err != nil {
		return nil, err
	}

	identifier := naming.Name(naming.MaxRDSIdentifier, a.NamePrefix, "postgres")
	logGroups, err := c.newLogGroups(ctx, name+"-logs", identifier, a)
	if err != nil {
		return nil, err
	}
	deps := instanceDeps{net: nw, params: params, monitoring: role, dependsOn: append([]pulumi.Resource{attach}, logGroups...)}
	primary, err := c.newPrimary(ctx, name, identifier, a, deps)
	if err != nil {
		return nil, err
	}

	c.ReplicaEndpoint = pulumi.String("").ToStringOutput()
	c.ReplicaIdentifier = pulumi.String("").ToStringOutput()
	if a.ReadReplica {
		replicaID := naming.Name(naming.MaxRDSIdentifier, a.NamePrefix, "postgres", "replica")
		replicaLogs, err := c.newLogGroups(ctx, name+"-replica-logs", replicaID, a)
		if err != nil {
			return nil, err
		}
		rdeps := deps
		rdeps.dependsOn = append([]pulumi.Resource{attach}, replicaLogs...)
		replica, err := c.newReplica(ctx, name, a, primary, rdeps)
		if err != nil {
			return nil, err
		}
		c.ReplicaEndpoint = replica.Endpoint
		c.ReplicaIdentifier = replica.Identifier
	}

	clientTLS := a.PgBouncer.ClientTLSSecretName != ""

	c.Endpoint, c.Address, c.Port = primary.Endpoint, primary.Address, primary.Port
	c.InstanceIdentifier, c.InstanceArn = primary.Identifier, primary.Arn
	c.SecurityGroupId = nw.securityGroup.ID().ToStringOutput()
	c.SubnetGroupName = nw.subnetGroup.Name
	c.ParameterGroupName = params.Name
	// Known at construction, so the pooled URL is known in preview although the
	// in-cluster layer runs the pool.
	c.PooledHost = pulumi.String(PgBouncerHost(a.Namespace)).ToStringOutput()
	c.PooledPort = pulumi.Int(postgresPort).ToIntOutput()
	c.MaxConnections = pulumi.Int(maxConns).ToIntOutput()
	c.BudgetUsed = pulumi.Int(c.Budget.Used()).ToIntOutput()
	c.BudgetLimit = pulumi.Int(c.Budget.Limit()).ToIntOutput()

	password := a.Password.ToStringOutput()
	c.DatabaseURL = databaseURL(a.Username, password, primary.Address, primary.Port, a.DbName, "require")
	pooledSSL := "disable"
	if clientTLS {
		pooledSSL = "require"
	}
	c.DatabaseURLPooled = databaseURL(a.Username, password, c.PooledHost, c.PooledPort, a.DbName, pooledSSL)

	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"endpoint":           c.Endpoint,
		"address":            c.Address,
		"port":               c.Port,
		"pooledHost":         c.PooledHost,
		"pooledPort":         c.PooledPort,
		"databaseUrl":        c.DatabaseURL,
		"databaseUrlPooled":  c.DatabaseURLPooled,
		"instanceIdentifier": c.InstanceIdentifier,
		"instanceArn":        c.InstanceArn,
		"securityGroupId":    c.SecurityGroupId,
		"parameterGroupName": c.ParameterGroupName,
		"replicaEndpoint":    c.ReplicaEndpoint,
		"replicaIdentifier":  c.ReplicaIdentifier,
		"maxConnections":     c.MaxConnections,
		"budgetReplicas":     pulumi.Int(c.Budget.Replicas),
		"budgetPoolSize":     pulumi.Int(c.Budget.DefaultPoolSize),
		"budgetReservePool":  pulumi.Int(c.Budget.ReservePoolSize),
		"budgetOtherClients": pulumi.Int(c.Budget.OtherClients),
		"budgetMargin":       pulumi.Int(c.Budget.Margin),
		"budgetUsed":         c.BudgetUsed,
		"budgetLimit":        c.BudgetLimit,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// databaseURL builds a libpq URL with the credentials escaped; it is always secret.
func databaseURL(user string, password, host pulumi.StringOutput, port pulumi.IntOutput, db, sslmode string) pulumi.StringOutput {
	u := pulumi.All(password, host, port).ApplyT(func(v []any) string {
		return (&url.URL{
			Scheme:   "postgresql",
			User:     url.UserPassword(user, v[0].(string)),
			Host:     net.JoinHostPort(v[1].(string), strconv.Itoa(v[2].(int))),
			Path:     "/" + db,
			RawQuery: "sslmode=" + sslmode,
		}).String()
	}).(pulumi.StringOutput)
	return pulumi.ToSecret(u).(pulumi.StringOutput)
}
