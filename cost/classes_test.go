package cost

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/instanceclass"
)

// TestEveryChosenClassIsPriced: every class an environment may choose
// (internal/instanceclass choices) has a sourced price, so no stack runs an instance the
// cost model leaves out. RDS needs both rates: a stack may flip dbMultiAz. Load admits
// Redis 7 only, priced as Redis OSS.
func TestEveryChosenClassIsPriced(t *testing.T) {
	tbl, err := Load()
	require.NoError(t, err)
	priced := func(key string) {
		p, ok := tbl.Price(key)
		require.True(t, ok, "%s is not in prices.json", key)
		require.NotNil(t, p.Price, "%s has no price: %s", key, p.Note)
	}
	for _, env := range instanceclass.Environments() {
		ch, _ := instanceclass.ChoicesFor(env)
		for _, c := range ch.RDS {
			priced("rds.postgres." + c + ".single_az")
			priced("rds.postgres." + c + ".multi_az")
		}
		for _, c := range ch.Cache {
			priced("elasticache.redis_oss." + c)
		}
		for _, c := range ch.Nodes {
			priced("ec2." + c)
		}
	}
}

// TestPerformanceInsightsFreeTierIsTheSharedFact: the cost model's free retention is
// internal/instanceclass's, which the database component also sets.
func TestPerformanceInsightsFreeTierIsTheSharedFact(t *testing.T) {
	days := instanceclass.PerformanceInsightsFreeRetentionDays()
	tbl, err := Load()
	require.NoError(t, err)
	p, ok := tbl.Price(keyRDSPIFree)
	require.True(t, ok)
	require.Contains(t, p.Unit, fmtNum(float64(days))+" days")
}
