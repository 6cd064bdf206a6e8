package cdn

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/components/dns"
	"github.com/generic-corp/platform/internal/argcheck"
	"github.com/generic-corp/platform/internal/naming"
	"github.com/generic-corp/platform/internal/tags"
)

// Defaults of SiteArgs, applied by withDefaults and nowhere else.
const (
	DefaultPriceClass     = "PriceClass_100"
	DefaultKeyAlgorithm   = "RSA_2048"
	DefaultNoncurrentDays = 30
)

// PriceClasses are the CloudFront price classes.
var PriceClasses = []string{"PriceClass_100", "PriceClass_200", "PriceClass_All"}

// CloudFrontKeyAlgorithms are the ACM key algorithms CloudFront accepts for viewer
// certificates.
var CloudFrontKeyAlgorithms = []string{"RSA_2048", "EC_prime256v1"}

// SiteArgs configures one static site behind CloudFront.
type SiteArgs struct {
	// NamePrefix starts every physical name, e.g. "platform-prod". Required;
	// lower-case words joined by single hyphens, starting with a letter, at most 40 characters (argcheck.NamePrefix).
	NamePrefix string
	// Domains are the names the site answers on, e.g. ["app.generic-corp.io"] or
	// ["generic-corp.io", "www.generic-corp.io"]. Required, at least one, no wildcards,
	// no repeats. The first is the certificate's primary name, the rest its subject
	// alternative names; each becomes a CloudFront alias and gets A/AAAA records.
	Domains []string
	// ZoneId is the Route 53 hosted zone of Domains (dns.Dns.ZoneId): it receives the
	// certificate validation and alias records. Required.
	ZoneId pulumi.StringInput
	// EdgeProvider is an aws.Provider for us-east-1. Required unless CertificateArn is
	// set: CloudFront only uses ACM certificates from us-east-1, so the certificate and
	// its validation are created through it.
	EdgeProvider pulumi.ProviderResource
	// CertificateArn is an issued us-east-1 ACM certificate covering Domains, made ahead
	// of time. Optional: when set the site creates no certificate and needs no
	// EdgeProvider, which is how a DR rebuild that survives the loss of us-east-1 gets
	// its sites (prod keeps the certificate ready).
	CertificateArn pulumi.StringInput
	// ExtraAliases are more names the distribution answers on, whose DNS records this
	// site does not own (a DR cut-over: prod's names, moved onto the rebuild's
	// distribution with associate-alias and repointed in prod's zone by hand). The
	// certificate must cover them. Default none.
	ExtraAliases []string
	// KmsKeyArn is the customer-managed KMS key (ARN) of the bucket's default
	// encryption. Required. Its key policy must let cloudfront.amazonaws.com call
	// kms:Decrypt for this account's distributions (condition AWS:SourceArn), or
	// CloudFront cannot read the objects.
	KmsKeyArn pulumi.StringInput
	// LogBucket is the name of the access-log bucket (LogBucket.BucketName); S3 server
	// access logs go to "s3/<bucket>/" in it. Required.
	LogBucket pulumi.StringInput
	// LogBucketDomainName is the log bucket's domain name "<bucket>.s3.amazonaws.com"
	// (LogBucket.BucketDomainName) for CloudFront standard logs under
	// "cloudfront/<site name>/". Default: derived from LogBucket.
	LogBucketDomainName pulumi.StringInput
	// WebAclArn is the ARN of a CLOUDFRONT-scope WAFv2 web ACL (EdgeWaf.WebAclArn).
	// Default none (no WAF); prod must set it (policy cf-waf).
	WebAclArn pulumi.StringInput
	// ApiDomain is the API's host name, e.g. "api.generic-corp.io"; the default
	// Content-Security-Policy lets the app connect to it over https and wss. Default
	// none (connect-src 'self' only). Ignored when ContentSecurityPolicy is set.
	ApiDomain string
	// ContentSecurityPolicy is the Content-Security-Policy header value. Default
	// DefaultContentSecurityPolicy(ApiDomain). At most 1783 characters (CloudFront's limit).
	ContentSecurityPolicy string
	// PriceClass is the CloudFront price class. Default "PriceClass_100" (North America
	// and Europe edges); one of PriceClasses.
	PriceClass string
	// KeyAlgorithm is the certificate's key algorithm. Default "RSA_2048"; one of
	// CloudFrontKeyAlgorithms.
	KeyAlgorithm string
	// NoncurrentDays expires replaced and deleted object versions this many days after
	// they stop being current (the rollback window of a deploy). Default 30; 1..3650.
	NoncurrentDays int
	// BucketName is the bucket's name. Default "<NamePrefix>-<site name>-site". S3 names
	// are global across all accounts: set it when the default is taken. 3..63
	// characters of lower-case letters, digits and hyphens.
	BucketName string
	// Protect adds pulumi.Protect to the bucket. Default false; true in prod.
	Protect bool
	// ForceDestroy lets `pulumi destroy` empty the bucket before deleting it. Default
	// false: deleting a bucket that holds objects fails. Only for a stack whose data is
	// a copy, torn down on purpose (a repeatable DR drill).
	ForceDestroy bool

	// Tags is the stack-level tag set; every taggable resource gets it plus Name.
	Tags tags.Set
}

var (
	prefixPattern = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	bucketPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)
)

