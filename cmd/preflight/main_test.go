package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/preflight"
)

const root = "../.."

// preflightRun runs the command in-process and returns its exit code and outputs.
func preflightRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// projectCopy copies what a capture reads (Pulumi.yaml, stack files, policy configs)
// into a temporary root, applying edits (relative path -> new content function).
func projectCopy(t *testing.T, dst string, edits map[string]func(string) string) string {
	t.Helper()
	if dst == "" {
		dst = t.TempDir()
	}
	var files []string
	for _, pattern := range []string{"Pulumi*.yaml", "policies/config/*.json"} {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		require.NoError(t, err)
		files = append(files, m...)
	}
	for _, f := range files {
		rel, err := filepath.Rel(root, f)
		require.NoError(t, err)
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		text := string(data)
		if edit := edits[rel]; edit != nil {
			text = edit(text)
		}
		out := filepath.Join(dst, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(out), 0o755))
		require.NoError(t, os.WriteFile(out, []byte(text), 0o644))
	}
	return dst
}

func replaceLine(key, value string) func(string) string {
	return func(s string) string {
		lines := strings.Split(s, "\n")
		for i, l := range lines {
			if strings.HasPrefix(strings.TrimSpace(l), key+":") {
				lines[i] = "  " + key + ": " + value
				return strings.Join(lines, "\n")
			}
		}
		panic("no line " + key)
	}
}

func TestCommittedStacksPass(t *testing.T) {
	for _, stack := range []string{"staging", "prod", "dr"} {
		t.Run(stack, func(t *testing.T) {
			code, out, errOut := preflightRun(t, "--stack", stack, "--root", root)
			require.Equal(t, exitOK, code, "stderr: %s", errOut)
			require.Contains(t, out, "preflight: stack "+stack+" (preview) - PASS")
			for _, section := range []string{"POLICY", "COST", "CRITICAL PATH", "INVENTORY"} {
				require.Contains(t, out, "\n"+section)
			}
		})
	}
}

func TestExitCodes(t *testing.T) {
	badConfig := projectCopy(t, "", map[string]func(string) string{
		"Pulumi.prod.yaml": replaceLine("platform:dbDeletionProtection", "false"),
	})
	// A prod policy config that makes a currently advisory finding mandatory.
	strictPolicy := projectCopy(t, "", map[string]func(string) string{
		"policies/config/prod.json": func(s string) string {
			// a floor above the pinned minor: a known, mandatory violation
			return strings.Replace(s, "{", `{"eks-version-floor": {"minVersion": "1.99"},`, 1)
		},
	})
	cases := []struct {
		name       string
		args       []string
		code       int
		stderrHas  []string
		stdoutHas  []string
		stdoutNone bool
	}{
		{name: "config error names the key", args: []string{"--stack", "prod", "--root", badConfig}, code: exitFail,
			stderrHas: []string{`stack "prod" has`, "platform:dbDeletionProtection", "rds-deletion-protection"}, stdoutNone: true},
		{name: "mandatory violation names the rule", args: []string{"--stack", "prod", "--root", strictPolicy}, code: exitFail,
			stderrHas: []string{"mandatory violation eks-version-floor"}, stdoutHas: []string{"- FAIL", "MANDATORY eks-version-floor"}},
		{name: "no-fail reports but exits 0", args: []string{"--stack", "prod", "--root", strictPolicy, "--no-fail"}, code: exitOK,
			stdoutHas: []string{"- FAIL"}},
		{name: "policy config flag", args: []string{"--stack", "prod", "--root", root, "--policy-config", filepath.Join(strictPolicy, "policies/config/prod.json")},
			code: exitFail, stderrHas: []string{"eks-version-floor"}},
		{name: "missing stack", args: []string{"--root", root}, code: exitUsage, stderrHas: []string{"--stack is required"}},
		{name: "unknown stack", args: []string{"--stack", "qa", "--root", root}, code: exitUsage,
			stderrHas: []string{"--stack qa: no Pulumi.qa.yaml", "dr, prod, staging"}},
		{name: "bad format", args: []string{"--stack", "prod", "--format", "xml"}, code: exitUsage, stderrHas: []string{`unknown format "xml"`}},
		{name: "bad mode", args: []string{"--stack", "prod", "--mode", "apply"}, code: exitUsage, stderrHas: []string{"--mode"}},
		{name: "bad graph target", args: []string{"--stack", "prod", "--graph", "g.png"}, code: exitUsage, stderrHas: []string{"want a .dot, .svg or .mmd"}},
		{name: "policy config with all", args: []string{"--stack", "all", "--policy-config", "x.json"}, code: exitUsage},
		{name: "stray argument", args: []string{"--stack", "prod", "extra"}, code: exitUsage, stderrHas: []string{`unexpected argument "extra"`}},
		{name: "diff base that is neither file nor ref", args: []string{"--stack", "prod", "--root", root, "--diff", "no-such-ref-or-file"},
			code: exitUsage, stderrHas: []string{"neither a saved JSON report nor a git ref"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := preflightRun(t, tc.args...)
			require.Equal(t, tc.code, code, "stdout: %.400s\nstderr: %s", out, errOut)
			for _, s := range tc.stderrHas {
				require.Contains(t, errOut, s)
			}
			for _, s := range tc.stdoutHas {
				require.Contains(t, out, s)
			}
			if tc.stdoutNone {
				require.Empty(t, out)
			}
		})
	}
}

