package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/components/addons"
	"github.com/generic-corp/platform/components/secrets"
	"github.com/generic-corp/platform/components/temporal"
)

// Namespaces of the in-cluster layer.
const (
	nsData     = "data"     // PgBouncer
	nsApps     = "platform" // API, workers, Temporal workers, migrations
	nsTemporal = "temporal" // Temporal server
)

// Operator-filled secrets besides the application's: Alertmanager's receivers.
const (
	pagerDutySecret = "pagerduty-routing-key"
	slackSecret     = "slack-alerts-webhook"
)

// externalSecretNames is every operator-filled placeholder the stack creates.
func externalSecretNames() []string {
	return append(append([]string{}, secrets.DefaultExternalSecrets...), pagerDutySecret, slackSecret)
}

// buildAddons installs the cluster add-ons (AWS Load Balancer Controller, External
// Secrets, KEDA, metrics-server) and the namespaces whose SecretStores other components
// use: PgBouncer's and Temporal's. Workloads bring their own store and IRSA role.
func (p *Platform) buildAddons(ctx *pulumi.Context, accountID string) error {
	cfg := p.Config
	dbSecret := p.Secrets.SecretArns.MapIndex(pulumi.String(secrets.DbSecret))
	// The Temporal component creates its secret later; its ARN ends in a random suffix.
	temporalSecret := pulumi.String(fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-??????",
		cfg.Region, accountID, temporal.DbSecretName(cfg.NamePrefix())))
	var err error
	p.Addons, err = addons.NewAddons(ctx, "addons", &addons.AddonsArgs{
		NamePrefix: cfg.NamePrefix(), ClusterName: p.Cluster.ClusterName, Region: cfg.Region,
		VpcId: p.Network.VpcId, OidcProviderArn: p.Cluster.OidcProviderArn, OidcIssuer: p.Cluster.OidcIssuer,
		HighAvailability: cfg.Strict(),
		SecretStores: []addons.NamespaceStoreArgs{
			{Namespace: nsData, CreateNamespace: true, SecretArns: []pulumi.StringInput{dbSecret}},
			{Namespace: nsTemporal, CreateNamespace: true, SecretArns: []pulumi.StringInput{dbSecret, temporalSecret}},
		},
		SecretsKmsKeyArn:   p.Secrets.SecretsKeyArn,
		KubernetesProvider: p.Cluster.Provider,
		Tags:               p.Tags,
	})
	return err
}

// storeReady is what an in-cluster component waits for in a namespace the add-ons
// created: the charts (CRDs), the namespace and its SecretStore.
func (p *Platform) storeReady(namespace string) []pulumi.Resource {
	deps := append([]pulumi.Resource{}, p.Addons.Ready...)
	if ns, ok := p.Addons.Namespaces[namespace]; ok {
		deps = append(deps, ns)
	}
	if st, ok := p.Addons.SecretStores[namespace]; ok {
		deps = append(deps, st)
	}
	return deps
}
