//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
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
	require.ElementsMatch(t, renderedFileNames(ctx, t, s), rendered, "rendered files match the Kubernetes objects in the state")

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

// renderedFileNames are the file names the provider renders the stack's Kubernetes objects
// to (provider.go renderPathForResource:
// <apiVersion with / and : as _>-<kind lowercased>-<namespace or default>-<name>.yaml).
func renderedFileNames(ctx context.Context, t *testing.T, s auto.Stack) []string {
	t.Helper()
	var names []string
	for _, o := range stateKubeObjects(ctx, t, s) {
		require.NotEmpty(t, o.apiVersion, "%s has apiVersion in state", o.urn)
		ns := o.namespace
		if ns == "" {
			ns = "default"
		}
		names = append(names, fmt.Sprintf("%s-%s-%s-%s.yaml",
			strings.NewReplacer("/", "_", ":", "_").Replace(o.apiVersion), strings.ToLower(o.kind), ns, o.name))
	}
	return names
}
