package tests

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
)

// stackDomain is platform:domain of each committed stack.
var stackDomain = map[string]string{"staging": "staging.generic-corp.io", "prod": "generic-corp.io"}

// webACL returns the one WAF web ACL of a scope (CLOUDFRONT or REGIONAL).
func webACL(t testing.TB, p *plan.Plan, scope string) *plan.Resource {
	t.Helper()
	return one(t, p, tokens.WAFWebACL, func(r *plan.Resource) bool { return str(r.Input("scope")) == scope })
}

func TestCloudFrontRedirectsToHTTPSBehindTheWAF(t *testing.T) {
	for _, stack := range workloadStacks {
		t.Run(stack, func(t *testing.T) {
			p := capture(t, stack, plan.Update)
			waf := webACL(t, p, "CLOUDFRONT")
			dists := p.ByType(tokens.CloudFrontDistribution)
			require.Len(t, dists, 2, "the app and landing sites")
			for _, d := range dists {
				require.Equal(t, "redirect-to-https", str(d.Input("defaultCacheBehavior.viewerProtocolPolicy")), d.Name)
				ordered := d.Input("orderedCacheBehaviors")
				if ordered.IsArray() {
					for i, b := range ordered.AsArray().AsSlice() {
						require.Equal(t, "redirect-to-https", str(b.AsMap().Get("viewerProtocolPolicy")), "%s ordered behavior %d", d.Name, i)
					}
				}
				require.NotEmpty(t, str(d.Input("webAclId")), d.Name)
				require.Equal(t, str(waf.Output("arn")), str(d.Input("webAclId")), "%s must use the CloudFront-scope web ACL", d.Name)
				require.Equal(t, "TLSv1.2_2021", str(d.Input("viewerCertificate.minimumProtocolVersion")), d.Name)
				require.Equal(t, "sni-only", str(d.Input("viewerCertificate.sslSupportMethod")), d.Name)
			}
		})
	}
}

type policyDoc struct {
	Statement []struct {
		Sid       string
		Effect    string
		Principal json.RawMessage
		Action    json.RawMessage
		Resource  json.RawMessage
		Condition map[string]map[string]json.RawMessage
	}
}

