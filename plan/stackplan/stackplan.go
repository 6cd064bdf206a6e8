// Package stackplan captures the plan of a real stack: it reads Pulumi.<stack>.yaml from
// the project directory and runs stacks.Deploy, the program `pulumi up` runs, offline.
// It is apart from package plan so that component tests can use plan without linking
// every component.
package stackplan

import (
	"os"
	"path/filepath"

	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/stacks"
)

// Capture captures the plan of one stack of the project in root.
func Capture(root, stack string, mode plan.Mode) (*plan.Plan, error) {
	cfg, err := stacks.ReadStackFile(root, stack)
	if err != nil {
		return nil, err
	}
	return plan.Capture(stacks.Deploy, plan.Options{
		Stack:         stack,
		Config:        cfg,
		Mode:          mode,
		RootDirectory: root,
	})
}

// ProjectRoot finds the directory holding Pulumi.yaml, walking up from the working
// directory, so tests and commands work from any package directory.
func ProjectRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "Pulumi.yaml")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
