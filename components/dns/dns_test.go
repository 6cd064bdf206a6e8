package dns_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/dns"
	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/plan"
)

const (
	typeZone       = "aws:route53/zone:Zone"
	typeRecord     = "aws:route53/record:Record"
	typeCert       = "aws:acm/certificate:Certificate"
	typeValidation = "aws:acm/certificateValidation:CertificateValidation"
	typeAwsProv    = "pulumi:providers:aws"
	zoneID         = "Z0123456789ABCDEFGHIJ"
)

var stackTags = tags.New("prod", "platform", "platform-team", "cc-123", nil)

func capture(t *testing.T, mode plan.Mode, program pulumi.RunFunc) *plan.Plan {
	t.Helper()
	p, err := plan.Capture(program, plan.Options{Mode: mode})
	require.NoError(t, err)
	return p
}

func TestZone(t *testing.T) {
	cases := []struct {
		name    string
		mode    plan.Mode
		args    dns.DnsArgs
		created bool
	}{
		{"create update", plan.Update, dns.DnsArgs{ZoneName: "generic-corp.io", CreateZone: true, Protect: true, Tags: stackTags}, true},
		{"create preview", plan.Preview, dns.DnsArgs{ZoneName: "generic-corp.io", CreateZone: true, Tags: stackTags}, true},
		{"adopt", plan.Update, dns.DnsArgs{ZoneName: "generic-corp.io", ExistingZoneId: zoneID}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := capture(t, tc.mode, func(ctx *pulumi.Context) error {
				d, err := dns.NewDns(ctx, "dns", &tc.args)
				if err != nil {
					return err
				}
				ctx.Export("zoneId", d.ZoneId)
				ctx.Export("zoneName", d.ZoneName)
				ctx.Export("nameServers", d.NameServers)
				return nil
			})
			comp := p.Named(dns.Token, "dns")
			require.NotNil(t, comp)
			zones := p.ByType(typeZone)
			if !tc.created {
				require.Empty(t, zones, "an adopted zone must not be registered")
				require.Equal(t, zoneID, p.Outputs.Get("zoneId").AsString())
				require.Equal(t, "generic-corp.io", p.Outputs.Get("zoneName").AsString())
				require.Empty(t, p.Outputs.Get("nameServers").AsArray().AsSlice())
				return
			}
			require.Len(t, zones, 1)
			z := zones[0]
			require.Equal(t, comp.URN, z.Parent)
			require.Equal(t, "generic-corp.io", z.Input("name").AsString())
			require.False(t, z.Input("forceDestroy").AsBool())
			require.Equal(t, dns.DefaultComment, z.Input("comment").AsString())
			require.Equal(t, tc.args.Protect, z.Protect)
			require.Equal(t, "generic-corp.io", z.Input("tags.Name").AsString())
			for _, k := range tags.Required {
				require.Equal(t, stackTags[k], z.Input("tags."+k).AsString())
			}
			if tc.mode == plan.Update {
				require.Equal(t, z.Output("zoneId").AsString(), p.Outputs.Get("zoneId").AsString())
				require.Len(t, p.Outputs.Get("nameServers").AsArray().AsSlice(), 4, "Route 53 assigns four")
			} else {
				require.True(t, p.Outputs.Get("zoneId").IsComputed())
			}
		})
	}
}

func TestZoneValidation(t *testing.T) {
	cases := []struct {
		name string
		args dns.DnsArgs
		want []string
	}{
		{"bad zone name", dns.DnsArgs{ZoneName: "Generic-Corp.IO.", CreateZone: true}, []string{`ZoneName "Generic-Corp.IO."`}},
		{"single label", dns.DnsArgs{ZoneName: "localhost", CreateZone: true}, []string{`ZoneName "localhost"`}},
		{"adopt without id", dns.DnsArgs{ZoneName: "generic-corp.io"}, []string{"ExistingZoneId is required"}},
		{"bad id", dns.DnsArgs{ZoneName: "generic-corp.io", ExistingZoneId: "zone-1"}, []string{`ExistingZoneId "zone-1" is not allowed`}},
		{"both", dns.DnsArgs{ZoneName: "generic-corp.io", CreateZone: true, ExistingZoneId: zoneID}, []string{"with CreateZone true"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := plan.Capture(func(ctx *pulumi.Context) error {
				_, err := dns.NewDns(ctx, "dns", &tc.args)
				return err
			}, plan.Options{Mode: plan.Preview})
			require.Error(t, err)
			for _, w := range tc.want {
				require.ErrorContains(t, err, w)
			}
			require.Empty(t, p.Resources)
		})
	}
}

