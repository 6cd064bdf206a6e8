package rules

import (
	"fmt"
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

// bucketKeys are the bucket identities a settings resource's `bucket` input may hold:
// the id output (the bucket name in AWS) or the `bucket` name input/output.
var bucketKeys = []string{"bucket", "id"}

// perBucket checks that every BucketV2 has a settings resource of typ (joined by its
// `bucket` input) and runs check on each one found. skip exempts buckets.
func perBucket(s Stack, typ, what, fix string, skip func(Resource) bool, check func(b, c Resource) []Finding) []Finding {
	var out []Finding
	for _, b := range s.ofType(tokens.S3BucketV2) {
		if skip != nil && skip(b) {
			continue
		}
		found, unresolved := referrers(s, b, typ, "bucket", bucketKeys...)
		switch {
		case len(found) == 0 && unresolved:
			out = append(out, unknownJoin(b, shortType(typ)))
		case len(found) == 0:
			out = append(out, fail(b, "no %s refers to this bucket (%s); %s", shortType(typ), what, fix))
		}
		for _, c := range found {
			out = append(out, check(b, c)...)
		}
	}
	return out
}

// unknownJoin reports a join that cannot be decided in preview.
func unknownJoin(r Resource, childType string) Finding {
	f := fail(r, "cannot tell whether any %s refers to this resource: the joining input is unknown during preview "+
		"and carries no dependency on it; re-check after apply or pass this resource's output directly", childType)
	f.Unknown = true
	return f
}

var s3PublicAccessBlock = Rule{
	ID: "s3-public-access-block", Number: 16, Severity: High, Anchors: "CRP, CK2_AWS_6, TV",
	Description:   "Every S3 bucket has a BucketPublicAccessBlock with all four flags true.",
	ResourceTypes: []string{tokens.S3BucketV2, tokens.S3BucketPublicAccessBlock},
	CheckStack: func(s Stack, _ Params) []Finding {
		return perBucket(s, tokens.S3BucketPublicAccessBlock, "public access is not blocked", "add an aws.s3.BucketPublicAccessBlock with all four flags true", nil,
			func(_, c Resource) []Finding {
				var out []Finding
				for _, flag := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
					out = append(out, requireTrue(c, flag, "set "+flag+": true")...)
				}
				return out
			})
	},
}

var s3SSEKMS = Rule{
	ID: "s3-sse-kms", Number: 17, Severity: High, Anchors: "CRP, CK_AWS_145, TV",
	Description:   "Every S3 bucket has default encryption with KMS (aws:kms or aws:kms:dsse), by default with a customer-managed key.",
	ResourceTypes: []string{tokens.S3BucketV2, tokens.S3BucketServerSideEncryptionConfigurationV2},
	Params: []ParamSpec{{Name: "requireCustomerManagedKey", Type: ParamBool, Default: true,
		Description: "also require kmsMasterKeyId to be a customer-managed key (not the aws/s3 key)"}},
	CheckStack: func(s Stack, p Params) []Finding {
		return perBucket(s, tokens.S3BucketServerSideEncryptionConfigurationV2, "no default encryption configured", "add an aws.s3.BucketServerSideEncryptionConfigurationV2 with sseAlgorithm aws:kms", nil,
			func(_, c Resource) []Finding {
				rules := c.in("rules")
				if rules.IsUnknown() {
					return []Finding{unknown(c, "rules", "the default encryption algorithm")}
				}
				elems, _ := rules.Array()
				if len(elems) == 0 {
					return []Finding{fail(c, "rules is empty; add a rule with applyServerSideEncryptionByDefault.sseAlgorithm \"aws:kms\"")}
				}
				var out []Finding
				for i := range elems {
					base := fmt.Sprintf("rules[%d].applyServerSideEncryptionByDefault", i)
					alg := c.in(base + ".sseAlgorithm")
					a, _ := alg.String()
					switch {
					case alg.IsUnknown():
						out = append(out, unknown(c, base+".sseAlgorithm", "the encryption algorithm"))
						continue
					case a != "aws:kms" && a != "aws:kms:dsse":
						out = append(out, fail(c, "%s.sseAlgorithm is %s; set it to \"aws:kms\" with a customer-managed kmsMasterKeyId", base, alg.Display()))
						continue
					}
					if p.Bool("requireCustomerManagedKey") {
						out = append(out, cmkFindings(c, base+".kmsMasterKeyId", "bucket default encryption")...)
					}
				}
				return out
			})
	},
}

var s3Versioning = Rule{
	ID: "s3-versioning", Number: 18, Severity: Medium, Anchors: "CK_AWS_21, TV",
	Description:   "Every S3 bucket has versioning Enabled (BucketVersioningV2).",
	ResourceTypes: []string{tokens.S3BucketV2, tokens.S3BucketVersioningV2},
	CheckStack: func(s Stack, _ Params) []Finding {
		return perBucket(s, tokens.S3BucketVersioningV2, "versioning is off", "add an aws.s3.BucketVersioningV2 with versioningConfiguration.status \"Enabled\"", nil,
			func(_, c Resource) []Finding {
				v := c.in("versioningConfiguration.status")
				if v.IsUnknown() {
					return []Finding{unknown(c, "versioningConfiguration.status", "the versioning status")}
				}
				if st, _ := v.String(); st != "Enabled" {
					return []Finding{fail(c, "versioningConfiguration.status is %s; set it to \"Enabled\"", v.Display())}
				}
				return nil
			})
	},
}

