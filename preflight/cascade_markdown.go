package preflight

import (
	"fmt"
	"io"
	"strings"
)

// mdRefusals is a CAUTION alert with every change the diff refuses: it fails the check
// as a mandatory violation does, so it is never folded away.
func mdRefusals(w io.Writer, r *Report) {
	refusals := r.Refusals()
	if len(refusals) == 0 {
		return
	}
	fmt.Fprintf(w, "> [!CAUTION]\n> **`%s`: %d change(s) refused: this diff cannot be deployed**\n", r.Stack, len(refusals))
	for _, x := range refusals {
		src := ""
		if x.Source != "" {
			src = " ([source](" + x.Source + "))"
			if !strings.HasPrefix(x.Source, "http") {
				src = " (source: " + mdInline(x.Source) + ")"
			}
		}
		fmt.Fprintf(w, "> - **%s**: %s%s\n", x.Kind, mdInline(x.Message), src)
	}
	fmt.Fprintln(w)
}

// onlyRefused: the document fails on diff refusals, with no mandatory finding.
func onlyRefused(d *Document) bool {
	refused := false
	for _, r := range d.Reports {
		if r.Summary.Mandatory > 0 {
			return false
		}
		refused = refused || len(r.Refusals()) > 0
	}
	return refused
}

// mdCascade renders a change's inputs that depend on replaced resources, for the
// Properties cell of the diff table.
func mdCascade(c Change) string {
	parts := make([]string, 0, len(c.CascadeFrom))
	for _, cc := range c.CascadeFrom {
		s := fmt.Sprintf("`%s` ← %s replaced", cc.Property, mdInline(cascadeSources(cc, 2)))
		switch {
		case cc.Bound == providerCascade:
			s += " **(forces replacement: " + mdInline(cc.Bound) + ")**"
		case cc.Bound != "":
			s += " **(" + refusedInPlace + mdInline(cc.Bound) + ")**"
		case cc.Replaces:
			s += " **(forces replacement)**"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "<br>")
}

// mdReasons is why a replacement happens, for the alert lines.
func mdReasons(c Change) string {
	return "`" + strings.Join(c.Reasons(), "`, `") + "`"
}
