package preflight

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// TextFormat is the terminal report: headline first, then sections.
type TextFormat struct{}

// Name implements Format.
func (TextFormat) Name() string { return "text" }

// Write implements Format.
func (TextFormat) Write(w io.Writer, d *Document) error {
	ew := &errWriter{w: w}
	if len(d.Reports) > 1 {
		writeStacksTable(ew, d)
	}
	for _, n := range d.Notes {
		fmt.Fprintf(ew, "note: %s\n", n)
	}
	for i, r := range d.Reports {
		if i > 0 || len(d.Reports) > 1 {
			fmt.Fprintln(ew)
		}
		writeTextReport(ew, r)
	}
	if d.Parity != nil {
		writeTextParity(ew, d.Parity)
	}
	return ew.err
}

func writeStacksTable(w io.Writer, d *Document) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STACK\tVERDICT\tRESOURCES\tMANDATORY\tADVISORY\tCOST/MONTH\tBUDGET\tCRITICAL PATH\tDIFF")
	for _, r := range d.Reports {
		diff := "-"
		if r.Diff != nil {
			diff = changeCounts(r.Diff)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\n", r.Stack, verdictWord(r), r.Summary.Resources,
			r.Summary.Mandatory, r.Summary.Advisory, usd(r.Cost.MonthlyUSD), usd(r.Cost.BudgetUSD),
			minutes(r.CriticalPath.Minutes), diff)
	}
	_ = tw.Flush()
}

func writeTextReport(w io.Writer, r *Report) {
	s := r.Summary
	fmt.Fprintf(w, "preflight: stack %s (%s) - %s\n", r.Stack, r.Mode, verdictWord(r))
	fmt.Fprintf(w, "  %d resources (%d cloud, %d protected); policy: %d mandatory, %d advisory, %d exempted\n",
		s.Resources, s.Custom, s.Protected, s.Mandatory, s.Advisory, s.Exempted)
	fmt.Fprintf(w, "  cost: %s; critical path: %s\n", budgetLine(r.Cost), minutes(r.CriticalPath.Minutes))
	if r.Diff != nil {
		writeTextDiff(w, r.Diff)
	}
	writeTextFindings(w, r)
	writeTextCost(w, r.Cost, r.RunDate)
	writeTextCritical(w, r.CriticalPath)
	writeTextRollout(w, r.Rollout)
	writeTextRehearsal(w, r.Rehearsal)
	writeTextDR(w, r.DR)
	writeTextResilience(w, r.Resilience)
	writeTextInventory(w, r.Inventory)
	if r.Mermaid != "" {
		fmt.Fprintf(w, "\nGRAPH (mermaid)\n%s", r.Mermaid)
	}
}

func writeTextFindings(w io.Writer, r *Report) {
	fmt.Fprintf(w, "\nPOLICY (%d findings)\n", len(r.Findings))
	if len(r.Findings) == 0 {
		fmt.Fprintln(w, "  no findings")
		return
	}
	for _, group := range findingGroups(r.Findings) {
		for _, f := range group.findings {
			where := "stack"
			if f.URN != "" {
				where = shortURN(f.URN)
			}
			fmt.Fprintf(w, "  %-9s %s [%s] %s\n", group.label, f.Rule, f.Severity, where)
			msg := f.Message
			if f.Exempted {
				msg += " (exempted: " + f.ExemptionReason + ")"
			}
			fmt.Fprintf(w, "            %s\n", msg)
		}
	}
}

func writeTextCost(w io.Writer, c Cost, runDate string) {
	fmt.Fprintf(w, "\nCOST (%s per month, prices collected %s, billed as of %s)\n", c.Currency, c.PriceDate, runDate)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, comp := range componentCosts(c) {
		fmt.Fprintf(tw, "  %s\t%s\t\n", comp, usd(c.ByComponent[comp]))
	}
	fmt.Fprintf(tw, "  TOTAL\t%s\t\n", usd(c.MonthlyUSD))
	if c.BudgetUSD > 0 {
		fmt.Fprintf(tw, "  BUDGET\t%s\t\n", usd(c.BudgetUSD))
	}
	_ = tw.Flush()
	if !c.Complete {
		fmt.Fprintf(w, "  lower bound: %d resource(s) not priced\n", len(c.Unpriced))
	}
}

func writeTextCritical(w io.Writer, cp CriticalPath) {
	fmt.Fprintf(w, "\nCRITICAL PATH %s (modeled full rebuild: the DR RTO floor; times from %s)\n", minutes(cp.Minutes), cp.TimingsSource)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  START\tTAKES\tRESOURCE")
	for _, s := range cp.Chain {
		fmt.Fprintf(tw, "  %.1f\t%.1f\t%s %s\n", s.StartMinutes, s.Minutes, ShortType(s.Type), s.Name)
	}
	_ = tw.Flush()
	for _, k := range cp.Keystones {
		fmt.Fprintf(w, "  keystone %s %s: starts at %.1f, done at %.1f min\n", ShortType(k.Type), k.Name, k.StartMinutes, k.FinishMinutes)
	}
	if len(cp.Serialised) == 0 {
		fmt.Fprintln(w, "  no false serialisation: no RDS, ElastiCache, EKS or CloudFront resource waits for another")
	}
	for _, s := range cp.Serialised {
		fmt.Fprintf(w, "  SERIALISED: %s waits for %s (via %d resources)\n", shortURN(s.URN), shortURN(s.DependsOn), len(s.Via)-2)
	}
}

