// Command preflight captures a stack's plan offline (no cloud credentials) and reports
// what `pulumi up` would create: `go run ./cmd/preflight --stack prod`.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/plan/stackplan"
	"github.com/generic-corp/platform/stacks"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("preflight", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "", "stack to check: staging, prod or dr (required)")
	root := fs.String("root", "", "project directory holding Pulumi.yaml (default: found from the working directory)")
	update := fs.Bool("update-mode", false, "capture as `pulumi up` would (fake computed values) instead of as a preview")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *stack == "" {
		fmt.Fprintln(stderr, "preflight: --stack is required (staging, prod or dr)")
		return 2
	}
	dir := *root
	if dir == "" {
		var err error
		if dir, err = stackplan.ProjectRoot(); err != nil {
			fmt.Fprintln(stderr, "preflight: no Pulumi.yaml in this directory or above; pass --root")
			return 2
		}
	}
	mode := plan.Preview
	if *update {
		mode = plan.Update
	}
	p, err := stackplan.Capture(dir, *stack, mode)
	if err != nil {
		var cerr *stacks.ConfigError
		if errors.As(err, &cerr) {
			fmt.Fprintln(stderr, cerr.Error())
			return 1
		}
		fmt.Fprintf(stderr, "preflight: %v\n", err)
		return 1
	}
	writeInventory(stdout, p)
	return 0
}
