package rules

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
)

func goodDist() map[string]any {
	return map[string]any{
		"enabled": true,
		"defaultCacheBehavior": map[string]any{"targetOriginId": "assets", "viewerProtocolPolicy": "redirect-to-https",
			"responseHeadersPolicyId": "rhp-1", "allowedMethods": []any{"GET", "HEAD"}},
		"orderedCacheBehaviors": []any{map[string]any{"pathPattern": "/api/*", "targetOriginId": "api",
			"viewerProtocolPolicy": "https-only", "responseHeadersPolicyId": managedSecurityHeadersPolicy}},
		"origins": []any{
			map[string]any{"originId": "assets", "domainName": "platform-prod-assets.s3.us-east-1.amazonaws.com", "originAccessControlId": "oac-1"},
			map[string]any{"originId": "api", "domainName": "api.example.com", "customOriginConfig": map[string]any{
				"originProtocolPolicy": "https-only", "httpPort": 80, "httpsPort": 443, "originSslProtocols": []any{"TLSv1.2"}}},
		},
		"viewerCertificate": map[string]any{"acmCertificateArn": "arn:aws:acm:us-east-1:1:certificate/x",
			"sslSupportMethod": "sni-only", "minimumProtocolVersion": "TLSv1.2_2021"},
		"webAclId":      "arn:aws:wafv2:us-east-1:1:global/webacl/platform/abc",
		"loggingConfig": map[string]any{"bucket": "platform-prod-cf-logs.s3.amazonaws.com", "prefix": "cdn/"},
		"tags":          goodTags(),
	}
}

func rhp(hsts bool) Resource {
	cfg := map[string]any{"contentTypeOptions": map[string]any{"override": true}}
	if hsts {
		cfg["strictTransportSecurity"] = map[string]any{"accessControlMaxAgeSec": 63072000, "includeSubdomains": true, "override": true}
	}
	return res(tokens.CloudFrontResponseHeadersPolicy, "security-headers", map[string]any{"name": "platform-prod-security", "securityHeadersConfig": cfg}, withID("rhp-1"))
}

func dist(inputs map[string]any, opts ...opt) Resource {
	return res(tokens.CloudFrontDistribution, "cdn", inputs, opts...)
}

func cfCase(id, path string, bad any, msg, unkPath string) ruleCase {
	return ruleCase{
		id: id, pass: stack("prod", dist(goodDist()), rhp(true)),
		fail: stack("prod", dist(set(goodDist(), path, bad)), rhp(true)), failMsg: msg,
		unknown: stack("prod", dist(set(goodDist(), unkPath, unk)), rhp(true)),
	}
}

func cloudfrontCases() []ruleCase {
	return []ruleCase{
		cfCase("cf-https-viewers", "orderedCacheBehaviors[0].viewerProtocolPolicy", "allow-all",
			`orderedCacheBehaviors[0].viewerProtocolPolicy is "allow-all"`, "defaultCacheBehavior.viewerProtocolPolicy"),
		cfCase("cf-tls-min", "viewerCertificate.minimumProtocolVersion", "TLSv1.2_2019", `minimumProtocolVersion is "TLSv1.2_2019"`,
			"viewerCertificate.minimumProtocolVersion"),
		{
			id: "cf-oac", pass: stack("prod", dist(goodDist())),
			fail: stack("prod", dist(set(goodDist(), "origins[0].originAccessControlId", del))), failMsg: "origins[0].originAccessControlId is not set",
			unknown: stack("prod", dist(set(set(goodDist(), "origins[0].originAccessControlId", del), "origins[0].domainName", unk))),
		},
		cfCase("cf-waf", "webAclId", del, "webAclId is not set", "webAclId"),
		{
			id: "cf-logging", pass: stack("prod", dist(goodDist())),
			fail: stack("prod", dist(set(goodDist(), "loggingConfig", del))), failMsg: "loggingConfig.bucket is not set",
			unknown: stack("prod", dist(set(goodDist(), "loggingConfig", del)),
				res(tokens.CloudWatchLogDeliverySource, "cdn-logs", map[string]any{"logType": "ACCESS_LOGS", "resourceArn": unk})),
		},
		{
			id: "cf-security-headers", pass: stack("prod", dist(goodDist()), rhp(true)),
			fail: stack("prod", dist(goodDist()), rhp(false)), failMsg: "strictTransportSecurity is not set",
			unknown: stack("prod", dist(set(goodDist(), "defaultCacheBehavior.responseHeadersPolicyId", unk)), rhp(true)),
		},
	}
}

func TestCloudFrontPreviewJoins(t *testing.T) {
	t.Parallel()
	headers := rhp(true)
	headers.ID = ""
	waf := "urn:pulumi:prod::platform::aws:wafv2/webAcl:WebAcl::cdn-waf"
	bucket := res(tokens.S3BucketV2, "assets", map[string]any{"bucket": unk})
	d := set(set(set(goodDist(), "defaultCacheBehavior.responseHeadersPolicyId", unk), "webAclId", unk), "origins[0].domainName", unk)
	d = set(d, "orderedCacheBehaviors[0].responseHeadersPolicyId", unk)
	s := stack("prod", headers, bucket, dist(d, deps("defaultCacheBehavior", headers.URN), deps("orderedCacheBehaviors", headers.URN),
		deps("webAclId", waf), deps("origins", bucket.URN)))
	for _, id := range []string{"cf-security-headers", "cf-waf", "cf-oac"} {
		fs := run(t, id, s)
		require.Empty(t, fs, "%s: %s", id, messages(fs))
	}
	// an S3 origin known only through its dependency still needs OAC
	fs := run(t, "cf-oac", stack("prod", bucket, dist(set(d, "origins[0].originAccessControlId", del), deps("origins", bucket.URN))))
	require.Len(t, only(fs, "cf-oac"), 1, messages(fs))
}

func TestCloudFrontDefaultCertificate(t *testing.T) {
	t.Parallel()
	fs := run(t, "cf-tls-min", stack("prod", dist(set(goodDist(), "viewerCertificate", map[string]any{"cloudfrontDefaultCertificate": true}))))
	require.Len(t, fs, 1)
	require.Contains(t, fs[0].Message, "cloudfrontDefaultCertificate is true")
}
