package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// policyConfig builds one entry of a ConfigureAnalyzerRequest as the engine sends it.
func policyConfig(t *testing.T, lvl pulumirpc.EnforcementLevel, props map[string]any) *pulumirpc.PolicyConfig {
	t.Helper()
	s, err := structpb.NewStruct(props)
	require.NoError(t, err)
	return &pulumirpc.PolicyConfig{EnforcementLevel: lvl, Properties: s}
}

const (
	mandatory = pulumirpc.EnforcementLevel_MANDATORY
	advisory  = pulumirpc.EnforcementLevel_ADVISORY
	disabled  = pulumirpc.EnforcementLevel_DISABLED
)

// TestConfigure applies policy config over the protocol (levels, params, exceptions, "all")
// and checks its effect on Analyze and AnalyzeStack.
func TestConfigure(t *testing.T) {
	unencrypted := resource.PropertyMap{"storageEncrypted": resource.NewBoolProperty(false)}
	legacyURN := urnOf("prod", tRDS, "legacy-db")
	cases := []struct {
		name   string
		config func(t *testing.T) map[string]*pulumirpc.PolicyConfig
		check  func(t *testing.T, p *packProc)
	}{
		{
			name: "an exception by URN reports [exempted] at advisory; other resources still block",
			config: func(t *testing.T) map[string]*pulumirpc.PolicyConfig {
				return map[string]*pulumirpc.PolicyConfig{"rds-encrypted": policyConfig(t, mandatory, map[string]any{
					"exceptions": []any{map[string]any{"urn": legacyURN, "reason": "TICKET-42 migrating in Q3"}},
				})}
			},
			check: func(t *testing.T, p *packProc) {
				ds := p.analyze(t, "prod", rds("legacy-db", unencrypted))
				got := diagsOf(ds, "rds-encrypted", legacyURN)
				require.NotEmpty(t, got, render(ds))
				for _, d := range got {
					require.Regexp(t, `^\[exempted\] TICKET-42 migrating in Q3: `, d.GetMessage())
					require.Equal(t, advisory, d.GetEnforcementLevel())
				}
				ds = p.analyze(t, "prod", rds("new-db", unencrypted))
				got = diagsOf(ds, "rds-encrypted", urnOf("prod", tRDS, "new-db"))
				require.NotEmpty(t, got, render(ds))
				require.Equal(t, mandatory, got[0].GetEnforcementLevel())
				require.NotContains(t, got[0].GetMessage(), "[exempted]")
			},
		},
		{
			name: "an exception by name glob on a stack rule",
			config: func(t *testing.T) map[string]*pulumirpc.PolicyConfig {
				return map[string]*pulumirpc.PolicyConfig{"s3-public-access-block": policyConfig(t, mandatory, map[string]any{
					"exceptions": []any{map[string]any{"name": "public-*", "reason": "static website, TICKET-7"}},
				})}
			},
			check: func(t *testing.T, p *packProc) {
				ds := p.analyzeStack(t, "prod", bucket("public-site"))
				got := diagsOf(ds, "s3-public-access-block", urnOf("prod", tBucket, "public-site"))
				require.Len(t, got, 1, render(ds))
				require.Contains(t, got[0].GetMessage(), "[exempted] static website, TICKET-7: ")
				require.Equal(t, advisory, got[0].GetEnforcementLevel())
			},
		},
		{
			name: "disabled policy reports nothing",
			config: func(t *testing.T) map[string]*pulumirpc.PolicyConfig {
				return map[string]*pulumirpc.PolicyConfig{"rds-encrypted": policyConfig(t, disabled, nil)}
			},
			check: func(t *testing.T, p *packProc) {
				ds := p.analyze(t, "prod", rds("db", unencrypted))
				require.Empty(t, diagsOf(ds, "rds-encrypted", "*"), render(ds))
			},
		},
		{
			name: "a companion made mandatory blocks on unknowns",
			config: func(t *testing.T) map[string]*pulumirpc.PolicyConfig {
				return map[string]*pulumirpc.PolicyConfig{"rds-encrypted-unknown": policyConfig(t, mandatory, nil)}
			},
			check: func(t *testing.T, p *packProc) {
				ds := p.analyze(t, "prod", rds("db", resource.PropertyMap{"storageEncrypted": computed()}))
				got := diagsOf(ds, "rds-encrypted-unknown", "*")
				require.NotEmpty(t, got, render(ds))
				require.Equal(t, mandatory, got[0].GetEnforcementLevel())
			},
		},
		{
			name: "a resource rule parameter overrides the stack default",
			config: func(t *testing.T) map[string]*pulumirpc.PolicyConfig {
				return map[string]*pulumirpc.PolicyConfig{"rds-backup-retention": policyConfig(t, mandatory, map[string]any{"minDays": 40})}
			},
			check: func(t *testing.T, p *packProc) {
				ds := p.analyze(t, "prod", rds("db", resource.PropertyMap{"backupRetentionPeriod": resource.NewNumberProperty(35)}))
				got := diagsOf(ds, "rds-backup-retention", "*")
				require.NotEmpty(t, got, "35 days pass prod's default 30 but not the configured 40:\n%s", render(ds))
				require.Contains(t, got[0].GetMessage(), "minimum of 40 days")
			},
		},
		{
			name: "a stack rule parameter reaches the stack policy",
			config: func(t *testing.T) map[string]*pulumirpc.PolicyConfig {
				return map[string]*pulumirpc.PolicyConfig{"cost-nat-count": policyConfig(t, advisory, map[string]any{"maxNatGateways": 1})}
			},
			check: func(t *testing.T, p *packProc) {
				ds := p.analyzeStack(t, "prod", nat("a"), nat("b"))
				got := diagsOf(ds, "cost-nat-count", "*")
				require.Len(t, got, 1, render(ds))
				require.Contains(t, got[0].GetMessage(), "more than maxNatGateways 1")
				require.Equal(t, advisory, got[0].GetEnforcementLevel())
			},
		},
		{
			name: `"all" sets every level without its own entry`,
			config: func(t *testing.T) map[string]*pulumirpc.PolicyConfig {
				return map[string]*pulumirpc.PolicyConfig{"all": policyConfig(t, advisory, nil)}
			},
			check: func(t *testing.T, p *packProc) {
				ds := p.analyze(t, "prod", rds("db", unencrypted))
				got := diagsOf(ds, "rds-encrypted", "*")
				require.NotEmpty(t, got, render(ds))
				require.Equal(t, advisory, got[0].GetEnforcementLevel())
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := startPack(t)
			p.configureStack(t, "prod")
			_, err := p.client.Configure(testCtx(t), &pulumirpc.ConfigureAnalyzerRequest{PolicyConfig: tc.config(t)})
			require.NoError(t, err)
			tc.check(t, p)
		})
	}
}

