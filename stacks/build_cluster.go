package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/components/addons"
)

// buildAddons installs the cluster add-ons: AWS Load Balancer Controller, External
// Secrets, KEDA and metrics-server (third-party Helm charts, pinned). Namespaces and
// SecretStores belong to the in-cluster layer.
func (p *Platform) buildAddons(ctx *pulumi.Context) error {
	cfg := p.Config
	var err error
	p.Addons, err = addons.NewAddons(ctx, "addons", &addons.AddonsArgs{
		NamePrefix: cfg.NamePrefix(), ClusterName: p.Cluster.ClusterName, Region: cfg.Region,
		VpcId: p.Network.VpcId, OidcProviderArn: p.Cluster.OidcProviderArn, OidcIssuer: p.Cluster.OidcIssuer,
		HighAvailability:   cfg.Strict(),
		SecretsKmsKeyArn:   p.Secrets.SecretsKeyArn,
		KubernetesProvider: p.Cluster.Provider,
		Tags:               p.Tags,
	})
	return err
}
