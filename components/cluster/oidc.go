package cluster

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// eksOIDCThumbprint is the SHA-1 thumbprint of the root CA behind every
// oidc.eks.<region>.amazonaws.com issuer, the value eksctl and the EKS docs have used for
// years. IAM no longer checks thumbprints for issuers it trusts through its own root-CA
// library (which covers EKS), so this value only has to be well-formed; pinning a
// documented constant keeps the plan free of a TLS look-up at deploy time.
const eksOIDCThumbprint = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"

// stsAudience is the audience IRSA tokens are minted for.
const stsAudience = "sts.amazonaws.com"

// newOIDCProvider registers the IAM OIDC provider for the cluster's issuer, so service
// accounts can assume IAM roles (IRSA). It returns the provider and the issuer without
// its https:// scheme.
func newOIDCProvider(ctx *pulumi.Context, name string, a *ClusterArgs, cluster *eks.Cluster, parent pulumi.ResourceOption) (*iam.OpenIdConnectProvider, pulumi.StringOutput, error) {
	issuerURL := cluster.Identities.ApplyT(func(ids []eks.ClusterIdentity) string {
		if len(ids) == 0 || len(ids[0].Oidcs) == 0 || ids[0].Oidcs[0].Issuer == nil {
			return ""
		}
		return *ids[0].Oidcs[0].Issuer
	}).(pulumi.StringOutput)

	provider, err := iam.NewOpenIdConnectProvider(ctx, name, &iam.OpenIdConnectProviderArgs{
		Url:             issuerURL,
		ClientIdLists:   pulumi.StringArray{pulumi.String(stsAudience)},
		ThumbprintLists: pulumi.StringArray{pulumi.String(eksOIDCThumbprint)},
		Tags:            a.Tags.AWS(Name(a.NamePrefix) + "-irsa"),
	}, parent)
	if err != nil {
		return nil, pulumi.StringOutput{}, err
	}
	return provider, issuerURL.ApplyT(trimScheme).(pulumi.StringOutput), nil
}

func trimScheme(url string) string { return strings.TrimPrefix(url, "https://") }

// IRSATrustPolicy returns the assume-role policy for an IAM role that exactly one
// Kubernetes service account may assume through the cluster's OIDC provider. Both the
// `:sub` condition (which service account) and the `:aud` condition (tokens minted for
// STS) are set: without `:sub` any pod in the cluster could assume the role.
//
// oidcIssuer may be given with or without its https:// scheme.
func IRSATrustPolicy(oidcProviderArn, oidcIssuer pulumi.StringInput, namespace, serviceAccount string) pulumi.StringOutput {
	return pulumi.All(oidcProviderArn, oidcIssuer).ApplyT(func(v []any) (string, error) {
		arn, issuer := v[0].(string), trimScheme(v[1].(string))
		if namespace == "" || serviceAccount == "" {
			return "", fmt.Errorf("IRSATrustPolicy: namespace %q and serviceAccount %q must both be set; an empty one would not match any service account", namespace, serviceAccount)
		}
		return mustJSON(map[string]any{
			"Version": "2012-10-17",
			"Statement": []any{map[string]any{
				"Effect":    "Allow",
				"Principal": map[string]any{"Federated": arn},
				"Action":    "sts:AssumeRoleWithWebIdentity",
				"Condition": map[string]any{
					"StringEquals": map[string]any{
						issuer + ":sub": "system:serviceaccount:" + namespace + ":" + serviceAccount,
						issuer + ":aud": stsAudience,
					},
				},
			}},
		}), nil
	}).(pulumi.StringOutput)
}