// TestConfigErrorPrintedCleanly: a configuration error is printed exactly as stacks.Load
// words it: one list of every problem of the file (type and rule problems together), with
// no header of the Pulumi SDK's error wrapper; with --stack all, one list per stack.
func TestConfigErrorPrintedCleanly(t *testing.T) {
	one := projectCopy(t, "", map[string]func(string) string{
		"Pulumi.prod.yaml": replaceLine("platform:dbDeletionProtection", "false"),
	})
	code, out, errOut := preflightRun(t, "--stack", "prod", "--root", one)
	require.Equal(t, exitFail, code)
	require.Empty(t, out)
	require.Equal(t, `stack "prod" has 1 configuration problem; nothing was deployed:
  - platform:dbDeletionProtection: "false" must be true in prod (policy rds-deletion-protection)
`, errOut)

	two := projectCopy(t, "", map[string]func(string) string{
		"Pulumi.prod.yaml": func(s string) string {
			return replaceLine("platform:dbMultiAz", "false")(replaceLine("platform:nodeMinSize", "three")(s))
		},
		"Pulumi.staging.yaml": replaceLine("platform:natGateways", "2"),
	})
	code, out, errOut = preflightRun(t, "--stack", "all", "--root", two)
	require.Equal(t, exitFail, code)
	require.Empty(t, out)
	require.Equal(t, `stack "staging" has 1 configuration problem; nothing was deployed:
  - platform:natGateways: "2" must be 1 or one per availability zone (3)
stack "prod" has 2 configuration problems; nothing was deployed:
  - platform:nodeMinSize: "three" is not an integer (allowed: whole numbers 1 to 100)
  - platform:dbMultiAz: "false" must be true in prod (99.9% uptime needs a standby; policy rds-multi-az)
`, errOut)
}

func TestAllStacksSideBySide(t *testing.T) {
	code, out, errOut := preflightRun(t, "--stack", "all", "--root", root)
	require.Equal(t, exitOK, code, errOut)
	require.True(t, strings.HasPrefix(out, "STACK "), "a side-by-side table first")
	for _, s := range []string{"\nstaging ", "\nprod ", "\ndr "} {
		require.Contains(t, out, s)
	}
	require.Contains(t, out, "PARITY (staging / prod / dr): what differs besides sizes")
	require.Contains(t, out, "rds.Instance multiAz (1): staging=false  prod=true  dr=true")

	code, out, _ = preflightRun(t, "--stack", "all", "--root", root, "--format", "json")
	require.Equal(t, exitOK, code)
	reports, err := preflight.ReadJSON([]byte(out))
	require.NoError(t, err)
	require.Len(t, reports, 3)
	var doc struct{ Parity *preflight.Parity }
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	require.NotNil(t, doc.Parity)
}

