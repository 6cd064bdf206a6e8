package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

// fail builds a violation on r. The message starts with the resource's label; callers
// render values with Value.Display (or show) so secrets never leak.
func fail(r Resource, format string, args ...any) Finding {
	return Finding{URN: r.URN, Name: r.Name, Type: r.Type, Message: r.label() + ": " + fmt.Sprintf(format, args...)}
}

// unknown builds a companion finding: the verdict needs path, which is not known yet.
func unknown(r Resource, path, needed string) Finding {
	f := fail(r, "%s is not known until apply (computed during preview), so %s cannot be checked; "+
		"re-check on `pulumi up` output or make the value known at preview time", path, needed)
	f.Unknown = true
	return f
}

// stackFail builds a stack-level violation (no single resource to blame).
func stackFail(stack, format string, args ...any) Finding {
	return Finding{Message: fmt.Sprintf("stack %q: ", stack) + fmt.Sprintf(format, args...)}
}

// in reads a path of r's inputs.
func (r Resource) in(path string) Value { return Get(r.Inputs, path) }

// ofType returns the stack's resources of the given types, in registration order.
func (s Stack) ofType(types ...string) []Resource {
	var out []Resource
	for _, r := range s.Resources {
		if slices.Contains(types, r.Type) {
			out = append(out, r)
		}
	}
	return out
}

// urnType extracts the type token from a URN
// ("urn:pulumi:stack::project::parent$type::name" -> "type").
func urnType(urn string) string {
	parts := strings.SplitN(urn, "::", 4)
	if len(parts) < 4 {
		return ""
	}
	qual := parts[2]
	if i := strings.LastIndex(qual, "$"); i >= 0 {
		return qual[i+1:]
	}
	return qual
}

// topKey is the first key of a path: PropertyDependencies are recorded per top-level
// input.
func topKey(path string) string {
	segs, err := parsePath(path)
	if err != nil || len(segs) == 0 || segs[0].isIndex {
		return path
	}
	return segs[0].key
}

// depsOfType returns the URNs of type typ that the top-level input of path came from.
func (r Resource) depsOfType(path string, types ...string) []string {
	var out []string
	for _, u := range r.PropertyDependencies[topKey(path)] {
		if slices.Contains(types, urnType(u)) {
			out = append(out, u)
		}
	}
	return out
}

// verdict is a three-state check outcome.
type verdict int

const (
	pass verdict = iota
	violation
	undecided
)

// kmsKeyTypes are the resources whose outputs are customer-managed KMS keys.
var kmsKeyTypes = []string{tokens.KMSKey, tokens.KMSReplicaKey, tokens.KMSAlias}

// checkCMK judges a KMS key reference at path: it must be set and not an AWS-managed key
// (alias/aws/...). An unknown value passes when it comes from a KMS key of this stack
// (PropertyDependencies), else it is undecided.
func checkCMK(r Resource, path string) (verdict, string) {
	v := r.in(path)
	switch v.State() {
	case Missing:
		return violation, path + " is not set (the AWS-managed key is used)"
	case Unknown:
		if len(r.depsOfType(path, kmsKeyTypes...)) > 0 {
			return pass, ""
		}
		return undecided, ""
	}
	s, ok := v.String()
	if !ok || strings.TrimSpace(s) == "" {
		return violation, path + " is " + v.Display()
	}
	if strings.HasPrefix(s, "alias/aws/") || strings.Contains(s, ":alias/aws/") {
		return violation, path + " is " + v.Display() + ", an AWS-managed key"
	}
	return pass, ""
}

// cmkFindings turns checkCMK into findings with a fix hint.
func cmkFindings(r Resource, path, what string) []Finding {
	switch vd, why := checkCMK(r, path); vd {
	case violation:
		return []Finding{fail(r, "%s; set %s to a customer-managed KMS key (aws.kms.Key ARN) for %s", why, path, what)}
	case undecided:
		return []Finding{unknown(r, path, "whether "+what+" uses a customer-managed KMS key")}
	}
	return nil
}

// isSet reports a reference-like input (ID, ARN, name) as set. Unknown counts as set: an
// unknown is always another resource's output and will hold a value after apply.
func isSet(v Value) bool {
	if v.IsUnknown() {
		return true
	}
	if s, ok := v.String(); ok {
		return strings.TrimSpace(s) != ""
	}
	return v.IsKnown()
}

// requireTrue checks a boolean input that must be true.
func requireTrue(r Resource, path, fix string) []Finding {
	v := r.in(path)
	switch b, ok := v.Bool(); {
	case v.IsUnknown():
		return []Finding{unknown(r, path, path+" = true")}
	case !ok || !b:
		return []Finding{fail(r, "%s is %s; %s", path, v.Display(), fix)}
	}
	return nil
}

// join says whether an input of one resource refers to another.
type join int

const (
	joinNo join = iota
	joinYes
	joinUnknown
)

// refers decides whether r's input at path (a string or a list of strings) refers to
// target. By value first: the value equals target's ID or one of target's inputs/outputs
// named by keys. Then by PropertyDependencies: the top-level input came from target's URN
// (works in preview, where the value is unknown). An unknown value with no dependency on
// target is joinUnknown.
func refers(r Resource, path string, target Resource, keys ...string) join {
	vals, st := r.in(path).StringList()
	if slices.Contains(r.PropertyDependencies[topKey(path)], target.URN) {
		return joinYes
	}
	if st == Missing {
		return joinNo
	}
	ids := identities(target, keys...)
	for _, v := range vals {
		if v != "" && slices.Contains(ids, v) {
			return joinYes
		}
	}
	if st == Unknown && len(r.depsOfType(path, target.Type)) == 0 {
		// Dependencies on another resource of target's type explain the unknown; none
		// at all leave it open.
		return joinUnknown
	}
	return joinNo
}

// identities lists the known strings a reference to target may hold.
func identities(target Resource, keys ...string) []string {
	var out []string
	if target.ID != "" {
		out = append(out, target.ID)
	}
	for _, k := range keys {
		for _, m := range []Value{Get(target.Inputs, k), Get(target.Outputs, k)} {
			if s, ok := m.String(); ok && s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// referrers returns the resources of type typ whose input path refers to target, and
// whether some of them could not be resolved (unknown value, no dependency).
func referrers(s Stack, target Resource, typ, path string, keys ...string) (found []Resource, unresolved bool) {
	for _, c := range s.ofType(typ) {
		switch refers(c, path, target, keys...) {
		case joinYes:
			found = append(found, c)
		case joinUnknown:
			unresolved = true
		}
	}
	return found, unresolved
}

// referenced returns the resources of type typ that r's input path refers to, and
// whether the reference could not be resolved.
func referenced(s Stack, r Resource, path, typ string, keys ...string) (found []Resource, unresolved bool) {
	for _, t := range s.ofType(typ) {
		switch refers(r, path, t, keys...) {
		case joinYes:
			found = append(found, t)
		case joinUnknown:
			unresolved = true
		}
	}
	return found, unresolved
}

// show renders a plain string for a message, unless it came from a secret.
func show(s string, secret bool) string {
	if secret {
		return "[secret]"
	}
	return fmt.Sprintf("%q", s)
}
