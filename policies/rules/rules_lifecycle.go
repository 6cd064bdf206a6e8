package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/generic-corp/platform/internal/lifecycle"
	"github.com/generic-corp/platform/internal/tokens"
)

// versionLifecycle judges every pinned version against internal/lifecycle on the run
// date: a version past its end of standard support fails (EKS bills extended support at
// six times the standard rate, or upgrades a STANDARD-policy cluster under the program so
// the next run fails), one within the table's warnDays of it warns, and a version the
// table does not list fails, so the table cannot fall behind what the program pins.
var versionLifecycle = Rule{
	ID: "version-lifecycle", Number: 70, Severity: High, Anchors: "EKS version lifecycle, RDS/ElastiCache release calendars",
	Description: "Every pinned version (EKS Kubernetes minor, RDS PostgreSQL engine, ElastiCache engine, EKS add-on build, Helm chart) " +
		"is listed in internal/lifecycle/lifecycle.json and in standard support on the run date; add-on builds and charts " +
		"also list the cluster's Kubernetes minor. Fails past the end of standard support, warns within the table's warnDays.",
	ResourceTypes: []string{tokens.EKSCluster, tokens.RDSInstance, tokens.ElastiCacheReplicationGroup, tokens.EKSAddon, tokens.K8sHelmChart, tokens.K8sHelmRelease},
	Params: []ParamSpec{{Name: "runDate", Type: ParamString, Optional: true,
		Description: "the day to judge (YYYY-MM-DD); set by the caller, default today (UTC) or $PLATFORM_RUN_DATE"}},
	CheckStack: func(s Stack, p Params) []Finding {
		t, err := lifecycle.Load()
		if err != nil {
			return []Finding{{Error: true, Message: "version-lifecycle: " + err.Error()}}
		}
		on, err := runDate(p)
		if err != nil {
			return []Finding{{Error: true, Message: "version-lifecycle: " + err.Error()}}
		}
		j := lifecycleJudge{t: t, on: on, kube: clusterMinors(s)}
		var out []Finding
		for _, r := range s.Resources {
			out = append(out, j.resource(r)...)
		}
		return out
	},
}

// runDate is the runDate parameter, else lifecycle.Today.
func runDate(p Params) (time.Time, error) {
	if p.Has("runDate") {
		d, err := lifecycle.ParseDate(p.String("runDate"))
		if err != nil {
			return time.Time{}, fmt.Errorf("parameter runDate %q: %w", p.String("runDate"), err)
		}
		return d, nil
	}
	return lifecycle.Today()
}

// clusterMinors maps each EKS cluster's name input to its Kubernetes minor ("" key: the
// stack's only cluster, for add-ons and charts that do not name one).
func clusterMinors(s Stack) map[string]Value {
	out := map[string]Value{}
	clusters := s.ofType(tokens.EKSCluster)
	for _, c := range clusters {
		if n, ok := c.in("name").String(); ok {
			out[n] = c.in("version")
		}
	}
	if len(clusters) == 1 {
		out[""] = clusters[0].in("version")
	}
	return out
}

type lifecycleJudge struct {
	t    *lifecycle.Table
	on   time.Time
	kube map[string]Value
}

func (j lifecycleJudge) resource(r Resource) []Finding {
	switch r.Type {
	case tokens.EKSCluster:
		return j.pinned(r, "version", lifecycle.EKS, "", "Kubernetes")
	case tokens.RDSInstance:
		if e, _ := r.in("engine").String(); e != "postgres" {
			return nil
		}
		return j.pinned(r, "engineVersion", lifecycle.RDSPostgres, "", "RDS for PostgreSQL")
	case tokens.ElastiCacheReplicationGroup:
		return j.pinned(r, "engineVersion", lifecycle.ElastiCache, "", "ElastiCache for Redis OSS")
	case tokens.EKSAddon:
		name, _ := r.in("addonName").String()
		cluster, _ := r.in("clusterName").String()
		return j.compatible(r, j.pinned(r, "addonVersion", lifecycle.EKSAddon, name, "EKS add-on "+name), "addonVersion", lifecycle.EKSAddon, name, cluster)
	case tokens.K8sHelmChart, tokens.K8sHelmRelease:
		name, _ := r.in("chart").String()
		return j.compatible(r, j.pinned(r, "version", lifecycle.HelmChart, name, "chart "+name), "version", lifecycle.HelmChart, name, "")
	}
	return nil
}

