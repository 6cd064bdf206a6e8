package tests

import (
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/policies/verdict"
)

// Mutations of the first-deploy rehearsal (issue 10): each breaks what the first deploy
// of an empty account needs, and the rehearsal rule must say so.

const (
	codebuildProject = tokens.CodeBuildProject
	ecrHostProd      = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
)

// setImage points the first container of the Deployment (or Job) named name at image.
func setImage(typ, name, image string) func(*plan.Plan) error {
	return func(p *plan.Plan) error {
		r, err := named(p, typ, name, "")
		if err != nil {
			return err
		}
		r.Inputs = set(r.Inputs, "spec.template.spec.containers[0].image", pv(image))
		return nil
	}
}

// runnerInDataSubnets moves the runner's project into the isolated data subnets (no NAT
// route), by value and by property dependency.
func runnerInDataSubnets(p *plan.Plan) error {
	proj, err := named(p, codebuildProject, "deployer", "")
	if err != nil {
		return err
	}
	var ids []any
	deps := map[string][]string{}
	maps.Copy(deps, proj.PropertyDependencies)
	var vc []string
	for _, u := range deps["vpcConfig"] {
		if strings.Contains(u, "network-private-") {
			u = strings.Replace(u, "network-private-", "network-data-", 1)
			if d := p.Resource(u); d != nil {
				ids = append(ids, d.ID)
			}
		}
		vc = append(vc, u)
	}
	if len(ids) == 0 {
		return fmt.Errorf("the runner's vpcConfig names no private subnet")
	}
	deps["vpcConfig"] = vc
	proj.PropertyDependencies = deps
	proj.Inputs = set(proj.Inputs, "vpcConfig.subnets", pv(ids))
	return nil
}

func rehearsalMutations() []mutation {
	return []mutation{
		{"eks endpoint public to an operator CIDR only, no private access", "deploy-endpoint-reachable", func(p *plan.Plan) error {
			for path, v := range map[string]any{"vpcConfig.endpointPrivateAccess": false, "vpcConfig.endpointPublicAccess": true,
				"vpcConfig.publicAccessCidrs": []any{"203.0.113.0/24"}} {
				if err := setInput(eks, "cluster", path, v)(p); err != nil {
					return err
				}
			}
			return nil
		}},
		{"private endpoint and the runner's project dropped", "deploy-endpoint-reachable", func(p *plan.Plan) error {
			if err := setInput(eks, "cluster", "vpcConfig.endpointPublicAccess", false)(p); err != nil {
				return err
			}
			return removeAll(codebuildProject)(p)
		}},
		{"runner not admitted to the control plane", "deploy-endpoint-reachable", removeNamed(ingress, "deployer-to-control-plane", "")},
		{"runner in the isolated data subnets", "deploy-endpoint-reachable", runnerInDataSubnets},
		{"api runs an image from ghcr.io", "deploy-artifacts-provided", setImage(deploy, "api", "ghcr.io/example/thing:1.0")},
		{"worker runs an ECR repository the plan lacks", "deploy-artifacts-provided",
			setImage(deploy, "worker", ecrHostProd+"/agent-platform-prod/thing:v1.0.0")},
		{"migrations repository renamed: the Job's image has no repository", "deploy-artifacts-provided", func(p *plan.Plan) error {
			return setInput(tokens.ECRRepository, "registry-migrations", "name", "agent-platform-prod/tools")(p)
		}},
		{"prod's zone becomes an undelegated subdomain", "deploy-zone-delegated", setInput(tZone, "dns-zone", "name", "prod.generic-corp.io")},
		{"anthropic key without a version", "deploy-secret-has-version", removeNamed(tSecretVersion, "secrets-anthropic-api-key", "")},
	}
}

// TestChildZoneWithoutDelegationIsCaught: the child stack's NS record is what delegates
// its zone; without it the rehearsal fails (prod's apex has none to remove, and dr
// writes into prod's zone).
func TestChildZoneWithoutDelegationIsCaught(t *testing.T) {
	for _, stack := range []string{"staging"} {
		t.Run(stack, func(t *testing.T) {
			base := capture(t, stack, plan.Preview)
			cfg := policyConfig(t, stack)
			baseline, err := verdict.Check(base, cfg)
			require.NoError(t, err)
			p := clonePlan(base)
			require.NoError(t, removeNamed(tRecord, "dns-delegation", "")(p))
			rep, err := verdict.Check(p, cfg)
			require.NoError(t, err)
			require.True(t, hasNew(rep.Findings, baseline.Findings, "deploy-zone-delegated"), "removing the NS record survived")
		})
	}
}

// TestRunnerMutationsKeepTheRestOfThePlan guards the mutation helpers: they change the
// copy only.
func TestRunnerMutationsKeepTheRestOfThePlan(t *testing.T) {
	base := capture(t, "prod", plan.Update)
	proj, err := named(base, codebuildProject, "deployer", "")
	require.NoError(t, err)
	before := strings.Join(proj.PropertyDependencies["vpcConfig"], ",")
	p := clonePlan(base)
	require.NoError(t, runnerInDataSubnets(p))
	require.Equal(t, before, strings.Join(proj.PropertyDependencies["vpcConfig"], ","), "the shared capture is untouched")
	moved, _ := named(p, codebuildProject, "deployer", "")
	require.Contains(t, strings.Join(moved.PropertyDependencies["vpcConfig"], ","), "network-data-")
	require.True(t, moved.Input("vpcConfig").AsMap().Get("subnets").IsArray())
}