// logTargets returns the URNs of buckets that receive logs: targets of BucketLoggingV2
// and of CloudFront legacy logging. They are exempt from access logging (a log bucket
// logging to itself loops) and CloudFront legacy log buckets need ACLs.
func logTargets(s Stack) (access, cloudfront map[string]bool) {
	access, cloudfront = map[string]bool{}, map[string]bool{}
	for _, b := range s.ofType(tokens.S3BucketV2) {
		for _, l := range s.ofType(tokens.S3BucketLoggingV2) {
			if refers(l, "targetBucket", b, bucketKeys...) == joinYes {
				access[b.URN] = true
			}
		}
		for _, d := range s.ofType(tokens.CloudFrontDistribution) {
			if refers(d, "loggingConfig.bucket", b, "bucketDomainName") == joinYes || domainOfBucket(d.in("loggingConfig.bucket"), b) {
				cloudfront[b.URN] = true
			}
		}
	}
	return access, cloudfront
}

// domainOfBucket matches CloudFront's "<bucket>.s3.amazonaws.com" logging target.
func domainOfBucket(v Value, b Resource) bool {
	d, ok := v.String()
	if !ok {
		return false
	}
	for _, id := range identities(b, bucketKeys...) {
		if strings.HasPrefix(d, id+".s3.") {
			return true
		}
	}
	return false
}

var s3Logging = Rule{
	ID: "s3-logging", Number: 19, Severity: Low, Anchors: "AG, CK_AWS_18, TV",
	Description:   "Every S3 bucket has server access logging (BucketLoggingV2), except the log buckets themselves and exemptBucketPatterns.",
	ResourceTypes: []string{tokens.S3BucketV2, tokens.S3BucketLoggingV2},
	Params: []ParamSpec{{Name: "exemptBucketPatterns", Type: ParamStringList, Default: []string{},
		Description: "globs on a bucket's logical name or bucket name that need no access logging"}},
	CheckStack: func(s Stack, p Params) []Finding {
		access, cf := logTargets(s)
		skip := func(b Resource) bool {
			return access[b.URN] || cf[b.URN] || globAny(p.StringList("exemptBucketPatterns"), b.Name) ||
				globAny(p.StringList("exemptBucketPatterns"), strOf(b.in("bucket")))
		}
		return perBucket(s, tokens.S3BucketLoggingV2, "access logging is off", "add an aws.s3.BucketLoggingV2 that targets the access-log bucket", skip,
			func(_, c Resource) []Finding {
				if !isSet(c.in("targetBucket")) {
					return []Finding{fail(c, "targetBucket is not set; point it at the access-log bucket")}
				}
				return nil
			})
	},
}

var s3ACLsDisabled = Rule{
	ID: "s3-acls-disabled", Number: 20, Severity: Low, Anchors: "CK2_AWS_65",
	Description:   "Every S3 bucket disables ACLs (BucketOwnershipControls objectOwnership BucketOwnerEnforced), except CloudFront legacy log buckets, which need ACLs.",
	ResourceTypes: []string{tokens.S3BucketV2, tokens.S3BucketOwnershipControls},
	CheckStack: func(s Stack, _ Params) []Finding {
		_, cf := logTargets(s)
		return perBucket(s, tokens.S3BucketOwnershipControls, "ACLs stay enabled", "add an aws.s3.BucketOwnershipControls with rule.objectOwnership \"BucketOwnerEnforced\"",
			func(b Resource) bool { return cf[b.URN] },
			func(_, c Resource) []Finding {
				v := c.in("rule.objectOwnership")
				if v.IsUnknown() {
					return []Finding{unknown(c, "rule.objectOwnership", "the object ownership setting")}
				}
				if o, _ := v.String(); o != "BucketOwnerEnforced" {
					return []Finding{fail(c, "rule.objectOwnership is %s; set it to \"BucketOwnerEnforced\"", v.Display())}
				}
				return nil
			})
	},
}

var s3TLSOnly = Rule{
	ID: "s3-tls-only", Number: 21, Severity: Medium, Anchors: "CK, TV",
	Description:   "Every S3 bucket's BucketPolicy denies requests with aws:SecureTransport=false.",
	ResourceTypes: []string{tokens.S3BucketV2, tokens.S3BucketPolicy},
	CheckStack: func(s Stack, _ Params) []Finding {
		return perBucket(s, tokens.S3BucketPolicy, "plain HTTP is allowed", "add an aws.s3.BucketPolicy with a Deny statement on Condition Bool aws:SecureTransport \"false\"", nil,
			func(_, c Resource) []Finding {
				doc, st, err := readPolicy(c.in("policy"))
				if fs := policyProblem(c, "policy", doc, st, err, "whether the policy denies non-TLS requests"); fs != nil {
					return fs
				}
				if !deniesInsecureTransport(doc) {
					return []Finding{fail(c, "policy has no Deny statement with Condition Bool {\"aws:SecureTransport\": \"false\"}; add one for Principal \"*\", Action \"s3:*\"")}
				}
				return nil
			})
	},
}

func deniesInsecureTransport(doc policyDoc) bool {
	for _, st := range doc.Statements {
		if !strings.EqualFold(st.Effect, "Deny") {
			continue
		}
		for op, kv := range st.Condition {
			if !strings.HasPrefix(strings.ToLower(op), "bool") {
				continue
			}
			for k, vals := range kv {
				if strings.EqualFold(k, "aws:SecureTransport") && contains(vals, "false") {
					return true
				}
			}
		}
	}
	return false
}
