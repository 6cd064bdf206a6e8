package rules

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
)

func budgetCfg(modeled float64) Config {
	return Config{Rules: map[string]RuleConfig{"cost-stack-budget": {Params: map[string]any{"modeledMonthlyUSD": modeled}}}}
}

func lowerBoundCfg(modeled float64, unpriced int) Config {
	return Config{Rules: map[string]RuleConfig{"cost-stack-budget": {Params: map[string]any{
		"modeledMonthlyUSD": modeled, "unpricedResources": unpriced}}}}
}

func costCases() []ruleCase {
	nat := func(name string, in map[string]any) Resource { return res(tokens.EC2NatGateway, name, in) }
	natIn := map[string]any{"subnetId": "subnet-a", "allocationId": "eipalloc-1", "tags": goodTags()}
	return []ruleCase{
		rdsCase("cost-required-tags", "tags.owner", del, "tags lack owner", "tags"),
		rdsCase("cost-instance-allowlist", "instanceClass", "db.m5.large", `instanceClass "db.m5.large" is not in the allow-list`, "instanceClass"),
		rdsCase("cost-gp3", "storageType", "gp2", `storageType is "gp2"`, "storageType"),
		{
			id: "cost-nat-count", pass: stack("staging", nat("nat-a", natIn)),
			fail: stack("staging", nat("nat-a", natIn), nat("nat-b", natIn)), failMsg: "the stack has 2 NAT gateways (nat-a, nat-b), more than maxNatGateways 1",
			// the count never needs a computed value: NATs with unknown inputs still count
			unknown: stack("staging", nat("nat-a", set(set(natIn, "subnetId", unk), "allocationId", unk))), noUnknown: true,
		},
		{
			// stack-level: the modeled cost arrives through config; unset is unknown
			id: "cost-stack-budget", pass: stack("staging"), passCfg: budgetCfg(800),
			fail: stack("staging"), failCfg: budgetCfg(1200), failMsg: "modeled monthly cost $1200.00 exceeds budgetUSD $1000.00",
			unknown: stack("staging"),
		},
		{
			id: "stateful-protected", pass: stack("prod", db(goodDB(), protected), res(tokens.S3BucketV2, "assets", map[string]any{"bucket": "platform-prod-assets"})),
			fail: stack("prod", db(goodDB())), failMsg: "the protect resource option is off",
			unknown: stack("prod", res(tokens.S3BucketV2, "bucket-1", map[string]any{"bucket": unk})),
		},
	}
}

func TestBudgetFromConfig(t *testing.T) {
	t.Parallel()
	rule, _ := ByID("cost-stack-budget")
	cases := []struct {
		name    string
		stack   string
		cfg     Config
		fails   int
		unknown int
	}{
		{"within the staging budget", "staging", budgetCfg(800), 0, 0},
		{"over the staging budget", "staging", budgetCfg(1200), 1, 0},
		{"prod has a larger budget", "prod", budgetCfg(1200), 0, 0},
		{"unset modeled cost is unknown", "prod", Config{}, 0, 1},
		{"budget overridden per stack", "prod", Config{Rules: map[string]RuleConfig{"cost-stack-budget": {
			Params: map[string]any{"modeledMonthlyUSD": 1200.0, "budgetUSD": 1000.0}}}}, 1, 0},
		{"a lower bound that leaves the reserve passes", "staging", lowerBoundCfg(940, 28), 0, 0},
		{"a lower bound inside the reserve fails", "staging", lowerBoundCfg(960, 28), 1, 0},
		{"a complete cost may use the whole budget", "staging", lowerBoundCfg(990, 0), 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fs, err := Run(rule, stack(c.stack), c.cfg)
			require.NoError(t, err)
			require.Len(t, only(fs, "cost-stack-budget"), c.fails, messages(fs))
			require.Len(t, only(fs, "cost-stack-budget-unknown"), c.unknown, messages(fs))
		})
	}
}

func TestCostDetails(t *testing.T) {
	t.Parallel()
	asg := res(tokens.AutoScalingGroup, "asg", map[string]any{"tags": []any{
		map[string]any{"key": "environment", "value": "prod", "propagateAtLaunch": true}}})
	cases := []struct {
		name, id string
		s        Stack
		fails    int
	}{
		{"non-taggable types are not judged", "cost-required-tags", stack("prod", res(tokens.S3BucketPublicAccessBlock, "pab", map[string]any{"bucket": "b"})), 0},
		{"untagged taggable type fails", "cost-required-tags", stack("prod", res(tokens.EC2VPC, "vpc", map[string]any{"cidrBlock": "10.0.0.0/16"})), 1},
		{"autoscaling group tag list shape", "cost-required-tags", stack("prod", asg), 1},
		{"kubernetes objects are not AWS resources", "cost-required-tags", stack("prod", deployment("api", goodDeployment("api"))), 0},
		{"x86 node group fails the allow-list", "cost-instance-allowlist", stack("prod", res(tokens.EKSNodeGroup, "ng", set(goodNodeGroup(), "instanceTypes", []any{"m7g.large", "m5.large"}))), 1},
		{"redis node type", "cost-instance-allowlist", stack("prod", redis(set(goodRedis(), "nodeType", "cache.r6g.large"))), 1},
		{"unset RDS storage type defaults to gp2", "cost-gp3", stack("prod", db(set(goodDB(), "storageType", del))), 1},
		{"launch template gp2 volume", "cost-gp3", stack("prod", res(tokens.EC2LaunchTemplate, "lt", set(goodLT(), "blockDeviceMappings[0].ebs.volumeType", "gp2"))), 1},
		{"three NATs in prod", "cost-nat-count", stack("prod", res(tokens.EC2NatGateway, "a", nil), res(tokens.EC2NatGateway, "b", nil), res(tokens.EC2NatGateway, "c", nil)), 0},
		{"unprotected data bucket", "stateful-protected", stack("prod", res(tokens.S3BucketV2, "audit-logs", map[string]any{"bucket": "platform-prod-audit"})), 1},
		{"bucket tagged stateful", "stateful-protected", stack("prod", res(tokens.S3BucketV2, "x", map[string]any{"bucket": "x", "tags": map[string]any{"stateful": "true"}})), 1},
		{"unprotected KMS key", "stateful-protected", stack("prod", res(tokens.KMSKey, "key", nil)), 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fs := only(run(t, c.id, c.s), c.id)
			require.Len(t, fs, c.fails, messages(fs))
		})
	}
}