func TestAliasRecord(t *testing.T) {
	cases := []struct {
		name, targetZone string
		evaluate         bool
	}{
		{"cloudfront", dns.CloudFrontHostedZoneId, false},
		{"alb", "Z35SXDOTRQ7X7K", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := capture(t, plan.Update, func(ctx *pulumi.Context) error {
				d, err := dns.NewDns(ctx, "dns", &dns.DnsArgs{ZoneName: "generic-corp.io", ExistingZoneId: zoneID})
				if err != nil {
					return err
				}
				_, err = dns.AliasRecord(ctx, "app", d.ZoneId, "app.generic-corp.io",
					pulumi.String("d111111abcdef8.cloudfront.net"), pulumi.String(tc.targetZone), d)
				return err
			})
			comp := p.Named(dns.Token, "dns")
			recs := p.ByType(typeRecord)
			require.Len(t, recs, 2)
			for _, want := range []struct{ name, typ string }{{"app-a", "A"}, {"app-aaaa", "AAAA"}} {
				r := p.Named(typeRecord, want.name)
				require.NotNil(t, r, want.name)
				require.Equal(t, comp.URN, r.Parent)
				require.Equal(t, want.typ, r.Input("type").AsString())
				require.Equal(t, zoneID, r.Input("zoneId").AsString())
				require.Equal(t, "app.generic-corp.io", r.Input("name").AsString())
				require.Equal(t, "d111111abcdef8.cloudfront.net", r.Input("aliases[0].name").AsString())
				require.Equal(t, tc.targetZone, r.Input("aliases[0].zoneId").AsString())
				require.Equal(t, tc.evaluate, r.Input("aliases[0].evaluateTargetHealth").AsBool())
				require.True(t, r.Input("records").IsNull(), "alias records carry no plain records")
			}
		})
	}

	_, err := plan.Capture(func(ctx *pulumi.Context) error {
		_, err := dns.AliasRecord(ctx, "bad", pulumi.String(zoneID), "App.Example.com", pulumi.String("x"), pulumi.String("y"), nil)
		return err
	}, plan.Options{})
	require.ErrorContains(t, err, `recordName "App.Example.com" is not allowed`)
}

// certProgram creates a us-east-1 provider and a validated certificate through it.
func certProgram(args *dns.CertificateArgs) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		edge, err := aws.NewProvider(ctx, "us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
		if err != nil {
			return err
		}
		arn, err := dns.ValidatedCertificate(ctx, "cert", args, pulumi.Provider(edge))
		if err != nil {
			return err
		}
		ctx.Export("certificateArn", arn)
		return nil
	}
}

