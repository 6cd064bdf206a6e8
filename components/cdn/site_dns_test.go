package cdn_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/cdn"
	"github.com/generic-corp/platform/components/dns"
	"github.com/generic-corp/platform/plan"
)

func TestCertificateAndAliasRecords(t *testing.T) {
	cases := []struct {
		mode    plan.Mode
		site    siteCase
		records int // validation records
	}{
		{plan.Update, app, 1},
		{plan.Preview, siteCase{name: "landing", domains: []string{"generic-corp.io", "www.generic-corp.io"}}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.site.name+"/"+tc.mode.String(), func(t *testing.T) {
			p := capture(t, tc.mode, stack(tc.site))
			site := p.Named(cdn.SiteToken, tc.site.name)
			edge := p.Named(typeAwsProvider, "us-east-1")
			require.NotNil(t, edge)
			viaEdge := func(r *plan.Resource) {
				t.Helper()
				require.True(t, strings.HasPrefix(r.Provider, edge.URN+"::"), "%s %s must use the us-east-1 provider, got %q", r.Type, r.Name, r.Provider)
			}

			cert := one(t, p, site.URN, typeCert)
			viaEdge(cert)
			require.Equal(t, tc.site.domains[0], cert.Input("domainName").AsString())
			require.Equal(t, "DNS", cert.Input("validationMethod").AsString())
			require.Equal(t, "RSA_2048", cert.Input("keyAlgorithm").AsString())
			if len(tc.site.domains) > 1 {
				require.Equal(t, tc.site.domains[1:], strs(cert.Input("subjectAlternativeNames")))
			}
			viaEdge(one(t, p, site.URN, typeValidation))

			d := one(t, p, site.URN, typeDistribution)
			require.Empty(t, d.Provider, "the distribution is global and uses the default provider")

			var validation, alias []*plan.Resource
			for _, r := range p.Children(site.URN) {
				if r.Type != typeRecord {
					continue
				}
				if r.Input("aliases").IsNull() {
					validation = append(validation, r)
					require.True(t, r.Input("allowOverwrite").AsBool())
					continue
				}
				alias = append(alias, r)
			}
			require.Len(t, validation, tc.records)
			require.Len(t, alias, 2*len(tc.site.domains), "A and AAAA per domain")
			seen := map[string][]string{}
			for _, r := range alias {
				require.Equal(t, zoneID, r.Input("zoneId").AsString())
				seen[r.Input("name").AsString()] = append(seen[r.Input("name").AsString()], r.Input("type").AsString())
				require.Contains(t, r.PropertyDependencies["aliases"], d.URN)
				if tc.mode == plan.Update {
					require.Equal(t, d.Output("domainName").AsString(), r.Input("aliases[0].name").AsString())
					require.Equal(t, dns.CloudFrontHostedZoneId, r.Input("aliases[0].zoneId").AsString())
					require.False(t, r.Input("aliases[0].evaluateTargetHealth").AsBool())
				}
			}
			for _, dom := range tc.site.domains {
				require.ElementsMatch(t, []string{"A", "AAAA"}, seen[dom], dom)
			}
		})
	}
}
