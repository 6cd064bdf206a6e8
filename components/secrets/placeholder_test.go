package secrets

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/plan"
)

// Operator-filled secrets converge on the first deploy (a placeholder version) and keep
// whatever an operator stores later (the version never takes AWSCURRENT back).
func TestOperatorSecretsGetAPlaceholderVersion(t *testing.T) {
	args := baseArgs()
	args.ExternalSecrets = []string{"anthropic-api-key"}
	args.RegistryCredentials = []string{RegistryDockerHub}
	args.Protect = true
	p := capture(t, plan.Update, args)
	comp := p.ByType(Type)[0]

	cases := []struct {
		physical, resource string
		fields             []string
		cmk                bool
	}{
		{"platform-test/anthropic-api-key", "secrets-anthropic-api-key", []string{PropValue}, true},
		{"ecr-pullthroughcache/platform-test/docker-hub", "secrets-registry-docker-hub", []string{PropUsername, PropAccessToken}, false},
	}
	for _, tc := range cases {
		t.Run(tc.physical, func(t *testing.T) {
			secret := p.Named(tSecret, tc.resource)
			require.NotNil(t, secret)
			require.Equal(t, tc.physical, secret.Input("name").AsString())
			require.Equal(t, tc.cmk, !secret.Input("kmsKeyId").IsNull(), "CMK on %s", tc.physical)
			require.True(t, secret.Protect)

			v := p.Named(tVersion, tc.resource)
			require.NotNil(t, v)
			require.Equal(t, comp.URN, v.Parent)
			require.Equal(t, secret.ID, v.Input("secretId").AsString())
			require.True(t, v.Protect)
			require.ElementsMatch(t, []string{"secretString", "versionStages"}, v.IgnoreChanges)
			var stages []string
			for _, s := range v.Input("versionStages").AsArray().AsSlice() {
				stages = append(stages, s.AsString())
			}
			require.Equal(t, []string{PlaceholderStage}, stages, "never AWSCURRENT in the inputs")
			var out []string
			for _, s := range v.Output("versionStages").AsArray().AsSlice() {
				out = append(out, s.AsString())
			}
			require.ElementsMatch(t, []string{PlaceholderStage, "AWSCURRENT"}, out, "the first version is current all the same")

			s := v.Input("secretString")
			require.True(t, s.Secret())
			require.True(t, HoldsPlaceholder(s.AsString()))
			var doc map[string]string
			require.NoError(t, json.Unmarshal([]byte(s.AsString()), &doc))
			require.Len(t, doc, len(tc.fields))
			for _, f := range tc.fields {
				require.True(t, strings.HasPrefix(doc[f], PlaceholderMarker+": fill with `aws secretsmanager put-secret-value --secret-id "+tc.physical+" "), doc[f])
			}
		})
	}

	s := p.ByType(Type)[0]
	var names []string
	for _, n := range s.Output("operatorSecretNames").AsArray().AsSlice() {
		names = append(names, n.AsString())
	}
	require.Equal(t, []string{"ecr-pullthroughcache/platform-test/docker-hub", "platform-test/anthropic-api-key"}, names)
	require.Equal(t, p.Named(tSecret, "secrets-registry-docker-hub").Output("arn").AsString(),
		s.Output("registryCredentialArns.docker-hub").AsString())
}

func TestPlaceholderHelpers(t *testing.T) {
	doc, err := placeholderDocument("p/x", []string{PropValue})
	require.NoError(t, err)
	require.True(t, HoldsPlaceholder(doc))
	require.False(t, HoldsPlaceholder(`{"value":"sk_live_REPLACE"}`), "a real value mentioning the word is not the placeholder")
	require.Equal(t, `aws secretsmanager put-secret-value --secret-id p/x --secret-string '{"value":"..."}'`, FillCommand("p/x", `{"value":"..."}`))
	require.Equal(t, `aws secretsmanager get-secret-value --secret-id p/x --query SecretString --output text | grep -qF 'REPLACE_ME: fill with' && echo 'p/x: still the placeholder'`,
		CheckCommand("p/x"))
}

// HoldsPlaceholder reports whether a secret string read back is still the placeholder.
func HoldsPlaceholder(secretString string) bool {
	return strings.Contains(secretString, placeholderText)
}
