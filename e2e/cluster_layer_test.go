//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/stretchr/testify/require"
)

// TestProdInClusterLayerOnAPIServer applies prod's in-cluster layer to a real API server
// through the real engine: every object is validated by the server (and custom resources by
// their CRD's schema), every Pod the workload controllers create is admitted by Pod
// Security admission of its namespace; a second `up` with a new image tag replaces the
// migration Job and updates the Deployments that run our images, nothing else; `refresh`
// finds no drift; `destroy` leaves nothing on the server.
func TestProdInClusterLayerOnAPIServer(t *testing.T) {
	t.Parallel() // with TestAPIServerRefusesWhatItMust: its own namespaces on the shared server
	cp := requireCluster(t)
	cp.installCRDs(t)
	cfg := prodConfig(t)
	tag := cfg.Edge.ImageTag
	s := newStack(t, "prod", clusterProgram(cfg, cp.kubeconfig, &tag))
	ctx, cancel := context.WithTimeout(context.Background(), 3*opTimeout)
	defer cancel()
	disc := &discovery{api: cp.api}

	var upOut bytes.Buffer
	up, err := s.Up(ctx, optup.ProgressStreams(&upOut), optup.ErrorProgressStreams(&upOut), optup.Color("never"))
	require.NoError(t, err, "pulumi up against the API server:\n%s", upOut.String())
	t.Logf("first up: %v", *up.Summary.ResourceChanges)

	objs := stateKubeObjects(ctx, t, s)
	require.Greater(t, len(objs), 40, "the layer's objects are in the state")
	custom := cp.customKinds()
	probed := map[string]bool{}
	for _, o := range objs {
		if isCustom(o.apiVersion) {
			require.True(t, custom[groupOf(o.apiVersion)+"/"+o.kind], "%s is served by a CRD from its owner's module", o)
			if !probed[o.kind] {
				probed[o.kind] = true
				requireSchemaRefusesUnknownField(ctx, t, cp, disc, o)
			}
		}
		// The object the engine recorded is the one the server holds.
		path, err := disc.path(ctx, o.apiVersion, o.kind, o.namespace, o.name)
		require.NoError(t, err, "%s", o)
		var live object
		require.NoError(t, cp.api.getJSON(ctx, path, &live), "%s exists on the server", o)
		require.Equal(t, o.uid, live["metadata"].(object)["uid"], "%s: the state's uid is the server's", o)
	}
	requireNamespacesEnforceRestricted(ctx, t, cp, objs)
	requirePodsAdmitted(ctx, t, cp, objs)

	// Second run: a new image tag, as a release does.
	before := map[string]string{}
	for _, o := range objs {
		before[o.urn] = o.uid
	}
	tag = cfg.Edge.ImageTag + "-next"
	steps, stream := newStepLog()
	var up2Out bytes.Buffer
	up2, err := s.Up(ctx, optup.ProgressStreams(&up2Out), optup.ErrorProgressStreams(&up2Out), optup.Color("never"), optup.EventStreams(stream))
	require.NoError(t, err, "second pulumi up (new image tag):\n%s", up2Out.String())
	t.Logf("second up: %v", *up2.Summary.ResourceChanges)
	requireRolloutSteps(t, steps.changed(), objs, cfg.Edge.ImageTag, tag)
	requirePodsAdmitted(ctx, t, cp, stateKubeObjects(ctx, t, s))

	// No drift: what the server holds is what the state says, and the program wants
	// nothing changed.
	var refreshOut bytes.Buffer
	_, err = s.Refresh(ctx, optrefresh.ExpectNoChanges(), optrefresh.ProgressStreams(&refreshOut), optrefresh.Color("never"))
	require.NoError(t, err, "pulumi refresh reports drift:\n%s", refreshOut.String())
	var previewOut bytes.Buffer
	_, err = s.Preview(ctx, optpreview.ExpectNoChanges(), optpreview.ProgressStreams(&previewOut), optpreview.Color("never"))
	require.NoError(t, err, "pulumi preview after refresh wants changes:\n%s", previewOut.String())

	final := stateKubeObjects(ctx, t, s)
	var downOut bytes.Buffer
	_, err = s.Destroy(ctx, optdestroy.ProgressStreams(&downOut), optdestroy.ErrorProgressStreams(&downOut), optdestroy.Color("never"))
	require.NoError(t, err, "pulumi destroy:\n%s", downOut.String())
	requireGone(ctx, t, cp, disc, final)
}

// requireNamespacesEnforceRestricted: every namespace the layer creates has the server's
// Pod Security admission enforce "restricted", except those privilegedNamespaces allows.
func requireNamespacesEnforceRestricted(ctx context.Context, t *testing.T, cp *controlPlane, objs []stateObject) {
	t.Helper()
	seen := 0
	for _, o := range objs {
		if o.kind != "Namespace" {
			continue
		}
		seen++
		var ns struct {
			Metadata struct {
				Labels map[string]string `json:"labels"`
			} `json:"metadata"`
		}
		require.NoError(t, cp.api.getJSON(ctx, "/api/v1/namespaces/"+o.name, &ns))
		want := "restricted"
		if _, ok := privilegedNamespaces[o.name]; ok {
			want = "privileged"
		}
		require.Equal(t, want, ns.Metadata.Labels["pod-security.kubernetes.io/enforce"], "namespace %s enforces PSS %s on the server", o.name, want)
		if want == "restricted" {
			requireServerRefusesPrivilegedPod(ctx, t, cp, o.name)
		}
	}
	require.NotZero(t, seen, "the layer creates namespaces")
}

