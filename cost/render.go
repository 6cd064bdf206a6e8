package cost

import (
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
)

// Table renders the estimate for logs: a per-component summary, the priced and unknown
// items with their formulas, and the price sources used.
func (e *Estimate) Table() string {
	var b strings.Builder
	bound := ""
	if len(e.Unknown) > 0 {
		bound = fmt.Sprintf(" (lower bound: %s not priced)", count(float64(len(e.Unknown)), "item"))
	}
	fmt.Fprintf(&b, "Monthly cost estimate: $%.2f%s\n", e.MonthlyUSD, bound)
	fmt.Fprintf(&b, "Prices: %s %s on-demand, collected %s; %s h/month; account free tiers not applied.\n\n",
		e.Region, e.Currency, e.PriceDate, fmtNum(e.Assumptions.HoursPerMonth))

	type row struct {
		usd                    float64
		priced, free, unpriced int
	}
	rows := map[string]*row{}
	for _, it := range e.Items {
		r := rows[it.Component]
		if r == nil {
			r = &row{}
			rows[it.Component] = r
		}
		r.usd += it.MonthlyUSD
		switch {
		case !it.Known:
			r.unpriced++
		case it.MonthlyUSD == 0:
			r.free++
		default:
			r.priced++
		}
	}
	comps := make([]string, 0, len(rows))
	for c := range rows {
		comps = append(comps, c)
	}
	sort.Slice(comps, func(i, j int) bool {
		if rows[comps[i]].usd != rows[comps[j]].usd {
			return rows[comps[i]].usd > rows[comps[j]].usd
		}
		return comps[i] < comps[j]
	})
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "COMPONENT\tUSD/MONTH\tPRICED\tFREE\tUNKNOWN\t")
	for _, c := range comps {
		r := rows[c]
		fmt.Fprintf(w, "%s\t%.2f\t%d\t%d\t%d\t\n", c, e.ByComponent[c], r.priced, r.free, r.unpriced)
	}
	fmt.Fprintf(w, "TOTAL\t%.2f\t\t\t%d\t\n", e.MonthlyUSD, len(e.Unknown))
	_ = w.Flush()

	b.WriteString("\nPriced items:\n")
	w = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, it := range e.Items {
		if it.Known && it.MonthlyUSD > 0 {
			fmt.Fprintf(w, "  %s\t%s\t%s\t%9.2f\t%s\n", it.Component, shortType(it.Type), it.Name, it.MonthlyUSD, it.Formula)
		}
	}
	_ = w.Flush()
	if len(e.Unknown) > 0 {
		b.WriteString("\nNot priced (unknown, not zero):\n")
		w = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, it := range e.Unknown {
			partial := ""
			if it.MonthlyUSD > 0 {
				partial = fmt.Sprintf(" (priced part $%.2f)", it.MonthlyUSD)
			}
			fmt.Fprintf(w, "  %s\t%s\t%s\t%s%s\n", it.Component, shortType(it.Type), it.Name, it.Reason, partial)
		}
		_ = w.Flush()
	}
	if len(e.Sources) > 0 {
		b.WriteString("\nSources (prices.json):\n")
		w = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, p := range e.Sources {
			price, src := "null", "no citable source"
			if p.Price != nil {
				price, src = "$"+fmtNum(*p.Price), p.Source
			}
			fmt.Fprintf(w, "  %s\t%s/%s\t%s\n", p.Key, price, p.Unit, src)
		}
		_ = w.Flush()
	}
	return b.String()
}

// shortType trims a type token to module/Kind: aws:rds/instance:Instance -> rds/Instance.
func shortType(t string) string {
	parts := strings.Split(t, ":")
	if len(parts) != 3 {
		return t
	}
	mod := parts[1]
	if i := strings.Index(mod, "/"); i >= 0 {
		mod = mod[:i]
	}
	return mod + "/" + parts[2]
}