func TestValidatedCertificate(t *testing.T) {
	cases := []struct {
		name        string
		mode        plan.Mode
		args        dns.CertificateArgs
		wantSANs    []string
		wantRecords []string // logical names of the validation records
		wantAlg     string
	}{
		{"single name update", plan.Update,
			dns.CertificateArgs{DomainName: "app.generic-corp.io", ZoneId: pulumi.String(zoneID), Tags: stackTags},
			nil, []string{"cert-validation-app.generic-corp.io"}, "RSA_2048"},
		{"wildcard shares the apex record", plan.Update,
			dns.CertificateArgs{DomainName: "generic-corp.io", SubjectAlternativeNames: []string{"*.generic-corp.io"},
				ZoneId: pulumi.String(zoneID), KeyAlgorithm: "EC_prime256v1", Tags: stackTags},
			[]string{"*.generic-corp.io"}, []string{"cert-validation-generic-corp.io"}, "EC_prime256v1"},
		{"apex and www preview", plan.Preview,
			dns.CertificateArgs{DomainName: "generic-corp.io", SubjectAlternativeNames: []string{"www.generic-corp.io"},
				ZoneId: pulumi.String(zoneID), Tags: stackTags},
			[]string{"www.generic-corp.io"}, []string{"cert-validation-generic-corp.io", "cert-validation-www.generic-corp.io"}, "RSA_2048"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := capture(t, tc.mode, certProgram(&tc.args))
			prov := p.Named(typeAwsProv, "us-east-1")
			require.NotNil(t, prov)
			viaEdge := func(r *plan.Resource) {
				t.Helper()
				require.True(t, strings.HasPrefix(r.Provider, prov.URN+"::"), "%s must use the us-east-1 provider, got %q", r.Name, r.Provider)
			}

			cert := p.Named(typeCert, "cert")
			require.NotNil(t, cert)
			viaEdge(cert)
			require.Equal(t, tc.args.DomainName, cert.Input("domainName").AsString())
			require.Equal(t, "DNS", cert.Input("validationMethod").AsString())
			require.Equal(t, tc.wantAlg, cert.Input("keyAlgorithm").AsString())
			require.False(t, cert.DeleteBeforeReplace, "the new certificate must exist before the old one goes")
			require.Equal(t, tc.args.DomainName, cert.Input("tags.Name").AsString())
			var sans []string
			if v := cert.Input("subjectAlternativeNames"); v.IsArray() {
				for _, s := range v.AsArray().AsSlice() {
					sans = append(sans, s.AsString())
				}
			}
			require.Equal(t, tc.wantSANs, sans)

			recs := p.ByType(typeRecord)
			require.Len(t, recs, len(tc.wantRecords))
			for _, n := range tc.wantRecords {
				r := p.Named(typeRecord, n)
				require.NotNil(t, r, n)
				viaEdge(r)
				require.Equal(t, zoneID, r.Input("zoneId").AsString())
				require.True(t, r.Input("allowOverwrite").AsBool())
				require.Equal(t, 60.0, r.Input("ttl").AsNumber())
				if tc.mode == plan.Preview {
					require.True(t, r.Input("name").IsComputed(), "the record name comes from ACM")
					continue
				}
				dvo := cert.Output("domainValidationOptions[0]").AsMap()
				require.Equal(t, dvo.Get("resourceRecordName").AsString(), r.Input("name").AsString())
				require.Equal(t, "CNAME", r.Input("type").AsString())
				require.Equal(t, dvo.Get("resourceRecordValue").AsString(), r.Input("records[0]").AsString())
			}

			v := p.Named(typeValidation, "cert-validation")
			require.NotNil(t, v)
			viaEdge(v)
			require.Len(t, v.Input("validationRecordFqdns").AsArray().AsSlice(), len(tc.wantRecords))
			if tc.mode == plan.Update {
				require.Equal(t, cert.Output("arn").AsString(), v.Input("certificateArn").AsString())
				require.Equal(t, cert.Output("arn").AsString(), p.Outputs.Get("certificateArn").AsString())
			} else {
				require.True(t, p.Outputs.Get("certificateArn").IsComputed())
			}
		})
	}
}

func TestCertificateValidation(t *testing.T) {
	cases := []struct {
		name string
		args dns.CertificateArgs
		want []string
	}{
		{"no zone", dns.CertificateArgs{DomainName: "app.generic-corp.io"}, []string{"ZoneId is required"}},
		{"bad domain", dns.CertificateArgs{DomainName: "app_1.generic-corp.io", ZoneId: pulumi.String(zoneID)}, []string{`DomainName "app_1.generic-corp.io"`}},
		{"repeated SAN", dns.CertificateArgs{DomainName: "generic-corp.io", SubjectAlternativeNames: []string{"generic-corp.io"},
			ZoneId: pulumi.String(zoneID)}, []string{`SubjectAlternativeNames[0] "generic-corp.io" is listed twice`}},
		{"bad algorithm", dns.CertificateArgs{DomainName: "generic-corp.io", ZoneId: pulumi.String(zoneID), KeyAlgorithm: "RSA_1024"},
			[]string{`KeyAlgorithm "RSA_1024" is not allowed`, "EC_prime256v1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := plan.Capture(certProgram(&tc.args), plan.Options{Mode: plan.Preview})
			require.Error(t, err)
			for _, w := range tc.want {
				require.ErrorContains(t, err, w)
			}
			require.Empty(t, p.ByType(typeCert))
		})
	}
}
