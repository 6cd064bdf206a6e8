package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// gitRepo makes a throwaway repository (never the project's own) holding the project's
// config files, so --diff <ref> can be exercised end to end.
func gitRepo(t *testing.T) (dir string, git func(args ...string)) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH")
	}
	dir = projectCopy(t, "", nil)
	git = func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com",
			"-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "git %v: %s", args, out)
	}
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "config only")
	git("tag", "no-preflight")
	return dir, git
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
}

// TestDiffAgainstAGitRef runs the base revision's own cmd/preflight (here a stand-in
// that prints a saved report whose RDS identifier differs) in a temporary export.
func TestDiffAgainstAGitRef(t *testing.T) {
	dir, git := gitRepo(t)

	code, base, errOut := preflightRun(t, "--stack", "staging", "--root", root, "--format", "json")
	require.Equal(t, exitOK, code, errOut)
	base = strings.Replace(base, `"identifier": "agent-platform-staging-postgres"`, `"identifier": "agent-platform-staging-db-v1"`, 1)
	require.Contains(t, base, "agent-platform-staging-db-v1", "the saved report has the identifier to mutate")

	writeFile(t, filepath.Join(dir, "go.mod"), "module example.com/basepreflight\n\ngo 1.22\n")
	writeFile(t, filepath.Join(dir, "base.json"), base)
	writeFile(t, filepath.Join(dir, "cmd", "preflight", "main.go"), `package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	if !strings.Contains(strings.Join(os.Args, " "), "--format json") {
		fmt.Fprintln(os.Stderr, "want --format json")
		os.Exit(2)
	}
	data, err := os.ReadFile("base.json")
	if err != nil {
		panic(err)
	}
	os.Stdout.Write(data)
}
`)
	git("add", "-A")
	git("commit", "-q", "-m", "a preflight that prints a saved report")
	git("tag", "with-preflight")
	writeFile(t, filepath.Join(dir, "cmd", "preflight", "main.go"), "package main\n\nimport \"os\"\n\nfunc main() { os.Exit(2) }\n")
	git("commit", "-q", "-am", "an old preflight without JSON")
	git("tag", "old-preflight")

	t.Run("stateful replacement from a ref", func(t *testing.T) {
		code, out, errOut := preflightRun(t, "--stack", "staging", "--root", dir, "--diff", "with-preflight", "--format", "markdown")
		require.Equal(t, exitOK, code, errOut)
		require.Contains(t, out, "vs `with-preflight`")
		require.Contains(t, out, "this change destroys stateful resources")
		require.Contains(t, out, "**replace** `rds.Instance` `database`: forced by `identifier`")
	})
	t.Run("a ref without preflight is a note", func(t *testing.T) {
		code, out, errOut := preflightRun(t, "--stack", "staging", "--root", dir, "--diff", "no-preflight")
		require.Equal(t, exitOK, code, errOut)
		require.Contains(t, out, "note: no diff: revision no-preflight has no cmd/preflight")
	})
	t.Run("a preflight without JSON is a note", func(t *testing.T) {
		code, out, errOut := preflightRun(t, "--stack", "staging", "--root", dir, "--diff", "old-preflight")
		require.Equal(t, exitOK, code, errOut)
		require.Contains(t, out, "note: no diff: revision old-preflight did not produce a JSON report")
	})
	t.Run("an unknown ref is a usage error", func(t *testing.T) {
		code, _, errOut := preflightRun(t, "--stack", "staging", "--root", dir, "--diff", "v9.9.9")
		require.Equal(t, exitUsage, code)
		require.Contains(t, errOut, `--diff "v9.9.9" is neither a saved JSON report nor a git ref`)
	})
}