func writeTextInventory(w io.Writer, rows []InventoryRow) {
	fmt.Fprintln(w, "\nINVENTORY")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  COMPONENT\tTYPE\tCOUNT\tPROTECTED")
	for _, r := range rows {
		prot := ""
		if r.Protected > 0 {
			prot = fmt.Sprintf("%d protected", r.Protected)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\n", r.Component, r.Type, r.Count, prot)
	}
	_ = tw.Flush()
}

func writeTextDiff(w io.Writer, d *Diff) {
	fmt.Fprintf(w, "\nDIFF vs %s: %s; cost %s/month (%s -> %s)\n", d.Base, changeCounts(d), signedUSD(d.Cost.DeltaUSD),
		usd(d.Cost.BaseUSD), usd(d.Cost.HeadUSD))
	for _, n := range d.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	writeTextDiffAlerts(w, d)
	for _, u := range d.Cost.NewlyUnpriced {
		fmt.Fprintf(w, "  cost delta understated: %s is not priced in head\n", shortURN(u))
	}
	for _, c := range d.Removed {
		loud := ""
		if c.Stateful {
			loud = "  !! STATEFUL: deleting it destroys its data"
		}
		fmt.Fprintf(w, "  - delete  %s %s%s\n", ShortType(c.Type), c.Name, loud)
	}
	for _, c := range d.Added {
		fmt.Fprintf(w, "  + create  %s %s\n", ShortType(c.Type), c.Name)
	}
	for _, c := range d.Changed {
		label := "~ update "
		if c.Action == "replace" {
			label = "+-replace"
		}
		loud := ""
		if c.Action == "replace" && c.Stateful {
			loud = "  !! STATEFUL REPLACEMENT: the new resource starts empty (forced by " + strings.Join(c.Reasons(), ", ") + ")"
		}
		fmt.Fprintf(w, "  %s %s %s%s\n", label, ShortType(c.Type), c.Name, loud)
		for _, p := range c.Properties {
			mark := ""
			if p.Replaces {
				mark = "  (forces replacement)"
			}
			fmt.Fprintf(w, "      %s: %s -> %s%s\n", p.Path, truncate(valueText(p.Old), 80), truncate(valueText(p.New), 80), mark)
		}
		writeTextCascade(w, c)
	}
	for _, f := range d.NewFindings {
		fmt.Fprintf(w, "  new finding: %s [%s] %s\n", f.Rule, f.Enforcement, shortURN(f.URN))
	}
	for _, f := range d.ResolvedFindings {
		fmt.Fprintf(w, "  resolved finding: %s %s\n", f.Rule, shortURN(f.URN))
	}
}

func writeTextParity(w io.Writer, p *Parity) {
	fmt.Fprintf(w, "\nPARITY (%s): what differs besides sizes\n", strings.Join(p.Stacks, " / "))
	fmt.Fprintf(w, "  config keys that differ: %d\n", len(p.Config))
	for _, c := range p.Config {
		fmt.Fprintf(w, "    %s: %s\n", c.Key, perStack(p.Stacks, func(s string) string { return c.Values[s] }))
	}
	fmt.Fprintf(w, "  resources not in every stack: %d\n", len(p.Presence))
	for _, r := range p.Presence {
		fmt.Fprintf(w, "    %s %s: only in %s\n", ShortType(r.Type), r.Name, strings.Join(r.In, ", "))
	}
	fmt.Fprintf(w, "  settings that differ: %d\n", len(p.Settings))
	for _, s := range p.Settings {
		fmt.Fprintf(w, "    %s %s (%d): %s\n", ShortType(s.Type), s.Path, len(s.Resources),
			perStack(p.Stacks, func(st string) string { return truncate(valueText(s.Values[st]), 60) }))
	}
	fmt.Fprintf(w, "  left out: %s\n", strings.Join(p.Ignored, "; "))
}

func perStack(stacks []string, val func(string) string) string {
	parts := make([]string, 0, len(stacks))
	for _, s := range stacks {
		parts = append(parts, s+"="+val(s))
	}
	return strings.Join(parts, "  ")
}

type findingGroup struct {
	label    string
	findings []Finding
}

// findingGroups orders findings: blocking, advisory, exempted (catalogue order within).
func findingGroups(fs []Finding) []findingGroup {
	groups := []findingGroup{{label: "MANDATORY"}, {label: "advisory"}, {label: "exempted"}}
	for _, f := range fs {
		switch {
		case f.Blocking:
			groups[0].findings = append(groups[0].findings, f)
		case f.Exempted:
			groups[2].findings = append(groups[2].findings, f)
		default:
			groups[1].findings = append(groups[1].findings, f)
		}
	}
	return groups
}

// errWriter remembers the first write error so renderers can write freely.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return len(p), nil
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, nil
}
