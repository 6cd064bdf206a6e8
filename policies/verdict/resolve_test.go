package verdict

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/cost"
	"github.com/generic-corp/platform/policies/rules"
)

func finding(rule, urn, msg string, unknown bool) rules.Finding {
	id := rule
	if unknown {
		id = rules.UnknownID(rule)
	}
	return rules.Finding{RuleID: id, URN: urn, Message: msg, Unknown: unknown, Enforcement: rules.Mandatory}
}

func TestResolveReplacesOnlyWhatThePreviewCouldNotSee(t *testing.T) {
	preview := &Report{Cost: &cost.Estimate{}, Findings: []rules.Finding{
		finding("iam-no-admin", "role-a", "policy is not known until apply", true), // resolved: passes
		finding("iam-no-admin", "role-b", "policy is not known until apply", true), // resolved: fails
		finding("s3-tls-only", "bucket", "policy is not known until apply", true),  // unknown even resolved
		finding("rds-encrypted", "db", "storageEncrypted is false", false),         // known in preview: kept
		finding("iam-trust-scoped", "role-c", "assumeRolePolicy is not known until apply", true),
	}}
	resolved := &Report{Cost: &cost.Estimate{}, Findings: []rules.Finding{
		finding("iam-no-admin", "role-b", `grants "*" on "*"`, false),
		finding("s3-tls-only", "bucket", "policy is not known until apply", true),
		finding("rds-encrypted", "db", "storageEncrypted is false", false),
		finding("k8s-hygiene", "web", "a failure the preview already judged as a pass", false),
	}}
	got := Resolve(preview, resolved).Findings
	var keys []string
	for _, f := range got {
		keys = append(keys, f.RuleID+" "+f.URN)
	}
	require.Equal(t, []string{"rds-encrypted db", "s3-tls-only-unknown bucket", "iam-no-admin role-b"}, keys)
	require.Contains(t, got[2].Message, ResolvedNote)
	require.False(t, got[2].Unknown)
}

func TestResolveTakesTheCostThatPricesMore(t *testing.T) {
	partial := &cost.Estimate{MonthlyUSD: 10, Unknown: []cost.Item{{Name: "a"}, {Name: "b"}}}
	fuller := &cost.Estimate{MonthlyUSD: 12, Unknown: []cost.Item{{Name: "b"}}}
	require.Equal(t, fuller, Resolve(&Report{Cost: partial}, &Report{Cost: fuller}).Cost)
	require.Equal(t, partial, Resolve(&Report{Cost: partial}, &Report{Cost: partial}).Cost)
}
