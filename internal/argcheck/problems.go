package argcheck

import (
	"fmt"
	"regexp"

	"github.com/generic-corp/platform/internal/tags"
)

// Problems collects a component's user errors in the house wording, each naming the
// field, the bad value and what is allowed, so that every Args.validate reads the same
// and reports everything at once. It appends to the caller's slice, keeping the order
// of any errors the caller adds itself.
type Problems struct {
	component string
	errs      *[]error
}

// Into returns a collector that appends to *errs, prefixing messages with component.
func Into(component string, errs *[]error) *Problems {
	return &Problems{component: component, errs: errs}
}

// Bad records `<component>: <field> "<value>" is invalid: <allowed>`.
func (p *Problems) Bad(field string, value any, allowed string) {
	*p.errs = append(*p.errs, fmt.Errorf("%s: %s %q is invalid: %s", p.component, field, fmt.Sprint(value), allowed))
}

// Missing records `<component>: <field> is required (<what>)`.
func (p *Problems) Missing(field, what string) {
	*p.errs = append(*p.errs, fmt.Errorf("%s: %s is required (%s)", p.component, field, what))
}

// Between records a Bad unless lo <= v <= hi.
func (p *Problems) Between(field string, v, lo, hi int, unit string) {
	if v < lo || v > hi {
		p.Bad(field, v, fmt.Sprintf("want %d..%d %s", lo, hi, unit))
	}
}

// namePrefix is the stem of physical names every component accepts: it must leave room
// for the suffixes components add within AWS's length limits.
var namePrefix = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)

// NamePrefix checks the physical-name stem.
func (p *Problems) NamePrefix(prefix string) {
	if !namePrefix.MatchString(prefix) {
		p.Bad("NamePrefix", prefix, "want 1-40 lower-case letters, digits or '-', starting with a letter")
	}
}

// Tags records one error per required tag that t lacks.
func (p *Problems) Tags(t tags.Set) {
	*p.errs = append(*p.errs, MissingTags(p.component, t)...)
}
