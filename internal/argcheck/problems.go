package argcheck

import (
	"errors"
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
	path      string // prefix of every field, e.g. "Groups[0]."
	errs      *[]error
}

// Into returns a collector that appends to *errs, prefixing messages with component.
func Into(component string, errs *[]error) *Problems {
	return &Problems{component: component, errs: errs}
}

// New returns a collector with its own list; Err reports it.
func New(component string) *Problems { return Into(component, new([]error)) }

// At returns a collector into the same list whose fields (and Addf messages) start with
// "<path>.", for the elements of a list or the fields of a nested struct.
func (p *Problems) At(path string) *Problems {
	return &Problems{component: p.component, path: p.path + path + ".", errs: p.errs}
}

// Err joins everything recorded so far, nil if nothing.
func (p *Problems) Err() error { return errors.Join(*p.errs...) }

// Bad records `<component>: <field> "<value>" is invalid: <allowed>`.
func (p *Problems) Bad(field string, value any, allowed string) {
	*p.errs = append(*p.errs, fmt.Errorf("%s: %s%s %q is invalid: %s", p.component, p.path, field, fmt.Sprint(value), allowed))
}

// Missing records `<component>: <field> is required (<what>)`.
func (p *Problems) Missing(field, what string) {
	*p.errs = append(*p.errs, fmt.Errorf("%s: %s%s is required (%s)", p.component, p.path, field, what))
}

// Between records a Bad unless lo <= v <= hi.
func (p *Problems) Between(field string, v, lo, hi int, unit string) {
	if v < lo || v > hi {
		p.Bad(field, v, fmt.Sprintf("want %d..%d %s", lo, hi, unit))
	}
}

// namePrefix is the stem of physical names every component accepts: lower-case words
// joined by single hyphens, starting with a letter. It is the strictest rule the
// stacks' prefixes ("agent-platform-prod": service name, '-', stack) all satisfy, and
// joining it to a suffix with '-' never yields "--" or a trailing '-'.
var namePrefix = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// MaxNamePrefix leaves room for the suffixes components add within AWS's length limits.
const MaxNamePrefix = 40

// IsNamePrefix reports whether s follows the shared rule (another stack's NamePrefix,
// say), at most MaxNamePrefix long.
func IsNamePrefix(s string) bool { return namePrefix.MatchString(s) && len(s) <= MaxNamePrefix }

// NamePrefix checks the physical-name stem against the shared rule and MaxNamePrefix.
func (p *Problems) NamePrefix(prefix string) { p.NamePrefixUpTo(prefix, MaxNamePrefix) }

// NamePrefixUpTo checks the physical-name stem against the shared rule with a shorter
// limit, for a component whose physical names leave less room (e.g. IAM role names
// that add a namespace and a service account).
func (p *Problems) NamePrefixUpTo(prefix string, limit int) {
	if !namePrefix.MatchString(prefix) || len(prefix) > limit {
		p.Bad("NamePrefix", prefix, fmt.Sprintf("want 1-%d lower-case letters and digits in words joined by single hyphens, starting with a letter, e.g. \"platform-prod\"", limit))
	}
}

// Addf records `<component>: <message>` for a rule whose message says more than a bad
// value and what is allowed (a cross-field rule, a computed limit).
func (p *Problems) Addf(format string, args ...any) {
	*p.errs = append(*p.errs, fmt.Errorf("%s: %s%s", p.component, p.path, fmt.Sprintf(format, args...)))
}

// Tags records one error per required tag that t lacks.
func (p *Problems) Tags(t tags.Set) {
	*p.errs = append(*p.errs, MissingTags(p.component, t)...)
}
