package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/generic-corp/platform/preflight"
)

// checkGraphTarget validates --graph before any work, so a missing graphviz is reported
// before a capture rather than after.
func checkGraphTarget(target string) error {
	if target == "" || target == "mermaid" {
		return nil
	}
	switch strings.ToLower(filepath.Ext(target)) {
	case ".dot", ".gv", ".mmd", ".mermaid":
		return nil
	case ".svg":
		if _, err := exec.LookPath("dot"); err != nil {
			return usagef("--graph %s needs graphviz `dot` on PATH (install graphviz), or write %s instead",
				target, strings.TrimSuffix(target, filepath.Ext(target))+".dot")
		}
		return nil
	}
	return usagef("--graph %q: want a .dot, .svg or .mmd file, or `mermaid`", target)
}

// drawGraphs writes one graph per stack. With several stacks the stack name goes before
// the extension (out.dot -> out-prod.dot).
func drawGraphs(o options, doc *preflight.Document) error {
	for _, r := range doc.Reports {
		level := o.graphLevel
		if level == "" {
			level = preflight.LevelResource
			if o.graph == "mermaid" {
				level = preflight.LevelComponent
			}
		}
		g, err := preflight.BuildGraph(r, level)
		if err != nil {
			return usagef("--graph-level: %v", err)
		}
		if o.graph == "mermaid" {
			var b bytes.Buffer
			if err := (preflight.Mermaid{}).Render(&b, g); err != nil {
				return err
			}
			r.Mermaid = b.String()
			continue
		}
		path := o.graph
		if len(doc.Reports) > 1 {
			ext := filepath.Ext(path)
			path = strings.TrimSuffix(path, ext) + "-" + r.Stack + ext
		}
		if err := writeGraph(path, g); err != nil {
			return err
		}
	}
	return nil
}

func writeGraph(path string, g *preflight.Graph) error {
	var b bytes.Buffer
	ext := strings.ToLower(filepath.Ext(path))
	var r preflight.GraphRenderer = preflight.DOT{}
	if ext == ".mmd" || ext == ".mermaid" {
		r = preflight.Mermaid{}
	}
	if err := r.Render(&b, g); err != nil {
		return err
	}
	if ext != ".svg" {
		return os.WriteFile(path, b.Bytes(), 0o644) //nolint:gosec // a graph for humans, not a secret
	}
	cmd := exec.Command("dot", "-Tsvg", "-o", path) //nolint:gosec // fixed program, operator-chosen output path
	cmd.Stdin = &b
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("rendering %s with graphviz: %v: %s", path, err, bytes.TrimSpace(out))
	}
	return nil
}
