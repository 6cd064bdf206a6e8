package cost

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/generic-corp/platform/plan"
)

// calc accumulates one item: priced terms with their keys, and unknown parts.
type calc struct {
	t       *Table
	a       Assumptions
	usd     float64
	keys    []string
	terms   []string
	notes   []string
	unknown []string
	freeWhy string
}

// price looks a key up and records it (PriceKeys only ever holds keys of the table). A
// missing key or a null price adds an unknown part (with the table's note) and returns
// false.
func (c *calc) price(key string) (float64, bool) {
	p, ok := c.t.prices[key]
	if !ok {
		c.unknownf("no price %q in the table", key)
		return 0, false
	}
	c.cite(key)
	switch {
	case p.Price == nil:
		c.unknownf("price %s is null in the table: %s", key, p.Note)
		return 0, false
	}
	return *p.Price, true
}

func (c *calc) cite(key string) {
	for _, k := range c.keys {
		if k == key {
			return
		}
	}
	c.keys = append(c.keys, key)
}

// term adds qty x price(key); what describes the quantity ("730 h", "50 GB").
func (c *calc) term(key string, qty float64, what string) {
	p, ok := c.price(key)
	if !ok {
		return
	}
	c.usd += qty * p
	c.terms = append(c.terms, fmt.Sprintf("%s x $%s/%s [%s]", what, fmtNum(p), c.t.prices[key].Unit, key))
}

// hours adds n units of an hourly price for the whole month.
func (c *calc) hours(key string, n float64, unit string) {
	what := fmtNum(c.a.HoursPerMonth) + " h"
	if n != 1 {
		what = fmtNum(n) + " " + unit + " x " + what
	}
	c.term(key, n*c.a.HoursPerMonth, what)
}

// zero cites a key whose price applies at no cost (e.g. a free first copy).
func (c *calc) zero(key, why string) {
	if _, ok := c.price(key); ok {
		c.terms = append(c.terms, fmt.Sprintf("$0 [%s]: %s", key, why))
	}
}

func (c *calc) note(format string, args ...any) {
	c.notes = append(c.notes, fmt.Sprintf(format, args...))
}

func (c *calc) unknownf(format string, args ...any) {
	c.unknown = append(c.unknown, fmt.Sprintf(format, args...))
}

// need records an unknown part when an input is not known; it reports whether it is.
func (c *calc) need(st state, what string) bool {
	switch st {
	case unknown:
		c.unknownf("%s is not known until apply", what)
		return false
	case missing:
		c.unknownf("%s is not set", what)
		return false
	}
	return true
}

func (c *calc) free(why string) { c.freeWhy = why }

func (c *calc) item(r *plan.Resource) Item {
	it := Item{URN: r.URN, Type: r.Type, Name: r.Name, MonthlyUSD: c.usd, Known: len(c.unknown) == 0,
		PriceKeys: c.keys}
	f := strings.Join(c.terms, " + ")
	if len(c.notes) > 0 {
		if f != "" {
			f += "; "
		}
		f += strings.Join(c.notes, "; ")
	}
	it.Formula = f
	switch {
	case len(c.unknown) > 0:
		it.Reason = strings.Join(c.unknown, "; ")
	case c.freeWhy != "":
		it.Reason = "free: " + c.freeWhy
	}
	return it
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func itoa(n int) string { return strconv.Itoa(n) }

// count formats "1 secret", "2 secrets".
func count(n float64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmtNum(n) + " " + noun + "s"
}
