package verdict

import (
	"sort"
	"strings"

	"github.com/generic-corp/platform/policies/rules"
)

// ResolvedNote ends the message of a finding that was judged on resolved values.
const ResolvedNote = " (judged on the resolved values of an update-mode capture: the preview does not know this value yet)"

// Resolve merges the verdict on a preview capture with the verdict on an update-mode
// capture of the same program. A preview leaves every provider-computed value unknown
// (ARNs inside IAM and bucket policies, ids), so rules that read them can only say
// "-unknown"; the offline engine fills those values deterministically in update mode, so
// the same rules can judge the documents the program really builds. For each
// (rule, resource) whose preview verdict was unknown, the resolved verdict replaces it:
// a pass drops the finding, a failure is reported (with ResolvedNote), and only a value
// that is unknown even after resolution keeps its "-unknown" finding. Findings the
// preview made on known values stay as they are; the resolved cost replaces the
// preview's when it prices more of the plan.
func Resolve(preview, resolved *Report) *Report {
	out := *preview
	unknownPairs := map[string]bool{}
	kept := make([]rules.Finding, 0, len(preview.Findings))
	for _, f := range preview.Findings {
		if f.Unknown {
			unknownPairs[pairKey(f)] = true
			continue
		}
		kept = append(kept, f)
	}
	seen := map[string]bool{}
	for _, f := range kept {
		seen[findingKey(f)] = true
	}
	resolvedUnknown := map[string]bool{}
	for _, f := range resolved.Findings {
		if f.Unknown {
			resolvedUnknown[pairKey(f)] = true
		}
	}
	for _, f := range preview.Findings {
		if f.Unknown && resolvedUnknown[pairKey(f)] {
			kept = append(kept, f)
		}
	}
	for _, f := range resolved.Findings {
		if f.Unknown || !unknownPairs[pairKey(f)] || seen[findingKey(f)] {
			continue
		}
		f.Message += ResolvedNote
		kept = append(kept, f)
	}
	sort.SliceStable(kept, func(i, j int) bool { return ruleNumber(kept[i]) < ruleNumber(kept[j]) })
	out.Findings = kept
	if len(resolved.Cost.Unknown) < len(preview.Cost.Unknown) {
		out.Cost = resolved.Cost
	}
	return &out
}

// pairKey identifies a rule's verdict on one resource (or the stack), with the
// "-unknown" companion folded into its rule.
func pairKey(f rules.Finding) string {
	return strings.TrimSuffix(f.RuleID, "-unknown") + "|" + f.URN
}

func findingKey(f rules.Finding) string { return f.RuleID + "|" + f.URN + "|" + f.Message }

// ruleNumber orders findings as Evaluate does (catalogue order); findings of rules
// outside the catalogue (none today) sort last.
func ruleNumber(f rules.Finding) int {
	if r, ok := rules.ByID(strings.TrimSuffix(f.RuleID, "-unknown")); ok {
		return r.Number
	}
	return len(rules.All()) + 1
}