// requirePodsAdmitted: every Deployment's and Job's controller has created its Pods.
// Pod Security admission enforces on Pods only (a Deployment with a refused template is
// accepted, and the provider drops the server's warnings), so a refused Pod shows only
// as a controller short of Pods, with the server's refusal in its FailedCreate events.
func requirePodsAdmitted(ctx context.Context, t *testing.T, cp *controlPlane, objs []stateObject) {
	t.Helper()
	workloads := 0
	for _, o := range objs {
		if o.kind != "Deployment" && o.kind != "Job" {
			continue
		}
		workloads++
		require.NoError(t, podsAdmitted(ctx, t, cp, o, 90*time.Second))
	}
	require.NotZero(t, workloads, "the layer runs Deployments and Jobs")
}

// podsAdmitted waits up to wait for the Pods of one Deployment or Job (spec.replicas or
// spec.parallelism, default 1) and otherwise returns the server's refusals.
func podsAdmitted(ctx context.Context, t *testing.T, cp *controlPlane, o stateObject, wait time.Duration) error {
	want := 1
	if r, ok := o.spec["replicas"].(float64); ok {
		want = int(r)
	}
	if p, ok := o.spec["parallelism"].(float64); ok {
		want = int(p)
	}
	selector := "batch.kubernetes.io/job-name=" + o.name
	if o.kind == "Deployment" {
		selector = labelSelector(t, o)
	}
	deadline := time.Now().Add(wait)
	for {
		pods, err := cp.api.list(ctx, "/api/v1/namespaces/"+o.namespace+"/pods?labelSelector="+selector)
		if err != nil {
			return err
		}
		if len(pods) >= want {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: its controller created %d of %d pods; the server said: %s", o, len(pods), want, refusals(ctx, cp, o.namespace))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// labelSelector renders a Deployment's spec.selector.matchLabels as a query.
func labelSelector(t *testing.T, o stateObject) string {
	t.Helper()
	sel, _ := o.spec["selector"].(map[string]any)
	match, _ := sel["matchLabels"].(map[string]any)
	require.NotEmpty(t, match, "%s has spec.selector.matchLabels", o)
	var parts []string
	for k, v := range match {
		parts = append(parts, fmt.Sprintf("%s%%3D%v", k, v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// refusals are the namespace's FailedCreate events: where a controller's refused Pod shows.
func refusals(ctx context.Context, cp *controlPlane, namespace string) string {
	events, err := cp.api.list(ctx, "/api/v1/namespaces/"+namespace+"/events?fieldSelector=reason%3DFailedCreate")
	if err != nil {
		return err.Error()
	}
	var msgs []string
	for _, e := range events {
		msgs = append(msgs, fmt.Sprint(e["message"]))
	}
	if len(msgs) == 0 {
		return "(no FailedCreate events)"
	}
	return strings.Join(msgs, "; ")
}

// requireRolloutSteps: a new image tag replaces the migration Job (its name carries the
// tag) and updates the Deployments that run our images; nothing else changes.
func requireRolloutSteps(t *testing.T, changed []string, objs []stateObject, oldTag, newTag string) {
	t.Helper()
	sort.Strings(changed)
	var wantUpdates []string
	for _, o := range objs {
		if o.kind == "Deployment" && strings.Contains(fmt.Sprint(o.spec), ":"+oldTag) {
			wantUpdates = append(wantUpdates, o.urn[strings.LastIndex(o.urn, "::")+2:])
		}
	}
	require.NotEmpty(t, wantUpdates, "some Deployments run images tagged %s", oldTag)
	var updates, replaces, other []string
	for _, c := range changed {
		op, rest, _ := strings.Cut(c, " ")
		typ, name, _ := strings.Cut(rest, " ")
		switch {
		case op == "update" && typ == "kubernetes:apps/v1:Deployment":
			updates = append(updates, name)
		case op == "replace" && typ == "kubernetes:batch/v1:Job":
			replaces = append(replaces, name)
		default:
			other = append(other, c)
		}
	}
	require.Empty(t, other, "a new image tag (%s -> %s) changes only the Job and the Deployments", oldTag, newTag)
	require.ElementsMatch(t, wantUpdates, updates, "every Deployment running our images is updated")
	require.Len(t, replaces, 1, "the migration Job is replaced: %v", changed)
}

// requireGone: after destroy the server holds none of the objects (namespaces finish
// terminating: the namespace controller empties them first).
func requireGone(ctx context.Context, t *testing.T, cp *controlPlane, disc *discovery, objs []stateObject) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for _, o := range objs {
		path, err := disc.path(ctx, o.apiVersion, o.kind, o.namespace, o.name)
		require.NoError(t, err)
		for {
			err := cp.api.getJSON(ctx, path, nil)
			var apiErr *apiError
			if errors.As(err, &apiErr) && apiErr.code == 404 {
				break
			}
			require.True(t, time.Now().Before(deadline), "%s still on the server two minutes after destroy (%v)", o, err)
			time.Sleep(500 * time.Millisecond)
		}
	}
}
