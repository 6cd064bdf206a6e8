package argcheck

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tags"
)

func TestMissingTags(t *testing.T) {
	require.Empty(t, MissingTags("database", tags.New("prod", "svc", "o", "c", nil)))

	errs := MissingTags("database", tags.Set{"environment": "prod", "owner": "sre"})
	require.Len(t, errs, 2)
	require.ErrorContains(t, errs[0], `database: Tags lacks the required tag "service"`)
	require.ErrorContains(t, errs[1], `"cost-center"`)
	require.ErrorContains(t, errs[1], "environment, service, owner, cost-center")
}
