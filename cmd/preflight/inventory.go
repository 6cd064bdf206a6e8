package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/generic-corp/platform/plan"
)

// writeInventory prints resource counts by component and type, marking protected ones.
func writeInventory(w io.Writer, p *plan.Plan) {
	type row struct {
		component, typ string
		count, protect int
	}
	rows := map[string]*row{}
	for _, r := range p.Resources {
		if !r.Custom {
			continue
		}
		comp := "(stack)"
		if c := p.Component(r, "platform:"); c != nil {
			comp = c.Name
		}
		key := comp + "|" + r.Type
		if rows[key] == nil {
			rows[key] = &row{component: comp, typ: r.Type}
		}
		rows[key].count++
		if r.Protect {
			rows[key].protect++
		}
	}
	keys := make([]string, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(w, "Stack %s (%s): %d resources\n\n", p.Stack, p.Mode, len(p.Resources))
	fmt.Fprintf(w, "%-14s %-58s %5s %s\n", "COMPONENT", "TYPE", "COUNT", "PROTECTED")
	for _, k := range keys {
		r := rows[k]
		prot := ""
		if r.protect > 0 {
			prot = fmt.Sprintf("%d protected", r.protect)
		}
		fmt.Fprintf(w, "%-14s %-58s %5d %s\n", r.component, strings.TrimSpace(r.typ), r.count, prot)
	}
}
