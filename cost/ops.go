package cost

import (
	"strings"

	"github.com/generic-corp/platform/plan"
)

const (
	keySecret         = "secretsmanager.secret"
	keyKMSKey         = "kms.customer_managed_key"
	keyAlarm          = "cloudwatch.alarm.standard_resolution"
	keyAlarmHighRes   = "cloudwatch.alarm.high_resolution"
	keyLogsIngestIA   = "cloudwatch.logs.ingestion.infrequent_access"
	keyTrailFirstCopy = "cloudtrail.management_events.first_copy"
	keyTrailMoreCopy  = "cloudtrail.management_events.additional_copies"
	keyTrailData      = "cloudtrail.data_events"
	keySNSHTTPS       = "sns.https_notifications"
	keySNSEmail       = "sns.email_notifications"
)

// secret: one secret-month, plus one per replica region. API calls are not modeled.
func secret(_ *estimator, r *plan.Resource, c *calc) {
	replicas, st := arr(r, "replicas")
	if st == unknown {
		c.need(st, "replicas")
		return
	}
	n := 1 + len(replicas)
	c.term(keySecret, float64(n), count(float64(n), "secret"))
	c.note("API calls not modeled")
}

// kmsKey: one key-month. Automatic rotation adds a key-month per rotated backing key
// from the first rotation on (see the note); the first year is priced.
func kmsKey(_ *estimator, r *plan.Resource, c *calc) {
	c.term(keyKMSKey, 1, "1 key")
	if on, _ := boolean(r, "enableKeyRotation", false); on {
		c.note("first year; each yearly rotation adds a key-month (see %s note)", keyKMSKey)
	}
	c.note("requests not modeled")
}

// metricAlarm: one alarm-metric per metric (a metric-math alarm is billed per metric it
// reads, expressions are free); high-resolution periods (< 60 s) at their own rate;
// anomaly-detection alarms are not in the table.
func metricAlarm(_ *estimator, r *plan.Resource, c *calc) {
	if _, st := read(r.Inputs, "thresholdMetricId"); st != missing {
		c.unknownf("anomaly-detection alarm: its per-band price is not in the table")
		return
	}
	queries, qst := arr(r, "metricQueries")
	if qst == unknown {
		c.need(qst, "metricQueries")
		return
	}
	if len(queries) == 0 {
		period, pst := numOr(r, "period", 60)
		if c.need(pst, "period") {
			alarmMetrics(c, 1, period)
		}
		return
	}
	metrics := 0
	for _, q := range queries {
		if !q.IsMap() {
			c.need(unknown, "metricQueries")
			return
		}
		if _, st := read(q.AsMap(), "metric"); st == missing {
			continue
		}
		metrics++
		period, pst := numIn(q.AsMap(), "metric.period")
		if pst == known && period < 60 {
			alarmMetrics(c, 1, period)
			metrics--
		}
	}
	if metrics > 0 {
		alarmMetrics(c, float64(metrics), 60)
	}
}

func alarmMetrics(c *calc, n, period float64) {
	key := keyAlarm
	if period < 60 {
		key = keyAlarmHighRes
	}
	c.term(key, n, count(n, "alarm metric"))
}

// logGroup: ingestion and stored volume under the assumptions (retention decides how
// many months are stored). A flow-log destination pays storage only: the flow log pays
// the vended-log delivery.
func logGroup(e *estimator, r *plan.Resource, c *calc) {
	name, _ := str(r, "name")
	gb, over := c.a.gb(r.Name, c.a.LogGBPerGroup)
	if !over && strings.HasPrefix(name, "/aws/eks/") && strings.HasSuffix(name, "/cluster") {
		gb = c.a.EKSControlPlaneLogGB
		c.note("EKS control-plane log group: eksControlPlaneLogGB")
	}
	if !over && e.trailLogGroups()[r.URN] {
		gb = c.a.TrailLogGB
		c.note("CloudTrail delivery: trailLogGB")
	}
	flowDest := e.flowLogGroups()[r.URN]
	if flowDest {
		gb = c.a.FlowLogGB
		c.note("flow-log destination: ingestion priced on the flow log")
	} else {
		class, st := strOr(r, "logGroupClass", "STANDARD")
		switch {
		case !c.need(st, "logGroupClass"):
			return
		case class == "INFREQUENT_ACCESS":
			c.term(keyLogsIngestIA, gb, gbText(gb, over))
		case class == "STANDARD":
			c.term(keyLogsIngest, gb, gbText(gb, over))
		default:
			c.unknownf("log group class %s: not in the table", class)
			return
		}
	}
	days, st := numOr(r, "retentionInDays", 0)
	if !c.need(st, "retentionInDays") {
		return
	}
	months := days / 30
	if days == 0 {
		months = c.a.LogNeverExpireMonths
		c.note("never expires: %s months of data stored", fmtNum(months))
	}
	stored := gb * months
	c.term(keyLogsStorage, stored, fmtNum(round2(stored))+" GB stored ("+fmtNum(days)+" days retention)")
}

// trail: the first trail's copy of management events is free; further trails and data
// or insight events depend on event volume, which is not modeled.
func trail(e *estimator, r *plan.Resource, c *calc) {
	if v, st := read(r.Inputs, "advancedEventSelectors"); st == unknown || (st == known && v.IsArray() && v.AsArray().Len() > 0) {
		c.cite(keyTrailData)
		c.unknownf("advanced event selectors (data events): event volume is not modeled")
	}
	if sel, st := arr(r, "eventSelectors"); st == known {
		for _, s := range sel {
			if s.IsMap() {
				if d, dst := arrIn(s.AsMap(), "dataResources"); dst == known && len(d) > 0 {
					c.cite(keyTrailData)
					c.unknownf("data-event selectors: event volume is not modeled")
					break
				}
			}
		}
	}
	if _, st := read(r.Inputs, "insightSelectors"); st != missing {
		c.unknownf("CloudTrail Insights: its price is not in the table")
	}
	if trails := e.p.ByType(r.Type); len(trails) > 0 && trails[0] != r {
		c.cite(keyTrailMoreCopy)
		c.unknownf("second trail in the plan: an additional copy of management events is billed per event, volume not modeled")
		return
	}
	c.zero(keyTrailFirstCopy, "first copy of management events")
}

// snsTopic: the table has delivery prices but no publish price and states no free tier,
// so a topic is Unknown rather than zero.
func snsTopic(_ *estimator, _ *plan.Resource, c *calc) {
	c.cite(keySNSHTTPS)
	c.cite(keySNSEmail)
	c.unknownf("SNS publishes are not in the table (only deliveries) and the table states no free tier")
}

// ssmParameter: standard-tier parameters are free; advanced ones are not in the table.
func ssmParameter(_ *estimator, r *plan.Resource, c *calc) {
	tier, st := strOr(r, "tier", "Standard")
	switch {
	case !c.need(st, "tier"):
	case tier == "Standard":
		c.free("standard-tier parameters have no charge")
	default:
		c.unknownf("%s parameter: its price is not in the table", tier)
	}
}
