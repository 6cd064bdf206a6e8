package rules

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/generic-corp/platform/internal/tokens"
)

// The ElastiCache, EKS, Kubernetes and security-group behaviours of the day-2 catalogue
// (day2_behaviours.go).

// elasticachePatch: the provider reads engineVersion back as major.minor ("6.x" stays
// "6.x") once ElastiCache has patched the group; a program asking for less than the
// state forces a new group.
func elasticachePatch(_ Stack, r Resource) []day2Change {
	if on, ok := r.in("autoMinorVersionUpgrade").Bool(); ok && !on {
		return nil
	}
	engine, _ := r.in("engine").String()
	v, ok := r.in("engineVersion").String()
	seg := versionSegments(v)
	if !ok || len(seg) < 2 || (engine != "" && engine != "redis" && engine != "valkey") || seg[0] < 6 {
		return nil // Redis OSS below 6 has no automatic upgrades; the version is exact
	}
	state := v
	if !strings.HasSuffix(v, ".x") {
		state = fmt.Sprintf("%d.%d", seg[0], seg[1])
	}
	c := change("engineVersion", property.New(state))
	c.replaces = func(state, prog Value) bool {
		s, _ := state.String()
		p, ok := prog.String()
		return ok && versionLess(versionSegments(p), versionSegments(s))
	}
	return []day2Change{c}
}

// versionSegments parses "7.1", "7.1.2" or "6.x" (x sorts above every minor, as the
// provider's normalizeEngineVersion has it); nil when v is not a version.
func versionSegments(v string) []int {
	var out []int
	for _, p := range strings.Split(v, ".") {
		if p == "x" {
			out = append(out, math.MaxInt)
			continue
		}
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil
		}
		out = append(out, n)
	}
	return out
}

func versionLess(a, b []int) bool {
	for i := 0; i < max(len(a), len(b)); i++ {
		x, y := at(a, i), at(b, i)
		if x != y {
			return x < y
		}
	}
	return false
}

func at(s []int, i int) int {
	if i < len(s) {
		return s[i]
	}
	return 0
}

// autoscalerDesiredSize: a group whose maxSize is above its minSize is scaled inside
// that range.
func autoscalerDesiredSize(_ Stack, r Resource) []day2Change {
	lo, ok1 := r.in("scalingConfig.minSize").Number()
	hi, ok2 := r.in("scalingConfig.maxSize").Number()
	want, ok3 := r.in("scalingConfig.desiredSize").Number()
	if !ok1 || !ok2 || !ok3 || hi <= lo {
		return nil
	}
	return []day2Change{change("scalingConfig.desiredSize", property.New(otherCount(want, lo, hi)))}
}

// otherCount is a count in [lo, hi] other than n (an autoscaler's decision).
func otherCount(n, lo, hi float64) float64 {
	if n+1 <= hi {
		return math.Max(lo, n+1)
	}
	return math.Max(lo, n-1)
}

// hpaReplicas: an HPA in the workload's namespace targets it by kind and name.
func hpaReplicas(s Stack, r Resource) []day2Change {
	for _, h := range s.ofType(tokens.K8sHorizontalPodAutoscaler) {
		if scalesTarget(h, r, "") {
			lo, ok := h.in("spec.minReplicas").Number()
			if !ok {
				lo = 1 // the API's default
			}
			hi, _ := h.in("spec.maxReplicas").Number()
			return replicasDrift(r, lo, math.Max(lo, hi))
		}
	}
	return nil
}

// kedaReplicas: a ScaledObject's scaleTargetRef names the workload (kind Deployment
// when unset).
func kedaReplicas(s Stack, r Resource) []day2Change {
	for _, so := range s.ofType(tokens.K8sScaledObject) {
		if scalesTarget(so, r, "Deployment") {
			lo, ok := so.in("spec.minReplicaCount").Number()
			if !ok {
				lo = 0 // KEDA's default
			}
			hi, ok := so.in("spec.maxReplicaCount").Number()
			if !ok {
				hi = 100 // KEDA's default
			}
			return replicasDrift(r, lo, math.Max(lo, hi))
		}
	}
	return nil
}

// scalesTarget reports whether autoscaler a's spec.scaleTargetRef is workload r.
func scalesTarget(a, r Resource, defaultKind string) bool {
	ans, _ := k8sNamespace(a)
	rns, _ := k8sNamespace(r)
	name, _ := a.in("spec.scaleTargetRef.name").String()
	kind, ok := a.in("spec.scaleTargetRef.kind").String()
	if !ok {
		kind = defaultKind
	}
	return ans == rns && name != "" && name == k8sName(r) && kind == shortType(r.Type)
}

// replicasDrift: the autoscaler's count replaces the manifest's.
func replicasDrift(r Resource, lo, hi float64) []day2Change {
	n, ok := r.in("spec.replicas").Number()
	if !ok {
		return []day2Change{change("spec.replicas", property.New(lo))}
	}
	if lo == hi && n == lo {
		return nil // a fixed count: the autoscaler never moves it
	}
	return []day2Change{change("spec.replicas", property.New(otherCount(n, lo, hi)))}
}

// lbcIngressRules: the controller adds a rule to the security group it finds tagged
// kubernetes.io/cluster/<cluster> (or the only group of the node ENIs, which the launch
// templates name).
func lbcIngressRules(s Stack, r Resource) []day2Change {
	cluster := ""
	tags, _ := r.in("tags").Map()
	for k := range tags.All {
		// The smallest name wins, so the message is the same on every run.
		if c, ok := strings.CutPrefix(k, "kubernetes.io/cluster/"); ok && (cluster == "" || c < cluster) {
			cluster = c
		}
	}
	if cluster == "" {
		if lts, _ := referrers(s, r, tokens.EC2LaunchTemplate, "vpcSecurityGroupIds", "id"); len(lts) == 0 {
			return nil
		}
		cluster = "<cluster>"
	}
	rules := []property.Value{}
	if v := r.Inputs.Get("ingress"); v.IsArray() {
		rules = v.AsArray().AsSlice()
	}
	// The controller opens the targets' ports to its backend group; the full range
	// stands for whichever ports this stack's targets listen on.
	added := property.New(map[string]property.Value{
		"description":    property.New("elbv2.k8s.aws/targetGroupBinding=shared"),
		"protocol":       property.New("tcp"),
		"fromPort":       property.New(0.0),
		"toPort":         property.New(65535.0),
		"securityGroups": property.New([]property.Value{property.New("k8s-traffic-" + cluster)}),
	})
	c := change("ingress", property.New(append(rules, added)))
	c.note = fmt.Sprintf("the declared rules plus the controller's rule from its backend group k8s-traffic-%s", cluster)
	return []day2Change{c}
}
