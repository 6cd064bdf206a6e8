package cluster

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/plan"
)

const (
	tRolePolicy = "aws:iam/rolePolicy:RolePolicy"
	tKMSKey     = "aws:kms/key:Key"
)

// addonsByName indexes the captured add-ons by addonName.
func addonsByName(t *testing.T, p *plan.Plan) map[string]*plan.Resource {
	t.Helper()
	out := map[string]*plan.Resource{}
	for _, a := range p.ByType(tAddon) {
		out[testkit.StrOr(a.Input("addonName"))] = a
	}
	return out
}

func assertAddons(t *testing.T, p *plan.Plan, mode plan.Mode) {
	t.Helper()
	ng := testkit.One(t, p, tNodeGroup)
	addons := addonsByName(t, p)
	require.Len(t, addons, len(DefaultAddons))
	require.Len(t, p.ByType(tAddon), len(DefaultAddons), "one add-on resource per name")
	require.Contains(t, addons, "aws-ebs-csi-driver", "PVCs need the EBS CSI driver")
	for name, a := range addons {
		require.Equal(t, DefaultAddons[name], testkit.StrOr(a.Input("addonVersion")), "%s must be pinned", name)
		require.Equal(t, "OVERWRITE", testkit.StrOr(a.Input("resolveConflictsOnUpdate")))
		require.Equal(t, "OVERWRITE", testkit.StrOr(a.Input("resolveConflictsOnCreate")))
		switch name {
		case "coredns", "aws-ebs-csi-driver":
			require.True(t, testkit.WaitsFor(a, ng.URN), "%s is a Deployment; it must wait for nodes to schedule on", name)
		default:
			require.False(t, testkit.WaitsFor(a, ng.URN), "%s is a DaemonSet nodes need; it must not wait for them", name)
			require.True(t, testkit.WaitsFor(ng, a.URN), "node group must wait for %s", name)
		}
		if name != "vpc-cni" {
			require.True(t, a.Input("configurationValues").IsNull(), "%s keeps its default configuration", name)
		}
		if name != "aws-ebs-csi-driver" {
			require.True(t, a.Input("serviceAccountRoleArn").IsNull(), "%s has no IRSA role", name)
		}
	}

	// The VPC CNI must run its network-policy agent, or NetworkPolicy objects are
	// accepted and silently not enforced.
	var cni map[string]any
	raw := testkit.StrOr(addons["vpc-cni"].Input("configurationValues"))
	require.NoError(t, json.Unmarshal([]byte(raw), &cni), raw)
	require.Equal(t, map[string]any{"enableNetworkPolicy": "true"}, cni, "the add-on schema types the flag as the string \"true\"")

	ebs := addons["aws-ebs-csi-driver"]
	role := p.Named(tRole, "eks-ebs-csi")
	require.NotNil(t, role)
	require.True(t, testkit.DependsOn(ebs, "serviceAccountRoleArn", role.URN), "the add-on's service account assumes the EBS CSI role")
	for _, typ := range []string{tAttachment, tRolePolicy} {
		for _, r := range p.ByType(typ) {
			if testkit.DependsOn(r, "role", role.URN) {
				require.True(t, testkit.WaitsFor(ebs, r.URN), "the driver must start after %s is attached", r.Name)
			}
		}
	}
	if mode == plan.Preview {
		require.True(t, ebs.Input("serviceAccountRoleArn").IsComputed())
		return
	}
	require.Equal(t, "arn:aws:iam::"+plan.AccountID+":role/platform-test-ebs-csi-driver", testkit.StrOr(ebs.Input("serviceAccountRoleArn")))
}

// ebsKMSDoc is the shape of the driver's inline KMS policy.
type ebsKMSDoc struct {
	Version   string
	Statement []struct {
		Sid       string
		Effect    string
		Action    []string
		Resource  []string
		Condition map[string]map[string]string
	}
}

