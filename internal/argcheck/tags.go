package argcheck

import (
	"fmt"
	"strings"

	"github.com/generic-corp/platform/internal/tags"
)

// MissingTags returns one error per tag of tags.Required that t lacks, each prefixed
// with the component's name (e.g. "database").
func MissingTags(component string, t tags.Set) []error {
	var errs []error
	for _, k := range tags.Required {
		if t[k] == "" {
			errs = append(errs, fmt.Errorf("%s: Tags lacks the required tag %q (required: %s)", component, k, strings.Join(tags.Required, ", ")))
		}
	}
	return errs
}
