package rules

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// defaultClassMemoryGiB is the nominal memory of the RDS classes the platform may use
// (AWS instance class tables). DBInstanceClassMemory is that memory minus what the OS
// and RDS agents reserve, which AWS does not publish: usableMemoryPercent (default 90,
// as components/database assumes) models it. Set max_connections explicitly in the
// parameter group to make the check exact.
var defaultClassMemoryGiB = map[string]any{
	"db.t4g.micro": 1.0, "db.t4g.small": 2.0, "db.t4g.medium": 4.0, "db.t4g.large": 8.0, "db.t4g.xlarge": 16.0, "db.t4g.2xlarge": 32.0,
	"db.m7g.large": 8.0, "db.m7g.xlarge": 16.0, "db.m7g.2xlarge": 32.0, "db.m7g.4xlarge": 64.0, "db.m7g.8xlarge": 128.0, "db.m7g.12xlarge": 192.0, "db.m7g.16xlarge": 256.0,
	"db.r7g.large": 16.0, "db.r7g.xlarge": 32.0, "db.r7g.2xlarge": 64.0, "db.r7g.4xlarge": 128.0, "db.r7g.8xlarge": 256.0, "db.r7g.12xlarge": 384.0, "db.r7g.16xlarge": 512.0,
	"db.m6g.large": 8.0, "db.m6g.xlarge": 16.0, "db.m6g.2xlarge": 32.0, "db.r6g.large": 16.0, "db.r6g.xlarge": 32.0, "db.r6g.2xlarge": 64.0,
	"db.t3.micro": 1.0, "db.t3.small": 2.0, "db.t3.medium": 4.0, "db.t3.large": 8.0,
}

var pgbouncerConnectionBudget = Rule{
	ID: "pgbouncer-connection-budget", Number: 54, Severity: High, Anchors: "own (seed incident 1)",
	Description: "PgBouncer cannot exhaust PostgreSQL: peak pods (replicas, or the autoscaler's max, plus the rolling-update " +
		"maxSurge, default 25%) × poolsPerInstance × " +
		"(default_pool_size + reserve_pool_size from pgbouncer.ini, capped by max_db_connections) + otherClients " +
		"<= max_connections − margin. max_connections comes from the instance's parameter group, else " +
		"LEAST(DBInstanceClassMemory/9531392, 5000) with classMemoryGiB.",
	ResourceTypes: []string{tDeployment, tConfigMap, tRDSInstance, tRDSParamGroup, tHPA, tScaledObject},
	Params: []ParamSpec{
		{Name: "deploymentName", Type: ParamString, Default: "pgbouncer", Description: "metadata.name of the PgBouncer Deployment"},
		{Name: "configMapName", Type: ParamString, Default: "pgbouncer", Description: "metadata.name of the ConfigMap holding the ini"},
		{Name: "iniKey", Type: ParamString, Default: "pgbouncer.ini", Description: "data key of the ini in the ConfigMap"},
		{Name: "poolsPerInstance", Type: ParamInteger, Default: 1, Description: "database/user pairs each PgBouncer pools"},
		{Name: "otherClients", Type: ParamInteger, Default: 50, Description: "connections opened past PgBouncer (Temporal, migrations, admin); default as components/database"},
		{Name: "margin", Type: ParamInteger, Default: 15, Description: "connections kept free (superuser_reserved_connections, rds_superuser); default as components/database"},
		{Name: "classMemoryGiB", Type: ParamNumberMap, Default: defaultClassMemoryGiB, Description: "RDS class -> memory in GiB"},
		{Name: "usableMemoryPercent", Type: ParamNumber, Default: 90, Description: "share of the class memory counted as DBInstanceClassMemory"},
	},
	CheckStack: func(s Stack, p Params) []Finding {
		var dep *Resource
		for _, d := range s.ofType(tDeployment) {
			if k8sName(d) == p.String("deploymentName") {
				dep = &d
				break
			}
		}
		if dep == nil {
			return nil
		}
		var out []Finding
		for _, inst := range s.ofType(tRDSInstance) {
			if isSet(inst.in("replicateSourceDb")) || !isPostgres(inst) {
				continue
			}
			out = append(out, budget(s, *dep, inst, p)...)
		}
		return out
	},
}