// TestConfigureRejectsBadConfig: problems the engine's schema check lets through are
// refused with a message naming the policy and the problem.
func TestConfigureRejectsBadConfig(t *testing.T) {
	p := startPack(t)
	p.configureStack(t, "prod")
	cases := []struct {
		name   string
		config map[string]*pulumirpc.PolicyConfig
		want   string
	}{
		{
			name:   "unknown parameter",
			config: map[string]*pulumirpc.PolicyConfig{"rds-backup-retention": policyConfig(t, mandatory, map[string]any{"minDayz": 40})},
			want:   `unknown parameter "minDayz"`,
		},
		{
			name:   "parameter of the wrong type",
			config: map[string]*pulumirpc.PolicyConfig{"rds-backup-retention": policyConfig(t, mandatory, map[string]any{"minDays": 7.5})},
			want:   `parameter "minDays"`,
		},
		{
			name:   "no such policy",
			config: map[string]*pulumirpc.PolicyConfig{"rds-encryptd": policyConfig(t, mandatory, nil)},
			want:   "rds-encryptd: no such rule",
		},
		{
			name: "exception without a reason",
			config: map[string]*pulumirpc.PolicyConfig{"rds-encrypted": policyConfig(t, mandatory, map[string]any{
				"exceptions": []any{map[string]any{"urn": "urn:x"}},
			})},
			want: "reason is required",
		},
		{
			name: "exception with an unknown field",
			config: map[string]*pulumirpc.PolicyConfig{"rds-encrypted": policyConfig(t, mandatory, map[string]any{
				"exceptions": []any{map[string]any{"urn": "urn:x", "reason": "r", "until": "2027"}},
			})},
			want: `unknown field "until"`,
		},
		{
			name:   "remediate level",
			config: map[string]*pulumirpc.PolicyConfig{"rds-encrypted": policyConfig(t, pulumirpc.EnforcementLevel_REMEDIATE, nil)},
			want:   "REMEDIATE is not supported",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.client.Configure(testCtx(t), &pulumirpc.ConfigureAnalyzerRequest{PolicyConfig: tc.config})
			require.Error(t, err)
			require.Equal(t, codes.InvalidArgument, status.Code(err))
			require.Contains(t, err.Error(), tc.want)
		})
	}
	// A rejected config leaves the previous (default) one in force.
	ds := p.analyze(t, "prod", rds("db", resource.PropertyMap{"storageEncrypted": resource.NewBoolProperty(false)}))
	got := diagsOf(ds, "rds-encrypted", "*")
	require.NotEmpty(t, got, render(ds))
	require.Equal(t, mandatory, got[0].GetEnforcementLevel())
}

