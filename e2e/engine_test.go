//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
)

const (
	// cliVersion is the CLI scripts/pulumi-tools.sh builds; another CLI would make the
	// tier prove something about a different engine.
	cliVersion = "v3.274.1"
	// toolsKey is the cache folder scripts/pulumi-tools.sh builds into.
	toolsKey = "3.274.1-4.32.0"
	// requiredEnv, set to 1 by .ci/run, turns missing tools from a skip into a failure.
	requiredEnv = "PLATFORM_E2E_REQUIRED"
	// project is the program's project name: URNs (and policy exceptions) carry it.
	project = "platform"
	// opTimeout bounds one engine operation; a cold provider start takes a few seconds.
	opTimeout = 10 * time.Minute
)

// tools are the real-engine binaries found on this machine.
type tools struct {
	pulumi   string // the CLI
	provider string // pulumi-resource-kubernetes, found by the engine on PATH
	path     string // PATH for the CLI: the tools' folders first
}

var findToolsOnce = sync.OnceValues(findTools)

// findTools looks where scripts/pulumi-tools.sh leaves the tools: $PLATFORM_PULUMI_TOOLS_BIN
// (its printed environment), then PATH, then the script's default cache folder.
func findTools() (tools, error) {
	var dirs []string
	if d := os.Getenv("PLATFORM_PULUMI_TOOLS_BIN"); d != "" {
		dirs = append(dirs, d)
	}
	if p, err := exec.LookPath("pulumi"); err == nil {
		dirs = append(dirs, filepath.Dir(p))
	}
	cacheRoot := os.Getenv("PLATFORM_PULUMI_TOOLS_CACHE")
	if cacheRoot == "" {
		if home, err := os.UserHomeDir(); err == nil {
			cacheRoot = filepath.Join(home, ".cache", "platform-pulumi-tools")
		}
	}
	if cacheRoot != "" {
		dirs = append(dirs, filepath.Join(cacheRoot, toolsKey, "bin"))
	}
	var tried []string
	for _, d := range dirs {
		cli, prov := filepath.Join(d, "pulumi"), filepath.Join(d, "pulumi-resource-kubernetes")
		if !executable(cli) || !executable(prov) {
			tried = append(tried, d)
			continue
		}
		cmd := exec.Command(cli, "version")
		cmd.Env = append(os.Environ(), "PULUMI_SKIP_UPDATE_CHECK=true")
		out, err := cmd.Output()
		if err != nil {
			return tools{}, fmt.Errorf("%s version: %w", cli, err)
		}
		if v := strings.TrimSpace(string(out)); v != cliVersion {
			return tools{}, fmt.Errorf("%s is %s, want %s (rebuild with scripts/pulumi-tools.sh)", cli, v, cliVersion)
		}
		return tools{pulumi: cli, provider: prov, path: d + string(os.PathListSeparator) + os.Getenv("PATH")}, nil
	}
	return tools{}, fmt.Errorf("no folder holds both pulumi and pulumi-resource-kubernetes (looked in %s)", strings.Join(tried, ", "))
}

func executable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// requireTools skips the test when the tools are absent, or fails it under
// PLATFORM_E2E_REQUIRED=1, where a silent skip would let CI pass without the tier.
func requireTools(t testing.TB) tools {
	t.Helper()
	tl, err := findToolsOnce()
	if err == nil {
		return tl
	}
	missing(t, fmt.Sprintf("real-engine tools not built: run scripts/pulumi-tools.sh (%v)", err))
	return tools{}
}

// missing skips the test for a missing tool, or fails it under PLATFORM_E2E_REQUIRED=1.
func missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv(requiredEnv) == "1" {
		t.Fatalf("%s; %s=1 makes this a failure", msg, requiredEnv)
	}
	t.Skip(msg)
}

// repoRoot is the module root: go test runs in the package folder.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	require.FileExists(t, filepath.Join(root, "go.mod"))
	return root
}

