package policydoc

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRootDelegatesToTheAccount(t *testing.T) {
	st := Root("123456789012")
	require.Equal(t, "Allow", st.Effect)
	require.Equal(t, map[string]any{"AWS": "arn:aws:iam::123456789012:root"}, st.Principal)
	require.Equal(t, []string{"kms:*"}, st.Action)
}

func TestRenderIsValidPolicyJSON(t *testing.T) {
	out, err := Render("test", Document{Version: Version, Statement: []Statement{Root("1"), {
		Sid: "S", Effect: "Allow", Principal: map[string]any{"Service": "logs.amazonaws.com"}, Action: []string{"kms:Decrypt"},
		Condition: map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": "1"}},
	}}})
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	require.Equal(t, "2012-10-17", doc["Version"])
	stmts := doc["Statement"].([]any)
	require.Len(t, stmts, 2)
	_, hasResource := stmts[1].(map[string]any)["Resource"]
	require.False(t, hasResource, "an empty Resource is omitted, not rendered as null")
	_, hasID := doc["Id"]
	require.False(t, hasID)
}

func TestRenderNamesWhatFailed(t *testing.T) {
	_, err := Render("backup key", Document{Statement: []Statement{{Principal: func() {}}}})
	require.ErrorContains(t, err, "backup key")
}