// TestDiffAgainstASavedReport: save the JSON of the committed prod stack, change the
// Redis queue node type, and diff: the change and its cost delta show.
func TestDiffAgainstASavedReport(t *testing.T) {
	code, base, errOut := preflightRun(t, "--stack", "staging", "--root", root, "--format", "json")
	require.Equal(t, exitOK, code, errOut)
	saved := filepath.Join(t.TempDir(), "base.json")
	require.NoError(t, os.WriteFile(saved, []byte(base), 0o644))
	changed := projectCopy(t, "", map[string]func(string) string{
		"Pulumi.staging.yaml": replaceLine("platform:redisQueueNodeType", "cache.t4g.small"),
	})

	code, out, errOut := preflightRun(t, "--stack", "staging", "--root", changed, "--diff", saved)
	require.Equal(t, exitOK, code, errOut)
	require.Contains(t, out, "DIFF vs "+saved+": +0 ~1 -0; cost +$")
	require.Contains(t, out, `nodeType: "cache.t4g.micro" -> "cache.t4g.small"`)

	code, out, _ = preflightRun(t, "--stack", "staging", "--root", changed, "--diff", saved, "--format", "markdown")
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "+0 ~1 -0 vs `"+saved+"`, +$")

	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"hello": 1}`), 0o644))
	code, _, errOut = preflightRun(t, "--stack", "staging", "--root", root, "--diff", bad)
	require.Equal(t, exitUsage, code)
	require.Contains(t, errOut, "not a preflight JSON report")
}

func TestGraphOutputs(t *testing.T) {
	dir := t.TempDir()
	dotFile := filepath.Join(dir, "prod.dot")
	code, _, errOut := preflightRun(t, "--stack", "prod", "--root", root, "--graph", dotFile)
	require.Equal(t, exitOK, code, errOut)
	data, err := os.ReadFile(dotFile)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(data), `digraph "platform-prod" {`))
	require.True(t, strings.HasSuffix(string(data), "}\n"))

	code, _, errOut = preflightRun(t, "--stack", "all", "--root", root, "--graph", filepath.Join(dir, "g.mmd"), "--graph-level", "component")
	require.Equal(t, exitOK, code, errOut)
	for _, s := range []string{"staging", "prod", "dr"} {
		mmd, err := os.ReadFile(filepath.Join(dir, "g-"+s+".mmd"))
		require.NoError(t, err, "one graph per stack")
		require.True(t, strings.HasPrefix(string(mmd), "flowchart LR\n"))
	}

	code, out, _ := preflightRun(t, "--stack", "prod", "--root", root, "--graph", "mermaid", "--format", "markdown")
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "```mermaid\nflowchart LR\n")

	svg := filepath.Join(dir, "prod.svg")
	code, _, errOut = preflightRun(t, "--stack", "prod", "--root", root, "--graph", svg)
	if _, err := exec.LookPath("dot"); err != nil {
		require.Equal(t, exitUsage, code)
		require.Contains(t, errOut, "needs graphviz `dot`")
		return
	}
	require.Equal(t, exitOK, code, errOut)
	data, err = os.ReadFile(svg)
	require.NoError(t, err)
	require.Contains(t, string(data), "<svg")
}

