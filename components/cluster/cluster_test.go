package cluster

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

func TestCluster(t *testing.T) {
	t.Parallel()
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			t.Parallel()
			p := capture(t, mode, testArgs())
			comp := p.Named(Type, "eks")
			require.NotNil(t, comp)

			for _, r := range p.Resources {
				if r == comp {
					continue
				}
				require.Equal(t, comp.URN, r.Parent, "%s must be parented to the component", r.URN)
				if _, taggable := r.Inputs.GetOk("tags"); taggable {
					tg := testkit.TagsOf(r)
					for _, k := range tags.Required {
						require.NotEmpty(t, tg[k], "%s lacks tag %s", r.URN, k)
					}
				}
			}

			cl := testkit.One(t, p, tCluster)
			require.Equal(t, "platform-test", testkit.StrOr(cl.Input("name")))
			require.Equal(t, "1.36", testkit.StrOr(cl.Input("version")))
			require.False(t, cl.Protect, "Protect defaults to false")
			require.True(t, cl.Input("vpcConfig.endpointPrivateAccess").AsBool())
			require.False(t, cl.Input("vpcConfig.endpointPublicAccess").AsBool())
			require.True(t, cl.Input("vpcConfig.endpointPublicAccess").IsBool(), "public access must be set explicitly")
			require.True(t, cl.Input("vpcConfig.publicAccessCidrs").IsNull())
			require.Equal(t, privateSubnets, testkit.StrsOr(cl.Input("vpcConfig.subnetIds")))
			require.Equal(t, []string{"secrets"}, testkit.StrsOr(cl.Input("encryptionConfig.resources")))
			require.Equal(t, secretsKey, testkit.StrOr(cl.Input("encryptionConfig.provider.keyArn")))
			require.ElementsMatch(t, []string{"api", "audit", "authenticator", "controllerManager", "scheduler"},
				testkit.StrsOr(cl.Input("enabledClusterLogTypes")))
			require.Equal(t, "API", testkit.StrOr(cl.Input("accessConfig.authenticationMode")))
			require.False(t, cl.Input("accessConfig.bootstrapClusterCreatorAdminPermissions").AsBool())
			require.True(t, cl.Input("accessConfig.bootstrapClusterCreatorAdminPermissions").IsBool())
			require.False(t, cl.Input("bootstrapSelfManagedAddons").AsBool())
			require.Equal(t, "STANDARD", testkit.StrOr(cl.Input("upgradePolicy.supportType")))

			logs := testkit.One(t, p, tLogGroup)
			require.Equal(t, "/aws/eks/platform-test/cluster", testkit.StrOr(logs.Input("name")))
			require.Equal(t, 90.0, logs.Input("retentionInDays").AsNumber())
			require.Equal(t, logsKey, testkit.StrOr(logs.Input("kmsKeyId")))
			require.True(t, testkit.WaitsFor(cl, logs.URN), "the cluster must wait for its log group")

			assertRoles(t, p, cl, false)
			assertAccess(t, p, cl)
			assertOIDC(t, p, comp, mode)
			assertSecurityGroups(t, p, cl)
			assertNodes(t, p)
			assertAddons(t, p, mode)
			assertKubeconfig(t, p, comp, mode)

			if mode == plan.Update {
				require.Equal(t, "platform-test", testkit.StrOr(comp.Output("clusterName")))
				require.True(t, strings.HasPrefix(testkit.StrOr(comp.Output("endpoint")), "https://"))
				require.True(t, strings.HasPrefix(testkit.StrOr(comp.Output("clusterSecurityGroupId")), "sg-"))
				require.True(t, strings.HasPrefix(testkit.StrOr(comp.Output("nodeSecurityGroupId")), "sg-"))
				require.Contains(t, testkit.StrOr(comp.Output("nodeRoleArn")), ":role/")
				require.Contains(t, testkit.StrOr(comp.Output("oidcProviderArn")), "oidc-provider")
			}
		})
	}
}

