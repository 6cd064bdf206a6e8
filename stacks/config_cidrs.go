package stacks

import "github.com/generic-corp/platform/internal/apicidrs"

// checkPublicAccessCidrs records a problem for every entry of clusterPublicAccessCidrs
// that internal/apicidrs refuses.
func checkPublicAccessCidrs(r *reader, cidrs []string) {
	for _, p := range apicidrs.Check(cidrs) {
		r.errs.add("clusterPublicAccessCidrs", p.Value, "%s", p.Reason)
	}
}
