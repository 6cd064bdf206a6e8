package tests

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/plan/stackplan"
	"github.com/generic-corp/platform/stacks"
)

// The first `pulumi up` of an empty account (issue 10): what a deployment needs from the
// plan besides what each resource declares.

const (
	tSecret        = tokens.SecretsManagerSecret
	tSecretVersion = tokens.SecretsManagerSecretVersion
	tRecord        = tokens.Route53Record
	tZone          = tokens.Route53Zone
	tAccessEntry   = tokens.EKSAccessEntry
	tAccessPolicy  = tokens.EKSAccessPolicyAssociation
	tCertificateV  = tokens.ACMCertificateValidation
	ssoSession     = "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@generic-corp.io"
	ssoRole        = "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef"
)

// captureAs captures a stack run by another identity than the offline CI deployer.
func captureAs(t *testing.T, stack, callerArn string) *plan.Plan {
	t.Helper()
	root, err := stackplan.ProjectRoot()
	require.NoError(t, err)
	cfg, err := stacks.ReadStackFile(root, stack)
	require.NoError(t, err)
	p, err := plan.Capture(stacks.Deploy, plan.Options{Stack: stack, Config: cfg, Mode: plan.Preview, RootDirectory: root, CallerArn: callerArn})
	require.NoError(t, err)
	return p
}

func stackConfig(t *testing.T, stack string) map[string]string {
	t.Helper()
	root, err := stackplan.ProjectRoot()
	require.NoError(t, err)
	cfg, err := stacks.ReadStackFile(root, stack)
	require.NoError(t, err)
	return cfg
}

// Defect 5: an operator running `pulumi up` with an SSO profile must get an access entry
// for the role that exists, which lives under the aws-reserved/sso.amazonaws.com/ path.
func TestSSOCallerGetsAnAccessEntryForItsRole(t *testing.T) {
	p := captureAs(t, "prod", ssoSession)
	var principals []string
	for _, e := range p.ByType(tAccessEntry) {
		principals = append(principals, str(e.Input("principalArn")))
	}
	require.Contains(t, principals, ssoRole, "the SSO role's ARN keeps its path")
	for _, arn := range principals {
		require.False(t, strings.HasPrefix(arn, "arn:aws:sts::"), "an access entry cannot name a session: %s", arn)
		require.NotEqual(t, "arn:aws:iam::123456789012:role/AWSReservedSSO_AdministratorAccess_0123456789abcdef", arn,
			"the path-less ARN names no existing role")
	}
	assoc := one(t, p, tAccessPolicy, func(r *plan.Resource) bool { return strings.Contains(r.Name, "AWSReservedSSO_") })
	require.Equal(t, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", str(assoc.Input("policyArn")))
}

// Defect 3: every secret has a current value on the first `up` (External Secrets fails on
// a secret without one), and what an operator fills in later is never reverted.
func TestEverySecretHasAVersionAndOperatorSecretsAPlaceholder(t *testing.T) {
	for _, stack := range stacksUnderTest {
		t.Run(stack, func(t *testing.T) {
			p := capture(t, stack, plan.Update)
			versions := map[string][]*plan.Resource{} // by secret id
			for _, v := range p.ByType(tSecretVersion) {
				versions[str(v.Input("secretId"))] = append(versions[str(v.Input("secretId"))], v)
			}
			byName := map[string]*plan.Resource{}
			for _, s := range p.ByType(tSecret) {
				byName[str(s.Input("name"))] = s
				require.Len(t, versions[s.ID], 1, "secret %s needs exactly one version for the first deploy to converge", str(s.Input("name")))
			}

			operator := strs(p.Outputs.Get("operatorSecretNames"))
			prefix := "agent-platform-" + stack + "/"
			if stack == "dr" {
				prefix = "agent-platform-prod/" // prod's replicas (TestDRReadsProdsOperatorSecrets)
			}
			for _, n := range []string{"anthropic-api-key", "sentry-dsn", "stripe-secret-key", "stripe-webhook-secret",
				"pagerduty-routing-key", "slack-alerts-webhook"} {
				require.Contains(t, operator, prefix+n)
			}
			require.Contains(t, operator, "ecr-pullthroughcache/agent-platform-"+stack+"/docker-hub")
			for _, name := range operator {
				if stack == "dr" && strings.HasPrefix(name, prefix) {
					continue // created and filled in prod
				}
				s := byName[name]
				require.NotNil(t, s, "operatorSecretNames lists %s, which the plan does not create", name)
				v := versions[s.ID][0]
				require.Subset(t, v.IgnoreChanges, []string{"secretString", "versionStages"},
					"%s: a later put-secret-value must never be reverted", name)
				require.Equal(t, []string{"PLATFORM_PLACEHOLDER"}, strs(v.Input("versionStages")),
					"%s: the placeholder must not claim AWSCURRENT from an operator's value, and keeps a label so it is never deprecated", name)
				doc := map[string]string{}
				require.True(t, v.Input("secretString").Secret())
				require.NoError(t, json.Unmarshal([]byte(v.Input("secretString").AsString()), &doc), name)
				require.NotEmpty(t, doc)
				for field, val := range doc {
					require.True(t, strings.HasPrefix(val, "REPLACE_ME"), "%s.%s is not marked as a placeholder: %q", name, field, val)
					require.Contains(t, val, name, "the placeholder says which secret to fill")
				}
			}
			// The application and Alertmanager read property "value"; ECR reads
			// username and accessToken.
			docOf := func(name string) string {
				return versions[byName[name].ID][0].Input("secretString").AsString()
			}
			if stack != "dr" {
				require.Contains(t, docOf(prefix+"slack-alerts-webhook"), `"value":`)
			}
			require.Contains(t, docOf("ecr-pullthroughcache/agent-platform-"+stack+"/docker-hub"), `"accessToken":`)
		})
	}
}

// Defect 4: a child stack (staging.) delegates its zone from the parent zone in the
// same run, so ACM can see its validation records; prod's apex is delegated at the
// registrar. dr has no zone of its own: it writes into prod's (issue 12).
func TestChildStacksDelegateTheirZoneFromTheParent(t *testing.T) {
	for _, stack := range []string{"staging"} {
		t.Run(stack, func(t *testing.T) {
			cfg := stackConfig(t, stack)
			parent := cfg["platform:parentDnsZoneId"]
			require.Regexp(t, `^Z[A-Z0-9]+$`, parent, "a child stack names its parent zone")
			p := capture(t, stack, plan.Update)
			zone := one(t, p, tZone, nil)
			ns := one(t, p, tRecord, func(r *plan.Resource) bool { return str(r.Input("type")) == "NS" })
			require.Equal(t, parent, str(ns.Input("zoneId")), "the NS record lives in the parent zone")
			require.Equal(t, cfg["platform:domain"], str(ns.Input("name")))
			require.Equal(t, strs(zone.Output("nameServers")), strs(ns.Input("records")), "delegated to the child zone's name servers")
			require.Len(t, strs(ns.Input("records")), 4)
			require.Equal(t, 172800.0, num(ns.Input("ttl")))

			// Nothing in the child zone waits for ACM before the delegation exists.
			validations := p.ByType(tCertificateV)
			require.NotEmpty(t, validations)
			for _, v := range validations {
				require.True(t, dependsOn(p, v, ns.URN), "%s must wait for the delegation", v.Name)
			}
		})
	}
	t.Run("prod", func(t *testing.T) {
		require.Equal(t, "none", stackConfig(t, "prod")["platform:parentDnsZoneId"])
		p := capture(t, "prod", plan.Update)
		for _, r := range p.ByType(tRecord) {
			require.NotEqual(t, "NS", str(r.Input("type")), "the apex is delegated at the registrar")
		}
		zone := one(t, p, tZone, nil)
		require.Equal(t, zone.Output("zoneId").AsString(), p.Outputs.Get("dnsZoneId").AsString(),
			"child stacks read the parent zone id from prod's outputs")
	})
}

// dependsOn reports whether r depends on urn, directly or through other resources.
func dependsOn(p *plan.Plan, r *plan.Resource, urn string) bool {
	seen := map[string]bool{}
	queue := slices.Clone(r.Dependencies)
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		if u == urn {
			return true
		}
		if seen[u] {
			continue
		}
		seen[u] = true
		if d := p.Resource(u); d != nil {
			queue = append(queue, d.Dependencies...)
		}
	}
	return false
}

