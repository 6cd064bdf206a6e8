package stacks

import (
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/cost"
	"github.com/generic-corp/platform/policies/rules"
)

// sizeProbes are the sizes tried in every family Load has ever taken by prefix, so a
// family admitted by a pattern is probed even where no table names it.
var sizeProbes = []string{"nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge"}

// classKind is one configuration key that names an instance class, how its price keys
// are built, and which allow-list of cost-instance-allowlist judges it.
type classKind struct {
	key         string
	families    []string
	pricePrefix string
	azRates     bool // RDS: a Single-AZ and a Multi-AZ rate
	allowList   string
	list        bool // the key holds a list of types
}

var (
	cacheFamilies = []string{"cache.t4g", "cache.m6g", "cache.m7g", "cache.r6g", "cache.r7g"}
	classKinds    = []classKind{
		{key: "dbInstanceClass", families: []string{"db.t4g", "db.t3", "db.m6g", "db.m7g", "db.r6g", "db.r7g"},
			pricePrefix: "rds.postgres.", azRates: true, allowList: "rdsClasses"},
		// Load admits Redis 7 only, which the table prices as Redis OSS.
		{key: "redisQueueNodeType", families: cacheFamilies, pricePrefix: "elasticache.redis_oss.", allowList: "cacheNodeTypes"},
		{key: "redisCacheNodeType", families: cacheFamilies, pricePrefix: "elasticache.redis_oss.", allowList: "cacheNodeTypes"},
		{key: "nodeInstanceTypes", families: []string{"t4g", "m6g", "m7g", "c6g", "c7g", "r6g", "r7g"},
			pricePrefix: "ec2.", allowList: "nodeInstanceTypes", list: true},
	}
)

// priceKeys are the table keys a class of this kind needs; a stack may flip dbMultiAz,
// so an RDS class needs both rates.
func (k classKind) priceKeys(class string) []string {
	if k.azRates {
		return []string{k.pricePrefix + class + ".single_az", k.pricePrefix + class + ".multi_az"}
	}
	return []string{k.pricePrefix + class}
}

// candidates are the classes probed for a key: every family x size (Load once took
// whole families by prefix), plus every class of the kind the price table names.
func (k classKind) candidates(tbl *cost.Table) []string {
	set := map[string]bool{}
	for _, f := range k.families {
		for _, s := range sizeProbes {
			set[f+"."+s] = true
		}
	}
	for _, key := range tbl.Keys() {
		if rest, ok := strings.CutPrefix(key, k.pricePrefix); ok {
			set[strings.TrimSuffix(strings.TrimSuffix(rest, ".single_az"), ".multi_az")] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

func (k classKind) value(class string) string {
	if k.list {
		return "[" + class + "]"
	}
	return class
}

// TestEveryAcceptedClassIsPricedAndAllowed is issue 13's demand: whatever instance class or
// node type stacks.Load accepts for a stack has a price in cost/prices.json and passes that
// stack's cost-instance-allowlist; anything else Load refuses, naming the key.
func TestEveryAcceptedClassIsPricedAndAllowed(t *testing.T) {
	tbl, err := cost.Load()
	require.NoError(t, err)
	rule, ok := rules.ByID("cost-instance-allowlist")
	require.True(t, ok)
	for _, stack := range []string{"staging", "prod", "dr"} {
		pcfg, err := rules.LoadConfigFile("../policies/config/" + stack + ".json")
		require.NoError(t, err)
		params, err := rules.NewParams(rule, stack, pcfg.Rules[rule.ID].Params)
		require.NoError(t, err)
		base := stackConfig(t, stack)
		for _, kind := range classKinds {
			for _, class := range kind.candidates(tbl) {
				t.Run(fmt.Sprintf("%s/%s=%s", stack, kind.key, class), func(t *testing.T) {
					raw := maps.Clone(base)
					raw[Namespace+":"+kind.key] = kind.value(class)
					_, err := Load(stack, raw)
					priced := isPriced(tbl, kind.priceKeys(class))
					allowed := globAllowed(params.StringList(kind.allowList), class)
					if err == nil {
						require.True(t, priced, "Load accepts %s %s for %s, but cost/prices.json has no price for %v",
							kind.key, class, stack, kind.priceKeys(class))
						require.True(t, allowed, "Load accepts %s %s for %s, but policies/config/%s.json %s refuses it",
							kind.key, class, stack, stack, kind.allowList)
						return
					}
					if priced && allowed {
						return // refused for another reason (e.g. the connection budget): no promise broken
					}
					var cerr *ConfigError
					require.True(t, errors.As(err, &cerr), "want a ConfigError, got %v", err)
					require.True(t, cerr.Has(kind.key), "Load refuses %s for %s but no problem names %s:\n%v", class, stack, kind.key, err)
				})
			}
		}
	}
}

func isPriced(tbl *cost.Table, keys []string) bool {
	for _, k := range keys {
		if p, ok := tbl.Price(k); !ok || p.Price == nil {
			return false
		}
	}
	return true
}

// globAllowed matches as the cost-instance-allowlist rule does (path.Match globs).
func globAllowed(patterns []string, class string) bool {
	for _, p := range patterns {
		if m, _ := path.Match(p, class); m {
			return true
		}
	}
	return false
}
