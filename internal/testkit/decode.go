package testkit

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/plan"
)

// DecodeStrict decodes a captured Kubernetes object's inputs into a k8s.io/api type and
// fails on any field the type does not know, so a misspelt or invented property fails
// the test.
func DecodeStrict(t testing.TB, r *plan.Resource, into any) {
	t.Helper()
	require.NotNil(t, r)
	b, err := json.Marshal(Plain(property.New(r.Inputs)))
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(into), "%s %s does not decode strictly: %s", r.Type, r.Name, b)
}

// Decode is DecodeStrict returning a new T.
func Decode[T any](t testing.TB, r *plan.Resource) T {
	t.Helper()
	var out T
	DecodeStrict(t, r, &out)
	return out
}
