package preflight_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/preflight"
)

// TestDRRebuildNeedsNothingFromTheFailedRegion: the committed dr stack survives the loss
// of us-east-1 (issue 12): it creates nothing there, no input points there except the
// CloudFront certificate and web ACL prod keeps ready, it restores from a recovery point,
// and its backup copies go to a third region.
func TestDRRebuildNeedsNothingFromTheFailedRegion(t *testing.T) {
	t.Parallel()
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		r := report(t, "dr", mode)
		d := r.DR
		require.NotNil(t, d, mode.String())
		require.Equal(t, "us-east-1", d.FailedRegion)
		require.Empty(t, d.InFailedRegion, mode.String())
		require.Empty(t, d.NamingFailedRegion, mode.String())
		require.Empty(t, d.Problems)
		require.Zero(t, d.ByRegion["us-east-1"])
		require.Positive(t, d.ByRegion["us-west-2"])
		require.Positive(t, d.ByRegion["us-east-2"], "the rebuild's own backup copies leave its region")
		require.Len(t, d.PreProvisioned, 4, "two distributions, each with prod's certificate and web ACL")
		for _, x := range d.PreProvisioned {
			require.Contains(t, x.URN, tokens.CloudFrontDistribution, x.Path)
		}
		require.Contains(t, d.RestoreSource, "platform-prod-dr-drill")
		require.InDelta(t, r.CriticalPath.Minutes, d.RebuildMinutes, 0.001)
		require.Greater(t, d.RTOMinutes, d.RebuildMinutes)
		require.True(t, r.Summary.Pass, "dr %s", mode)
	}
	for _, stack := range []string{"staging", "prod"} {
		require.Nil(t, report(t, stack, plan.Preview).DR, "%s sets no failedRegion", stack)
	}
}

// TestDRRehearsalFailsOnTheFailedRegion: what the dr stack did before issue 12 (its
// backup copies and CloudFront's pieces in us-east-1, the region it is meant to survive)
// fails the rehearsal, and so the report.
func TestDRRehearsalFailsOnTheFailedRegion(t *testing.T) {
	t.Parallel()
	const east = "urn:pulumi:dr::platform::pulumi:providers:aws::us-east-1"
	base := func() *preflight.Report {
		return &preflight.Report{Config: map[string]string{"aws:region": "us-west-2", "platform:failedRegion": "us-east-1",
			"platform:restoreSnapshotId": "platform-prod-dr-drill"}, Resources: []preflight.Resource{
			{URN: east, Type: tokens.ProviderAWS, Custom: true, Inputs: map[string]any{"region": "us-east-1"}},
			{URN: "urn:pulumi:dr::platform::aws:rds/instance:Instance::database", Type: tokens.RDSInstance, Custom: true,
				Inputs: map[string]any{"snapshotIdentifier": "platform-prod-dr-drill"}},
		}}
	}
	for _, c := range []struct {
		name    string
		edit    func(*preflight.Report)
		problem string
	}{
		{"nothing in the failed region", func(*preflight.Report) {}, ""},
		{"a web ACL created in it", func(r *preflight.Report) {
			r.Resources = append(r.Resources, preflight.Resource{URN: "urn:pulumi:dr::platform::aws:wafv2/webAcl:WebAcl::edge-waf",
				Type: tokens.WAFWebACL, Custom: true, Provider: east, Inputs: map[string]any{"scope": "CLOUDFRONT"}})
		}, "creates 1 resources in the failed region us-east-1"},
		{"backup copies sent to it", func(r *preflight.Report) {
			r.Resources = append(r.Resources, preflight.Resource{URN: "urn:pulumi:dr::platform::aws:backup/plan:Plan::backup",
				Type: tokens.BackupPlan, Custom: true, Inputs: map[string]any{"rules": []any{map[string]any{"copyActions": []any{
					map[string]any{"destinationVaultArn": "arn:aws:backup:us-east-1:123456789012:backup-vault:platform-dr-dr"}}}}}})
		}, "1 inputs point into the failed region us-east-1 (first: urn:pulumi:dr::platform::aws:backup/plan:Plan::backup rules[0].copyActions[0].destinationVaultArn)"},
		{"RDS backups replicated to it", func(r *preflight.Report) {
			r.Resources = append(r.Resources, preflight.Resource{URN: "urn:pulumi:dr::platform::aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication::r",
				Type: tokens.RDSInstanceAutomatedBackupsReplication, Custom: true, Provider: east, Inputs: map[string]any{}})
		}, "creates 1 resources in the failed region"},
		{"an empty database", func(r *preflight.Report) { delete(r.Config, "platform:restoreSnapshotId") }, "no restore source"},
		{"a global service is not regional", func(r *preflight.Report) {
			r.Resources = append(r.Resources, preflight.Resource{URN: "urn:pulumi:dr::platform::aws:iam/role:Role::x",
				Type: tokens.IAMRole, Custom: true, Provider: east, Inputs: map[string]any{}})
		}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := base()
			c.edit(r)
			d := preflight.DisasterForTest(r)
			if c.problem == "" {
				require.Empty(t, d.Problems)
				return
			}
			require.Len(t, d.Problems, 1)
			require.Contains(t, d.Problems[0], c.problem)
		})
	}
}

