package tests

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/plan/stackplan"
	"github.com/generic-corp/platform/stacks"
)

// TestDRDrillIsRepeatable: a drill is torn down and rebuilt, twice in a row (issue 12).
// What blocks the second drill on AWS: a secret name in its recovery window ("already
// scheduled for deletion"), a vault that holds recovery points or is compliance-locked,
// a bucket that is not empty or kept on delete. prod keeps every one of those guards.
func TestDRDrillIsRepeatable(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		stack string
		drill bool
	}{{"dr", true}, {"prod", false}, {"staging", false}} {
		p := capture(t, c.stack, plan.Preview)
		secrets := p.ByType(tokens.SecretsManagerSecret)
		require.NotEmpty(t, secrets)
		for _, s := range secrets {
			window := num(s.Input("recoveryWindowInDays"))
			if c.drill {
				require.Zero(t, window, "%s %s: a drill's secret must go at once", c.stack, s.Name)
			} else {
				require.GreaterOrEqual(t, window, 7.0, "%s %s", c.stack, s.Name)
			}
		}
		buckets := p.ByType(tokens.S3BucketV2)
		require.NotEmpty(t, buckets)
		for _, b := range buckets {
			require.Equal(t, c.drill, b.Input("forceDestroy").AsBool(), "%s %s forceDestroy", c.stack, b.Name)
			if c.drill {
				require.False(t, b.RetainOnDelete, "%s %s: a kept bucket's name blocks the next drill", c.stack, b.Name)
			}
		}
		for _, v := range p.ByType(tokens.BackupVault) {
			require.Equal(t, c.drill, v.Input("forceDestroy").AsBool(), "%s %s forceDestroy", c.stack, v.Name)
		}
		locks := p.ByType(tokens.BackupVaultLockConfiguration)
		if c.stack == "staging" {
			require.Empty(t, locks)
			continue
		}
		require.Len(t, locks, 2, c.stack)
		for _, l := range locks {
			// changeableForDays is what makes a lock compliance mode, removable never.
			require.Equal(t, c.drill, l.Input("changeableForDays").IsNull(), "%s %s", c.stack, l.Name)
		}
	}
}

// TestDRKeepsNothingInUsEast1: the dr stack registers no us-east-1 provider, so no
// resource there; prod keeps the rebuild's CloudFront certificate ready there.
func TestDRKeepsNothingInUsEast1(t *testing.T) {
	t.Parallel()
	dr := capture(t, "dr", plan.Preview)
	for _, pr := range dr.ByType(tokens.ProviderAWS) {
		require.NotEqual(t, "us-east-1", str(pr.Input("region")), pr.URN)
	}
	require.Empty(t, dr.ByType(tokens.Route53HealthCheck), "its alarm could live only in us-east-1")
	for _, c := range dr.ByType(tokens.ACMCertificate) {
		require.Contains(t, []string{"api-certificate", "temporal-ui-certificate"}, c.Name, "only regional certificates")
	}
	for _, w := range dr.ByType(tokens.WAFWebACL) {
		require.Equal(t, "REGIONAL", str(w.Input("scope")), w.Name)
	}

	prod := capture(t, "prod", plan.Update)
	// One certificate for prod's sites and the rebuild's: in use by prod's distributions,
	// so ACM renews it; covering prod's names, so a cut-over can move them to the
	// rebuild's distributions.
	cert := one(t, prod, tokens.ACMCertificate, func(r *plan.Resource) bool { return r.Name == "edge-certificate" })
	require.Equal(t, "generic-corp.io", str(cert.Input("domainName")))
	require.Equal(t, []string{"www.generic-corp.io", "app.generic-corp.io", "dr.generic-corp.io", "*.dr.generic-corp.io"},
		strs(cert.Input("subjectAlternativeNames")))
	require.NotEmpty(t, str(cert.Output("arn")))
	// Its validation records are the ones the sites' certificates wrote before (ACM gives
	// one CNAME per name): adopted by alias, never deleted by the move to one certificate.
	for site, names := range map[string][]string{"app": {"app.generic-corp.io"}, "landing": {"generic-corp.io", "www.generic-corp.io"}} {
		for _, n := range names {
			rec := one(t, prod, tokens.Route53Record, func(r *plan.Resource) bool { return r.Name == "edge-certificate-validation-"+n })
			require.Equal(t, []string{"urn:pulumi:prod::platform::platform:cdn:Site$aws:route53/record:Record::" + site + "-cert-validation-" + n}, rec.Aliases, n)
		}
	}
	for _, d := range prod.ByType(tokens.CloudFrontDistribution) {
		require.Equal(t, str(cert.Output("arn")), str(d.Input("viewerCertificate.acmCertificateArn")), d.Name)
	}
	require.Contains(t, cert.Provider, "us-east-1")
	for _, out := range []string{"drEdgeCertificateArn", "cloudFrontWebAclArn"} {
		_, ok := prod.Outputs.GetOk(out)
		require.True(t, ok, out)
	}
}

