package stacks

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// reader turns raw config strings (as the CLI passes them) into typed values, recording
// a Problem instead of failing so that Load reports everything at once.
type reader struct {
	raw  map[string]string // short key -> raw value
	errs *problems
}

func (r *reader) value(name string) (string, bool) {
	key, ok := keyByName(name)
	if !ok {
		panic("stacks: undeclared config key " + name + " (add it to Keys); please report")
	}
	if v, ok := r.raw[name]; ok {
		return v, true
	}
	if key.Default == nil {
		// The description is one or more sentences of its own, so it follows the message
		// rather than being spliced into it.
		r.errs.add(name, "", "is required: set it in the stack file (no default: it differs per environment). %s", sentence(key.Description))
		return "", false
	}
	switch d := key.Default.(type) {
	case string:
		return d, true
	case int:
		return strconv.Itoa(d), true
	case bool:
		return strconv.FormatBool(d), true
	case []string:
		b, _ := json.Marshal(d)
		return string(b), true
	}
	panic(fmt.Sprintf("stacks: default of %s has unsupported type %T; please report", name, key.Default))
}

func (r *reader) str(name string) string {
	v, _ := r.value(name)
	return v
}

func (r *reader) oneOf(name string, allowed ...string) string {
	v, ok := r.value(name)
	if ok && !contains(allowed, v) {
		r.errs.add(name, v, "is not allowed (allowed: %s)", strings.Join(allowed, ", "))
	}
	return v
}

func (r *reader) integer(name string, lo, hi int) int {
	v, ok := r.value(name)
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		r.errs.add(name, v, "is not an integer (allowed: whole numbers %d to %d)", lo, hi)
		return 0
	}
	if n < lo || n > hi {
		r.errs.add(name, v, "is out of range (allowed: %d to %d)", lo, hi)
	}
	return n
}

func (r *reader) boolean(name string) bool {
	v, ok := r.value(name)
	if !ok {
		return false
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		r.errs.add(name, v, "is not a boolean (allowed: true, false)")
	}
	return b
}

func (r *reader) list(name string) []string {
	v, ok := r.value(name)
	if !ok {
		return nil
	}
	var out []string
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		r.errs.add(name, v, "is not a list of strings (write a YAML list, e.g. [a, b])")
		return nil
	}
	return out
}

func (r *reader) unknownKeys(all map[string]string) {
	var names []string
	for k := range all {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if _, ok := keyByName(k); !ok {
			hint := "is not a platform config key"
			if near := nearestKey(k); near != "" {
				hint += fmt.Sprintf(" (did you mean platform:%s?)", near)
			}
			r.errs.add(k, all[k], "%s", hint)
		}
	}
}

// sentence ends s with exactly one full stop.
func sentence(s string) string {
	return strings.TrimRight(strings.TrimSpace(s), ".") + "."
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// nearestKey suggests a declared key within edit distance 3, for typos.
func nearestKey(name string) string {
	best, bestD := "", 4
	for _, k := range Keys {
		if d := editDistance(strings.ToLower(name), strings.ToLower(k.Name)); d < bestD {
			best, bestD = k.Name, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
