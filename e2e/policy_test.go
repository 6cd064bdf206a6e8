//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
)

// The policy half of the tier: `pulumi preview` through the real engine with the pack
// binary passed to --policy-pack and a policy config passed to --policy-pack-config. The
// engine loads the binary as an analyzer plugin, configures it with the stack name (prod:
// the strictest defaults) and the config file, and blocks the preview on a mandatory
// violation. The bad variant proves the tier would notice a pack that stopped enforcing.

// prodPolicyConfig is the committed prod policy config.
func prodPolicyConfig(t *testing.T) string {
	t.Helper()
	p := filepath.Join(repoRoot(t), "policies", "config", "prod.json")
	require.FileExists(t, p)
	return p
}

// policyConfigWith writes a copy of the prod config in which each given rule exempts the
// rogue Deployment by logical name (the pack's per-rule "exceptions"), and returns its path.
func policyConfigWith(t *testing.T, exemptRules ...string) string {
	t.Helper()
	data, err := os.ReadFile(prodPolicyConfig(t))
	require.NoError(t, err)
	var cfg map[string]any
	require.NoError(t, json.Unmarshal(data, &cfg))
	for _, id := range exemptRules {
		entry, _ := cfg[id].(map[string]any)
		if entry == nil {
			entry = map[string]any{}
		}
		entry["exceptions"] = []any{map[string]any{"name": rogueName, "reason": "E2E-1 exception under test"}}
		cfg[id] = entry
	}
	out, err := json.MarshalIndent(cfg, "", "  ")
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "prod-with-exceptions.json")
	require.NoError(t, os.WriteFile(p, out, 0o600))
	return p
}

// previewWithPack previews program as stack prod with the pack and the config.
func previewWithPack(t *testing.T, program pulumi.RunFunc, config string) engineRun {
	t.Helper()
	s := newStack(t, "prod", program)
	pack := policyPack(t)
	run := preview(t, s, optpreview.PolicyPacks(pack), optpreview.PolicyPackConfigs(config))
	t.Logf("engine output:\n%s", run)
	// The engine ran the provider this tier built (an ambient plugin, found on PATH).
	require.Contains(t, run.out, "using pulumi-resource-kubernetes from $PATH at "+requireTools(t).provider)
	return run
}

// violationLines are the engine's report lines naming a rule at a level, e.g.
// "- [mandatory] [severity: high]  k8s-pss-restricted  (kubernetes:apps/v1:Deployment: rogue)".
func violationLines(out, rule string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if !strings.Contains(l, "[mandatory]") && !strings.Contains(l, "[advisory]") {
			continue
		}
		// Exact field match: "k8s-hygiene" must not match its "k8s-hygiene-unknown" companion.
		if slices.Contains(strings.Fields(l), rule) {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	return lines
}

func TestPolicyPackThroughEngine(t *testing.T) {
	requireTools(t)
	cases := []struct {
		name      string
		withRogue bool
		exempt    []string // rules whose config exempts the rogue Deployment
		wantFail  bool
		// mandatory are rules that must be reported as blocking ([mandatory]) for rogue;
		// exempted are rules that must be reported as "[exempted]" and not block.
		mandatory []string
		exempted  []string
	}{
		{name: "restricted workload passes prod policies", withRogue: false},
		{name: "privileged :latest workload fails", withRogue: true, wantFail: true,
			mandatory: []string{"k8s-pss-restricted", "k8s-hygiene"}},
		{name: "exception turns hygiene into exempted, PSS still blocks", withRogue: true, wantFail: true,
			exempt: []string{"k8s-hygiene"}, mandatory: []string{"k8s-pss-restricted"}, exempted: []string{"k8s-hygiene"}},
		{name: "exceptions for both rules let the preview pass", withRogue: true,
			exempt: []string{"k8s-hygiene", "k8s-pss-restricted"}, exempted: []string{"k8s-hygiene", "k8s-pss-restricted"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			config := prodPolicyConfig(t)
			if len(tc.exempt) > 0 {
				config = policyConfigWith(t, tc.exempt...)
			}
			run := previewWithPack(t, fixtureProgram(t.TempDir(), tc.withRogue), config)
			// The pack must have been loaded by the engine, not skipped.
			require.Contains(t, run.out, "platform@v0.1.0", "the engine's policy summary names the pack")
			if !tc.wantFail {
				require.NoError(t, run.err, "preview must pass")
			} else {
				require.Error(t, run.err, "preview must fail on a mandatory violation")
			}
			for _, id := range tc.mandatory {
				lines := violationLines(run.out, id)
				require.NotEmpty(t, lines, "rule %s reported", id)
				require.True(t, anyContains(lines, "[mandatory]"), "rule %s is mandatory in prod: %q", id, lines)
				require.True(t, anyContains(lines, rogueName) || strings.Contains(run.out, rogueName), "rule %s names %s", id, rogueName)
			}
			for _, id := range tc.exempted {
				lines := violationLines(run.out, id)
				require.NotEmpty(t, lines, "exempted rule %s still reported", id)
				require.True(t, anyContains(lines, "[advisory]"), "exempted rule %s is advisory: %q", id, lines)
				require.False(t, anyContains(lines, "[mandatory]"), "exempted rule %s must not block: %q", id, lines)
			}
			if len(tc.exempted) > 0 {
				require.Contains(t, run.out, "[exempted]")
				require.Contains(t, run.out, "E2E-1 exception under test", "the exception's reason is shown")
			} else {
				require.NotContains(t, run.out, "[exempted]")
			}
			if !tc.withRogue {
				require.NotContains(t, run.out, "k8s-pss-restricted")
				require.NotContains(t, run.out, "k8s-hygiene")
			}
		})
	}
}

func anyContains(lines []string, sub string) bool {
	for _, l := range lines {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}