func assertRoles(t *testing.T, p *plan.Plan, cl *plan.Resource, ssm bool) {
	t.Helper()
	trust := map[string]string{}
	for _, r := range p.ByType(tRole) {
		doc := testkit.StrOr(r.Input("assumeRolePolicy"))
		require.NotContains(t, doc, `"*"`, "no wildcard principal in %s", r.Name)
		trust[r.Name] = doc
	}
	require.Contains(t, trust["eks-cluster"], `"Service":"eks.amazonaws.com"`)
	require.Contains(t, trust["eks-node"], `"Service":"ec2.amazonaws.com"`)

	attached := map[string][]string{}
	for _, a := range p.ByType(tAttachment) {
		for _, r := range p.ByType(tRole) {
			if testkit.DependsOn(a, "role", r.URN) {
				arn := testkit.StrOr(a.Input("policyArn"))
				attached[r.Name] = append(attached[r.Name], arn[strings.LastIndex(arn, "/")+1:])
			}
		}
	}
	require.Equal(t, []string{"AmazonEKSClusterPolicy"}, attached["eks-cluster"])
	require.Equal(t, []string{"AmazonEBSCSIDriverPolicy"}, attached["eks-ebs-csi"])
	want := []string{"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonEKS_CNI_Policy"}
	if ssm {
		want = append(want, "AmazonSSMManagedInstanceCore")
	}
	require.ElementsMatch(t, want, attached["eks-node"])
	require.True(t, testkit.DependsOn(cl, "roleArn", p.Named(tRole, "eks-cluster").URN))
}

func assertAccess(t *testing.T, p *plan.Plan, cl *plan.Resource) {
	t.Helper()
	entries := p.ByType(tEntry)
	require.Len(t, entries, 2)
	var principals []string
	for _, e := range entries {
		principals = append(principals, testkit.StrOr(e.Input("principalArn")))
		require.Equal(t, "STANDARD", testkit.StrOr(e.Input("type")))
		require.True(t, testkit.DependsOn(e, "clusterName", cl.URN))
	}
	require.ElementsMatch(t, []string{adminRole, breakGlass}, principals)
	require.NotNil(t, p.Named(tEntry, "eks-admin-123456789012-break-glass"), "entries are keyed by account and role name")
	require.Equal(t, "123456789012-user-alice", adminKey("arn:aws:iam::123456789012:user/alice"))
	for _, a := range p.ByType(tAssoc) {
		require.Equal(t, clusterAdminPolicy, testkit.StrOr(a.Input("policyArn")))
		require.Equal(t, "cluster", testkit.StrOr(a.Input("accessScope.type")))
	}
	require.Len(t, p.ByType(tAssoc), 2)
}

func assertOIDC(t *testing.T, p *plan.Plan, comp *plan.Resource, mode plan.Mode) {
	t.Helper()
	o := testkit.One(t, p, tOIDC)
	require.Equal(t, []string{"sts.amazonaws.com"}, testkit.StrsOr(o.Input("clientIdLists")))
	require.Equal(t, []string{eksOIDCThumbprint}, testkit.StrsOr(o.Input("thumbprintLists")))
	require.True(t, testkit.DependsOn(o, "url", p.ByType(tCluster)[0].URN))
	if mode == plan.Preview {
		require.True(t, o.Input("url").IsComputed())
		return
	}
	url := testkit.StrOr(o.Input("url"))
	require.True(t, strings.HasPrefix(url, "https://oidc.eks.us-east-1.amazonaws.com/id/"), url)
	require.Equal(t, strings.TrimPrefix(url, "https://"), testkit.StrOr(comp.Output("oidcIssuer")))
}

