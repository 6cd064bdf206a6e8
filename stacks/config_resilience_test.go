package stacks

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCommittedResilienceTargets(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		stack        string
		availability float64
		azRTO        int
	}{
		{"prod", 99.9, 15},
		{"dr", 99.9, 15},
		{"staging", 99.0, 60},
	} {
		t.Run(tc.stack, func(t *testing.T) {
			t.Parallel()
			cfg, err := Load(tc.stack, stackConfig(t, tc.stack))
			require.NoError(t, err)
			require.Equal(t, tc.availability, cfg.Resilience.AvailabilityPercent)
			require.Len(t, cfg.Resilience.Targets, len(Disruptions))
			require.Equal(t, tc.azRTO, cfg.Resilience.Targets["az-loss"].RTOMinutes)
			// LoadResilience reads the same values from the raw file (what preflight uses).
			only, err := LoadResilience(tc.stack, stackConfig(t, tc.stack))
			require.NoError(t, err)
			require.Equal(t, cfg.Resilience, only)
		})
	}
}

func TestResilienceTargetsAreValidated(t *testing.T) {
	t.Parallel()
	cases := []badConfig{
		{name: "availability not a number", stack: "staging", set: map[string]string{"platform:availabilityTarget": "three nines"},
			key: "availabilityTarget", contains: []string{`"three nines" is not a number`, "e.g. \"99.9\""}},
		{name: "availability of 100 is impossible", stack: "staging", set: map[string]string{"platform:availabilityTarget": "100"},
			key: "availabilityTarget", contains: []string{"out of range", "90 to 99.999"}},
		{name: "availability with too many decimals", stack: "staging", set: map[string]string{"platform:availabilityTarget": "99.99999"},
			key: "availabilityTarget", contains: []string{"at most three decimals"}},
		{name: "prod below the seed's 99.9", stack: "prod", set: map[string]string{"platform:availabilityTarget": "99.5"},
			key: "availabilityTarget", contains: []string{`"99.5" is below the production floor`, "99.9 or more"}},
		{name: "dr below the seed's 99.9", stack: "dr", set: map[string]string{"platform:availabilityTarget": "99"},
			key: "availabilityTarget", contains: []string{"production floor"}},
		{name: "prod must state its targets", stack: "prod", drop: []string{"platform:rtoAzLossMinutes"},
			key: "rtoAzLossMinutes", contains: []string{"is required", "no default"}},
		{name: "zero RTO", stack: "prod", set: map[string]string{"platform:rtoPodLossMinutes": "0"},
			key: "rtoPodLossMinutes", contains: []string{`"0" is out of range (allowed: 1 to 10080)`}},
		{name: "negative RPO", stack: "staging", set: map[string]string{"platform:rpoRegionLossMinutes": "-5"},
			key: "rpoRegionLossMinutes", contains: []string{"allowed: 0 to 10080"}},
		{name: "RPO in hours by mistake", stack: "prod", set: map[string]string{"platform:rpoRegionLossMinutes": "24h"},
			key: "rpoRegionLossMinutes", contains: []string{`"24h" is not an integer`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw := tc.config(t)
			// The program (Load) and the preflight report (LoadResilience) say the same.
			_, loadErr := Load(tc.stack, raw)
			_, onlyErr := LoadResilience(tc.stack, raw)
			requireRefused(t, loadErr, tc)
			requireRefused(t, onlyErr, tc)
		})
	}
}

func TestTargetKeyTypoIsNamed(t *testing.T) {
	t.Parallel()
	raw := stackConfig(t, "prod")
	raw["platform:rtoAZLossMinute"] = "15"
	_, err := Load("prod", raw)
	require.ErrorContains(t, err, `platform:rtoAZLossMinute: "15" is not a platform config key (did you mean platform:rtoAzLossMinutes?)`)
}

func TestEveryDisruptionHasDeclaredKeys(t *testing.T) {
	t.Parallel()
	for _, d := range Disruptions {
		for _, name := range []string{d.RTOKey(), d.RPOKey()} {
			k, ok := keyByName(name)
			require.True(t, ok, "%s: %s is not in the key table", d.ID, name)
			require.Equal(t, KindInteger, k.Kind, name)
			require.Nil(t, k.Default, "%s must be set in every stack file", name)
		}
	}
	k, ok := keyByName("availabilityTarget")
	require.True(t, ok)
	require.Nil(t, k.Default)
}
