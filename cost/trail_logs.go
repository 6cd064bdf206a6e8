package cost

import (
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
)

const keyCustomMetric = "cloudwatch.custom_metric"

// trailLogGroups returns the log groups CloudTrail trails deliver to, keyed by URN: their
// ingestion is the trail's management events (trailLogGB), not an application's logs.
// A trail names its group by ARN with a ":*" suffix; the join goes by that ARN's group
// name or by the property dependency (preview).
func (e *estimator) trailLogGroups() map[string]bool {
	if v, ok := e.shared["trailLogGroups"]; ok {
		return v.(map[string]bool)
	}
	out := map[string]bool{}
	groups := e.p.ByType(tokens.CloudWatchLogGroup)
	for _, tr := range e.p.ByType(tokens.CloudTrailTrail) {
		for _, g := range dependsOn(e.p, tr, "cloudWatchLogsGroupArn", tokens.CloudWatchLogGroup) {
			out[g.URN] = true
		}
		arn, _ := str(tr, "cloudWatchLogsGroupArn")
		_, name, found := strings.Cut(strings.TrimSuffix(arn, ":*"), ":log-group:")
		for _, g := range groups {
			if gname, _ := str(g, "name"); found && gname == name {
				out[g.URN] = true
			}
		}
	}
	e.shared["trailLogGroups"] = out
	return out
}

// metricFilter: each metric transformation publishes one custom metric (the filters here
// have no dimensions, so one metric each), priced as a full metric-month: a filter that
// matches rarely can only cost less.
func metricFilter(_ *estimator, r *plan.Resource, c *calc) {
	if _, st := read(r.Inputs, "metricTransformation.dimensions"); st != missing {
		c.unknownf("metric filter with dimensions: one custom metric per dimension value, which is not modeled")
		return
	}
	c.term(keyCustomMetric, 1, "1 custom metric")
	c.note("filters themselves have no charge")
}