func assertKubeconfig(t *testing.T, p *plan.Plan, comp *plan.Resource, mode plan.Mode) {
	t.Helper()
	kc := comp.Output("kubeconfig")
	require.True(t, kc.Secret() || kc.IsComputed(), "kubeconfig output must be secret")

	prov := testkit.One(t, p, tK8s)
	require.Equal(t, comp.URN, prov.Parent)
	require.True(t, prov.Input("kubeconfig").Secret() || prov.Input("kubeconfig").IsComputed())
	for _, typ := range []string{tAssoc, tNodeGroup, tAddon} {
		for _, r := range p.ByType(typ) {
			require.True(t, testkit.WaitsFor(prov, r.URN), "provider must wait for %s", r.Name)
		}
	}
	if mode == plan.Preview {
		return
	}
	require.True(t, kc.Secret())
	var cfg struct {
		Clusters []struct {
			Cluster map[string]string
		}
		Users []struct {
			User struct {
				Exec struct {
					APIVersion string `json:"apiVersion"`
					Command    string
					Args       []string
				}
			}
		}
		CurrentContext string `json:"current-context"`
	}
	require.NoError(t, json.Unmarshal([]byte(kc.WithSecret(false).AsString()), &cfg))
	require.Equal(t, "platform-test", cfg.CurrentContext)
	require.Len(t, cfg.Clusters, 1)
	require.Equal(t, testkit.StrOr(comp.Output("endpoint")), cfg.Clusters[0].Cluster["server"])
	require.NotEmpty(t, cfg.Clusters[0].Cluster["certificate-authority-data"])
	exec := cfg.Users[0].User.Exec
	require.Equal(t, "aws", exec.Command)
	require.Equal(t, "client.authentication.k8s.io/v1beta1", exec.APIVersion)
	require.Equal(t, []string{"eks", "get-token", "--cluster-name", "platform-test", "--output", "json", "--region", "us-east-1"}, exec.Args)
}

func TestClusterPublicEndpointAndProtect(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.PublicAccessCidrs = []string{"203.0.113.0/24", "198.51.100.7/32"}
	args.Protect = true
	args.EnableSSM = true
	p := capture(t, plan.Update, args)
	cl := testkit.One(t, p, tCluster)
	require.True(t, cl.Input("vpcConfig.endpointPublicAccess").AsBool())
	require.True(t, cl.Input("vpcConfig.endpointPrivateAccess").AsBool())
	require.Equal(t, args.PublicAccessCidrs, testkit.StrsOr(cl.Input("vpcConfig.publicAccessCidrs")))
	require.True(t, cl.Protect)
	assertRoles(t, p, cl, true)
}

func TestIRSATrustPolicy(t *testing.T) {
	t.Parallel()
	for _, issuer := range []string{"oidc.eks.us-east-1.amazonaws.com/id/ABC", "https://oidc.eks.us-east-1.amazonaws.com/id/ABC"} {
		t.Run(issuer, func(t *testing.T) {
			t.Parallel()
			doc := irsaDoc(t, issuer, "workers", "bullmq")
			st := doc.Statement[0]
			require.Equal(t, "Allow", st.Effect)
			require.Equal(t, "sts:AssumeRoleWithWebIdentity", st.Action)
			require.Equal(t, "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC", st.Principal["Federated"])
			require.Equal(t, map[string]string{
				"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:workers:bullmq",
				"oidc.eks.us-east-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
			}, st.Condition["StringEquals"])
		})
	}
}

type trustDoc struct {
	Statement []struct {
		Effect    string
		Action    string
		Principal map[string]string
		Condition map[string]map[string]string
	}
}

func irsaDoc(t *testing.T, issuer, ns, sa string) trustDoc {
	t.Helper()
	p, err := plan.Capture(irsaProgram(issuer, ns, sa), plan.Options{Mode: plan.Update})
	require.NoError(t, err)
	var doc trustDoc
	raw := testkit.StrOr(testkit.One(t, p, tRole).Input("assumeRolePolicy"))
	require.NoError(t, json.Unmarshal([]byte(raw), &doc), raw)
	require.Len(t, doc.Statement, 1)
	return doc
}

func TestIRSATrustPolicyRejectsEmptyServiceAccount(t *testing.T) {
	t.Parallel()
	_, err := plan.Capture(irsaProgram("oidc.example/id/1", "workers", ""), plan.Options{Mode: plan.Update})
	require.ErrorContains(t, err, fmt.Sprintf("serviceAccount %q must both be set", ""))
}
