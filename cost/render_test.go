package cost_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/cost"
	"github.com/generic-corp/platform/plan"
)

func TestTableRendersComponentsUnknownsAndSources(t *testing.T) {
	e := estimate(t, capture(t, plan.Update, albProgram), cost.DefaultAssumptions("staging"))
	out := e.Table()
	t.Log("\n" + out)
	// api group ALB 30.295 + admin ALB 19.345 + StatefulSet volumes 7.20
	require.InDelta(t, 56.84, e.MonthlyUSD, cents)
	require.Equal(t, "Monthly cost estimate: $56.84 (lower bound: 1 item not priced)", strings.Split(out, "\n")[0])
	require.Contains(t, out, "Prices: us-east-1 USD on-demand, collected 2026-11-27; 730 h/month")
	require.Regexp(t, `(?m)^\s+\(stack\)\s+56\.84\s+3\s+3\s+1\s*$`, out, "per-component row: USD, priced, free, unknown")
	require.Contains(t, out, "Not priced (unknown, not zero):")
	require.Contains(t, out, "LoadBalancer Service: AWS creates an NLB")
	require.Contains(t, out, "730 h x $0.0225/hour [alb.hour]")
	require.Regexp(t, `(?m)^\s+alb\.hour\s+\$0\.0225/hour\s+https://awsnegotiations\.com/blog/elastic-load-balancer-cost/$`, out)
}
