package lifecycle

import (
	"fmt"
	"time"
)

// Phase is where a version stands on a day.
type Phase string

const (
	// Supported: in standard support for more than WarnDays.
	Supported Phase = "supported"
	// EndingSoon: in standard support, ending within WarnDays.
	EndingSoon Phase = "ending-soon"
	// Extended: past standard support, in the vendor's paid extended support.
	Extended Phase = "extended"
	// Ended: past every support the vendor offers.
	Ended Phase = "ended"
	// NoPublishedEnd: listed, and the vendor publishes no end of support.
	NoPublishedEnd Phase = "no-published-end"
)

// Status is the verdict on one version for one day.
type Status struct {
	Entry Entry
	Phase Phase
	// Ends is the end of standard support (zero for NoPublishedEnd).
	Ends time.Time
	// DaysLeft is the whole days from the run date to Ends (negative once past).
	DaysLeft int
}

// Status judges an entry on a day.
func (t *Table) Status(e Entry, on time.Time) Status {
	s := Status{Entry: e, Phase: NoPublishedEnd}
	if e.EndOfStandardSupport == "" {
		return s
	}
	ends, _ := ParseDate(e.EndOfStandardSupport) // validated on load
	s.Ends = ends
	s.DaysLeft = int(ends.Sub(on).Hours() / 24)
	switch {
	case on.Before(ends) && s.DaysLeft > t.WarnDays:
		s.Phase = Supported
	case on.Before(ends):
		s.Phase = EndingSoon
	case e.EndOfExtendedSupport != "" && on.Before(mustDate(e.EndOfExtendedSupport)):
		s.Phase = Extended
	default:
		s.Phase = Ended
	}
	return s
}

// InStandardSupport reports whether a version is in standard support on a day (a
// version with no published end counts as supported).
func (s Status) InStandardSupport() bool {
	return s.Phase == Supported || s.Phase == EndingSoon || s.Phase == NoPublishedEnd
}

// NewestInStandardSupport is the newest listed version of a product (table order is
// oldest first) still in standard support on a day.
func (t *Table) NewestInStandardSupport(product, name string, on time.Time) (Entry, error) {
	vs := t.Versions(product, name)
	for i := len(vs) - 1; i >= 0; i-- {
		if t.Status(vs[i], on).InStandardSupport() {
			return vs[i], nil
		}
	}
	return Entry{}, fmt.Errorf("no %s %s version is in standard support on %s", product, name, FormatDate(on))
}

func mustDate(s string) time.Time {
	d, _ := ParseDate(s)
	return d
}
