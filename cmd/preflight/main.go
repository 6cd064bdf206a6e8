// Command preflight captures stacks offline (no cloud credentials) and reports what
// `pulumi up` would do: inventory, policy verdicts, modeled cost against the budget, the
// critical path of a full rebuild, a dependency graph and a diff against a base.
//
//	go run ./cmd/preflight --stack prod
//	go run ./cmd/preflight --stack all --diff origin/main --format markdown
//	go run ./cmd/preflight --stack prod --graph out.svg
//
// Exit codes: 0 ok; 1 a mandatory policy violation or a refused diff (a protected
// resource replaced or removed, an immutable setting changed; unless --no-fail), a
// configuration error or a failure; 2 a usage error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/plan/stackplan"
	"github.com/generic-corp/platform/preflight"
	"github.com/generic-corp/platform/stacks"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // mandatory violation, refused diff, config error, or any failure
	exitUsage = 2
)

// allStacks is what --stack all checks, in display order.
var allStacks = []string{"staging", "prod", "dr"}

type options struct {
	stack, root, format, mode, policyConfig string
	graph, graphLevel, diff                 string
	noFail                                  bool
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// usageError is a problem with the command line (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stderr, "preflight: %v\n", err)
		}
		return exitUsage
	}
	doc, err := check(o)
	if err != nil {
		var uerr usageError
		if errors.As(err, &uerr) {
			fmt.Fprintf(stderr, "preflight: %v\n", err)
			return exitUsage
		}
		printFailure(stderr, err)
		return exitFail
	}
	f, _ := preflight.ByName(o.format) // validated in parseFlags
	if err := f.Write(stdout, doc); err != nil {
		fmt.Fprintf(stderr, "preflight: writing the report: %v\n", err)
		return exitFail
	}
	for _, r := range doc.Reports {
		for _, b := range r.Blocking() {
			fmt.Fprintf(stderr, "preflight: %s: mandatory violation %s on %s\n", r.Stack, b.Rule, orStack(b.URN))
		}
		for _, x := range r.Refusals() {
			fmt.Fprintf(stderr, "preflight: %s: mandatory violation diff-%s on %s: %s\n", r.Stack, x.Kind, x.Subject(), x.Message)
		}
	}
	if !doc.Pass() && !o.noFail {
		return exitFail
	}
	return exitOK
}

// printFailure prints what stopped the check: each stack's configuration error as
// stacks.Load words it, anything else as a preflight failure. The Pulumi SDK returns a
// program's error inside a go-multierror list whose own text ("1 error occurred:" and a
// tab bullet) would wrap the message, so the ConfigError is taken out of it; with
// --stack all, check joins one error per stack.
func printFailure(w io.Writer, err error) {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			printFailure(w, e)
		}
		return
	}
	var cerr *stacks.ConfigError
	if errors.As(err, &cerr) {
		fmt.Fprintln(w, cerr)
		return
	}
	fmt.Fprintf(w, "preflight: %v\n", err)
}