func budget(s Stack, dep, inst Resource, p Params) []Finding {
	replicas, rpath, holder, f := pgbouncerReplicas(s, dep)
	if f != nil {
		return f
	}
	pool, reserve, capConn, secret, f := poolSizes(s, dep, p)
	if f != nil {
		return f
	}
	maxConn, source, f := maxConnections(s, inst, p)
	if f != nil {
		return f
	}
	perInstance := p.Number("poolsPerInstance") * (pool + reserve)
	if capConn > 0 && capConn < perInstance {
		perInstance = capConn
	}
	demand := replicas*perInstance + p.Number("otherClients")
	limit := maxConn - p.Number("margin")
	if demand <= limit {
		return nil
	}
	num := func(f float64) string {
		if secret {
			return "[secret]"
		}
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return []Finding{fail(holder, "%s = %g pods × %g pool(s) × (%s default_pool_size + %s reserve_pool_size) + %g other clients = %s > %g max_connections of %s (%s) − %g margin = %g; "+
		"lower the pool sizes or replicas, or raise max_connections / the instance class",
		rpath, replicas, p.Number("poolsPerInstance"), num(pool), num(reserve), p.Number("otherClients"), num(demand), maxConn, inst.label(), source, p.Number("margin"), limit)}
}

// pgbouncerReplicas returns the worst-case replica count: the autoscaler's max if one
// targets the Deployment, else spec.replicas (default 1).
func pgbouncerReplicas(s Stack, dep Resource) (float64, string, Resource, []Finding) {
	kind, _, maxV, a := autoscaler(s, dep)
	v, path, holder := dep.in("spec.replicas"), "spec.replicas", dep
	if kind == "HorizontalPodAutoscaler" {
		v, path, holder = maxV, "spec.maxReplicas", a
	} else if kind == "ScaledObject" {
		v, path, holder = maxV, "spec.maxReplicaCount", a
	}
	if v.IsUnknown() {
		return 0, "", holder, []Finding{unknown(holder, path, "the PgBouncer replica count")}
	}
	n, ok := v.Number()
	if !ok {
		n = 1
		if kind == "ScaledObject" {
			n = 100 // KEDA's default maxReplicaCount
		}
	}
	surge, desc := maxSurge(dep, n)
	return n + surge, path + " " + strconv.FormatFloat(n, 'f', -1, 64) + desc, holder, nil
}

// maxSurge is the extra pods a rolling update may add: spec.strategy.rollingUpdate.maxSurge
// (an int or a percentage rounded up; default 25%), 0 for the Recreate strategy.
func maxSurge(dep Resource, replicas float64) (float64, string) {
	if t, _ := dep.in("spec.strategy.type").String(); t == "Recreate" {
		return 0, ""
	}
	v := dep.in("spec.strategy.rollingUpdate.maxSurge")
	if !v.IsKnown() {
		v = valueOf(property.New("25%"))
	}
	n, ok := intOrPercent(v, replicas)
	if !ok || n <= 0 {
		return 0, ""
	}
	return n, " + " + strconv.FormatFloat(n, 'f', -1, 64) + " surge"
}

// poolSizes parses [pgbouncer] default_pool_size (default 20), reserve_pool_size
// (default 0) and max_db_connections (0 = unlimited) from the ConfigMap.
func poolSizes(s Stack, dep Resource, p Params) (pool, reserve, capConn float64, secret bool, f []Finding) {
	var cm *Resource
	for _, c := range s.ofType(tConfigMap) {
		if k8sName(c) == p.String("configMapName") {
			cm = &c
			break
		}
	}
	if cm == nil {
		return 0, 0, 0, false, []Finding{fail(dep, "no ConfigMap %q holds %s, so the pool sizes cannot be checked; keep the PgBouncer config in that ConfigMap",
			p.String("configMapName"), p.String("iniKey"))}
	}
	path := fmt.Sprintf("data[%q]", p.String("iniKey"))
	v := cm.in(path)
	if v.IsUnknown() {
		return 0, 0, 0, false, []Finding{unknown(*cm, path, "the PgBouncer pool sizes")}
	}
	ini, ok := v.String()
	if !ok {
		return 0, 0, 0, false, []Finding{fail(*cm, "%s is not set; put the PgBouncer ini there", path)}
	}
	vals := iniSection(ini, "pgbouncer")
	num := func(key string, def float64) float64 {
		if s, ok := vals[key]; ok {
			if n, err := strconv.ParseFloat(s, 64); err == nil {
				return n
			}
		}
		return def
	}
	return num("default_pool_size", 20), num("reserve_pool_size", 0), num("max_db_connections", 0), v.Secret(), nil
}

// iniSection returns the key = value pairs of one [section] of an ini file.
func iniSection(ini, section string) map[string]string {
	out := map[string]string{}
	in := false
	for _, line := range strings.Split(ini, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == ';' || line[0] == '#' {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			in = strings.EqualFold(strings.Trim(line, "[] "), section)
			continue
		}
		if k, v, ok := strings.Cut(line, "="); in && ok {
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out
}

// maxConnections resolves the instance's max_connections and says where it came from.
func maxConnections(s Stack, inst Resource, p Params) (float64, string, []Finding) {
	class := inst.in("instanceClass")
	g := attachedGroup(s, inst, tRDSParamGroup)
	if g.state == Unknown {
		return 0, "", []Finding{unknown(inst, "parameterGroupName", "max_connections")}
	}
	if g.res != nil {
		val, st := groupParam(*g.res, "max_connections")
		switch st {
		case Unknown:
			return 0, "", []Finding{unknown(*g.res, "parameters", "max_connections")}
		case Known:
			if n, err := strconv.ParseFloat(strings.TrimSpace(val.str), 64); err == nil {
				return n, "set in " + g.res.label(), nil
			}
			if d, ok := formulaDivisor(val.str); ok {
				mem, f := classMemory(inst, class, p)
				if f != nil {
					return 0, "", f
				}
				return math.Floor(mem / d), fmt.Sprintf("formula in %s over %s", g.res.label(), class.Display()), nil
			}
			return 0, "", []Finding{fail(*g.res, "parameters max_connections is %s, neither a number nor {DBInstanceClassMemory/N}; set a number",
				show(val.str, val.secret))}
		}
	}
	mem, f := classMemory(inst, class, p)
	if f != nil {
		return 0, "", f
	}
	return math.Min(math.Floor(mem/9531392), 5000), fmt.Sprintf("AWS default LEAST(DBInstanceClassMemory/9531392, 5000) for %s", class.Display()), nil
}

// formulaDivisor parses "{DBInstanceClassMemory/9531392}".
func formulaDivisor(s string) (float64, bool) {
	s = strings.Trim(strings.TrimSpace(s), "{}")
	rest, ok := strings.CutPrefix(s, "DBInstanceClassMemory/")
	if !ok {
		return 0, false
	}
	d, err := strconv.ParseFloat(rest, 64)
	return d, err == nil && d > 0
}

func classMemory(inst Resource, class Value, p Params) (float64, []Finding) {
	if class.IsUnknown() {
		return 0, []Finding{unknown(inst, "instanceClass", "the memory behind max_connections")}
	}
	c, _ := class.String()
	gib, ok := p.NumberMap("classMemoryGiB")[c]
	if !ok {
		return 0, []Finding{fail(inst, "instanceClass %s is not in classMemoryGiB, so max_connections cannot be derived; set max_connections in the parameter group "+
			"or add the class to the rule's classMemoryGiB parameter", class.Display())}
	}
	return gib * 1024 * 1024 * 1024 * p.Number("usableMemoryPercent") / 100, nil
}
