package addons

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

const (
	tChart       = "kubernetes:helm.sh/v4:Chart"
	tRole        = "aws:iam/role:Role"
	tRolePolicy  = "aws:iam/rolePolicy:RolePolicy"
	tStore       = "kubernetes:external-secrets.io/v1:SecretStore"
	tSA          = "kubernetes:core/v1:ServiceAccount"
	tNamespace   = "kubernetes:core/v1:Namespace"
	tNetPol      = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
	tK8sProvider = "pulumi:providers:kubernetes"

	oidcIssuer = "oidc.eks.us-east-1.amazonaws.com/id/ABC"
	secretsKey = "arn:aws:kms:us-east-1:123456789012:key/secrets"
	dbArn      = "arn:aws:secretsmanager:us-east-1:123456789012:secret:platform-prod/db-app-AbCdEf"
)

var testTags = tags.New("prod", "agent-platform", "sre", "platform", nil)

// program installs the add-ons; the OIDC provider is a real (fake-provider) resource so
// that its ARN is unknown in preview, as on a new stack.
func program(edit func(*AddonsArgs)) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String("fake")})
		if err != nil {
			return err
		}
		oidc, err := iam.NewOpenIdConnectProvider(ctx, "oidc", &iam.OpenIdConnectProviderArgs{
			Url: pulumi.String("https://" + oidcIssuer), ClientIdLists: pulumi.ToStringArray([]string{"sts.amazonaws.com"}),
		})
		if err != nil {
			return err
		}
		a := &AddonsArgs{
			NamePrefix: "platform-prod", ClusterName: pulumi.String("platform-prod"), Region: "us-east-1",
			VpcId: pulumi.String("vpc-0123456789abcdef0"), OidcProviderArn: oidc.Arn, OidcIssuer: pulumi.String(oidcIssuer),
			HighAvailability:   true,
			SecretStores:       []NamespaceStoreArgs{{Namespace: "data", CreateNamespace: true, SecretArns: []pulumi.StringInput{pulumi.String(dbArn)}}},
			SecretsKmsKeyArn:   pulumi.String(secretsKey),
			KubernetesProvider: k8s, KubernetesDependsOn: []pulumi.Resource{k8s}, Tags: testTags,
		}
		if edit != nil {
			edit(a)
		}
		_, err = NewAddons(ctx, "addons", a)
		return err
	}
}

func capture(t *testing.T, mode plan.Mode, edit func(*AddonsArgs)) *plan.Plan {
	t.Helper()
	p, err := plan.Capture(program(edit), plan.Options{Mode: mode, Stack: "prod", Config: map[string]string{"aws:region": "us-east-1"}})
	require.NoError(t, err)
	return p
}

func charts(t *testing.T, p *plan.Plan) map[string]*plan.Resource {
	t.Helper()
	out := map[string]*plan.Resource{}
	for _, r := range p.ByType(tChart) {
		out[r.Input("chart").AsString()] = r
	}
	require.Len(t, out, 4)
	return out
}

func values(r *plan.Resource) map[string]any {
	return testkit.Plain(r.Input("values")).(map[string]any)
}

// at reads a nested value by dotted path from plain data.
func at(m map[string]any, path string) any {
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[k]
	}
	return cur
}

func TestChartsArePinned(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p := capture(t, mode, nil)
			prov := p.ByType(tK8sProvider)[0]
			for name, r := range charts(t, p) {
				t.Run(name, func(t *testing.T) {
					require.Equal(t, DefaultVersions[name], r.Input("version").AsString())
					require.Regexp(t, `^\d+\.\d+\.\d+$`, r.Input("version").AsString())
					require.Equal(t, Repositories[name], r.Input("repositoryOpts.repo").AsString())
					require.Equal(t, name, r.Input("name").AsString(), "release name = chart name, so object names are the documented ones")
					require.True(t, strings.HasPrefix(r.Provider, prov.URN+"::") || slices.Contains(r.Dependencies, prov.URN),
						"the chart uses the explicit provider")
					require.Equal(t, p.Named(Type, "addons").URN, r.Parent)
				})
			}
		})
	}
}

