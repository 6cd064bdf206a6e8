package rules

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
)

func TestGetStates(t *testing.T) {
	t.Parallel()
	m := pv(map[string]any{
		"s": "v", "n": 3, "b": true, "bs": "false", "ns": " 42 ", "null": nil, "unk": unk,
		"nested":  map[string]any{"list": []any{map[string]any{"c": "deep"}, unk}},
		"partial": unk,
		"labels":  map[string]any{"app.kubernetes.io/name": "api"},
		"secret":  sec(map[string]any{"inner": "hidden", "list": []any{"a"}}),
		"strs":    []any{"a", "b"},
		"mixed":   []any{"a", unk},
	}).AsMap()
	cases := []struct {
		path    string
		state   State
		display string
	}{
		{"s", Known, `"v"`},
		{"n", Known, "3"},
		{"missing", Missing, "<not set>"},
		{"null", Missing, "<not set>"},
		{"unk", Unknown, "<unknown>"},
		{"unk.below", Unknown, "<unknown>"},
		{"partial[0].x", Unknown, "<unknown>"},
		{"nested.list[0].c", Known, `"deep"`},
		{"nested.list[1].c", Unknown, "<unknown>"},
		{"nested.list[7]", Missing, "<not set>"},
		{"s.into.scalar", Missing, "<not set>"},
		{`labels["app.kubernetes.io/name"]`, Known, `"api"`},
		{"secret.inner", Known, "[secret]"},
		{"secret", Known, "[secret]"},
		{"strs", Known, `["a", "b"]`},
		{"bad[", Missing, "<not set>"},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			t.Parallel()
			v := Get(m, c.path)
			require.Equal(t, c.state, v.State())
			require.Equal(t, c.display, v.Display())
			require.Equal(t, c.display, fmt.Sprintf("%v", v), "fmt renders Display")
		})
	}

	s, ok := Get(m, "secret.inner").String()
	require.True(t, ok)
	require.Equal(t, "hidden", s, "secrets are unwrapped for checks")
	require.True(t, Get(m, "secret.list").Secret(), "secrecy is inherited down the path")
	require.NotContains(t, fmt.Sprintf("%+v %#v %s", Get(m, "secret.inner"), Get(m, "secret.inner"), Get(m, "secret.inner")), "hidden")

	b, ok := Get(m, "bs").Bool()
	require.True(t, ok)
	require.False(t, b)
	n, ok := Get(m, "ns").Number()
	require.True(t, ok)
	require.Equal(t, 42.0, n)
	_, ok = Get(m, "unk").Number()
	require.False(t, ok)

	l, st := Get(m, "strs").StringList()
	require.Equal(t, Known, st)
	require.Equal(t, []string{"a", "b"}, l)
	_, st = Get(m, "mixed").StringList()
	require.Equal(t, Unknown, st)
	l, st = Get(m, "s").StringList()
	require.Equal(t, []string{"v"}, l, "a lone string is a one-element list")
	require.Equal(t, Known, st)
	_, st = Get(m, "missing").StringList()
	require.Equal(t, Missing, st)
	require.True(t, Get(m, "nested").IsKnown())
	require.False(t, Get(m, "nested").Complete(), "a known map may hold unknowns")
	require.True(t, Get(m, "strs").Complete())
}

func TestParamsPerStack(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		stack string
		want  float64
	}{{"staging", 1}, {"prod", 3}, {"dr", 3}, {"preview-pr-12", 3}} {
		p, err := NewParams(costNATCount, c.stack, nil)
		require.NoError(t, err)
		require.Equal(t, c.want, p.Number("maxNatGateways"), c.stack)
	}
	p, err := NewParams(costStackBudget, "prod", nil)
	require.NoError(t, err)
	require.False(t, p.Has("modeledMonthlyUSD"), "optional parameters stay unset")
	p, err = NewParams(sgNoPublicAdmin, "prod", map[string]any{"adminPorts": []any{22.0, 5432.0}})
	require.NoError(t, err)
	require.Equal(t, []float64{22, 5432}, p.NumberList("adminPorts"))
	p, err = NewParams(pgbouncerConnectionBudget, "prod", map[string]any{"classMemoryGiB": map[string]any{"db.m7g.large": 8.0}})
	require.NoError(t, err)
	require.Equal(t, map[string]float64{"db.m7g.large": 8}, p.NumberMap("classMemoryGiB"))
}

func TestGlobAndURNHelpers(t *testing.T) {
	t.Parallel()
	require.True(t, globMatch("urn:pulumi:prod::platform::*::legacy", "urn:pulumi:prod::platform::aws:rds/instance:Instance::legacy"))
	require.True(t, globMatch("db.t4g.*", "db.t4g.micro"))
	require.False(t, globMatch("db.t4g.*", "db.t3.micro"))
	require.True(t, globMatch("a?c", "abc"))
	require.Equal(t, tokens.KMSKey, urnType("urn:pulumi:prod::platform::platform:secrets:Keys$aws:kms/key:Key::db-key"))
	require.Equal(t, "", urnType("not-a-urn"))
	require.True(t, fromHelmChart("urn:pulumi:prod::platform::kubernetes:helm.sh/v4:Chart$kubernetes:apps/v1:Deployment::keda"))
	require.Equal(t, "rds.Instance", shortType("aws:rds/instance:Instance"))
	require.Equal(t, "Deployment", shortType("kubernetes:apps/v1:Deployment"))
	require.True(t, Taggable(tokens.RDSInstance))
	require.False(t, Taggable(tokens.S3BucketPublicAccessBlock))
}
