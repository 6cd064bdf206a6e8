//go:build e2e

package e2e

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// The layer passing on the server proves something only if the server would have refused
// a bad object in the same place. These probes ask it, with dry-run requests that persist
// nothing: without Pod Security admission or without the CRDs' schemas they are accepted
// and the layer test fails.

const (
	pssRefusal     = `violates PodSecurity "restricted:latest"`
	probeField     = "notAField"
	unknownFieldIn = `unknown field "spec.` + probeField + `"`
)

// requireServerRefusesPrivilegedPod: the server's Pod Security admission refuses a
// privileged Pod in namespace (it enforces "restricted" there, not only carries the label).
func requireServerRefusesPrivilegedPod(ctx context.Context, t *testing.T, cp *controlPlane, namespace string) {
	t.Helper()
	pod := object{
		"apiVersion": "v1",
		"kind":       "Pod",
		"metadata":   object{"name": "pss-probe", "namespace": namespace},
		"spec": object{"containers": []object{{
			"name":            "probe",
			"image":           "registry.k8s.io/pause:3.10",
			"securityContext": object{"privileged": true},
		}}},
	}
	err := cp.api.do(ctx, "POST", "/api/v1/namespaces/"+namespace+"/pods?dryRun=All", pod, nil)
	var apiErr *apiError
	require.True(t, errors.As(err, &apiErr), "the server admits a privileged Pod in %s (err %v)", namespace, err)
	require.Equal(t, 403, apiErr.code, "%s", apiErr)
	require.Contains(t, apiErr.message, pssRefusal, "refused by Pod Security admission in %s", namespace)
}

// requireSchemaRefusesUnknownField: the server checks o's kind against its CRD's schema. A
// copy of the live object with one undeclared spec field is refused under strict field
// validation.
func requireSchemaRefusesUnknownField(ctx context.Context, t *testing.T, cp *controlPlane, disc *discovery, o stateObject) {
	t.Helper()
	path, err := disc.path(ctx, o.apiVersion, o.kind, o.namespace, o.name)
	require.NoError(t, err)
	var live object
	require.NoError(t, cp.api.getJSON(ctx, path, &live))
	spec, ok := live["spec"].(object)
	require.True(t, ok, "%s has a spec", o)
	spec[probeField] = true
	probe := object{
		"apiVersion": o.apiVersion,
		"kind":       o.kind,
		"metadata":   object{"name": o.name + "-schema-probe", "namespace": o.namespace},
		"spec":       spec,
	}
	collection, err := disc.path(ctx, o.apiVersion, o.kind, o.namespace, "")
	require.NoError(t, err)
	err = cp.api.do(ctx, "POST", collection+"?dryRun=All&fieldValidation=Strict", probe, nil)
	var apiErr *apiError
	require.True(t, errors.As(err, &apiErr), "%s: the server accepts an undeclared spec field (err %v)", o, err)
	require.Contains(t, apiErr.message, unknownFieldIn, "%s: refused by its CRD's schema", o)
}
