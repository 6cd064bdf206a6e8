package tests

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/policies/rules"
	"github.com/generic-corp/platform/policies/verdict"
)

var svcEndpointRe = regexp.MustCompile(`([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?:(\d+)`)

// plainStrings lists every string in v.
func plainStrings(v property.Value) []string {
	switch {
	case v.IsString():
		return []string{v.AsString()}
	case v.IsArray():
		var out []string
		for _, e := range v.AsArray().AsSlice() {
			out = append(out, plainStrings(e)...)
		}
		return out
	case v.IsMap():
		var out []string
		for _, e := range v.AsMap().All {
			out = append(out, plainStrings(e)...)
		}
		return out
	}
	return nil
}

// TestFlowListIsComplete walks the prod plan independently of the flow model: every
// Service, every in-cluster endpoint a Kubernetes object is configured with, every data
// store and every monitor and Ingress must show up in the flow list, and all of it must be
// allowed.
func TestFlowListIsComplete(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p := capture(t, "prod", mode)
			flows := rules.Flows(verdict.Stack(p))
			has := func(pred func(rules.FlowVerdict) bool) bool { return slices.ContainsFunc(flows, pred) }
			for _, f := range flows {
				require.True(t, f.Allowed, "%v: egress %s, ingress %s, sg %s", f, f.Egress, f.Ingress, f.SecurityGroups)
			}
			require.Greater(t, len(flows), 60)

			for _, svc := range p.ByType(tokens.K8sService) {
				ns := str(svc.Input("metadata").AsMap().Get("namespace"))
				sel := svc.Input("spec.selector").AsMap()
				var targets []string
				for _, d := range p.ByType(tokens.K8sDeployment) {
					labels := d.Input("spec.template.metadata.labels").AsMap()
					match := true
					for k, v := range sel.All {
						if !labels.Get(k).Equals(v) {
							match = false
						}
					}
					if match && str(d.Input("metadata").AsMap().Get("namespace")) == ns {
						targets = append(targets, ns+"/"+str(d.Input("metadata").AsMap().Get("name")))
					}
				}
				require.NotEmpty(t, targets, "Service %s selects no Deployment", svc.Name)
				for _, target := range targets {
					require.True(t, has(func(f rules.FlowVerdict) bool { return f.To == target }), "no flow reaches %s (Service %s)", target, svc.Name)
				}
			}

			for _, r := range p.Resources {
				if !strings.HasPrefix(r.Type, "kubernetes:") || r.Type == tokens.K8sHelmChart {
					continue
				}
				for _, s := range plainStrings(property.New(r.Inputs)) {
					for _, hit := range svcEndpointRe.FindAllStringSubmatch(s, -1) {
						port, _ := strconv.Atoi(hit[4])
						ns := hit[2]
						require.True(t, has(func(f rules.FlowVerdict) bool { return strings.HasPrefix(f.To, ns+"/") && f.Port == port }),
							"%s is configured with %s, but no flow reaches %s on %d", r.Name, hit[0], ns, port)
					}
				}
			}

			for _, typ := range []string{tokens.RDSInstance, tokens.ElastiCacheReplicationGroup} {
				for _, store := range p.ByType(typ) {
					if store.Input("replicateSourceDb").IsString() {
						continue
					}
					label := map[string]string{tokens.RDSInstance: "rds.Instance", tokens.ElastiCacheReplicationGroup: "elasticache.ReplicationGroup"}[typ]
					want := fmt.Sprintf("%s %q", label, store.Name)
					require.True(t, has(func(f rules.FlowVerdict) bool { return f.To == want && f.SecurityGroups != "" }), "no flow reaches %s", want)
				}
			}

			for _, typ := range []string{tokens.K8sServiceMonitor, tokens.K8sPodMonitor,
				tokens.K8sIngress} {
				for _, r := range p.ByType(typ) {
					name := str(r.Input("metadata").AsMap().Get("name"))
					require.True(t, has(func(f rules.FlowVerdict) bool { return strings.Contains(f.Why, name) }), "no flow comes from %s %s", typ, name)
				}
			}
			for _, want := range []string{"temporal/web", "temporal/frontend", "kube-system/coredns"} {
				require.True(t, has(func(f rules.FlowVerdict) bool { return f.To == want }), "no flow reaches %s", want)
			}
		})
	}
}
