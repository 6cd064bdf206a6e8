package stacks

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with a stack's configuration: the key, the value it has,
// and what would be accepted. It is a user error, never a bug.
type Problem struct {
	Key     string // full key, e.g. platform:dbInstanceClass
	Value   string // the offending value as written ("" when missing)
	Allowed string // what is accepted, or how to fix it
}

func (p Problem) String() string {
	if p.Value == "" {
		return fmt.Sprintf("%s: %s", p.Key, p.Allowed)
	}
	return fmt.Sprintf("%s: %q %s", p.Key, p.Value, p.Allowed)
}

// ConfigError carries every problem found, so an operator fixes them in one pass.
type ConfigError struct {
	Stack    string
	Problems []Problem
}

func (e *ConfigError) Error() string {
	lines := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		lines = append(lines, "  - "+p.String())
	}
	return fmt.Sprintf("stack %q has %d configuration problem(s); nothing was deployed:\n%s",
		e.Stack, len(e.Problems), strings.Join(lines, "\n"))
}

// Has reports whether a problem names the given key (short or full form).
func (e *ConfigError) Has(key string) bool {
	if !strings.Contains(key, ":") {
		key = Namespace + ":" + key
	}
	for _, p := range e.Problems {
		if p.Key == key {
			return true
		}
	}
	return false
}

type problems []Problem

func (ps *problems) add(key, value, allowed string, args ...any) {
	if !strings.Contains(key, ":") {
		key = Namespace + ":" + key
	}
	*ps = append(*ps, Problem{Key: key, Value: value, Allowed: fmt.Sprintf(allowed, args...)})
}

func (ps problems) err(stack string) error {
	if len(ps) == 0 {
		return nil
	}
	sorted := append([]Problem(nil), ps...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Key < sorted[j].Key })
	return &ConfigError{Stack: stack, Problems: sorted}
}
