package preflight

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Format renders a document. Every format shows the same data; they differ in layout.
type Format interface {
	// Name is the --format value.
	Name() string
	Write(w io.Writer, d *Document) error
}

// Compile-time checks that each format implements the interface.
var (
	_ Format = TextFormat{}
	_ Format = MarkdownFormat{}
	_ Format = JSONFormat{}
)

// Formats lists the report formats by --format name.
var Formats = map[string]Format{
	"text":     TextFormat{},
	"markdown": MarkdownFormat{},
	"json":     JSONFormat{},
}

// FormatNames returns the --format values, sorted.
func FormatNames() []string { return sortedKeys(Formats) }

// ByName returns a format, or an error listing the valid names.
func ByName(name string) (Format, error) {
	if f, ok := Formats[name]; ok {
		return f, nil
	}
	return nil, fmt.Errorf("unknown format %q (allowed: %s)", name, strings.Join(FormatNames(), ", "))
}

// componentCosts returns the components sorted by cost, most expensive first.
func componentCosts(c Cost) []string {
	names := sortedKeys(c.ByComponent)
	sort.SliceStable(names, func(i, j int) bool { return c.ByComponent[names[i]] > c.ByComponent[names[j]] })
	return names
}

// usd renders dollars with cents and a thousands separator.
func usd(x float64) string {
	neg := x < 0
	if neg {
		x = -x
	}
	s := fmt.Sprintf("%.2f", x)
	intPart, frac := s[:len(s)-3], s[len(s)-3:]
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := "$" + b.String() + frac
	if neg {
		return "-" + out
	}
	return out
}

// signedUSD renders a delta with its sign.
func signedUSD(x float64) string {
	if x > 0 {
		return "+" + usd(x)
	}
	return usd(x)
}

// minutes renders modeled minutes.
func minutes(m float64) string {
	if m == float64(int(m)) {
		return fmt.Sprintf("%d min", int(m))
	}
	return fmt.Sprintf("%.1f min", m)
}

// budgetLine is "$612.34 of $800.00 (77%)" or "$612.34 (no budget set)"; a lower bound
// says so.
func budgetLine(c Cost) string {
	s := usd(c.MonthlyUSD)
	if !c.Complete {
		s = "≥ " + s
	}
	if c.BudgetUSD <= 0 {
		return s + " (no budget set)"
	}
	s += fmt.Sprintf(" of %s budget (%.0f%%)", usd(c.BudgetUSD), 100*c.MonthlyUSD/c.BudgetUSD)
	if c.OverBudget() {
		s += " OVER BUDGET"
	}
	return s
}

// verdictWord is the one-word outcome.
func verdictWord(r *Report) string {
	if r.Summary.Pass {
		return "PASS"
	}
	return "FAIL"
}

// shortURN renders a URN as type::name for humans.
func shortURN(urn string) string {
	i := strings.LastIndex(urn, "::")
	if i < 0 {
		return urn
	}
	typ := urn[:i]
	if j := strings.LastIndex(typ, "$"); j >= 0 {
		typ = typ[j+1:]
	} else if k := strings.LastIndex(typ, "::"); k >= 0 {
		typ = typ[k+2:]
	}
	return ShortType(typ) + " " + urn[i+2:]
}

// ShortType renders "aws:rds/instance:Instance" as "rds.Instance" and
// "kubernetes:apps/v1:Deployment" as "k8s.Deployment".
func ShortType(typ string) string {
	parts := strings.Split(typ, ":")
	if len(parts) != 3 {
		return typ
	}
	switch parts[0] {
	case "pulumi":
		if parts[1] == "providers" {
			return "provider." + parts[2]
		}
	case "kubernetes":
		return "k8s." + parts[2]
	case "aws":
		mod := parts[1]
		if i := strings.IndexByte(mod, '/'); i >= 0 {
			mod = mod[:i]
		}
		return mod + "." + parts[2]
	}
	return typ
}

// changeCounts is "+3 ~2 -1".
func changeCounts(d *Diff) string {
	return fmt.Sprintf("+%d ~%d -%d", len(d.Added), len(d.Changed), len(d.Removed))
}

// valueText renders a plain JSON value compactly for humans.
func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return "(none)"
	case string:
		return fmt.Sprintf("%q", x)
	case float64:
		return fmt.Sprintf("%v", x)
	case map[string]any:
		if len(x) == 0 {
			return "{}"
		}
	case []any:
		if len(x) == 0 {
			return "[]"
		}
	}
	return fmt.Sprintf("%v", v)
}

// truncate shortens s to n runes with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