// maxCSP is CloudFront's limit on the Content-Security-Policy header value.
const maxCSP = 1783

// DefaultContentSecurityPolicy is the CSP for a bundled single-page app: everything from
// the site itself, inline styles (CSS-in-JS), images from https and data URIs, and API
// calls (https and WebSocket) only to apiDomain when given. No framing, no plugins.
func DefaultContentSecurityPolicy(apiDomain string) string {
	connect := "'self'"
	if apiDomain != "" {
		connect += " https://" + apiDomain + " wss://" + apiDomain
	}
	return strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' data: https:",
		"font-src 'self' data:",
		"connect-src " + connect,
		"object-src 'none'",
		"base-uri 'self'",
		"form-action 'self'",
		"frame-ancestors 'none'",
		"upgrade-insecure-requests",
	}, "; ")
}

// withDefaults returns a copy of a with every documented default filled in; the only
// place SiteArgs defaults are applied. name is the component's name.
func (a SiteArgs) withDefaults(name string) SiteArgs {
	a.Domains = slices.Clone(a.Domains)
	if a.PriceClass == "" {
		a.PriceClass = DefaultPriceClass
	}
	if a.KeyAlgorithm == "" {
		a.KeyAlgorithm = DefaultKeyAlgorithm
	}
	if a.NoncurrentDays == 0 {
		a.NoncurrentDays = DefaultNoncurrentDays
	}
	if a.ContentSecurityPolicy == "" {
		a.ContentSecurityPolicy = DefaultContentSecurityPolicy(a.ApiDomain)
	}
	if a.BucketName == "" {
		a.BucketName = naming.Name(naming.MaxS3Bucket, a.NamePrefix, name, "site")
	}
	if a.LogBucketDomainName == nil && a.LogBucket != nil {
		a.LogBucketDomainName = a.LogBucket.ToStringOutput().ApplyT(func(b string) string {
			return b + ".s3.amazonaws.com"
		}).(pulumi.StringOutput)
	}
	return a
}

// validate reports every user error at once, each naming the field, the bad value and
// what is allowed. It registers nothing.
func (a SiteArgs) validate(name string) error {
	var errs []error
	p := argcheck.Into(fmt.Sprintf("cdn: site %q", name), &errs)
	bad := p.Addf
	if !prefixPattern.MatchString(name) {
		bad("the component name is not allowed (lower-case letters, digits and single hyphens, e.g. \"app\"; it is part of physical names)")
	}
	p.NamePrefix(a.NamePrefix)
	if len(a.Domains) == 0 {
		bad("Domains is empty (at least one name, e.g. \"app.generic-corp.io\")")
	}
	seen := map[string]bool{}
	for i, d := range a.Domains {
		switch {
		case !dns.ValidDomain(d, false):
			bad("Domains[%d] %q is not allowed (a lower-case domain such as \"app.generic-corp.io\", no wildcard)", i, d)
		case seen[d]:
			bad("Domains[%d] %q is listed twice", i, d)
		}
		seen[d] = true
	}
	for _, req := range []struct {
		field   string
		missing bool
	}{
		{"ZoneId (the hosted zone of Domains)", a.ZoneId == nil},
		{"EdgeProvider (an aws.Provider for us-east-1) or CertificateArn", a.EdgeProvider == nil && a.CertificateArn == nil},
		{"KmsKeyArn (customer-managed key of the bucket)", a.KmsKeyArn == nil},
		{"LogBucket (name of the access-log bucket)", a.LogBucket == nil},
	} {
		if req.missing {
			bad("%s is required", req.field)
		}
	}
	if a.ApiDomain != "" && !dns.ValidDomain(a.ApiDomain, false) {
		bad("ApiDomain %q is not allowed (a lower-case host name such as \"api.generic-corp.io\")", a.ApiDomain)
	}
	if len(a.ContentSecurityPolicy) > maxCSP {
		bad("ContentSecurityPolicy is %d characters long (CloudFront allows at most %d)", len(a.ContentSecurityPolicy), maxCSP)
	}
	if strings.ContainsAny(a.ContentSecurityPolicy, "\r\n") {
		bad("ContentSecurityPolicy must be one line (no line breaks in a header value)")
	}
	if !slices.Contains(PriceClasses, a.PriceClass) {
		bad("PriceClass %q is not allowed (one of %s)", a.PriceClass, strings.Join(PriceClasses, ", "))
	}
	if !slices.Contains(CloudFrontKeyAlgorithms, a.KeyAlgorithm) {
		bad("KeyAlgorithm %q is not allowed (CloudFront accepts %s)", a.KeyAlgorithm, strings.Join(CloudFrontKeyAlgorithms, ", "))
	}
	if a.NoncurrentDays < 1 || a.NoncurrentDays > 3650 {
		bad("NoncurrentDays %d is not allowed (1..3650 days)", a.NoncurrentDays)
	}
	if !validBucketName(a.BucketName) {
		bad("BucketName %q is not allowed (3..63 lower-case letters, digits and hyphens, starting and ending with a letter or digit)", a.BucketName)
	}
	return errors.Join(errs...)
}

func validBucketName(b string) bool {
	return bucketPattern.MatchString(b) && !strings.Contains(b, "--") && !strings.HasPrefix(b, "xn--") &&
		!strings.HasSuffix(b, "-s3alias")
}