func orStack(urn string) string {
	if urn == "" {
		return "the stack"
	}
	return urn
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("preflight", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.stack, "stack", "", "stack to check: staging, prod, dr, or all (required)")
	fs.StringVar(&o.root, "root", "", "project directory holding Pulumi.yaml (default: found from the working directory)")
	fs.StringVar(&o.format, "format", "text", "report format: "+strings.Join(preflight.FormatNames(), ", "))
	fs.StringVar(&o.mode, "mode", "preview", "capture as `pulumi preview` (computed values unknown) or as `pulumi up` (update)")
	fs.StringVar(&o.policyConfig, "policy-config", "", "policy config file (default: policies/config/<stack>.json); one stack only")
	fs.StringVar(&o.graph, "graph", "", "also draw the dependency graph: a .dot or .svg file (svg needs graphviz `dot`), a .mmd file, or `mermaid` to embed it in the report")
	fs.StringVar(&o.graphLevel, "graph-level", "", "graph detail: resource or component (default: resource for files, component for mermaid)")
	fs.StringVar(&o.diff, "diff", "", "compare with a base: a saved JSON report, or a git ref whose own preflight is run in a temporary copy")
	fs.BoolVar(&o.noFail, "no-fail", false, "exit 0 even when a mandatory policy is violated or the diff is refused (config and usage errors still fail)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: preflight --stack staging|prod|dr|all [flags]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case fs.NArg() > 0:
		return o, usagef("unexpected argument %q (flags only)", fs.Arg(0))
	case o.stack == "":
		return o, usagef("--stack is required (staging, prod, dr or all)")
	case o.mode != "preview" && o.mode != "update":
		return o, usagef("--mode %q: allowed preview, update", o.mode)
	case o.stack == "all" && o.policyConfig != "":
		return o, usagef("--policy-config takes one stack; with --stack all each stack uses policies/config/<stack>.json")
	}
	if _, err := preflight.ByName(o.format); err != nil {
		return o, usagef("--format: %v", err)
	}
	if o.graphLevel != "" && o.graphLevel != preflight.LevelResource && o.graphLevel != preflight.LevelComponent {
		return o, usagef("--graph-level %q: allowed %s, %s", o.graphLevel, preflight.LevelResource, preflight.LevelComponent)
	}
	if err := checkGraphTarget(o.graph); err != nil {
		return o, err
	}
	if o.root == "" {
		root, err := stackplan.ProjectRoot()
		if err != nil {
			return o, usagef("no Pulumi.yaml in this directory or above; pass --root")
		}
		o.root = root
	}
	for _, s := range o.stacks() {
		if _, err := os.Stat(filepath.Join(o.root, "Pulumi."+s+".yaml")); err != nil {
			return o, usagef("--stack %s: no Pulumi.%s.yaml in %s (stacks there: %s)", s, s, o.root, strings.Join(knownStacks(o.root), ", "))
		}
	}
	return o, nil
}

// knownStacks lists the stack files of a project.
func knownStacks(root string) []string {
	files, _ := filepath.Glob(filepath.Join(root, "Pulumi.*.yaml"))
	var out []string
	for _, f := range files {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "Pulumi."), ".yaml"))
	}
	return out
}

func (o options) stacks() []string {
	if o.stack == "all" {
		return allStacks
	}
	return []string{o.stack}
}

func (o options) planMode() plan.Mode {
	if o.mode == "update" {
		return plan.Update
	}
	return plan.Preview
}

// check builds the document: every stack's report, the diff and graphs when asked.
func check(o options) (*preflight.Document, error) {
	doc := &preflight.Document{}
	var errs []error
	for _, s := range o.stacks() {
		r, err := preflight.Run(s, preflight.Options{Root: o.root, Mode: o.planMode(), PolicyConfig: o.policyConfig})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		doc.Reports = append(doc.Reports, r)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if len(doc.Reports) > 1 {
		doc.Parity = preflight.ComputeParity(doc.Reports)
	}
	if o.diff != "" {
		if err := addDiff(o, doc); err != nil {
			return nil, err
		}
	}
	if o.graph != "" {
		if err := drawGraphs(o, doc); err != nil {
			return nil, err
		}
	}
	return doc, nil
}

// addDiff compares each report with the base's report of the same stack. A base that
// cannot be produced (a revision without a JSON-capable preflight) becomes a note, not
// a failure, so the first pull request that adds preflight still gets its report.
func addDiff(o options, doc *preflight.Document) error {
	bases, label, err := loadBase(o)
	var missing *noBaseError
	switch {
	case errors.As(err, &missing):
		doc.Notes = append(doc.Notes, "no diff: "+missing.Error())
		return nil
	case err != nil:
		return err
	}
	for _, r := range doc.Reports {
		b := bases[r.Stack]
		if b == nil {
			doc.Notes = append(doc.Notes, fmt.Sprintf("no diff for %s: the base %s has no report of that stack", r.Stack, label))
			continue
		}
		r.AttachDiff(preflight.Compare(b, r, label))
	}
	return nil
}

func loadBase(o options) (map[string]*preflight.Report, string, error) {
	if st, err := os.Stat(o.diff); err == nil && !st.IsDir() {
		bases, err := preflight.ReadJSONFile(o.diff)
		if err != nil {
			return nil, "", usagef("--diff: %v", err)
		}
		return bases, o.diff, nil
	}
	bases, err := baseFromGit(o)
	return bases, o.diff, err
}
