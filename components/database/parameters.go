package database

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/generic-corp/platform/internal/naming"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// SlowQueryMillis is log_min_duration_statement: the seed plan's slow-query threshold.
const SlowQueryMillis = 500

// logExports are the RDS log types shipped to CloudWatch Logs.
var logExports = []string{"postgresql", "upgrade"}

// engineFamily is the parameter group family of a validated EngineVersion ("16").
func engineFamily(engineVersion string) string {
	return "postgres" + strings.SplitN(engineVersion, ".", 2)[0]
}

type parameter struct {
	name, value string
	static      bool // static parameters only take effect after a reboot
}

// parameters are the settings we own. max_connections is explicit (the class default)
// so the connection budget can be checked from the plan; it is static, hence
// pending-reboot. The others are dynamic and apply immediately.
func parameters(maxConnections int) []parameter {
	return []parameter{
		{name: "rds.force_ssl", value: "1"},
		{name: "password_encryption", value: "scram-sha-256"},
		{name: "log_min_duration_statement", value: strconv.Itoa(SlowQueryMillis)},
		{name: "log_connections", value: "1"},
		{name: "log_disconnections", value: "1"},
		{name: "max_connections", value: strconv.Itoa(maxConnections), static: true},
	}
}

func (c *Postgres) newParameterGroup(ctx *pulumi.Context, name string, a PostgresArgs, maxConnections int) (*rds.ParameterGroup, error) {
	family := engineFamily(a.EngineVersion)
	// The family is part of the name: a major upgrade creates the new group before the
	// instance moves to it, and only then deletes the old one.
	physical := naming.Name(255, a.NamePrefix, family)
	params := rds.ParameterGroupParameterArray{}
	for _, p := range parameters(maxConnections) {
		method := "immediate"
		if p.static {
			method = "pending-reboot"
		}
		params = append(params, rds.ParameterGroupParameterArgs{
			Name:        pulumi.String(p.name),
			Value:       pulumi.String(p.value),
			ApplyMethod: pulumi.String(method),
		})
	}
	return rds.NewParameterGroup(ctx, name, &rds.ParameterGroupArgs{
		Name:        pulumi.String(physical),
		Family:      pulumi.String(family),
		Description: pulumi.String(fmt.Sprintf("%s PostgreSQL: TLS only, slow queries > %d ms logged, max_connections %d", a.NamePrefix, SlowQueryMillis, maxConnections)),
		Parameters:  params,
		Tags:        a.Tags.AWS(physical),
	}, pulumi.Parent(c))
}

// newMonitoringRole is the enhanced-monitoring role RDS assumes to publish OS metrics.
func (c *Postgres) newMonitoringRole(ctx *pulumi.Context, name string, a PostgresArgs) (*iam.Role, pulumi.Resource, error) {
	physical := naming.Name(naming.MaxIAMRole, a.NamePrefix, "rds-monitoring")
	trust, err := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": "monitoring.rds.amazonaws.com"},
			"Action":    "sts:AssumeRole",
		}},
	})
	if err != nil {
		return nil, nil, fmt.Errorf("database: rendering the monitoring trust policy (please report): %w", err)
	}
	role, err := iam.NewRole(ctx, name+"-monitoring", &iam.RoleArgs{
		Name:             pulumi.String(physical),
		Description:      pulumi.String("RDS enhanced monitoring of " + a.NamePrefix + " PostgreSQL"),
		AssumeRolePolicy: pulumi.String(string(trust)),
		Tags:             a.Tags.AWS(physical),
	}, pulumi.Parent(c))
	if err != nil {
		return nil, nil, err
	}
	attach, err := iam.NewRolePolicyAttachment(ctx, name+"-monitoring", &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: pulumi.String("arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"),
	}, pulumi.Parent(c))
	if err != nil {
		return nil, nil, err
	}
	return role, attach, nil
}

// newLogGroups pre-creates the log-export groups of one instance so that they are
// KMS-encrypted and expire; RDS would otherwise create them plain and forever.
func (c *Postgres) newLogGroups(ctx *pulumi.Context, name, identifier string, a PostgresArgs) ([]pulumi.Resource, error) {
	if a.LogsKmsKeyArn == nil {
		return nil, nil
	}
	var out []pulumi.Resource
	for _, kind := range logExports {
		group := fmt.Sprintf("/aws/rds/instance/%s/%s", identifier, kind)
		lg, err := cloudwatch.NewLogGroup(ctx, name+"-"+kind, &cloudwatch.LogGroupArgs{
			Name:            pulumi.String(group),
			RetentionInDays: pulumi.Int(a.LogRetentionDays),
			KmsKeyId:        a.LogsKmsKeyArn.ToStringOutput(),
			Tags:            a.Tags.AWS(group),
		}, pulumi.Parent(c))
		if err != nil {
			return nil, err
		}
		out = append(out, lg)
	}
	return out, nil
}
