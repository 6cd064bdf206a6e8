// Package tags owns the one stack-level tag set that every taggable AWS resource and
// every Kubernetes object of the platform carries (cost allocation, ownership, and the
// `managed-by` marker that drift and cost tooling key on).
package tags

import (
	"maps"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Required lists the keys that the cost-required-tags policy demands on every taggable
// AWS resource.
var Required = []string{"environment", "service", "owner", "cost-center"}

// Set is an immutable-by-convention tag set: methods return copies.
type Set map[string]string

// New builds the stack-level set. managed-by is always "pulumi" so that nothing created
// by hand can be mistaken for ours.
func New(environment, service, owner, costCenter string, extra map[string]string) Set {
	s := Set{}
	maps.Copy(s, extra)
	s["environment"] = environment
	s["service"] = service
	s["owner"] = owner
	s["cost-center"] = costCenter
	s["managed-by"] = "pulumi"
	return s
}

// With returns a copy with extra merged on top.
func (s Set) With(extra map[string]string) Set {
	out := make(Set, len(s)+len(extra))
	maps.Copy(out, s)
	maps.Copy(out, extra)
	return out
}

// AWS returns the tags for one AWS resource, with a Name tag so the console shows it.
func (s Set) AWS(name string) pulumi.StringMap {
	out := pulumi.StringMap{}
	for k, v := range s {
		out[k] = pulumi.String(v)
	}
	if name != "" {
		out["Name"] = pulumi.String(name)
	}
	return out
}

// Plain returns a copy as a plain map, for arguments typed map[string]string.
func (s Set) Plain() map[string]string { return maps.Clone(map[string]string(s)) }

var labelUnsafe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Labels returns the set as Kubernetes labels (keys prefixed to stay out of the
// well-known namespaces, values sanitised to the label syntax) plus the standard
// app.kubernetes.io labels for the given app and component.
func (s Set) Labels(app, component string) pulumi.StringMap {
	out := pulumi.StringMap{}
	for k, v := range s.LabelMap(app, component) {
		out[k] = pulumi.String(v)
	}
	return out
}

// LabelMap is Labels as a plain map, for selectors and tests.
func (s Set) LabelMap(app, component string) map[string]string {
	out := map[string]string{}
	for k, v := range s {
		out["platform.generic-corp.io/"+k] = labelValue(v)
	}
	out["app.kubernetes.io/name"] = labelValue(app)
	out["app.kubernetes.io/managed-by"] = "pulumi"
	out["app.kubernetes.io/part-of"] = "platform"
	if component != "" {
		out["app.kubernetes.io/component"] = labelValue(component)
	}
	return out
}

// Selector is the minimal, stable label set that selects an app's pods. It never
// includes tags that may change (a selector is immutable on a Deployment).
func Selector(app string) pulumi.StringMap {
	return pulumi.ToStringMap(SelectorMap(app))
}

// SelectorMap is Selector as plain labels (NetworkPolicy peers).
func SelectorMap(app string) map[string]string {
	return map[string]string{"app.kubernetes.io/name": labelValue(app)}
}

func labelValue(v string) string {
	v = labelUnsafe.ReplaceAllString(v, "-")
	v = strings.Trim(v, "-_.")
	if len(v) > 63 {
		v = strings.TrimRight(v[:63], "-_.")
	}
	return v
}
