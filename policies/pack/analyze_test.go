package main

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/emptypb"
)

const (
	tRDS    = "aws:rds/instance:Instance"
	tBucket = "aws:s3/bucketV2:BucketV2"
	tPAB    = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	tNAT    = "aws:ec2/natGateway:NatGateway"
)

func computed() resource.PropertyValue { return resource.MakeComputed(resource.NewStringProperty("")) }

func rds(name string, pm resource.PropertyMap) res { return res{typ: tRDS, name: name, props: pm} }

func bucket(name string) res {
	return res{typ: tBucket, name: name, props: resource.PropertyMap{"bucket": resource.NewStringProperty(name)}}
}

func pab(name string, bucketRef resource.PropertyValue, deps ...string) res {
	r := res{typ: tPAB, name: name, props: resource.PropertyMap{
		"bucket": bucketRef, "blockPublicAcls": resource.NewBoolProperty(true), "blockPublicPolicy": resource.NewBoolProperty(true),
		"ignorePublicAcls": resource.NewBoolProperty(true), "restrictPublicBuckets": resource.NewBoolProperty(true),
	}}
	if len(deps) > 0 {
		r.deps = map[string][]string{"bucket": deps}
	}
	return r
}

func nat(name string) res {
	return res{typ: tNAT, name: name, props: resource.PropertyMap{"subnetId": resource.NewStringProperty("subnet-" + name)}}
}

// TestAnalyze sends single resources (their inputs) as the engine does per registration.
func TestAnalyze(t *testing.T) {
	p := startPack(t)
	p.configureStack(t, "prod")
	cases := []struct {
		name        string
		r           res
		wantPolicy  string
		wantLevel   pulumirpc.EnforcementLevel
		wantSev     pulumirpc.PolicySeverity
		wantMessage []string
		notPolicy   string // a policy that must not report on this resource
	}{
		{
			name:       "unencrypted RDS is a mandatory rds-encrypted violation",
			r:          rds("db", resource.PropertyMap{"storageEncrypted": resource.NewBoolProperty(false)}),
			wantPolicy: "rds-encrypted", wantLevel: pulumirpc.EnforcementLevel_MANDATORY,
			wantSev:     pulumirpc.PolicySeverity_POLICY_SEVERITY_HIGH,
			wantMessage: []string{"storageEncrypted is false", `rds.Instance "db"`},
		},
		{
			name:       "computed storageEncrypted goes to the advisory companion, not the rule",
			r:          rds("db-preview", resource.PropertyMap{"storageEncrypted": computed(), "kmsKeyId": computed()}),
			wantPolicy: "rds-encrypted-unknown", wantLevel: pulumirpc.EnforcementLevel_ADVISORY,
			wantSev:     pulumirpc.PolicySeverity_POLICY_SEVERITY_HIGH,
			wantMessage: []string{"storageEncrypted is not known until apply"},
			notPolicy:   "rds-encrypted",
		},
		{
			name:       "a secret value is unwrapped for the check",
			r:          rds("db-secret", resource.PropertyMap{"publiclyAccessible": resource.MakeSecret(resource.NewBoolProperty(true))}),
			wantPolicy: "rds-not-public", wantLevel: pulumirpc.EnforcementLevel_MANDATORY,
			wantSev:     pulumirpc.PolicySeverity_POLICY_SEVERITY_CRITICAL,
			wantMessage: []string{"publiclyAccessible is true"},
		},
		{
			name:       "a secret value stays secret in the message",
			r:          rds("db-secret-enc", resource.PropertyMap{"storageEncrypted": resource.MakeSecret(resource.NewBoolProperty(false))}),
			wantPolicy: "rds-encrypted", wantLevel: pulumirpc.EnforcementLevel_MANDATORY,
			wantSev:     pulumirpc.PolicySeverity_POLICY_SEVERITY_HIGH,
			wantMessage: []string{"storageEncrypted is [secret]"},
		},
		{
			name:       "protect option reaches stateful-protected",
			r:          rds("db-unprotected", resource.PropertyMap{}),
			wantPolicy: "stateful-protected", wantLevel: pulumirpc.EnforcementLevel_MANDATORY,
			wantSev:     pulumirpc.PolicySeverity_POLICY_SEVERITY_HIGH,
			wantMessage: []string{"protect resource option is off"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ds := p.analyze(t, "prod", tc.r)
			urn := urnOf("prod", tc.r.typ, tc.r.name)
			got := diagsOf(ds, tc.wantPolicy, urn)
			require.NotEmpty(t, got, "want %s on %s; got:\n%s", tc.wantPolicy, urn, render(ds))
			d := got[0]
			require.Equal(t, tc.wantLevel, d.GetEnforcementLevel())
			require.Equal(t, tc.wantSev, d.GetSeverity())
			require.Equal(t, "platform", d.GetPolicyPackName())
			require.Equal(t, packVersion, d.GetPolicyPackVersion())
			require.Contains(t, d.GetDescription(), "[")
			for _, m := range tc.wantMessage {
				require.Contains(t, d.GetMessage(), m)
			}
			if tc.notPolicy != "" {
				require.Empty(t, diagsOf(ds, tc.notPolicy, urn), render(ds))
			}
		})
	}

	t.Run("protected RDS passes stateful-protected", func(t *testing.T) {
		r := rds("db-protected", resource.PropertyMap{})
		r.protect = true
		ds := p.analyze(t, "prod", r)
		require.Empty(t, diagsOf(ds, "stateful-protected", "*"), render(ds))
	})
	t.Run("a type no rule reads gets no diagnostics", func(t *testing.T) {
		ds := p.analyze(t, "prod", res{typ: "random:index/randomPassword:RandomPassword", name: "pw",
			props: resource.PropertyMap{"length": resource.NewNumberProperty(32)}})
		require.Empty(t, ds, render(ds))
	})
}

