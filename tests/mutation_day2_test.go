package tests

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/policies/rules"
	"github.com/generic-corp/platform/policies/verdict"
)

// Mutations of the day-2 simulation: each undoes one fix that makes the second run
// converge, and the behaviour it guards must then report a replacement or a revert.

// day2Mutation changes a stack's program (both runs), or, with secondOnly, only the
// second run (a change made after AWS has acted).
type day2Mutation struct {
	name, stack, behaviour string
	secondOnly             bool
	apply                  func(p *plan.Plan) error
}

// nameDataKey sets the stack's data key on the primary instance, by value and by
// property dependency, as components/database once did for a restore too.
func nameDataKey(p *plan.Plan) error {
	key, err := named(p, kmsKey, "secrets-data", "")
	if err != nil {
		return err
	}
	db, err := named(p, rds, "database", "")
	if err != nil {
		return err
	}
	arn := key.Outputs.Get("arn")
	if !arn.IsString() {
		return fmt.Errorf("the data key has no arn output")
	}
	db.Inputs = db.Inputs.Set("kmsKeyId", arn)
	deps := map[string][]string{}
	for k, v := range db.PropertyDependencies {
		deps[k] = v
	}
	deps["kmsKeyId"] = []string{key.URN}
	db.PropertyDependencies = deps
	return nil
}

func dropIgnoreChanges(typ, name string) func(*plan.Plan) error {
	return func(p *plan.Plan) error {
		r, err := named(p, typ, name, "")
		if err != nil {
			return err
		}
		if len(r.IgnoreChanges) == 0 {
			return fmt.Errorf("%s %s ignores nothing", typ, name)
		}
		r.IgnoreChanges = nil
		return nil
	}
}

// setExact is setInput for the resource with exactly this logical name (setInput matches
// a name fragment: "worker" would also find temporal-worker).
func setExact(typ, name, path string, value any) func(*plan.Plan) error {
	return func(p *plan.Plan) error {
		r, err := named(p, typ, name, "")
		if err != nil {
			return err
		}
		r.Inputs = set(r.Inputs, path, pv(value))
		return nil
	}
}

var inlineIngress = []any{map[string]any{"protocol": "-1", "fromPort": 0, "toPort": 0, "self": true,
	"description": "Node to node"}}

func day2Mutations() []day2Mutation {
	return []day2Mutation{
		{"dr restore names the data key", "dr", "rds-restore-keeps-snapshot-key", false, nameDataKey},
		{"dr restore pins engine 16.6", "dr", "rds-restore-keeps-snapshot-engine-version", false, setExact(rds, "database", "engineVersion", "16.6")},
		{"prod database pins engine 16.6", "prod", "rds-auto-minor-upgrade", false, setExact(rds, "database", "engineVersion", "16.6")},
		{"second run switches storage autoscaling off", "prod", "rds-storage-autoscaling", true, deleteInput(rds, "database", "maxAllocatedStorage")},
		{"prod database pins its zone", "prod", "rds-multi-az-failover", false, setExact(rds, "database", "availabilityZone", "us-east-1a")},
		{"queue group pins a patch", "prod", "elasticache-auto-minor-upgrade", false, setExact(redis, "cache-queue", "engineVersion", "7.1.4")},
		{"second run lowers the cache group's version", "dr", "elasticache-auto-minor-upgrade", true, setExact(redis, "cache-cache", "engineVersion", "7.0")},
		{"node group owns desiredSize", "prod", "eks-autoscaler-desired-size", false, dropIgnoreChanges(nodeGroup, "cluster-general")},
		{"api Deployment sets replicas under its HPA", "prod", "k8s-hpa-replicas", false, setExact(deploy, "api", "spec.replicas", 2)},
		{"worker Deployment sets replicas under KEDA", "dr", "keda-replicas", false, setExact(deploy, "worker", "spec.replicas", 2)},
		{"node security group declares inline ingress", "prod", "lbc-backend-sg-rules", false, setExact(sgType, "cluster-nodes", "ingress", inlineIngress)},
	}
}

// day2PlanMutations are the program mutations of prod, for TestMutationsAreKilled.
func day2PlanMutations() []mutation {
	var out []mutation
	for _, m := range day2Mutations() {
		if m.stack == "prod" && !m.secondOnly {
			out = append(out, mutation{"day 2: " + m.name, "day2-converges", m.apply})
		}
	}
	return out
}

func TestDay2MutationsAreKilled(t *testing.T) {
	covered := map[string]bool{}
	for _, m := range day2Mutations() {
		covered[m.behaviour] = true
		t.Run(m.name, func(t *testing.T) {
			base := capture(t, m.stack, plan.Update)
			baseline := failingKeys(rules.Day2(verdict.Stack(base), verdict.Stack(base)))
			mutated := clonePlan(base)
			require.NoError(t, m.apply(mutated))
			state := mutated
			if m.secondOnly {
				state = base
			}
			var caught []string
			for _, d := range rules.Day2(verdict.Stack(state), verdict.Stack(mutated)).Failing() {
				if k := day2Key(d); d.Behaviour.ID == m.behaviour && !baseline[k] {
					caught = append(caught, k+" "+d.Outcome.String())
				}
			}
			require.NotEmpty(t, caught, "mutation survived: %s reported nothing new", m.behaviour)
			t.Log(caught)
			if m.secondOnly {
				return
			}
			cfg := policyConfig(t, m.stack)
			before, err := verdict.Check(base, cfg)
			require.NoError(t, err)
			after, err := verdict.Check(mutated, cfg)
			require.NoError(t, err)
			require.True(t, hasNew(after.Findings, before.Findings, "day2-converges"), "the policy misses what the model finds")
		})
	}
	for _, b := range rules.Day2Behaviours() {
		require.True(t, covered[b.ID], "behaviour %s has no mutation", b.ID)
	}
}

func day2Key(d rules.Day2Diff) string { return d.Behaviour.ID + " " + d.Resource.URN + " " + d.Path }

func failingKeys(rep rules.Day2Report) map[string]bool {
	out := map[string]bool{}
	for _, d := range rep.Failing() {
		out[day2Key(d)] = true
	}
	return out
}
