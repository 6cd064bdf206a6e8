package rules

import (
	"strconv"
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

var rdsEncrypted = Rule{
	ID: "rds-encrypted", Number: 1, Severity: High, Anchors: "AG, CRP, CK_AWS_16, TV",
	Description:   "RDS instances encrypt storage with a customer-managed KMS key (storageEncrypted + kmsKeyId; a snapshot restore keeps the snapshot's key).",
	ResourceTypes: []string{tokens.RDSInstance},
	CheckResource: func(r Resource, _ Params) []Finding {
		out := requireTrue(r, "storageEncrypted", "set storageEncrypted: true (it cannot be changed later without a snapshot restore)")
		if restoreSource(r) != "" && r.in("kmsKeyId").IsMissing() {
			// A restore takes no key: the instance is encrypted with the snapshot's or the
			// backups', which for a DR restore is the copy's (the DR vault's CMK, judged by
			// backup-vault-cmk). Naming a key would force a replacement later.
			return out
		}
		return append(out, cmkFindings(r, "kmsKeyId", "storage encryption")...)
	},
}

var rdsNotPublic = Rule{
	ID: "rds-not-public", Number: 2, Severity: Critical, Anchors: "AG, CRP, CK_AWS_17, TV",
	Description:   "RDS instances are not publicly accessible.",
	ResourceTypes: []string{tokens.RDSInstance},
	CheckResource: func(r Resource, _ Params) []Finding {
		v := r.in("publiclyAccessible")
		if v.IsUnknown() {
			return []Finding{unknown(r, "publiclyAccessible", "public accessibility")}
		}
		if b, _ := v.Bool(); b {
			return []Finding{fail(r, "publiclyAccessible is true; set publiclyAccessible: false and reach the database through the VPC")}
		}
		return nil
	},
}

var rdsBackupRetention = Rule{
	ID: "rds-backup-retention", Number: 3, Severity: Medium, Anchors: "AG, CRP, CK_AWS_133, TV",
	Description:   "RDS instances keep automated backups for at least the stack's minimum (read replicas are skipped).",
	ResourceTypes: []string{tokens.RDSInstance},
	Params: []ParamSpec{{
		Name: "minDays", Type: ParamInteger, Description: "minimum backupRetentionPeriod in days",
		Default: 7, StackDefaults: map[string]any{StackStaging: 7, StackProd: 30, StackDR: 30},
	}},
	CheckResource: func(r Resource, p Params) []Finding {
		if isSet(r.in("replicateSourceDb")) {
			return nil
		}
		floor := p.Number("minDays")
		v := r.in("backupRetentionPeriod")
		if v.IsUnknown() {
			return []Finding{unknown(r, "backupRetentionPeriod", "the backup retention")}
		}
		if n, ok := v.Number(); !ok || n < floor {
			return []Finding{fail(r, "backupRetentionPeriod is %s, below the minimum of %g days; set backupRetentionPeriod >= %g", v.Display(), floor, floor)}
		}
		return nil
	},
}

var rdsMultiAZ = Rule{
	ID: "rds-multi-az", Number: 4, Severity: Medium, ProdMandatory: true, Anchors: "AG, CK_AWS_157",
	Description:   "RDS instances are Multi-AZ.",
	ResourceTypes: []string{tokens.RDSInstance},
	CheckResource: func(r Resource, _ Params) []Finding {
		return requireTrue(r, "multiAz", "set multiAz: true so a standby in another AZ takes over on failure")
	},
}

var rdsDeletionProtection = Rule{
	ID: "rds-deletion-protection", Number: 5, Severity: Medium, ProdMandatory: true, Anchors: "CK_AWS_293, TV",
	Description:   "RDS instances have deletion protection and take a final snapshot.",
	ResourceTypes: []string{tokens.RDSInstance},
	CheckResource: func(r Resource, _ Params) []Finding {
		out := requireTrue(r, "deletionProtection", "set deletionProtection: true")
		skip := r.in("skipFinalSnapshot")
		switch b, _ := skip.Bool(); {
		case skip.IsUnknown():
			out = append(out, unknown(r, "skipFinalSnapshot", "whether a final snapshot is taken"))
		case b:
			out = append(out, fail(r, "skipFinalSnapshot is true; set skipFinalSnapshot: false and a unique finalSnapshotIdentifier"))
		case !isSet(r.in("finalSnapshotIdentifier")):
			out = append(out, fail(r, "finalSnapshotIdentifier is not set; set a unique finalSnapshotIdentifier so deletion keeps a snapshot"))
		}
		return out
	},
}

var rdsForceSSL = Rule{
	ID: "rds-force-ssl", Number: 6, Severity: High, Anchors: "CK2_AWS_69",
	Description: "The parameter group a PostgreSQL instance uses sets rds.force_ssl=1 (explicitly, or by the " +
		"postgres15+ default of a group that does not override it).",
	ResourceTypes: []string{tokens.RDSInstance, tokens.RDSParameterGroup},
	CheckStack: func(s Stack, _ Params) []Finding {
		var out []Finding
		for _, inst := range s.ofType(tokens.RDSInstance) {
			if !isPostgres(inst) {
				continue
			}
			g := attachedGroup(s, inst, tokens.RDSParameterGroup)
			switch g.state {
			case Unknown:
				out = append(out, unknown(inst, "parameterGroupName", "which parameter group (and so rds.force_ssl) the instance uses"))
				continue
			case Missing:
				if v := pgMajor(inst.in("engineVersion")); v < 15 {
					out = append(out, fail(inst, "parameterGroupName is not set and engineVersion %s predates the rds.force_ssl=1 default; "+
						"attach a parameter group with rds.force_ssl=1", inst.in("engineVersion").Display()))
				}
				continue
			}
			if g.res == nil {
				if !strings.HasPrefix(g.name, "default.") || familyMajor(strings.TrimPrefix(g.name, "default.")) < 15 {
					out = append(out, fail(inst, "parameterGroupName is %q, a group this stack does not manage, so rds.force_ssl cannot be "+
						"verified; attach an aws.rds.ParameterGroup with rds.force_ssl=1", g.name))
				}
				continue
			}
			val, st := groupParam(*g.res, "rds.force_ssl")
			switch {
			case st == Unknown:
				out = append(out, unknown(*g.res, "parameters", "rds.force_ssl"))
			case st == Missing:
				if familyMajor(strOf(g.res.in("family"))) < 15 {
					out = append(out, fail(*g.res, "parameters has no rds.force_ssl (family %s defaults to 0), used by %s; add {name: \"rds.force_ssl\", value: \"1\"}",
						g.res.in("family").Display(), inst.label()))
				}
			case strings.TrimSpace(val.str) != "1":
				out = append(out, fail(*g.res, "parameters rds.force_ssl is %s, used by %s; set it to \"1\"", show(val.str, val.secret), inst.label()))
			}
		}
		return out
	},
}

var rdsPerformanceInsights = Rule{
	ID: "rds-performance-insights", Number: 7, Severity: Low, Anchors: "CRP, CK_AWS_353/354",
	Description:   "RDS instances enable Performance Insights encrypted with a customer-managed KMS key.",
	ResourceTypes: []string{tokens.RDSInstance},
	CheckResource: func(r Resource, _ Params) []Finding {
		out := requireTrue(r, "performanceInsightsEnabled", "set performanceInsightsEnabled: true")
		if len(out) > 0 {
			return out
		}
		return cmkFindings(r, "performanceInsightsKmsKeyId", "Performance Insights")
	},
}

var rdsLogs = Rule{
	ID: "rds-logs", Number: 8, Severity: Low, Anchors: "CK_AWS_129",
	Description:   "PostgreSQL instances export the postgresql log to CloudWatch and set a slow-query threshold (log_min_duration_statement).",
	ResourceTypes: []string{tokens.RDSInstance, tokens.RDSParameterGroup},
	Params: []ParamSpec{
		{Name: "logExports", Type: ParamStringList, Description: "log types enabledCloudwatchLogsExports must include", Default: []string{"postgresql"}},
		{Name: "maxSlowQueryMs", Type: ParamInteger, Description: "highest acceptable log_min_duration_statement in ms", Default: 5000},
	},
	CheckStack: func(s Stack, p Params) []Finding {
		var out []Finding
		for _, inst := range s.ofType(tokens.RDSInstance) {
			if !isPostgres(inst) {
				continue
			}
			exports, st := inst.in("enabledCloudwatchLogsExports").StringList()
			if st == Unknown {
				out = append(out, unknown(inst, "enabledCloudwatchLogsExports", "the exported log types"))
			} else {
				for _, want := range p.StringList("logExports") {
					if !contains(exports, want) {
						out = append(out, fail(inst, "enabledCloudwatchLogsExports is %s, missing %q; add it", inst.in("enabledCloudwatchLogsExports").Display(), want))
					}
				}
			}
			out = append(out, slowQuery(s, inst, p.Number("maxSlowQueryMs"))...)
		}
		return out
	},
}

func slowQuery(s Stack, inst Resource, ceiling float64) []Finding {
	g := attachedGroup(s, inst, tokens.RDSParameterGroup)
	switch {
	case g.state == Unknown:
		return []Finding{unknown(inst, "parameterGroupName", "the slow-query threshold (log_min_duration_statement)")}
	case g.res == nil:
		return []Finding{fail(inst, "uses parameter group %s, which leaves log_min_duration_statement at -1 (off); attach a group that sets it (<= %g ms)",
			inst.in("parameterGroupName").Display(), ceiling)}
	}
	val, st := groupParam(*g.res, "log_min_duration_statement")
	switch {
	case st == Unknown:
		return []Finding{unknown(*g.res, "parameters", "log_min_duration_statement")}
	case st == Missing:
		return []Finding{fail(*g.res, "parameters has no log_min_duration_statement (slow queries are not logged), used by %s; set it (<= %g ms)", inst.label(), ceiling)}
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(val.str), 64)
	if err != nil || n < 0 || n > ceiling {
		return []Finding{fail(*g.res, "parameters log_min_duration_statement is %s, used by %s; set it between 0 and %g ms", show(val.str, val.secret), inst.label(), ceiling)}
	}
	return nil
}

var rdsMinorUpgrades = Rule{
	ID: "rds-minor-upgrades", Number: 9, Severity: Low, Anchors: "CK_AWS_226",
	Description:   "RDS instances keep automatic minor version upgrades on.",
	ResourceTypes: []string{tokens.RDSInstance},
	CheckResource: func(r Resource, _ Params) []Finding {
		v := r.in("autoMinorVersionUpgrade")
		if v.IsUnknown() {
			return []Finding{unknown(r, "autoMinorVersionUpgrade", "automatic minor upgrades")}
		}
		if b, ok := v.Bool(); ok && !b {
			return []Finding{fail(r, "autoMinorVersionUpgrade is false; remove it or set true so security patches apply in the maintenance window")}
		}
		return nil
	},
}

var rdsCopyTags = Rule{
	ID: "rds-copy-tags", Number: 10, Severity: Low, Anchors: "CK2_AWS_60",
	Description:   "RDS instances copy tags to snapshots.",
	ResourceTypes: []string{tokens.RDSInstance},
	CheckResource: func(r Resource, _ Params) []Finding {
		return requireTrue(r, "copyTagsToSnapshot", "set copyTagsToSnapshot: true so snapshots keep cost and backup tags")
	},
}

// groupRef is the parameter group an instance or replication group uses.
type groupRef struct {
	state State     // Missing: none set (engine default); Unknown: unresolvable
	res   *Resource // the group in this stack, nil for an external name
	name  string    // the known name when res is nil
}

func attachedGroup(s Stack, r Resource, groupType string) groupRef {
	v := r.in("parameterGroupName")
	if v.IsMissing() {
		return groupRef{state: Missing}
	}
	found, unresolved := referenced(s, r, "parameterGroupName", groupType, "name", "id")
	if len(found) > 0 {
		return groupRef{state: Known, res: &found[0]}
	}
	name, ok := v.String()
	if unresolved || !ok {
		return groupRef{state: Unknown}
	}
	return groupRef{state: Known, name: name}
}

type paramVal struct {
	str    string
	secret bool
}

// groupParam finds a named entry of a parameter group's `parameters` list.
func groupParam(g Resource, name string) (paramVal, State) {
	list := g.in("parameters")
	if list.IsUnknown() {
		return paramVal{}, Unknown
	}
	elems, _ := list.Array()
	for _, e := range elems {
		n := e.Get("name")
		if n.IsUnknown() {
			return paramVal{}, Unknown
		}
		if s, _ := n.String(); !strings.EqualFold(s, name) {
			continue
		}
		v := e.Get("value")
		if v.IsUnknown() {
			return paramVal{}, Unknown
		}
		if s, ok := v.String(); ok {
			return paramVal{str: s, secret: v.Secret()}, Known
		}
		if f, ok := v.Number(); ok {
			return paramVal{str: strconv.FormatFloat(f, 'f', -1, 64), secret: v.Secret()}, Known
		}
	}
	return paramVal{}, Missing
}

func isPostgres(r Resource) bool {
	e, ok := r.in("engine").String()
	return !ok || strings.Contains(e, "postgres")
}

// pgMajor parses the major version of "16.4" or "16"; 0 when unknown.
func pgMajor(v Value) int {
	s, _ := v.String()
	n, _ := strconv.Atoi(strings.SplitN(s, ".", 2)[0])
	return n
}

// familyMajor parses "postgres16" -> 16; 0 when it is not a postgres family.
func familyMajor(family string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(family, "postgres"))
	if err != nil || !strings.HasPrefix(family, "postgres") {
		return 0
	}
	return n
}

func strOf(v Value) string { s, _ := v.String(); return s }

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