// newStack makes a stack of an inline program in a fresh workspace: its own PULUMI_HOME, a
// file:// backend in a new temp folder and a passphrase, so nothing outside the test's
// folders is read or written and nothing talks to the network.
func newStack(t testing.TB, stack string, program pulumi.RunFunc) auto.Stack {
	t.Helper()
	tl := requireTools(t)
	dir := t.TempDir()
	state, home, work := filepath.Join(dir, "state"), filepath.Join(dir, "home"), filepath.Join(dir, "work")
	for _, d := range []string{state, home, work} {
		require.NoError(t, os.MkdirAll(d, 0o700))
	}
	// The Automation API runs <Root>/bin/pulumi (and checks its version); the script's
	// cache, like any install, keeps the CLI in a bin folder.
	binDir := filepath.Dir(tl.pulumi)
	require.Equal(t, "bin", filepath.Base(binDir), "the CLI must sit in a bin folder, found %s", tl.pulumi)
	cli, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: filepath.Dir(binDir)})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	s, err := auto.UpsertStackInlineSource(ctx, stack, project, program,
		auto.Pulumi(cli),
		auto.WorkDir(work),
		auto.PulumiHome(home),
		auto.Project(workspace.Project{
			Name:    project,
			Runtime: workspace.NewProjectRuntimeInfo("go", nil),
			Backend: &workspace.ProjectBackend{URL: "file://" + state},
		}),
		auto.EnvVars(map[string]string{
			"PATH":                     tl.path,
			"PULUMI_BACKEND_URL":       "file://" + state,
			"PULUMI_CONFIG_PASSPHRASE": "e2e-only-not-a-secret",
			"PULUMI_SKIP_UPDATE_CHECK": "true",
			"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		}),
	)
	require.NoError(t, err, "creating stack %s with the real CLI", stack)
	return s
}

// engineRun is the text of one engine operation: what the CLI printed and its error.
type engineRun struct {
	out string
	err error
}

func (r engineRun) String() string {
	if r.err != nil {
		// The Automation API's error repeats stdout; its first line is the cause.
		first, _, _ := strings.Cut(r.err.Error(), "\n")
		return r.out + "\nerror: " + first
	}
	return r.out
}

// preview runs `pulumi preview` with the given extra options and returns everything the
// engine printed, including the policy section of its summary.
func preview(t *testing.T, s auto.Stack, opts ...optpreview.Option) engineRun {
	t.Helper()
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	opts = append(opts, optpreview.ProgressStreams(&out), optpreview.ErrorProgressStreams(&out), optpreview.Color("never"))
	res, err := s.Preview(ctx, opts...)
	text := out.String() // the progress stream is the CLI's stdout and stderr as it ran
	if text == "" {
		text = res.StdOut + res.StdErr
	}
	return engineRun{out: text, err: err}
}

// policyPackDir is removed by TestMain once the tests are done.
var policyPackDir string

// policyPackOnce builds ./policies/pack once per test binary into a folder of its own
// (no PulumiPolicy.yaml beside it: the CLI launches the path as an analyzer plugin).
var policyPackOnce = sync.OnceValues(func() (string, error) {
	root, err := filepath.Abs("..")
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "platform-policypack")
	if err != nil {
		return "", err
	}
	policyPackDir = dir
	bin := filepath.Join(dir, "policypack")
	cmd := exec.Command("go", "build", "-o", bin, "./policies/pack")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./policies/pack: %w\n%s", err, out)
	}
	return bin, nil
})

func policyPack(t *testing.T) string {
	t.Helper()
	bin, err := policyPackOnce()
	require.NoError(t, err)
	return bin
}

// TestMain gives the test binary's own CLI calls (`pulumi version`, run by findTools and
// by auto.NewPulumiCommand with this process's environment) a temp PULUMI_HOME, so no run
// writes ~/.pulumi; each stack still gets its own home (newStack).
func TestMain(m *testing.M) {
	home, err := os.MkdirTemp("", "platform-e2e-home")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	_ = os.Setenv("PULUMI_HOME", home)
	_ = os.Setenv("PULUMI_SKIP_UPDATE_CHECK", "true")
	code := m.Run()
	stopCluster()
	_ = os.RemoveAll(home)
	if policyPackDir != "" {
		_ = os.RemoveAll(policyPackDir)
	}
	os.Exit(code)
}
