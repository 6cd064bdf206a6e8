package tags

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
)

func TestNewSetsRequiredTagsAndManagedBy(t *testing.T) {
	s := New("prod", "agent-platform", "sre", "platform", map[string]string{"environment": "override-me", "team": "x"})
	for _, k := range Required {
		require.NotEmpty(t, s[k], k)
	}
	require.Equal(t, "prod", s["environment"], "the stack's values win over extras")
	require.Equal(t, "pulumi", s["managed-by"])
	require.Equal(t, "x", s["team"])
}

func TestWithCopies(t *testing.T) {
	s := New("staging", "svc", "o", "c", nil)
	w := s.With(map[string]string{"backup": "true"})
	require.Equal(t, "true", w["backup"])
	_, leaked := s["backup"]
	require.False(t, leaked, "With must not modify the receiver")
}

func TestAWSAddsName(t *testing.T) {
	m := New("prod", "svc", "o", "c", nil).AWS("agent-platform-prod-db")
	require.Equal(t, pulumi.String("agent-platform-prod-db"), m["Name"])
	require.Equal(t, pulumi.String("prod"), m["environment"])
}

func TestLabelMapIsValidForKubernetes(t *testing.T) {
	s := New("prod", "agent platform/api", "o", "c", map[string]string{"note": strings.Repeat("v", 80) + "-"})
	labels := s.LabelMap("api", "http")
	require.Equal(t, "api", labels["app.kubernetes.io/name"])
	require.Equal(t, "http", labels["app.kubernetes.io/component"])
	for k, v := range labels {
		require.LessOrEqual(t, len(v), 63, k)
		require.Regexp(t, `^([A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)?$`, v, k)
	}
	require.Equal(t, "agent-platform-api", labels["platform.generic-corp.io/service"])
}
