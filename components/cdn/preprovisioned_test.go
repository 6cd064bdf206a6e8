package cdn_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/cdn"
	"github.com/generic-corp/platform/plan"
)

// TestSiteWithAPreProvisionedCertificate: a DR rebuild that survives the loss of
// us-east-1 gets its sites from a certificate prod keeps there; the site then creates
// nothing in us-east-1 (no certificate, no validation), needs no us-east-1 provider, and
// in a repeatable drill its bucket empties on destroy.
func TestSiteWithAPreProvisionedCertificate(t *testing.T) {
	const ready = "arn:aws:acm:us-east-1:123456789012:certificate/0d4b0c1e-standby"
	p := capture(t, plan.Update, stack(siteCase{name: "app", domains: []string{"app.dr.generic-corp.io"}, mutate: func(a *cdn.SiteArgs) {
		a.CertificateArn = pulumi.String(ready)
		a.EdgeProvider = nil
		a.ForceDestroy = true
	}}))
	require.Empty(t, p.ByType(typeCert))
	require.Empty(t, p.ByType(typeValidation))
	site := p.Named(cdn.SiteToken, "app").URN
	d := one(t, p, site, typeDistribution)
	require.Equal(t, ready, d.Input("viewerCertificate.acmCertificateArn").AsString())
	require.True(t, one(t, p, site, typeBucket).Input("forceDestroy").AsBool())

	def := capture(t, plan.Update, stack(siteCase{name: "app", domains: []string{"app.generic-corp.io"}}))
	require.False(t, one(t, def, def.Named(cdn.SiteToken, "app").URN, typeBucket).Input("forceDestroy").AsBool(),
		"by default a bucket with objects is never emptied")
}