// TestDRReadsProdsOperatorSecrets: prod replicates every operator-filled secret into the
// DR region, and the rebuild's External Secrets read those replicas, through roles that
// may read exactly them and decrypt with the replica key only (issue 12: no operator
// copies values during a disaster).
func TestDRReadsProdsOperatorSecrets(t *testing.T) {
	t.Parallel()
	prod := capture(t, "prod", plan.Update)
	dr := capture(t, "dr", plan.Update)
	replicated := map[string]bool{}
	for _, s := range prod.ByType(tokens.SecretsManagerSecret) {
		if s.Input("replicas").IsNull() {
			continue
		}
		require.Equal(t, "us-west-2", str(s.Input("replicas[0].region")), s.Name)
		replicated[str(s.Input("name"))] = true
	}
	operator := strs(dr.Outputs.Get("operatorSecretNames"))
	reads := 0
	for _, name := range operator {
		if strings.HasPrefix(name, "ecr-pullthroughcache/") {
			continue // the rebuild's own pull-through cache credential
		}
		require.True(t, replicated[name], "dr reads %s, which prod does not replicate", name)
		reads++
	}
	require.Equal(t, len(replicated), reads, "every replica prod makes is one the rebuild reads")
	readers := 0
	for _, es := range dr.ByType(tokens.K8sExternalSecret) {
		for _, d := range es.Input("spec.data").AsArray().AsSlice() {
			key := str(d.AsMap().Get("remoteRef").AsMap().Get("key"))
			require.False(t, strings.HasPrefix(key, "agent-platform-dr/") && replicated["agent-platform-prod/"+strings.TrimPrefix(key, "agent-platform-dr/")],
				"%s reads a dr placeholder of %s instead of prod's replica", es.Name, key)
			if replicated[key] {
				readers++
			}
		}
	}
	require.Positive(t, readers, "the rebuild's workloads read prod's replicas")
}

// TestDRCutoverKeepsProdsNames: after step 9 moved prod's names onto the rebuild's
// distributions, platform:cutoverDomain makes the program declare them too, so the next
// `pulumi up -s dr` keeps them instead of taking them off again; their records stay
// prod's zone's, repointed by hand, so the rebuild writes none.
func TestDRCutoverKeepsProdsNames(t *testing.T) {
	t.Parallel()
	root, err := stackplan.ProjectRoot()
	require.NoError(t, err)
	raw, err := stacks.ReadStackFile(root, "dr")
	require.NoError(t, err)
	raw["platform:cutoverDomain"] = "generic-corp.io"
	p, err := plan.Capture(stacks.Deploy, plan.Options{Stack: "dr", Config: raw})
	require.NoError(t, err)
	want := map[string][]string{
		"app-distribution":     {"app.dr.generic-corp.io", "app.generic-corp.io"},
		"landing-distribution": {"dr.generic-corp.io", "www.dr.generic-corp.io", "generic-corp.io", "www.generic-corp.io"},
	}
	for _, d := range p.ByType(tokens.CloudFrontDistribution) {
		require.Equal(t, want[d.Name], strs(d.Input("aliases")), d.Name)
	}
	for _, r := range p.ByType(tokens.Route53Record) {
		require.True(t, strings.Contains(str(r.Input("name")), "dr.generic-corp.io") || r.Input("name").IsComputed(),
			"the rebuild writes no record of prod's names: %s %s", r.Name, str(r.Input("name")))
	}
	for _, d := range capture(t, "dr", plan.Preview).ByType(tokens.CloudFrontDistribution) {
		require.Len(t, strs(d.Input("aliases")), len(want[d.Name])/2, "%s: before the cut-over only the dr names", d.Name)
	}
}