// TestDRRehearsalIsInEveryFormat: the text, markdown and JSON reports carry it.
func TestDRRehearsalIsInEveryFormat(t *testing.T) {
	t.Parallel()
	doc := &preflight.Document{Reports: []*preflight.Report{report(t, "dr", plan.Preview)}}
	for format, want := range map[string]string{
		"text":     "DR REHEARSAL surviving the loss of us-east-1 - PASS",
		"markdown": "DR rehearsal, surviving the loss of us-east-1",
		"json":     `"drRehearsal":`,
	} {
		f, err := preflight.ByName(format)
		require.NoError(t, err, format)
		var b strings.Builder
		require.NoError(t, f.Write(&b, doc))
		require.Contains(t, b.String(), want, format)
	}
}

// TestDRPointInTimeRestoreKeepsThePasswordStep: after a point-in-time restore the
// provider does not apply the password input, so the rehearsal keeps the manual reset.
func TestDRPointInTimeRestoreKeepsThePasswordStep(t *testing.T) {
	t.Parallel()
	steps := func(config map[string]string) []string {
		var out []string
		for _, s := range preflight.DisasterForTest(&preflight.Report{Config: config}).ManualSteps {
			out = append(out, s.Step)
		}
		return strings.Split(strings.Join(out, "\n"), "\n")
	}
	snapshot := steps(map[string]string{"platform:failedRegion": "us-east-1", "platform:restoreSnapshotId": "platform-prod-dr-drill"})
	pitr := steps(map[string]string{"platform:failedRegion": "us-east-1", "platform:restorePointInTime": "latest",
		"platform:restoreSourceBackupsArn": "arn:aws:rds:us-west-2:123456789012:auto-backup:ab-x"})
	require.Len(t, pitr, len(snapshot)+1)
	require.Contains(t, pitr[len(pitr)-1], "reset the master password")
	for _, s := range snapshot {
		require.NotContains(t, s, "password")
	}
}

// TestDRStandInsArePreconditions: the committed stand-ins for prod's ids are listed as
// what to do before a disaster, and disappear once the real ids are set.
func TestDRStandInsArePreconditions(t *testing.T) {
	t.Parallel()
	committed := report(t, "dr", plan.Preview).DR
	require.Len(t, committed.Preconditions, 1)
	for _, key := range []string{"platform:dnsZoneId", "platform:edgeCertificateArn", "platform:cloudFrontWebAclArn"} {
		require.Contains(t, committed.Preconditions[0], key)
	}
	set := preflight.DisasterForTest(&preflight.Report{Config: map[string]string{"platform:failedRegion": "us-east-1",
		"platform:restoreSnapshotId": "x", "platform:dnsZoneId": "Z0123456789ABCDEFGHIJ",
		"platform:edgeCertificateArn":  "arn:aws:acm:us-east-1:123456789012:certificate/abc",
		"platform:cloudFrontWebAclArn": "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/1"}})
	require.Empty(t, set.Preconditions)
}