// pinned judges the version at path against the table.
func (j lifecycleJudge) pinned(r Resource, path, product, name, what string) []Finding {
	v := r.in(path)
	if v.IsUnknown() {
		return []Finding{unknown(r, path, "whether "+what+" is still supported")}
	}
	version, ok := v.String()
	if !ok || version == "" {
		return []Finding{fail(r, "%s is not set, so %s floats to whatever the provider picks and cannot be judged; pin it to a version listed in internal/lifecycle/lifecycle.json", path, what)}
	}
	e, found := j.find(product, name, version)
	if !found {
		return []Finding{fail(r, "%s %s %q is not in internal/lifecycle/lifecycle.json, so its support window is unknown; add it with its release and end-of-support dates and a source", what, path, version)}
	}
	st := j.t.Status(e, j.on)
	day := lifecycle.FormatDate(j.on)
	switch st.Phase {
	case lifecycle.Ended, lifecycle.Extended:
		f := fail(r, "%s %s left standard support on %s (%s before the run date %s)%s; pin %s", what, version,
			e.EndOfStandardSupport, days(-st.DaysLeft), day, extendedNote(product, st), j.successor(product, name))
		return []Finding{f}
	case lifecycle.EndingSoon:
		f := fail(r, "%s %s leaves standard support on %s, %s after the run date %s (warning from %d days); plan the move to %s",
			what, version, e.EndOfStandardSupport, days(st.DaysLeft), day, j.t.WarnDays, j.successor(product, name))
		f.Warning = true
		return []Finding{f}
	}
	return nil
}

// find looks a version up; an RDS minor ("16.4") not listed on its own is judged by
// its major's row.
func (j lifecycleJudge) find(product, name, version string) (lifecycle.Entry, bool) {
	if e, ok := j.t.Find(product, name, version); ok {
		return e, true
	}
	if product == lifecycle.RDSPostgres {
		if major, _, cut := strings.Cut(version, "."); cut {
			return j.t.Find(product, name, major)
		}
	}
	return lifecycle.Entry{}, false
}

// compatible adds a failure when an add-on build or chart does not list the cluster's
// Kubernetes minor (found by cluster name, else the stack's only cluster).
func (j lifecycleJudge) compatible(r Resource, prior []Finding, path, product, name, cluster string) []Finding {
	version, ok := r.in(path).String()
	e, found := j.t.Find(product, name, version)
	kube, known := j.kube[cluster]
	if !ok || !found || !known || len(e.Kubernetes) == 0 {
		return prior
	}
	if kube.IsUnknown() {
		return append(prior, unknown(r, "the cluster's version", "the "+name+" build's Kubernetes compatibility"))
	}
	minor, _ := kube.String()
	if !e.Supports(minor) {
		prior = append(prior, fail(r, "%s %s supports Kubernetes %s, not the cluster's %s (internal/lifecycle/lifecycle.json, %s); pin a build that lists %s",
			name, version, strings.Join(e.Kubernetes, ", "), minor, e.Source, minor))
	}
	return prior
}

// successor names the newest listed version in standard support on the run date.
func (j lifecycleJudge) successor(product, name string) string {
	e, err := j.t.NewestInStandardSupport(product, name, j.on)
	if err != nil {
		return "a newer version (none in the table is in standard support on that day: update the table)"
	}
	return fmt.Sprintf("%s (standard support to %s)", e.Version, orNone(e.EndOfStandardSupport))
}

func extendedNote(product string, st lifecycle.Status) string {
	switch {
	case product == lifecycle.EKS && st.Phase == lifecycle.Extended:
		return ": EKS now bills extended support per cluster hour, or upgrades a cluster whose upgradePolicy.supportType is STANDARD, and the next run then fails on the version it pins"
	case st.Phase == lifecycle.Extended:
		return ": it runs on paid extended support until " + st.Entry.EndOfExtendedSupport
	}
	return ""
}

func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

func orNone(d string) string {
	if d == "" {
		return "no published end"
	}
	return d
}
