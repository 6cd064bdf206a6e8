package rules

import (
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
)

const tlsPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecure","Effect":"Deny","Principal":"*","Action":"s3:*",` +
	`"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`

// s3Fixture is a data bucket logging into an access-log bucket, each with every
// settings resource, joined by the bucket name (update-mode values).
func s3Fixture() map[string]Resource {
	out := map[string]Resource{}
	for _, b := range []struct{ key, name string }{{"data", "platform-prod-data"}, {"logs", "platform-prod-access-logs"}} {
		out[b.key] = res(tokens.S3BucketV2, b.key, map[string]any{"bucket": b.name, "tags": goodTags()})
		out[b.key+"/pab"] = res(tokens.S3BucketPublicAccessBlock, b.key+"-pab", map[string]any{"bucket": b.name, "blockPublicAcls": true,
			"blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true})
		out[b.key+"/sse"] = res(tokens.S3BucketServerSideEncryptionConfigurationV2, b.key+"-sse", map[string]any{"bucket": b.name, "rules": []any{
			map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": keyARN}, "bucketKeyEnabled": true}}})
		out[b.key+"/ver"] = res(tokens.S3BucketVersioningV2, b.key+"-versioning", map[string]any{"bucket": b.name,
			"versioningConfiguration": map[string]any{"status": "Enabled"}})
		out[b.key+"/own"] = res(tokens.S3BucketOwnershipControls, b.key+"-ownership", map[string]any{"bucket": b.name,
			"rule": map[string]any{"objectOwnership": "BucketOwnerEnforced"}})
		out[b.key+"/pol"] = res(tokens.S3BucketPolicy, b.key+"-policy", map[string]any{"bucket": b.name, "policy": tlsPolicy})
	}
	out["data/log"] = res(tokens.S3BucketLoggingV2, "data-logging", map[string]any{"bucket": "platform-prod-data",
		"targetBucket": "platform-prod-access-logs", "targetPrefix": "data/"})
	return out
}

// s3Stack builds the fixture with some resources' inputs replaced and some dropped.
func s3Stack(change map[string]map[string]any, drop ...string) Stack {
	fx := s3Fixture()
	keys := make([]string, 0, len(fx))
	for k := range fx {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	s := Stack{Name: "prod"}
	for _, k := range keys {
		if slices.Contains(drop, k) {
			continue
		}
		r := fx[k]
		if in, ok := change[k]; ok {
			r = res(r.Type, r.Name, in)
		}
		s.Resources = append(s.Resources, r)
	}
	return s
}

func inputsOf(key string) map[string]any {
	return toFixture(s3Fixture()[key])
}

// toFixture turns a resource's inputs back into fixture values (no secrets/unknowns).
func toFixture(r Resource) map[string]any {
	g, _ := toGo(property.New(r.Inputs))
	return g.(map[string]any)
}

func s3Case(id, key, path string, bad any, msg, unkPath string) ruleCase {
	return ruleCase{
		id: id, pass: s3Stack(nil),
		fail:    s3Stack(map[string]map[string]any{key: set(inputsOf(key), path, bad)}),
		failMsg: msg,
		unknown: s3Stack(map[string]map[string]any{key: set(inputsOf(key), unkPath, unk)}),
	}
}

func s3Cases() []ruleCase {
	return []ruleCase{
		s3Case("s3-public-access-block", "data/pab", "blockPublicPolicy", false, "blockPublicPolicy is false", "bucket"),
		s3Case("s3-sse-kms", "data/sse", "rules[0].applyServerSideEncryptionByDefault.sseAlgorithm", "AES256", `sseAlgorithm is "AES256"`,
			"rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId"),
		s3Case("s3-versioning", "data/ver", "versioningConfiguration.status", "Suspended", `status is "Suspended"`, "versioningConfiguration.status"),
		{
			id: "s3-logging", pass: s3Stack(nil), fail: s3Stack(nil, "data/log"), failMsg: "no s3.BucketLoggingV2 refers to this bucket",
			unknown: s3Stack(map[string]map[string]any{"data/log": set(inputsOf("data/log"), "bucket", unk)}),
		},
		s3Case("s3-acls-disabled", "data/own", "rule.objectOwnership", "ObjectWriter", `objectOwnership is "ObjectWriter"`, "rule.objectOwnership"),
		s3Case("s3-tls-only", "data/pol", "policy", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"s3:GetObject","Resource":"*"}]}`,
			"no Deny statement", "policy"),
	}
}

func TestS3JoinModes(t *testing.T) {
	t.Parallel()
	fx := s3Fixture()
	bucket := res(tokens.S3BucketV2, "data", map[string]any{"bucket": unk, "tags": goodTags()})
	pab := func(bucketInput any, opts ...opt) Resource {
		return res(tokens.S3BucketPublicAccessBlock, "data-pab", set(inputsOf("data/pab"), "bucket", bucketInput), opts...)
	}
	cases := []struct {
		name    string
		s       Stack
		fails   int
		unknown int
	}{
		{"preview: unknown bucket joined by dependency", stack("prod", bucket, pab(unk, deps("bucket", bucket.URN))), 0, 0},
		{"preview: unknown bucket without dependency is undecided", stack("prod", bucket, pab(unk)), 0, 1},
		{"update: join by the bucket id output", stack("prod", func() Resource { b := bucket; b.ID = "platform-prod-data-123"; return b }(), pab("platform-prod-data-123")), 0, 0},
		{"a block for another bucket does not count", stack("prod", fx["data"], pab("other-bucket")), 1, 0},
		{"no block at all", stack("prod", fx["data"]), 1, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fs := run(t, "s3-public-access-block", c.s)
			require.Len(t, only(fs, "s3-public-access-block"), c.fails, messages(fs))
			require.Len(t, only(fs, "s3-public-access-block-unknown"), c.unknown, messages(fs))
		})
	}
}

func TestS3LogBucketsExempt(t *testing.T) {
	t.Parallel()
	// the access-log bucket needs no logging of its own; the CloudFront legacy log bucket keeps ACLs
	fs := run(t, "s3-logging", s3Stack(nil))
	require.Empty(t, fs)
	cfLogs := res(tokens.S3BucketV2, "cf-logs", map[string]any{"bucket": "platform-prod-cf-logs", "tags": goodTags()})
	dist := res(tokens.CloudFrontDistribution, "cdn", map[string]any{"loggingConfig": map[string]any{"bucket": "platform-prod-cf-logs.s3.amazonaws.com"}})
	fs = run(t, "s3-acls-disabled", stack("prod", cfLogs, dist))
	require.Empty(t, fs, messages(fs))
	fs = run(t, "s3-logging", stack("prod", cfLogs, dist))
	require.Empty(t, fs, messages(fs))
}