// TestAnalyzeStack sends a whole stack (with property dependencies, as in preview) and
// checks stack rules, their joins and the stack's parameters.
func TestAnalyzeStack(t *testing.T) {
	cases := []struct {
		name      string
		stack     string
		rs        []res
		want      map[string][]string // policy -> resource names it must report on ("" = stack-level)
		wantLevel map[string]pulumirpc.EnforcementLevel
		not       map[string][]string // policy -> resource names it must not report on
	}{
		{
			name:  "bucket without a public access block; one joined by dependency in preview",
			stack: "prod",
			rs: []res{bucket("assets"), bucket("media"),
				pab("media-pab", computed(), urnOf("prod", tBucket, "media"))},
			want:      map[string][]string{"s3-public-access-block": {"assets"}},
			wantLevel: map[string]pulumirpc.EnforcementLevel{"s3-public-access-block": pulumirpc.EnforcementLevel_MANDATORY},
			not:       map[string][]string{"s3-public-access-block": {"media"}, "s3-public-access-block-unknown": {"media", "assets"}},
		},
		{
			name:      "an unknown join with no dependency is an advisory unknown",
			stack:     "prod",
			rs:        []res{bucket("orphan"), pab("loose-pab", computed())},
			want:      map[string][]string{"s3-public-access-block-unknown": {"orphan"}},
			wantLevel: map[string]pulumirpc.EnforcementLevel{"s3-public-access-block-unknown": pulumirpc.EnforcementLevel_ADVISORY},
			not:       map[string][]string{"s3-public-access-block": {"orphan"}},
		},
		{
			name:      "two NAT gateways exceed staging's maxNatGateways 1",
			stack:     "staging",
			rs:        []res{nat("a"), nat("b")},
			want:      map[string][]string{"cost-nat-count": {"b"}},
			wantLevel: map[string]pulumirpc.EnforcementLevel{"cost-nat-count": pulumirpc.EnforcementLevel_MANDATORY},
		},
		{
			name:  "two NAT gateways are within prod's 3",
			stack: "prod",
			rs:    []res{nat("a"), nat("b")},
			not:   map[string][]string{"cost-nat-count": {"a", "b"}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := startPack(t)
			p.configureStack(t, tc.stack)
			ds := p.analyzeStack(t, tc.stack, tc.rs...)
			for policy, names := range tc.want {
				for _, n := range names {
					got := diagsOf(ds, policy, urnFor(tc.stack, tc.rs, n))
					require.NotEmpty(t, got, "want %s on %q; got:\n%s", policy, n, render(ds))
					require.Equal(t, tc.wantLevel[policy], got[0].GetEnforcementLevel())
				}
			}
			for policy, names := range tc.not {
				for _, n := range names {
					require.Empty(t, diagsOf(ds, policy, urnFor(tc.stack, tc.rs, n)), "%s on %q:\n%s", policy, n, render(ds))
				}
			}
		})
	}
}

func urnFor(stack string, rs []res, name string) string {
	for _, r := range rs {
		if r.name == name {
			return urnOf(stack, r.typ, name)
		}
	}
	return ""
}

// TestPanickingRuleDoesNotKillThePack arms the test hook: the rule's violation names the
// rule and the panic, the other rules still report, and the pack keeps answering.
func TestPanickingRuleDoesNotKillThePack(t *testing.T) {
	cases := []struct {
		name, hook string
		stackRule  bool
	}{
		{name: "panic inside a resource rule's check", hook: "rds-encrypted"},
		{name: "panic in the pack's adapter for a resource rule", hook: "rds-encrypted@adapter"},
		{name: "panic inside a stack rule's check", hook: "s3-public-access-block", stackRule: true},
		{name: "panic in the pack's adapter for a stack rule", hook: "s3-public-access-block@adapter", stackRule: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := startPack(t, panicEnv+"="+tc.hook)
			p.configureStack(t, "prod")
			for round := 0; round < 2; round++ { // the second round proves the pack survived
				var ds []*pulumirpc.AnalyzeDiagnostic
				var rule, other string
				if tc.stackRule {
					ds = p.analyzeStack(t, "prod", bucket("assets"), nat("a"), nat("b"), nat("c"), nat("d"))
					rule, other = "s3-public-access-block", "cost-nat-count"
				} else {
					ds = p.analyze(t, "prod", rds("db", resource.PropertyMap{
						"storageEncrypted": resource.NewBoolProperty(false), "publiclyAccessible": resource.NewBoolProperty(true),
					}))
					rule, other = "rds-encrypted", "rds-not-public"
				}
				got := diagsOf(ds, rule, "*")
				require.Len(t, got, 1, render(ds))
				require.Contains(t, got[0].GetMessage(), "rule "+rule+" panicked")
				require.Contains(t, got[0].GetMessage(), "induced panic")
				require.Equal(t, pulumirpc.EnforcementLevel_MANDATORY, got[0].GetEnforcementLevel(), "a broken rule never passes")
				require.NotEmpty(t, diagsOf(ds, other, "*"), "other rules still run:\n%s", render(ds))
			}
			_, err := p.client.GetAnalyzerInfo(testCtx(t), &emptypb.Empty{})
			require.NoError(t, err)
			require.Contains(t, p.stderr.String(), "test hook "+panicEnv)
		})
	}
}