// TestStackConfigFilesLoad sends each policies/config/<stack>.json to the pack the way the
// engine does (a bare string is a level; "enforcementLevel" is split off; every policy
// gets an entry, defaulting to the level GetAnalyzerInfo announced) and requires the pack
// to accept it, so `--policy-pack-config policies/config/<stack>.json` cannot fail there.
func TestStackConfigFilesLoad(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "config", "*.json"))
	require.NoError(t, err)
	if len(files) == 0 {
		t.Skip("no policies/config/*.json yet")
	}
	for _, file := range files {
		stack := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(stack, func(t *testing.T) {
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			var raw map[string]any
			require.NoError(t, json.Unmarshal(data, &raw))

			p := startPack(t)
			p.configureStack(t, stack)
			info, err := p.client.GetAnalyzerInfo(testCtx(t), &emptypb.Empty{})
			require.NoError(t, err)
			req := map[string]*pulumirpc.PolicyConfig{}
			for _, pi := range info.GetPolicies() {
				req[pi.GetName()] = &pulumirpc.PolicyConfig{EnforcementLevel: pi.GetEnforcementLevel()}
			}
			for name, v := range raw {
				lvl := req[name].GetEnforcementLevel()
				props := map[string]any{}
				switch x := v.(type) {
				case string:
					lvl = engineLevel(t, x)
				case map[string]any:
					for k, pv := range x {
						if k == "enforcementLevel" {
							lvl = engineLevel(t, pv.(string))
							continue
						}
						props[k] = pv
					}
				default:
					t.Fatalf("%s: %v is neither a level nor an object", name, v)
				}
				req[name] = policyConfig(t, lvl, props)
			}
			_, err = p.client.Configure(testCtx(t), &pulumirpc.ConfigureAnalyzerRequest{PolicyConfig: req})
			require.NoError(t, err, file)
		})
	}
}

func engineLevel(t *testing.T, s string) pulumirpc.EnforcementLevel {
	t.Helper()
	v, ok := pulumirpc.EnforcementLevel_value[strings.ToUpper(s)]
	require.True(t, ok, "level %q", s)
	return pulumirpc.EnforcementLevel(v)
}
