package rules

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/generic-corp/platform/internal/connbudget"
	"github.com/generic-corp/platform/internal/instanceclass"
	"github.com/generic-corp/platform/internal/tokens"
)

// defaultClassMemoryGiB is the nominal memory of every RDS class internal/instanceclass
// knows (AWS hardware table, sourced there). DBInstanceClassMemory is that memory minus
// what the OS and RDS agents reserve, which AWS does not publish: usableMemoryPercent
// (default from the same table, as components/database assumes) models it. Set
// max_connections explicitly in the parameter group to make the check exact.
func defaultClassMemoryGiB() map[string]any {
	out := map[string]any{}
	for class, gib := range instanceclass.RDSMemoryGiB() {
		out[class] = gib
	}
	return out
}

// defaultFormula is RDS for PostgreSQL's default max_connections, as text.
var defaultFormula = fmt.Sprintf("LEAST(DBInstanceClassMemory/%s, %d)",
	strconv.FormatFloat(instanceclass.Formula().BytesPerConnection, 'f', -1, 64), instanceclass.Formula().Cap)

var pgbouncerConnectionBudget = Rule{
	ID: "pgbouncer-connection-budget", Number: 54, Severity: High, Anchors: "own (seed incident 1)",
	Description: "PgBouncer cannot exhaust PostgreSQL: peak pods (replicas, or the autoscaler's max, plus the rolling-update " +
		"maxSurge, default 25%) × poolsPerInstance × " +
		"(default_pool_size + reserve_pool_size from pgbouncer.ini, capped by max_db_connections) + otherClients " +
		"<= max_connections − margin. max_connections comes from the instance's parameter group, else " +
		defaultFormula + " with classMemoryGiB.",
	ResourceTypes: []string{tokens.K8sDeployment, tokens.K8sConfigMap, tokens.RDSInstance, tokens.RDSParameterGroup, tokens.K8sHorizontalPodAutoscaler, tokens.K8sScaledObject},
	Params: []ParamSpec{
		{Name: "deploymentName", Type: ParamString, Default: "pgbouncer", Description: "metadata.name of the PgBouncer Deployment"},
		{Name: "configMapName", Type: ParamString, Default: "pgbouncer", Description: "metadata.name of the ConfigMap holding the ini"},
		{Name: "iniKey", Type: ParamString, Default: "pgbouncer.ini", Description: "data key of the ini in the ConfigMap"},
		{Name: "poolsPerInstance", Type: ParamInteger, Default: 1, Description: "database/user pairs each PgBouncer pools"},
		{Name: "otherClients", Type: ParamInteger, Default: connbudget.DefaultOtherClients, Description: "connections opened past PgBouncer (Temporal, migrations, admin); default as components/database"},
		{Name: "margin", Type: ParamInteger, Default: connbudget.DefaultMargin, Description: "connections kept free (superuser_reserved_connections, rds_superuser); default as components/database"},
		{Name: "classMemoryGiB", Type: ParamNumberMap, Default: defaultClassMemoryGiB(), Description: "RDS class -> memory in GiB"},
		{Name: "usableMemoryPercent", Type: ParamNumber, Default: instanceclass.Formula().UsableMemoryPercent, Description: "share of the class memory counted as DBInstanceClassMemory"},
	},
	CheckStack: func(s Stack, p Params) []Finding {
		var dep *Resource
		for _, d := range s.ofType(tokens.K8sDeployment) {
			if k8sName(d) == p.String("deploymentName") {
				dep = &d
				break
			}
		}
		if dep == nil {
			return nil
		}
		var out []Finding
		for _, inst := range s.ofType(tokens.RDSInstance) {
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
	b := connbudget.Budget{
		Replicas: int(replicas), PoolsPerPod: p.Int("poolsPerInstance"), DefaultPoolSize: int(pool), ReservePoolSize: int(reserve),
		MaxDBConnections: int(capConn), OtherClients: p.Int("otherClients"), Margin: p.Int("margin"), MaxConnections: int(maxConn),
	}
	if b.Used() <= b.Limit() {
		return nil
	}
	demand, limit := float64(b.Used()), float64(b.Limit())
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
	for _, c := range s.ofType(tokens.K8sConfigMap) {
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
	g := attachedGroup(s, inst, tokens.RDSParameterGroup)
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
				gib, f := classMemory(inst, class, p)
				if f != nil {
					return 0, "", f
				}
				usable := gib * (1 << 30) * p.Number("usableMemoryPercent") / 100
				return math.Floor(usable / d), fmt.Sprintf("formula in %s over %s", g.res.label(), class.Display()), nil
			}
			return 0, "", []Finding{fail(*g.res, "parameters max_connections is %s, neither a number nor {DBInstanceClassMemory/N}; set a number",
				show(val.str, val.secret))}
		}
	}
	gib, f := classMemory(inst, class, p)
	if f != nil {
		return 0, "", f
	}
	return float64(instanceclass.DefaultMaxConnections(gib, p.Number("usableMemoryPercent"))),
		fmt.Sprintf("AWS default %s for %s", defaultFormula, class.Display()), nil
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

// classMemory is the class's nominal memory in GiB, from the classMemoryGiB parameter.
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
	return gib, nil
}