func TestLoadBalancerController(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p := capture(t, mode, nil)
			r := charts(t, p)[ChartLoadBalancerController]
			v := values(r)
			require.Equal(t, "kube-system", r.Input("namespace").AsString())
			require.Equal(t, "platform-prod", v["clusterName"])
			require.Equal(t, "us-east-1", v["region"])
			require.Equal(t, "vpc-0123456789abcdef0", v["vpcId"])
			require.EqualValues(t, 2, v["replicaCount"])
			require.EqualValues(t, 1, at(v, "podDisruptionBudget.maxUnavailable"))
			require.Equal(t, false, v["enableServiceMutatorWebhook"])
			require.Equal(t, "ELBSecurityPolicy-TLS13-1-2-2021-06", v["defaultSSLPolicy"])
			wantTags := map[string]any{}
			for k, val := range testTags {
				wantTags[k] = val
			}
			require.Equal(t, wantTags, v["defaultTags"])
			require.Equal(t, "aws-load-balancer-controller", at(v, "serviceAccount.name"))
			require.Equal(t, []any{"ALL"}, at(v, "securityContext.capabilities.drop"))

			role := p.Named(tRole, "addons-lb-controller")
			require.Equal(t, "platform-prod-aws-load-balancer-controller", role.Input("name").AsString())
			if mode == plan.Update {
				ann := at(v, "serviceAccount.annotations").(map[string]any)
				require.Equal(t, role.Output("arn").AsString(), ann["eks.amazonaws.com/role-arn"])
				trust := decode(t, role.Input("assumeRolePolicy"))
				cond := at(trust["Statement"].([]any)[0].(map[string]any), "Condition.StringEquals").(map[string]any)
				require.Equal(t, "system:serviceaccount:kube-system:aws-load-balancer-controller", cond[oidcIssuer+":sub"])
			} else {
				require.True(t, r.Input("values").AsMap().Get("serviceAccount").AsMap().Get("annotations").AsMap().
					Get("eks.amazonaws.com/role-arn").IsComputed(), "the role ARN is unknown in preview")
			}

			pol := p.Named(tRolePolicy, "addons-lb-controller")
			doc := pol.Input("policy").AsString()
			require.Less(t, len(doc), 10240, "inline policies are limited to 10,240 characters")
			var want, got any
			require.NoError(t, json.Unmarshal([]byte(lbControllerPolicy), &want))
			require.NoError(t, json.Unmarshal([]byte(doc), &got))
			require.Equal(t, want, got, "the controller's reference policy, unchanged")
			for _, s := range got.(map[string]any)["Statement"].([]any) {
				require.NotEqual(t, "*", s.(map[string]any)["Action"], "no wildcard action")
			}
			require.True(t, slices.Contains(r.Dependencies, pol.URN), "the policy is attached before the controller starts")
		})
	}
}

