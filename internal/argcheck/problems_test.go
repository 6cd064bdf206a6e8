package argcheck

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNamePrefix(t *testing.T) {
	cases := []struct {
		prefix string
		limit  int
		ok     bool
	}{
		// The stacks' own prefixes, <serviceName>-<stack>.
		{"agent-platform-staging", MaxNamePrefix, true},
		{"agent-platform-prod", MaxNamePrefix, true},
		{"agent-platform-dr", MaxNamePrefix, true},
		{"platform-prod", 32, true},
		{"p", MaxNamePrefix, true},
		{"a1-b2", MaxNamePrefix, true},
		{strings.Repeat("a", 40), MaxNamePrefix, true},
		{strings.Repeat("a", 41), MaxNamePrefix, false},
		{strings.Repeat("a", 33), 32, false},
		{"", MaxNamePrefix, false},
		{"Platform", MaxNamePrefix, false},
		{"9lives", MaxNamePrefix, false},
		{"-platform", MaxNamePrefix, false},
		{"platform-", MaxNamePrefix, false},
		{"platform--prod", MaxNamePrefix, false},
		{"platform_prod", MaxNamePrefix, false},
	}
	for _, tc := range cases {
		t.Run(tc.prefix, func(t *testing.T) {
			var errs []error
			Into("svc", &errs).NamePrefixUpTo(tc.prefix, tc.limit)
			if tc.limit == MaxNamePrefix {
				require.Equal(t, tc.ok, IsNamePrefix(tc.prefix))
			}
			if tc.ok {
				require.Empty(t, errs)
				return
			}
			require.Len(t, errs, 1)
			require.ErrorContains(t, errs[0], `svc: NamePrefix "`+tc.prefix+`" is invalid: want 1-`)
			require.ErrorContains(t, errs[0], "single hyphens, starting with a letter")
		})
	}
	var errs []error
	Into("svc", &errs).NamePrefix(strings.Repeat("a", 41))
	require.EqualError(t, errors.Join(errs...), `svc: NamePrefix "`+strings.Repeat("a", 41)+`" is invalid: want 1-40 lower-case letters and digits in words joined by single hyphens, starting with a letter, e.g. "platform-prod"`)
}

func TestProblemsKeepOrder(t *testing.T) {
	errs := []error{errors.New("first")}
	p := Into("cache", &errs)
	p.Bad("EngineVersion", "6.2", `want Redis 7 major.minor, e.g. "7.1"`)
	p.Missing("VpcId", "the VPC of the data subnets")
	p.Addf("Replicas %d is out of range (0..%d)", 7, 5)
	p.Between("Days", 40, 1, 35, "days")
	require.Equal(t, []string{
		"first",
		`cache: EngineVersion "6.2" is invalid: want Redis 7 major.minor, e.g. "7.1"`,
		"cache: VpcId is required (the VPC of the data subnets)",
		"cache: Replicas 7 is out of range (0..5)",
		`cache: Days "40" is invalid: want 1..35 days`,
	}, func() []string {
		var s []string
		for _, e := range errs {
			s = append(s, e.Error())
		}
		return s
	}())
}

func TestProblemsAt(t *testing.T) {
	p := New("cache")
	require.NoError(t, p.Err())
	g := p.At(`Groups[1] ("queue")`)
	g.Bad("Name", "Q", "want lower-case")
	g.Addf("Replicas %d is out of range", 9)
	g.At("Parameters").Missing("Value", "a string")
	p.Missing("VpcId", "the VPC")
	require.EqualError(t, p.Err(), `cache: Groups[1] ("queue").Name "Q" is invalid: want lower-case
cache: Groups[1] ("queue").Replicas 9 is out of range
cache: Groups[1] ("queue").Parameters.Value is required (a string)
cache: VpcId is required (the VPC)`)
}
