package rules

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
)

func onDay(day string) Config {
	return Config{Rules: map[string]RuleConfig{"version-lifecycle": {Params: map[string]any{"runDate": day}}}}
}

// lifecycleStack is a cluster on a Kubernetes minor with one add-on build and one chart,
// the resources version-lifecycle joins.
func lifecycleStack(kube, kubeProxy string) Stack {
	return stack("prod",
		res(tokens.EKSCluster, "cluster", map[string]any{"name": "platform-prod", "version": kube}),
		res(tokens.EKSAddon, "kube-proxy", map[string]any{"clusterName": "platform-prod", "addonName": "kube-proxy", "addonVersion": kubeProxy}),
		res(tokens.RDSInstance, "db", map[string]any{"engine": "postgres", "engineVersion": "16"}),
	)
}

func lifecycleCases() []ruleCase {
	return []ruleCase{{
		id:      "version-lifecycle",
		pass:    lifecycleStack("1.36", "v1.36.0-eksbuild.14"),
		passCfg: onDay("2026-12-03"),
		// the day after 1.34's end of standard support (2026-12-02)
		fail: lifecycleStack("1.34", "v1.34.0-eksbuild.2"), failCfg: onDay("2026-12-03"),
		failMsg: "Kubernetes 1.34 left standard support on 2026-12-02 (1 day before the run date 2026-12-03)",
		unknown: stack("prod", res(tokens.EKSCluster, "cluster", map[string]any{"name": "platform-prod", "version": unk})),
	}}
}

func TestVersionLifecycleByDate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, kube, addon, day string
		enforcement            Enforcement // "" means no finding
		msg                    string
	}{
		{"in support, far from its end", "1.36", "v1.36.0-eksbuild.14", "2026-12-03", "", ""},
		{"91 days before the end: no warning yet", "1.35", "v1.35.3-eksbuild.13", "2026-12-26", "", ""},
		{"90 days before the end warns", "1.35", "v1.35.3-eksbuild.13", "2026-12-27", Advisory, "leaves standard support on 2027-03-27, 90 days after"},
		{"last day of standard support warns", "1.34", "v1.34.0-eksbuild.2", "2026-12-01", Advisory, "leaves standard support on 2026-12-02"},
		{"the day support ends fails", "1.34", "v1.34.0-eksbuild.2", "2026-12-02", Mandatory, "left standard support on 2026-12-02"},
		{"past extended support fails", "1.33", "v1.34.0-eksbuild.2", "2027-08-01", Mandatory, "left standard support on 2026-07-29"},
		{"a minor missing from the table fails", "1.29", "v1.36.0-eksbuild.14", "2026-12-03", Mandatory, `"1.29" is not in internal/lifecycle/lifecycle.json`},
		{"an add-on build that does not list the cluster's minor fails", "1.36", "v1.35.3-eksbuild.13", "2026-12-03", Mandatory, "supports Kubernetes 1.35, not the cluster's 1.36"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fs := only(runWith(t, "version-lifecycle", lifecycleStack(tc.kube, tc.addon), onDay(tc.day)), "version-lifecycle")
			if tc.enforcement == "" {
				require.Empty(t, fs, messages(fs))
				return
			}
			require.NotEmpty(t, fs)
			found := false
			for _, f := range fs {
				if strings.Contains(f.Message, tc.msg) {
					found = true
					require.Equal(t, tc.enforcement, f.Enforcement, f.Message)
				}
			}
			require.True(t, found, "no message contains %q:\n%s", tc.msg, messages(fs))
		})
	}
}

func TestVersionLifecycleSuggestsTheNewestSupportedMinor(t *testing.T) {
	t.Parallel()
	fs := only(runWith(t, "version-lifecycle", lifecycleStack("1.34", "v1.34.0-eksbuild.2"), onDay("2026-12-03")), "version-lifecycle")
	require.NotEmpty(t, fs)
	require.Contains(t, fs[0].Message, "pin 1.36")
}

func TestVersionLifecycleRejectsABadRunDate(t *testing.T) {
	t.Parallel()
	rule, _ := ByID("version-lifecycle")
	fs, err := Run(rule, lifecycleStack("1.36", "v1.36.0-eksbuild.14"), onDay("3 Dec 2026"))
	require.NoError(t, err)
	require.Len(t, fs, 1)
	require.True(t, fs[0].Error)
	require.Contains(t, fs[0].Message, `parameter runDate "3 Dec 2026"`)
}