func TestExternalSecretsKedaMetricsServer(t *testing.T) {
	p := capture(t, plan.Update, nil)
	c := charts(t, p)

	eso := values(c[ChartExternalSecrets])
	require.Equal(t, ExternalSecretsNamespace, c[ChartExternalSecrets].Input("namespace").AsString())
	require.Equal(t, true, eso["installCRDs"])
	require.EqualValues(t, 2, eso["replicaCount"])
	require.Equal(t, true, eso["leaderElect"], "two replicas need leader election")
	for _, part := range []string{"", "webhook.", "certController."} {
		require.Equal(t, true, at(eso, part+"podDisruptionBudget.enabled"), part)
		require.EqualValues(t, 1, at(eso, part+"podDisruptionBudget.minAvailable"), part)
	}
	require.EqualValues(t, 2, at(eso, "webhook.replicaCount"))
	require.Nil(t, eso["serviceAccount"], "the operator has no IRSA role: stores authenticate as their own ServiceAccounts")

	keda := values(c[ChartKeda])
	require.Equal(t, KedaNamespace, c[ChartKeda].Input("namespace").AsString())
	require.Equal(t, true, at(keda, "crds.install"))
	require.EqualValues(t, 2, at(keda, "operator.replicaCount"))
	require.EqualValues(t, 1, at(keda, "metricsServer.replicaCount"), "only one metrics API server may serve external metrics")
	require.EqualValues(t, 1, at(keda, "podDisruptionBudget.operator.maxUnavailable"))

	ms := values(c[ChartMetricsServer])
	require.Equal(t, "kube-system", c[ChartMetricsServer].Input("namespace").AsString())
	require.EqualValues(t, 2, ms["replicas"])
	require.Equal(t, true, at(ms, "podDisruptionBudget.enabled"))

	for _, ns := range []string{ExternalSecretsNamespace, KedaNamespace} {
		var found bool
		for _, r := range p.ByType(tNamespace) {
			if r.Input("metadata.name").AsString() == ns {
				found = true
				labels := r.Input("metadata.labels").AsMap()
				require.Equal(t, "restricted", labels.Get("pod-security.kubernetes.io/enforce").AsString())
				require.True(t, slices.Contains(c[map[string]string{ExternalSecretsNamespace: ChartExternalSecrets, KedaNamespace: ChartKeda}[ns]].Dependencies, r.URN))
			}
		}
		require.True(t, found, ns)
	}
}

func TestStagingIsSingleReplica(t *testing.T) {
	p := capture(t, plan.Preview, func(a *AddonsArgs) { a.HighAvailability = false })
	c := charts(t, p)
	require.EqualValues(t, 1, values(c[ChartLoadBalancerController])["replicaCount"])
	require.Nil(t, values(c[ChartLoadBalancerController])["podDisruptionBudget"])
	require.EqualValues(t, 1, values(c[ChartExternalSecrets])["replicaCount"])
	require.Equal(t, false, values(c[ChartExternalSecrets])["leaderElect"])
	require.Equal(t, false, at(values(c[ChartExternalSecrets]), "podDisruptionBudget.enabled"))
	require.EqualValues(t, 1, at(values(c[ChartKeda]), "operator.replicaCount"))
	require.Empty(t, values(c[ChartKeda])["podDisruptionBudget"])
	require.EqualValues(t, 1, values(c[ChartMetricsServer])["replicas"])
}

func TestNamespaceSecretStore(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p := capture(t, mode, nil)
			var store *plan.Resource
			for _, r := range p.ByType(tStore) {
				store = r
			}
			require.NotNil(t, store)
			require.Equal(t, "aws-secrets-manager", store.Input("metadata.name").AsString(), "the name components/database expects")
			require.Equal(t, "data", store.Input("metadata.namespace").AsString())
			require.Equal(t, "external-secrets-reader", store.Input("spec.provider.aws.auth.jwt.serviceAccountRef.name").AsString())
			require.True(t, slices.Contains(store.Dependencies, charts(t, p)[ChartExternalSecrets].URN), "the store waits for the ESO CRDs")

			role := p.Named(tRole, "addons-data-secrets")
			require.Equal(t, "platform-prod-data-external-secrets-reader", role.Input("name").AsString())
			if mode == plan.Update {
				pol := decode(t, p.Named(tRolePolicy, "addons-data-secrets").Input("policy"))
				require.Equal(t, []any{dbArn}, at(pol["Statement"].([]any)[0].(map[string]any), "Resource"))
				trust := decode(t, role.Input("assumeRolePolicy"))
				cond := at(trust["Statement"].([]any)[0].(map[string]any), "Condition.StringEquals").(map[string]any)
				require.Equal(t, "system:serviceaccount:data:external-secrets-reader", cond[oidcIssuer+":sub"])
			}
			var dataNS *plan.Resource
			for _, r := range p.ByType(tNamespace) {
				if r.Input("metadata.name").AsString() == "data" {
					dataNS = r
				}
			}
			require.NotNil(t, dataNS)
			for _, np := range p.ByType(tNetPol) {
				require.NotEqual(t, "data", np.Input("metadata.namespace").AsString(), "PgBouncer has no policy of its own: no default deny")
			}
		})
	}
}