func TestEBSCSIDriver(t *testing.T) {
	t.Parallel()
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			t.Parallel()
			p := capture(t, mode, testArgs())
			comp := p.Named(Type, "eks")
			oidc := testkit.One(t, p, tOIDC)

			role := p.Named(tRole, "eks-ebs-csi")
			require.NotNil(t, role)
			require.Equal(t, "platform-test-ebs-csi-driver", testkit.StrOr(role.Input("name")))
			require.Contains(t, testkit.StrOr(role.Input("description")), "kube-system/ebs-csi-controller-sa")
			require.Equal(t, "platform-test-ebs-csi-driver", testkit.TagsOf(role)["Name"])
			require.True(t, testkit.DependsOn(role, "assumeRolePolicy", oidc.URN), "trust goes through the cluster's OIDC provider")

			var attached []string
			for _, a := range p.ByType(tAttachment) {
				if testkit.DependsOn(a, "role", role.URN) {
					attached = append(attached, testkit.StrOr(a.Input("policyArn")))
				}
			}
			require.Equal(t, []string{"arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"}, attached)

			var inline []*plan.Resource
			for _, r := range p.ByType(tRolePolicy) {
				if testkit.DependsOn(r, "role", role.URN) {
					inline = append(inline, r)
				}
			}
			require.Len(t, inline, 1, "one inline policy: the data key")
			assertEBSKMSPolicy(t, testkit.StrOr(inline[0].Input("policy")), dataKey)

			if mode == plan.Preview {
				require.True(t, role.Input("assumeRolePolicy").IsComputed(), "the issuer is unknown before the cluster exists")
				return
			}
			var trust trustDoc
			raw := testkit.StrOr(role.Input("assumeRolePolicy"))
			require.NoError(t, json.Unmarshal([]byte(raw), &trust), raw)
			require.Len(t, trust.Statement, 1)
			st := trust.Statement[0]
			issuer := testkit.StrOr(comp.Output("oidcIssuer"))
			require.NotEmpty(t, issuer)
			require.Equal(t, "Allow", st.Effect)
			require.Equal(t, "sts:AssumeRoleWithWebIdentity", st.Action)
			require.Equal(t, testkit.StrOr(comp.Output("oidcProviderArn")), st.Principal["Federated"])
			require.Equal(t, map[string]string{
				issuer + ":sub": "system:serviceaccount:kube-system:ebs-csi-controller-sa",
				issuer + ":aud": "sts.amazonaws.com",
			}, st.Condition["StringEquals"])
			require.Equal(t, "arn:aws:iam::"+plan.AccountID+":role/platform-test-ebs-csi-driver", testkit.StrOr(comp.Output("ebsCsiRoleArn")))
		})
	}
}

func assertEBSKMSPolicy(t *testing.T, raw, keyArn string) {
	t.Helper()
	var doc ebsKMSDoc
	require.NoError(t, json.Unmarshal([]byte(raw), &doc), raw)
	require.Equal(t, "2012-10-17", doc.Version)
	require.Len(t, doc.Statement, 2)
	grants, use := doc.Statement[0], doc.Statement[1]
	require.Equal(t, "Allow", grants.Effect)
	require.ElementsMatch(t, []string{"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}, grants.Action)
	require.Equal(t, []string{keyArn}, grants.Resource)
	require.Equal(t, map[string]map[string]string{"Bool": {"kms:GrantIsForAWSResource": "true"}}, grants.Condition,
		"grants only for AWS resources (EC2 volumes), never to arbitrary principals")
	require.Equal(t, "Allow", use.Effect)
	require.ElementsMatch(t, []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}, use.Action)
	require.Equal(t, []string{keyArn}, use.Resource, "the driver may use the data key and no other")
	require.Empty(t, use.Condition)
}

// The data key is normally created in the same program, so its ARN is unknown in a
// preview and known in an update: the KMS policy must follow it in both.
func TestEBSCSIDriverWithKeyFromProgram(t *testing.T) {
	t.Parallel()
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			t.Parallel()
			p, err := plan.Capture(func(ctx *pulumi.Context) error {
				key, err := kms.NewKey(ctx, "data", &kms.KeyArgs{EnableKeyRotation: pulumi.Bool(true)})
				if err != nil {
					return err
				}
				args := testArgs()
				args.DataKmsKeyArn = key.Arn
				_, err = NewCluster(ctx, "eks", args)
				return err
			}, plan.Options{Mode: mode})
			require.NoError(t, err)
			key := testkit.One(t, p, tKMSKey)
			policy := p.Named(tRolePolicy, "eks-ebs-csi-kms")
			require.NotNil(t, policy)
			require.True(t, testkit.DependsOn(policy, "policy", key.URN))
			if mode == plan.Preview {
				require.True(t, policy.Input("policy").IsComputed())
				return
			}
			keyArn := testkit.StrOr(key.Output("arn"))
			require.NotEmpty(t, keyArn)
			assertEBSKMSPolicy(t, testkit.StrOr(policy.Input("policy")), keyArn)
		})
	}
}

func TestAddonOverridesKeepSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, addon, version string
	}{
		{"EBS CSI driver version", "aws-ebs-csi-driver", "v1.50.1-eksbuild.1"},
		{"VPC CNI version", "vpc-cni", "v1.19.6-eksbuild.7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := testArgs()
			args.Addons = map[string]string{tt.addon: tt.version}
			p := capture(t, plan.Preview, args)
			addons := addonsByName(t, p)
			require.Len(t, addons, len(DefaultAddons))
			require.Equal(t, tt.version, testkit.StrOr(addons[tt.addon].Input("addonVersion")))
			require.Equal(t, `{"enableNetworkPolicy":"true"}`, testkit.StrOr(addons["vpc-cni"].Input("configurationValues")))
			require.True(t, testkit.DependsOn(addons["aws-ebs-csi-driver"], "serviceAccountRoleArn", p.Named(tRole, "eks-ebs-csi").URN))
		})
	}
}
