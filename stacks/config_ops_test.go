package stacks

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestStrictStacksPageSomeone: prod and its rebuild must subscribe someone to the alarm
// topics; staging may go unwatched.
func TestStrictStacksPageSomeone(t *testing.T) {
	t.Parallel()
	const key = "platform:alertEmails"
	cases := []badConfig{
		{name: "prod with an empty list", stack: "prod", set: map[string]string{key: "[]"},
			key: key, contains: []string{`platform:alertEmails: "[]" must list at least one address in prod`, "nobody is paged", "PagerDuty"}},
		{name: "dr with an empty list", stack: "dr", set: map[string]string{key: "[]"},
			key: key, contains: []string{"must list at least one address in dr"}},
		{name: "prod without the key", stack: "prod", drop: []string{key},
			key: key, contains: []string{"platform:alertEmails: is required"}},
		{name: "dr with a null list", stack: "dr", set: map[string]string{key: "null"},
			key: key, contains: []string{"must list at least one address in dr"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(tc.stack, tc.config(t))
			requireRefused(t, err, tc)
		})
	}

	raw := stackConfig(t, "staging")
	raw[key] = "[]"
	cfg, err := Load("staging", raw)
	require.NoError(t, err, "staging may run without subscribers")
	require.Empty(t, cfg.Ops.AlertEmails)
}