// oneOrMany decodes an IAM "string or list of strings" element.
func oneOrMany(t testing.TB, raw json.RawMessage) []string {
	t.Helper()
	if len(raw) == 0 {
		return nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	require.NoError(t, json.Unmarshal(raw, &many), "%s", raw)
	return many
}

func TestSiteBucketPolicyAllowsOnlyItsDistribution(t *testing.T) {
	for _, stack := range workloadStacks {
		t.Run(stack, func(t *testing.T) {
			p := capture(t, stack, plan.Update) // the policy embeds the distribution ARN, unknown in a preview
			for _, d := range p.ByType(tokens.CloudFrontDistribution) {
				distArn := str(d.Output("arn"))
				require.True(t, strings.HasPrefix(distArn, "arn:aws:cloudfront::"), distArn)
				pol := one(t, p, tokens.S3BucketPolicy, func(r *plan.Resource) bool { return r.Parent == d.Parent })
				var doc policyDoc
				require.NoError(t, json.Unmarshal([]byte(str(pol.Input("policy"))), &doc), pol.Name)

				allows, denyInsecure := 0, false
				for _, s := range doc.Statement {
					switch s.Effect {
					case "Allow":
						allows++
						var principal map[string]json.RawMessage
						require.NoError(t, json.Unmarshal(s.Principal, &principal), "%s: Allow to a wildcard principal", pol.Name)
						require.Len(t, principal, 1, "%s: Allow principal %s", pol.Name, s.Principal)
						require.Equal(t, []string{"cloudfront.amazonaws.com"}, oneOrMany(t, principal["Service"]), pol.Name)
						require.Equal(t, []string{"s3:GetObject"}, oneOrMany(t, s.Action), pol.Name)
						require.Len(t, s.Condition, 1, "%s: Allow conditions", pol.Name)
						require.Equal(t, []string{distArn}, oneOrMany(t, s.Condition["StringEquals"]["AWS:SourceArn"]),
							"%s must allow only its own distribution", pol.Name)
						for _, res := range oneOrMany(t, s.Resource) {
							require.True(t, strings.HasSuffix(res, "/*"), "%s: GetObject on %s", pol.Name, res)
						}
					case "Deny":
						if v := s.Condition["Bool"]["aws:SecureTransport"]; v != nil {
							require.Equal(t, []string{"false"}, oneOrMany(t, v))
							require.Equal(t, `"*"`, string(s.Principal))
							denyInsecure = true
						}
					}
				}
				require.Equal(t, 1, allows, "%s: exactly one Allow statement", pol.Name)
				require.True(t, denyInsecure, "%s must deny aws:SecureTransport=false", pol.Name)
			}
		})
	}
}

// albAnnotation reads one alb.ingress.kubernetes.io annotation of an Ingress.
func albAnnotation(r *plan.Resource, key string) string {
	a := r.Input("metadata.annotations")
	if !a.IsMap() {
		return ""
	}
	return str(a.AsMap().Get("alb.ingress.kubernetes.io/" + key))
}

func TestAPIIngressAndDNS(t *testing.T) {
	for _, stack := range workloadStacks {
		t.Run(stack, func(t *testing.T) {
			p := capture(t, stack, plan.Update)
			host := "api." + stackDomain[stack]
			ing := k8sObject(t, p, tokens.K8sIngress, "platform", "api")
			require.Equal(t, host, str(ing.Input("spec.rules[0].host")))
			require.Equal(t, "api", str(ing.Input("spec.rules[0].http.paths[0].backend.service.name")))

			require.Equal(t, "internet-facing", albAnnotation(ing, "scheme"))
			var listen []map[string]int
			require.NoError(t, json.Unmarshal([]byte(albAnnotation(ing, "listen-ports")), &listen))
			require.Contains(t, listen, map[string]int{"HTTPS": 443})
			require.Equal(t, "443", albAnnotation(ing, "ssl-redirect"), "plain HTTP must redirect to HTTPS")
			policy := albAnnotation(ing, "ssl-policy")
			require.True(t, strings.Contains(policy, "TLS13-1-2") || strings.Contains(policy, "TLS-1-2") || strings.Contains(policy, "FS-1-2"),
				"ssl-policy %q must refuse TLS below 1.2", policy)

			cert := one(t, p, tokens.ACMCertificate, func(r *plan.Resource) bool { return str(r.Input("domainName")) == host })
			require.Equal(t, str(cert.Output("arn")), albAnnotation(ing, "certificate-arn"))
			require.Equal(t, str(webACL(t, p, "REGIONAL").Output("arn")), albAnnotation(ing, "wafv2-acl-arn"))

			idle := -1
			for _, attr := range strings.Split(albAnnotation(ing, "load-balancer-attributes"), ",") {
				if v, ok := strings.CutPrefix(strings.TrimSpace(attr), "idle_timeout.timeout_seconds="); ok {
					n, err := strconv.Atoi(v)
					require.NoError(t, err)
					idle = n
				}
			}
			require.GreaterOrEqual(t, idle, 3600, "idle timeout must hold agent streams (WebSocket/SSE) open for an hour")

			rec := one(t, p, tokens.Route53Record, func(r *plan.Resource) bool { return str(r.Input("name")) == host })
			require.Equal(t, "CNAME", str(rec.Input("type")))
			lbHost := str(ing.Output("status.loadBalancer.ingress[0].hostname"))
			require.NotEmpty(t, lbHost)
			require.Equal(t, []string{lbHost}, strs(rec.Input("records")), "api.%s must point at the Ingress's load balancer", stackDomain[stack])
			zone := one(t, p, tokens.Route53Zone, nil)
			require.Equal(t, zone.ID, str(rec.Input("zoneId")))
		})
	}
}

func TestECRRepositories(t *testing.T) {
	for _, stack := range workloadStacks {
		t.Run(stack, func(t *testing.T) {
			p := capture(t, stack, plan.Update)
			repos := map[string]*plan.Resource{}
			for _, r := range p.ByType(tokens.ECRRepository) {
				name := str(r.Input("name"))
				repos[name[strings.LastIndex(name, "/")+1:]] = r
			}
			for _, want := range []string{"api", "worker", "temporal-worker", "migrations"} {
				r := repos[want]
				require.NotNil(t, r, "no ECR repository %s", want)
				require.Equal(t, "IMMUTABLE", str(r.Input("imageTagMutability")), want)
				require.True(t, r.Input("imageScanningConfiguration.scanOnPush").AsBool(), want)
				require.Equal(t, "KMS", str(r.Input("encryptionConfigurations[0].encryptionType")), want)
				require.True(t, isOurKey(p, str(r.Input("encryptionConfigurations[0].kmsKey"))), "%s: kmsKey is not one of our keys", want)
				require.False(t, r.Input("forceDelete").AsBool(), want)
			}
		})
	}
}
