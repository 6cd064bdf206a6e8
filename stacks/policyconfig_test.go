package stacks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/policies/rules"
)

// TestPolicyConfigDerivedValuesAreCurrent: the numbers and lists of policies/config/<stack>.json
// that restate the program (DerivedPolicyParams) are generated from it, never typed by
// hand; -update rewrites only them and keeps every other entry, and the key order, as is.
func TestPolicyConfigDerivedValuesAreCurrent(t *testing.T) {
	for _, stack := range []string{"staging", "prod", "dr"} {
		t.Run(stack, func(t *testing.T) {
			cfg, err := Load(stack, stackConfig(t, stack))
			require.NoError(t, err)
			derived, err := cfg.DerivedPolicyParams()
			require.NoError(t, err)
			path := "../policies/config/" + stack + ".json"
			got, err := os.ReadFile(path)
			require.NoError(t, err)
			want, err := withDerivedParams(got, derived)
			require.NoError(t, err)
			if *update {
				require.NoError(t, os.WriteFile(path, want, 0o644))
				got = want
			}
			require.Equal(t, string(want), string(got),
				"%s is stale: run go test ./stacks -run TestPolicyConfigDerivedValuesAreCurrent -update", path)
			_, err = rules.LoadConfig(got)
			require.NoError(t, err, "the generated config must still load")
		})
	}
}

func TestWithDerivedParamsKeepsEverythingElse(t *testing.T) {
	in := []byte(`{
  "b-rule": {
    "keep": [
      "x"
    ]
  },
  "a-rule": {
    "margin": 1,
    "other": "kept"
  }
}
`)
	out, err := withDerivedParams(in, map[string]map[string]any{
		"a-rule": {"margin": 20, "added": []string{"y"}},
		"c-rule": {"n": 3},
	})
	require.NoError(t, err)
	require.Equal(t, `{
  "b-rule": {
    "keep": [
      "x"
    ]
  },
  "a-rule": {
    "margin": 20,
    "other": "kept",
    "added": [
      "y"
    ]
  },
  "c-rule": {
    "n": 3
  }
}
`, string(out))
	same, err := withDerivedParams(out, nil)
	require.NoError(t, err)
	require.Equal(t, string(out), string(same), "an untouched file is reproduced byte for byte")
}

// member is one key of a JSON object, in file order.
type member struct {
	key   string
	value json.RawMessage
}

// withDerivedParams sets derived[rule][param] in a policy config file: existing keys keep
// their place, new ones are appended (parameters in sorted order), and the file is
// printed with two-space indentation as the committed files are.
func withDerivedParams(data []byte, derived map[string]map[string]any) ([]byte, error) {
	top, err := members(data)
	if err != nil {
		return nil, err
	}
	for _, ruleID := range slices.Sorted(maps.Keys(derived)) {
		i := indexOf(top, ruleID)
		if i < 0 {
			top = append(top, member{key: ruleID, value: json.RawMessage("{}")})
			i = len(top) - 1
		}
		params, err := members(top[i].value)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ruleID, err)
		}
		for _, name := range slices.Sorted(maps.Keys(derived[ruleID])) {
			v, err := json.Marshal(derived[ruleID][name])
			if err != nil {
				return nil, err
			}
			if j := indexOf(params, name); j >= 0 {
				params[j].value = v
			} else {
				params = append(params, member{key: name, value: v})
			}
		}
		top[i].value = encode(params)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, encode(top), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

func members(data []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("want a JSON object")
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, member{key: tok.(string), value: v})
	}
	return out, nil
}

func encode(ms []member) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		b.Write(k)
		b.WriteByte(':')
		b.Write(m.value)
	}
	b.WriteByte('}')
	return b.Bytes()
}

func indexOf(ms []member, key string) int {
	for i, m := range ms {
		if m.key == key {
			return i
		}
	}
	return -1
}
