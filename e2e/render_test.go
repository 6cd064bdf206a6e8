//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
)

// renderLifecycle runs `pulumi up` of program (which renders into renderDir), checks the
// rendered manifests, reads `pulumi stack output`, hands both to inspect, then runs
// `pulumi destroy` and checks the provider removed every file it wrote.
func renderLifecycle(t *testing.T, stack, renderDir string, program pulumi.RunFunc,
	inspect func(t *testing.T, ms []manifest, outputs auto.OutputMap),
) {
	t.Helper()
	s := newStack(t, stack, program)
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()

	var upOut bytes.Buffer
	up, err := s.Up(ctx, optup.ProgressStreams(&upOut), optup.ErrorProgressStreams(&upOut), optup.Color("never"))
	require.NoError(t, err, "pulumi up:\n%s", upOut.String())
	require.NotZero(t, up.Summary.ResourceChanges, "up created resources")
	t.Logf("pulumi up: %v", *up.Summary.ResourceChanges)

	ms := checkManifests(t, renderDir)
	t.Logf("rendered %d manifests under %s", len(ms), renderDir)
	// Every Kubernetes object in the engine's state was rendered, and nothing else was.
	var rendered []string
	for _, m := range ms {
		rendered = append(rendered, filepath.Base(m.path))
	}
	require.ElementsMatch(t, stateObjects(ctx, t, s), rendered, "rendered files match the Kubernetes objects in the state")

	// `pulumi stack output --json`, from the backend's state, not from the up result.
	outputs, err := s.Outputs(ctx)
	require.NoError(t, err, "pulumi stack output")
	require.NotEmpty(t, outputs, "the stack exports outputs")
	inspect(t, ms, outputs)

	var downOut bytes.Buffer
	_, err = s.Destroy(ctx, optdestroy.ProgressStreams(&downOut), optdestroy.ErrorProgressStreams(&downOut), optdestroy.Color("never"))
	require.NoError(t, err, "pulumi destroy:\n%s", downOut.String())
	for _, m := range ms {
		_, err := os.Stat(m.path)
		require.True(t, os.IsNotExist(err), "destroy removed %s", m)
	}
	left, err := s.Outputs(ctx)
	require.NoError(t, err)
	require.Empty(t, left, "no outputs after destroy")
}

func TestFixtureRendersAndDestroys(t *testing.T) {
	requireTools(t)
	dir := filepath.Join(t.TempDir(), "render")
	renderLifecycle(t, "prod", dir, fixtureProgram(dir, false), func(t *testing.T, ms []manifest, outputs auto.OutputMap) {
		kinds := map[string]bool{}
		for _, m := range ms {
			kinds[m.kind+"/"+m.name] = true
		}
		require.Equal(t, map[string]bool{"Namespace/" + fixtureNamespace: true, "Deployment/web": true, "PodDisruptionBudget/web": true,
			"NetworkPolicy/default-deny-all": true, "NetworkPolicy/allow-dns": true}, kinds)
		require.Equal(t, fixtureNamespace, outputs["namespace"].Value)
	})
}

// stateObjects exports the stack's state and returns, for each Kubernetes object in it,
// the file name the provider renders it to (provider.go renderPathForResource:
// <apiVersion with / and : as _>-<kind lowercased>-<namespace or default>-<name>.yaml).
func stateObjects(ctx context.Context, t *testing.T, s auto.Stack) []string {
	t.Helper()
	exported, err := s.Export(ctx)
	require.NoError(t, err, "pulumi stack export")
	var state apitype.DeploymentV3
	require.NoError(t, json.Unmarshal(exported.Deployment, &state))
	var names []string
	for _, r := range state.Resources {
		if !r.Custom || !strings.HasPrefix(string(r.Type), "kubernetes:") {
			continue // components and providers (pulumi:providers:kubernetes) render nothing
		}
		apiVersion, _ := r.Outputs["apiVersion"].(string)
		kind, _ := r.Outputs["kind"].(string)
		meta, _ := r.Outputs["metadata"].(map[string]any)
		name, _ := meta["name"].(string)
		ns, _ := meta["namespace"].(string)
		require.NotEmpty(t, apiVersion, "%s has apiVersion in state", r.URN)
		require.NotEmpty(t, name, "%s has metadata.name in state", r.URN)
		if ns == "" {
			ns = "default"
		}
		names = append(names, fmt.Sprintf("%s-%s-%s-%s.yaml",
			strings.NewReplacer("/", "_", ":", "_").Replace(apiVersion), strings.ToLower(kind), ns, name))
	}
	return names
}
