package stacks

import (
	"cmp"
	"fmt"
	"slices"
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

// ConfigError carries every problem found, so an operator fixes them in one pass. Its
// message is the whole report: a heading line, then one line per problem in the order of
// the stack file's keys. Print it as it is; the Pulumi SDK wraps a program's error in a
// go-multierror list ("1 error occurred:"), so callers holding that wrapper print the
// ConfigError they get from errors.As instead.
type ConfigError struct {
	Stack    string
	Problems []Problem
}

func (e *ConfigError) Error() string {
	lines := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		lines = append(lines, "  - "+p.String())
	}
	noun := "problems"
	if len(e.Problems) == 1 {
		noun = "problem"
	}
	return fmt.Sprintf("stack %q has %d configuration %s; nothing was deployed:\n%s",
		e.Stack, len(e.Problems), noun, strings.Join(lines, "\n"))
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

// any reports whether a problem names one of the keys (short form): a rule that reads
// such a key would only repeat it, or judge the zero value left in its place.
func (ps problems) any(keys ...string) bool {
	for _, p := range ps {
		for _, k := range keys {
			if p.Key == Namespace+":"+k {
				return true
			}
		}
	}
	return false
}

func (ps problems) err(stack string) error {
	if len(ps) == 0 {
		return nil
	}
	sorted := slices.Clone([]Problem(ps))
	// Each key's problems stay in the order they were found.
	slices.SortStableFunc(sorted, func(a, b Problem) int {
		ra, rb := keyRank(a.Key), keyRank(b.Key)
		if ra != rb {
			return cmp.Compare(ra, rb)
		}
		if ra < 0 || ra == len(Keys) { // outside the key table: by name
			return cmp.Compare(a.Key, b.Key)
		}
		return 0
	})
	return &ConfigError{Stack: stack, Problems: sorted}
}

// keyRank orders problems as a stack file reads: other namespaces' keys (aws:region)
// first, then the key table's order (that of Pulumi.yaml and docs/configuration.md),
// then keys the table does not declare.
func keyRank(key string) int {
	name, ok := strings.CutPrefix(key, Namespace+":")
	if !ok {
		return -1
	}
	if i := slices.IndexFunc(Keys, func(k Key) bool { return k.Name == name }); i >= 0 {
		return i
	}
	return len(Keys)
}