// TestValuesAreKnownToTheCharts checks every value path we set against the pinned
// chart's own values.yaml (testdata/values), because Helm ignores unknown keys without a
// word. Below a key whose default is empty ({} or null) anything goes; below
// securityContext and resources too, which all four charts render verbatim (toYaml)
// into the pod spec.
func TestValuesAreKnownToTheCharts(t *testing.T) {
	p := capture(t, plan.Update, nil)
	for name, r := range charts(t, p) {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "values", fmt.Sprintf("%s-%s.yaml", name, DefaultVersions[name])))
			require.NoError(t, err)
			var defaults map[string]any
			require.NoError(t, yaml.Unmarshal(raw, &defaults))
			var unknown []string
			walkValues(values(r), defaults, "", &unknown)
			require.Empty(t, unknown, "keys the chart does not define")
		})
	}
}

func walkValues(ours any, defaults any, path string, unknown *[]string) {
	om, ok := ours.(map[string]any)
	if !ok {
		return
	}
	dm, _ := defaults.(map[string]any)
	if defaults == nil || len(dm) == 0 {
		return // free-form: an empty map or null default
	}
	for k, v := range om {
		p := strings.TrimPrefix(path+"."+k, ".")
		if k == "securityContext" || k == "resources" {
			continue
		}
		d, ok := dm[k]
		if !ok {
			*unknown = append(*unknown, p)
			continue
		}
		walkValues(v, d, p, unknown)
	}
}

func TestValidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*AddonsArgs)
		want string
	}{
		{"unknown chart", func(a *AddonsArgs) { a.Versions = map[string]string{"cert-manager": "1.0.0"} }, `unknown chart "cert-manager"`},
		{"unpinned version", func(a *AddonsArgs) { a.Versions = map[string]string{ChartKeda: "latest"} }, `Versions["keda"] = "latest" must be a pinned chart version`},
		{"range", func(a *AddonsArgs) { a.Versions = map[string]string{ChartKeda: ">=2.0.0"} }, `Versions["keda"] = ">=2.0.0"`},
		{"no cluster name", func(a *AddonsArgs) { a.ClusterName = nil }, "ClusterName is required"},
		{"bad region", func(a *AddonsArgs) { a.Region = "useast1" }, `Region "useast1"`},
		{"store without secrets", func(a *AddonsArgs) { a.SecretStores[0].SecretArns = nil }, `SecretStores[0] ("data").SecretArns is empty`},
		{"store twice", func(a *AddonsArgs) { a.SecretStores = append(a.SecretStores, a.SecretStores[0]) }, `"data" is listed twice`},
		{"store without key", func(a *AddonsArgs) { a.SecretsKmsKeyArn = nil }, "SecretsKmsKeyArn is required"},
		{"no provider", func(a *AddonsArgs) { a.KubernetesProvider = nil }, "KubernetesProvider is required"},
		{"missing tag", func(a *AddonsArgs) { a.Tags = tags.Set{"environment": "prod"} }, `Tags lacks the required tag "owner"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := plan.Capture(program(tc.edit), plan.Options{Mode: plan.Preview})
			require.ErrorContains(t, err, tc.want)
		})
	}
	t.Run("one version bumped, the others kept", func(t *testing.T) {
		p := capture(t, plan.Preview, func(a *AddonsArgs) { a.Versions = map[string]string{ChartKeda: "2.21.0"} })
		c := charts(t, p)
		require.Equal(t, "2.21.0", c[ChartKeda].Input("version").AsString())
		require.Equal(t, DefaultVersions[ChartExternalSecrets], c[ChartExternalSecrets].Input("version").AsString())
		require.Equal(t, "2.20.2", DefaultVersions[ChartKeda], "the caller's map never leaks into the defaults")
	})
}

func decode(t *testing.T, v property.Value) map[string]any {
	t.Helper()
	require.True(t, v.IsString(), "%v", v)
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(v.AsString()), &out))
	return out
}
