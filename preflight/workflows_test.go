package preflight_test

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"github.com/stretchr/testify/require"
)

// TestWorkflowsLint runs actionlint (its Go API) over .github/workflows: syntax, expression
// types, action inputs of known actions, permissions and runner labels. Shellcheck runs
// on the scripts too when it is installed.
func TestWorkflowsLint(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	require.NoError(t, err)
	for _, want := range []string{"pull-request.yml", "deploy.yml", "drift.yml"} {
		require.FileExists(t, filepath.Join(root, ".github", "workflows", want))
	}

	var out bytes.Buffer
	opts := &actionlint.LinterOptions{Oneline: true}
	if sc, err := exec.LookPath("shellcheck"); err == nil {
		opts.Shellcheck = sc
	}
	linter, err := actionlint.NewLinter(&out, opts)
	require.NoError(t, err)
	errs, err := linter.LintFiles(files, nil)
	require.NoError(t, err)
	require.Empty(t, errs, "actionlint:\n%s", out.String())

	// The linter really judges: a workflow with an unknown input and a bad expression fails.
	bad := filepath.Join(t.TempDir(), "bad.yml")
	require.NoError(t, os.WriteFile(bad, []byte("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"+
		"      - uses: actions/checkout@v4\n        with:\n          no-such-input: 1\n      - run: echo ${{ github.nope.x }}\n"), 0o644))
	strict, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{})
	require.NoError(t, err)
	found, err := strict.LintFile(bad, nil)
	require.NoError(t, err)
	require.Len(t, found, 2, "%v", found)
}

// TestWorkflowsContract checks the promises the workflows make beyond valid syntax.
func TestWorkflowsContract(t *testing.T) {
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join(root, ".github", "workflows", name))
		require.NoError(t, err)
		return string(data)
	}
	pr := read("pull-request.yml")
	require.Contains(t, pr, "go run ./cmd/preflight --stack all --diff")
	require.Contains(t, pr, "--format markdown")
	require.Contains(t, pr, "marocchino/sticky-pull-request-comment@v2")
	require.Contains(t, pr, "steps.preflight.outputs.exit-code != '0'", "mandatory violations fail the job")
	require.Contains(t, pr, "policyPackConfigs: policies/config/${{ matrix.stack }}.json")

	deploy := read("deploy.yml")
	require.Contains(t, deploy, "environment: production", "prod waits for required reviewers")
	require.Contains(t, deploy, "group: deploy-staging")
	require.Contains(t, deploy, "group: deploy-prod")
	require.Equal(t, 2, strings.Count(deploy, "cancel-in-progress: false"), "a running pulumi up is never cancelled")

	drift := read("drift.yml")
	require.Contains(t, drift, "pulumi refresh --stack \"$STACK\" --preview-only --expect-no-changes")
	require.Contains(t, drift, "schedule:")
	require.Contains(t, drift, "group: deploy-${{ matrix.stack }}", "drift checks share the deploy lock")

	for name, text := range map[string]string{"pull-request.yml": pr, "deploy.yml": deploy, "drift.yml": drift} {
		require.Contains(t, text, "permissions:\n  contents: read\n", "%s: least privilege at the top", name)
		require.NotContains(t, text, "write-all", name)
	}
}
