package preflight_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/preflight"
)

// TestJSONSchemaKeys pins the documented top-level and nested keys (docs/preflight.md):
// scanners depend on them.
func TestJSONSchemaKeys(t *testing.T) {
	r := report(t, "prod", plan.Preview)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(render(t, preflight.JSONFormat{}, &preflight.Document{Reports: []*preflight.Report{r}}), &doc))

	for _, k := range []string{"schemaVersion", "project", "stack", "mode", "summary", "config", "inventory", "resources", "findings", "cost", "criticalPath"} {
		require.Contains(t, doc, k)
	}
	require.Equal(t, "prod", doc["stack"])
	require.EqualValues(t, preflight.SchemaVersion, doc["schemaVersion"])

	res := doc["resources"].([]any)
	require.NotEmpty(t, res)
	for _, k := range []string{"urn", "type", "name", "parent", "protect", "component", "inputs"} {
		require.Contains(t, res[0].(map[string]any), k, "resource key %s", k)
	}
	var db map[string]any
	for _, x := range res {
		if m := x.(map[string]any); m["type"] == tokens.RDSInstance {
			db = m
		}
	}
	require.NotNil(t, db)
	require.Equal(t, true, db["protect"])
	require.Equal(t, "database", db["component"])
	inputs := db["inputs"].(map[string]any)
	require.Equal(t, true, inputs["storageEncrypted"], "inputs are plain JSON values")
	require.Equal(t, preflight.SecretValue, inputs["password"], "a secret input is masked")
	require.Equal(t, preflight.UnknownValue, inputs["kmsKeyId"], "a computed input is marked unknown in preview")

	findings := doc["findings"].([]any)
	require.NotEmpty(t, findings)
	for _, k := range []string{"rule", "severity", "enforcement", "message"} {
		require.Contains(t, findings[0].(map[string]any), k)
	}
	cost := doc["cost"].(map[string]any)
	for _, k := range []string{"monthlyUSD", "budgetUSD", "byComponent"} {
		require.Contains(t, cost, k)
	}
	require.Equal(t, r.Config["platform:monthlyBudgetUsd"], fmt.Sprint(cost["budgetUSD"]), "the budget is the stack's")
	cp := doc["criticalPath"].(map[string]any)
	require.Greater(t, cp["minutes"].(float64), 0.0)
	require.NotEmpty(t, cp["chain"])
}

// TestJSONMasksSecrets: in update mode the fake provider fills secrets with values
// starting with plan.FakeSecretPrefix; none may reach the JSON.
func TestJSONMasksSecrets(t *testing.T) {
	for _, stack := range []string{"staging", "prod"} {
		for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
			t.Run(stack+"/"+mode.String(), func(t *testing.T) {
				r := report(t, stack, mode)
				out := string(render(t, preflight.JSONFormat{}, &preflight.Document{Reports: []*preflight.Report{r}}))
				require.Contains(t, out, `"[secret]"`)
				require.NotContains(t, out, plan.FakeSecretPrefix)
				require.Equal(t, mode.String(), r.Mode)
			})
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	staging, prod := report(t, "staging", plan.Preview), report(t, "prod", plan.Preview)
	t.Run("one stack", func(t *testing.T) {
		got, err := preflight.ReadJSON(render(t, preflight.JSONFormat{}, &preflight.Document{Reports: []*preflight.Report{prod}}))
		require.NoError(t, err)
		require.Equal(t, prod, got["prod"])
	})
	t.Run("several stacks", func(t *testing.T) {
		d := &preflight.Document{Reports: []*preflight.Report{staging, prod}, Parity: preflight.ComputeParity([]*preflight.Report{staging, prod})}
		data := render(t, preflight.JSONFormat{}, d)
		require.True(t, strings.HasPrefix(string(data), "{\n  \"schemaVersion\": 1,\n  \"stacks\": ["))
		got, err := preflight.ReadJSON(data)
		require.NoError(t, err)
		require.Len(t, got, 2)
		require.Equal(t, staging, got["staging"])
	})
	t.Run("not a report", func(t *testing.T) {
		_, err := preflight.ReadJSON([]byte(`{"stack": "prod"}`))
		require.ErrorContains(t, err, "no schemaVersion")
		_, err = preflight.ReadJSON([]byte(`{"schemaVersion": 99, "stack": "prod"}`))
		require.ErrorContains(t, err, "newer")
		_, err = preflight.ReadJSON([]byte(`[1]`))
		require.ErrorContains(t, err, "not a preflight JSON report")
	})
}
