package dns

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/internal/argcheck"
	"github.com/generic-corp/platform/internal/tags"
)

// DefaultKeyAlgorithm is the certificate key algorithm when CertificateArgs.KeyAlgorithm
// is empty: RSA 2048 is the one every client, CloudFront and ALB accept.
const DefaultKeyAlgorithm = "RSA_2048"

// KeyAlgorithms are the key algorithms ACM issues certificates with.
var KeyAlgorithms = []string{"RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1"}

// validationTTL is the TTL (seconds) of the validation CNAMEs: short, so a re-issued
// certificate validates quickly.
const validationTTL = 60

// CertificateValidationTimeout bounds how long `pulumi up` waits for ACM to issue a
// certificate. ACM issues within minutes once its validation CNAMEs resolve in public
// DNS; if they never do, the provider's own default (75 minutes) outlasts the CI job and
// the run dies without saying why. A timeout here means the zone is not reachable from
// the internet: a child zone (staging., dr.) not delegated from its parent
// (platform:parentDnsZoneId), or an apex zone whose name servers are not entered at the
// registrar. Check with `dig +short NS <domain>` and compare with the stack output
// nameServers, fix the delegation, and run `pulumi up` again: the certificate and its
// records already exist, only the wait is repeated.
const CertificateValidationTimeout = "30m"

// CertificateArgs configures a DNS-validated ACM certificate.
type CertificateArgs struct {
	// DomainName is the certificate's primary name, e.g. "app.generic-corp.io" or
	// "generic-corp.io". Required; a lower-case domain, "*." wildcards allowed.
	DomainName string
	// SubjectAlternativeNames are the other names on the certificate, e.g.
	// ["www.generic-corp.io"]. Default none. Lower-case domains, no repeats (nor of
	// DomainName).
	SubjectAlternativeNames []string
	// ZoneId is the Route 53 hosted zone that receives the validation CNAMEs; every name
	// must be in it. Required.
	ZoneId pulumi.StringInput
	// KeyAlgorithm is the ACM key algorithm. Default DefaultKeyAlgorithm ("RSA_2048");
	// one of KeyAlgorithms. CloudFront viewer certificates must be RSA_2048 or
	// EC_prime256v1.
	KeyAlgorithm string
	// Tags is the stack-level tag set; the certificate gets it plus Name (DomainName).
	Tags tags.Set
	// RecordAliases maps a name's validation record (keyed by the name, "*." trimmed) to
	// the record resource another certificate registered for it before. ACM gives one
	// CNAME per account and name, so a new certificate for a name writes the very record
	// the old one did: without the alias the engine deletes the old resource, and the
	// record with it, after the new one is written. Default none.
	RecordAliases map[string][]pulumi.Alias
}

func (a CertificateArgs) withDefaults() CertificateArgs {
	if a.KeyAlgorithm == "" {
		a.KeyAlgorithm = DefaultKeyAlgorithm
	}
	a.SubjectAlternativeNames = slices.Clone(a.SubjectAlternativeNames)
	return a
}

func (a CertificateArgs) validate() error {
	var errs []error
	p := argcheck.Into("dns: certificate", &errs)
	bad := p.Addf
	if !ValidDomain(a.DomainName, true) {
		bad("DomainName %q is not allowed (a lower-case domain such as \"app.generic-corp.io\"; \"*.\" wildcards allowed)", a.DomainName)
	}
	seen := map[string]bool{a.DomainName: true}
	for i, san := range a.SubjectAlternativeNames {
		switch {
		case !ValidDomain(san, true):
			bad("SubjectAlternativeNames[%d] %q is not allowed (a lower-case domain; \"*.\" wildcards allowed)", i, san)
		case seen[san]:
			bad("SubjectAlternativeNames[%d] %q is listed twice (or repeats DomainName)", i, san)
		}
		seen[san] = true
	}
	if a.ZoneId == nil {
		p.Missing("ZoneId", "the hosted zone that receives the validation records")
	}
	if !slices.Contains(KeyAlgorithms, a.KeyAlgorithm) {
		bad("KeyAlgorithm %q is not allowed (one of %s)", a.KeyAlgorithm, strings.Join(KeyAlgorithms, ", "))
	}
	return errors.Join(errs...)
}

