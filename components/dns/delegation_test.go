package dns_test

import (
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/dns"
	"github.com/generic-corp/platform/plan"
)

const parentZoneID = "Z0PARENT0ZONE0ID0001"

func TestChildZoneIsDelegatedFromItsParent(t *testing.T) {
	cases := []struct {
		name      string
		mode      plan.Mode
		parent    string
		delegated bool
	}{
		{"child update", plan.Update, parentZoneID, true},
		{"child preview", plan.Preview, parentZoneID, true},
		{"apex", plan.Update, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := capture(t, tc.mode, func(ctx *pulumi.Context) error {
				d, err := dns.NewDns(ctx, "dns", &dns.DnsArgs{
					ZoneName: "staging.generic-corp.io", CreateZone: true, ParentZoneId: tc.parent, Tags: stackTags,
				})
				if err != nil {
					return err
				}
				_, err = dns.ValidatedCertificate(ctx, "api", &dns.CertificateArgs{
					DomainName: "api.staging.generic-corp.io", ZoneId: d.ZoneId, Tags: stackTags,
				}, pulumi.Parent(d))
				ctx.Export("zoneId", d.ZoneId)
				return err
			})
			var ns []*plan.Resource
			for _, r := range p.ByType(typeRecord) {
				if v := r.Input("type"); v.IsString() && v.AsString() == "NS" {
					ns = append(ns, r)
				}
			}
			if !tc.delegated {
				require.Empty(t, ns, "an apex is delegated at the registrar")
				return
			}
			require.Len(t, ns, 1)
			rec, zone := ns[0], p.ByType(typeZone)[0]
			require.Equal(t, "dns-delegation", rec.Name)
			require.Equal(t, p.Named(dns.Token, "dns").URN, rec.Parent)
			require.Equal(t, tc.parent, rec.Input("zoneId").AsString(), "written into the parent zone")
			require.Equal(t, "staging.generic-corp.io", rec.Input("name").AsString())
			require.Equal(t, float64(dns.DelegationTTL), rec.Input("ttl").AsNumber())
			require.Contains(t, rec.Dependencies, zone.URN)
			if tc.mode == plan.Update {
				require.Equal(t, zone.Output("nameServers"), rec.Input("records"))
				require.Len(t, rec.Input("records").AsArray().AsSlice(), 4)
				require.Equal(t, zone.Output("zoneId").AsString(), p.Outputs.Get("zoneId").AsString())
			} else {
				require.True(t, rec.Input("records").IsComputed(), "name servers are assigned at create")
			}

			// The validation record of the certificate (and so the wait) depends on the
			// delegation, not only on the zone.
			val := p.Named(typeRecord, "api-validation-api.staging.generic-corp.io")
			require.NotNil(t, val)
			require.True(t, slices.Contains(val.Dependencies, rec.URN), "validation records wait for the delegation: %v", val.Dependencies)
		})
	}
}

func TestDelegationValidation(t *testing.T) {
	cases := []struct {
		name string
		args dns.DnsArgs
		want string
	}{
		{"adopted zone", dns.DnsArgs{ZoneName: "staging.generic-corp.io", ExistingZoneId: zoneID, ParentZoneId: parentZoneID},
			`ParentZoneId "Z0PARENT0ZONE0ID0001" is not allowed with an adopted zone`},
		{"bad id", dns.DnsArgs{ZoneName: "staging.generic-corp.io", CreateZone: true, ParentZoneId: "generic-corp.io"},
			`ParentZoneId "generic-corp.io" is not allowed (a Route 53 hosted zone id`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := plan.Capture(func(ctx *pulumi.Context) error {
				_, err := dns.NewDns(ctx, "dns", &tc.args)
				return err
			}, plan.Options{Mode: plan.Preview})
			require.ErrorContains(t, err, tc.want)
			require.Empty(t, p.Resources, "nothing registered before validation")
		})
	}
}