// TestConsumersReadTheShapeOperatorsFill: every ExternalSecret that reads an
// operator-filled secret asks for a property of the document the placeholder (and the
// README's put-secret-value) has, never the whole JSON text: the API once got
// `{"value":"..."}` as its ANTHROPIC_API_KEY.
func TestConsumersReadTheShapeOperatorsFill(t *testing.T) {
	for _, stack := range stacksUnderTest {
		t.Run(stack, func(t *testing.T) {
			p := capture(t, stack, plan.Update)
			fields := map[string]map[string]string{} // secret name -> placeholder document
			operator := strs(p.Outputs.Get("operatorSecretNames"))
			owners := []*plan.Plan{p}
			if stack == "dr" {
				owners = append(owners, capture(t, "prod", plan.Update)) // dr reads prod's replicas
			}
			for _, owner := range owners {
				secretName := map[string]string{}
				for _, s := range owner.ByType(tSecret) {
					secretName[s.ID] = str(s.Input("name"))
				}
				for _, v := range owner.ByType(tSecretVersion) {
					name := secretName[str(v.Input("secretId"))]
					if !slices.Contains(operator, name) {
						continue
					}
					doc := map[string]string{}
					require.NoError(t, json.Unmarshal([]byte(v.Input("secretString").AsString()), &doc), name)
					fields[name] = doc
				}
			}
			read := 0
			for _, es := range p.ByType(tokens.K8sExternalSecret) {
				data := es.Input("spec.data")
				if !data.IsArray() {
					continue
				}
				for _, d := range data.AsArray().AsSlice() {
					ref := d.AsMap().Get("remoteRef").AsMap()
					key := str(ref.Get("key"))
					doc, ok := fields[key]
					if !ok {
						continue
					}
					read++
					prop := str(ref.Get("property"))
					require.NotEmpty(t, prop, "%s reads all of %s, a JSON document; name its property", es.Name, key)
					require.Contains(t, doc, prop, "%s reads property %q of %s, which the placeholder document lacks", es.Name, prop, key)
				}
			}
			require.Positive(t, read, "the workloads read operator secrets")
		})
	}
}