// TestDiffRefusesWhatCannotChange diffs changed prod stack files against a saved report
// of the committed prod stack: a new VPC CIDR replaces the cluster and the data stores in
// it (all protected), and Temporal's shard count can never change; both fail the run.
func TestDiffRefusesWhatCannotChange(t *testing.T) {
	// The base is whatever the committed stack is; its own verdict is not this test's.
	code, base, errOut := preflightRun(t, "--stack", "prod", "--root", root, "--format", "json", "--no-fail")
	require.Equal(t, exitOK, code, errOut)
	saved := filepath.Join(t.TempDir(), "prod.json")
	require.NoError(t, os.WriteFile(saved, []byte(base), 0o644))
	bases, err := preflight.ReadJSON([]byte(base))
	require.NoError(t, err)
	baseMandatory := bases["prod"].Summary.Mandatory

	cases := []struct {
		name  string
		edit  func(string) string
		kinds map[string]int // refusals by kind
		key   string         // the refused config key
		// replaced are "type name" of resources that must be replaced.
		replaced []string
	}{
		{
			name: "a new VPC CIDR", edit: replaceLine("platform:vpcCidr", "10.31.0.0/16"),
			kinds: map[string]int{"immutable-setting": 1, "protected-replace": 4}, key: "platform:vpcCidr",
			replaced: []string{"aws:eks/cluster:Cluster cluster", "aws:rds/instance:Instance database",
				"aws:elasticache/replicationGroup:ReplicationGroup cache-queue", "aws:elasticache/replicationGroup:ReplicationGroup cache-cache"},
		},
		{
			name: "more Temporal history shards",
			edit: func(s string) string { // prod keeps the default (512); the file does not set it
				return strings.TrimRight(s, "\n") + "\n  platform:temporalHistoryShards: 1024\n"
			},
			kinds: map[string]int{"immutable-setting": 1}, key: "platform:temporalHistoryShards",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			changed := projectCopy(t, "", map[string]func(string) string{"Pulumi.prod.yaml": tc.edit})
			code, out, errOut := preflightRun(t, "--stack", "prod", "--root", changed, "--diff", saved, "--format", "json")
			require.Equal(t, exitFail, code, "a refused diff fails the run; stderr: %s", errOut)
			require.Contains(t, errOut, "preflight: prod: mandatory violation diff-immutable-setting on "+tc.key+": "+tc.key+" cannot change")
			reports, err := preflight.ReadJSON([]byte(out))
			require.NoError(t, err)
			r := reports["prod"]
			require.False(t, r.Summary.Pass)
			require.Equal(t, baseMandatory, r.Summary.Mandatory, "the change adds no policy finding: its refusals fail it")
			kinds := map[string]int{}
			for _, x := range r.Diff.Refusals {
				kinds[x.Kind]++
				if x.Kind == "protected-replace" {
					require.Contains(t, errOut, "mandatory violation diff-protected-replace on "+x.URN)
				}
			}
			require.Equal(t, tc.kinds, kinds)
			actions := map[string]string{}
			for _, c := range r.Diff.Changed {
				actions[c.Type+" "+c.Name] = c.Action
			}
			for _, want := range tc.replaced {
				require.Equal(t, "replace", actions[want], want)
			}
			require.Equal(t, len(tc.replaced), r.Diff.StatefulReplacements, "the cluster and the three data stores")

			code, _, _ = preflightRun(t, "--stack", "prod", "--root", changed, "--diff", saved, "--no-fail")
			require.Equal(t, exitOK, code, "--no-fail reports a refusal without failing")
		})
	}

	// The VPC case in the human formats: the refusal and the stateful replacements are loud.
	changed := projectCopy(t, "", map[string]func(string) string{"Pulumi.prod.yaml": cases[0].edit})
	code, out, _ := preflightRun(t, "--stack", "prod", "--root", changed, "--diff", saved)
	require.Equal(t, exitFail, code)
	require.Contains(t, out, "preflight: stack prod (preview) - FAIL")
	require.Contains(t, out, "  !! REFUSED (immutable-setting): platform:vpcCidr cannot change after the first deploy (10.30.0.0/16 -> 10.31.0.0/16)")
	require.Contains(t, out, "+-replace rds.Instance database  !! STATEFUL REPLACEMENT: the new resource starts empty (forced by dbSubnetGroupName <- rds.SubnetGroup database replaced")
	code, out, _ = preflightRun(t, "--stack", "prod", "--root", changed, "--diff", saved, "--format", "markdown")
	require.Equal(t, exitFail, code)
	require.Contains(t, out, "> **`prod`: 5 change(s) refused: this diff cannot be deployed**")
	require.Contains(t, out, fmt.Sprintf("| `prod` | ❌ %d mandatory, 5 refused |", baseMandatory))
	require.Contains(t, out, "> - **replace** `eks.Cluster` `cluster`: forced by `vpcConfig <- ec2.Subnet network-private-us-east-1a (+2) replaced`")
}