// validationKeys returns one key per distinct validation record: "*.example.com" and
// "example.com" share ACM's CNAME, so both map to "example.com" and get one record.
func validationKeys(names []string) []string {
	var keys []string
	for _, n := range names {
		k := strings.TrimPrefix(n, "*.")
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// ValidatedCertificate creates an ACM certificate for args.DomainName and its
// SubjectAlternativeNames with DNS validation, one validation CNAME per distinct record
// in args.ZoneId, and the CertificateValidation that waits until ACM has issued it. It
// returns the certificate ARN from the validation, so anything that uses it (a
// CloudFront distribution, a listener) waits for issuance.
//
// opts go to every resource it creates: pass pulumi.Parent and, for CloudFront, a
// pulumi.Provider for us-east-1 (Route 53 is global, so the records may use it too).
// A replaced certificate is created before the old one is deleted (Pulumi's default;
// never set DeleteBeforeReplace here), so the distribution switches without downtime.
//
// The records are registered up front, one per distinct name, with their name, type
// and value filled from the certificate's domainValidationOptions, so a preview shows
// them. allowOverwrite lets a record that an earlier certificate for the same name left
// behind (same CNAME: ACM reuses it per account and name) be adopted instead of failing.
// The wait is bounded by CertificateValidationTimeout (see there for what a timeout
// means).
func ValidatedCertificate(ctx *pulumi.Context, name string, args *CertificateArgs, opts ...pulumi.ResourceOption) (pulumi.StringOutput, error) {
	if args == nil {
		return pulumi.StringOutput{}, errors.New("dns: CertificateArgs is required")
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return pulumi.StringOutput{}, err
	}

	certArgs := &acm.CertificateArgs{
		DomainName:       pulumi.String(a.DomainName),
		ValidationMethod: pulumi.String("DNS"),
		KeyAlgorithm:     pulumi.String(a.KeyAlgorithm),
		Tags:             a.Tags.AWS(a.DomainName),
	}
	if len(a.SubjectAlternativeNames) > 0 {
		certArgs.SubjectAlternativeNames = pulumi.ToStringArray(a.SubjectAlternativeNames)
	}
	cert, err := acm.NewCertificate(ctx, name, certArgs, opts...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}

	names := append([]string{a.DomainName}, a.SubjectAlternativeNames...)
	var fqdns pulumi.StringArray
	for _, key := range validationKeys(names) {
		rec := validationRecord(cert.DomainValidationOptions, key)
		r, err := route53.NewRecord(ctx, name+"-validation-"+key, &route53.RecordArgs{
			ZoneId:         a.ZoneId,
			Name:           rec.MapIndex(pulumi.String("name")),
			Type:           rec.MapIndex(pulumi.String("type")),
			Records:        pulumi.StringArray{rec.MapIndex(pulumi.String("value"))},
			Ttl:            pulumi.Int(validationTTL),
			AllowOverwrite: pulumi.Bool(true),
		}, append(append([]pulumi.ResourceOption{}, opts...), pulumi.Aliases(a.RecordAliases[key]))...)
		if err != nil {
			return pulumi.StringOutput{}, err
		}
		fqdns = append(fqdns, r.Fqdn)
	}

	v, err := acm.NewCertificateValidation(ctx, name+"-validation", &acm.CertificateValidationArgs{
		CertificateArn:        cert.Arn,
		ValidationRecordFqdns: fqdns,
	}, append(append([]pulumi.ResourceOption{}, opts...),
		pulumi.Timeouts(&pulumi.CustomTimeouts{Create: CertificateValidationTimeout}))...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return v.CertificateArn, nil
}

// validationRecord picks the validation record of one key ("example.com" also matches
// the "*.example.com" entry) out of the certificate's domainValidationOptions, as a map
// with "name", "type" and "value".
func validationRecord(dvos acm.CertificateDomainValidationOptionArrayOutput, key string) pulumi.StringMapOutput {
	return dvos.ApplyT(func(opts []acm.CertificateDomainValidationOption) (map[string]string, error) {
		for _, o := range opts {
			d := deref(o.DomainName)
			if d != key && d != "*."+key {
				continue
			}
			rec := map[string]string{
				"name":  deref(o.ResourceRecordName),
				"type":  deref(o.ResourceRecordType),
				"value": deref(o.ResourceRecordValue),
			}
			if rec["name"] == "" || rec["type"] == "" || rec["value"] == "" {
				return nil, fmt.Errorf("dns: ACM returned an incomplete validation record for %q: %v", key, rec)
			}
			return rec, nil
		}
		return nil, fmt.Errorf("dns: ACM returned no DNS validation option for %q (the certificate must list it)", key)
	}).(pulumi.StringMapOutput)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
