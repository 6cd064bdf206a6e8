package stacks

import (
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/components/observability"
	"github.com/generic-corp/platform/components/secrets"
	"github.com/generic-corp/platform/components/services"
	"github.com/generic-corp/platform/components/temporal"
)

// Identity is the AWS side of the in-cluster layer: the IRSA roles of every Secrets
// Manager reader and the secrets that in-cluster services own (Temporal's database
// password, Grafana's admin login).
type Identity struct {
	SecretNames map[string]string
	SecretArns  map[string]pulumi.StringInput
	Roles       map[string]*services.StoreRole
	// Ready is what the in-cluster layer waits for: the secrets hold values and the
	// roles exist before any ExternalSecret reads them.
	Ready []pulumi.Resource
}

func (p *Platform) buildIdentity(ctx *pulumi.Context, accountID string) error {
	cfg := p.Config
	prefix := cfg.NamePrefix()
	id := &Identity{SecretNames: map[string]string{}, SecretArns: map[string]pulumi.StringInput{}, Roles: map[string]*services.StoreRole{}}
	p.Identity = id
	for logical, name := range p.Secrets.SecretNames {
		id.SecretNames[logical] = name
		id.SecretArns[logical] = p.Secrets.SecretArns.MapIndex(pulumi.String(logical))
	}
	tdb, err := temporal.NewDbSecret(ctx, "temporal-db-secret", &temporal.DbSecretArgs{
		NamePrefix: prefix, SecretsKmsKeyArn: p.Secrets.SecretsKeyArn, RecoveryWindowInDays: cfg.SecretRecoveryWindowDays,
		ForceDelete: cfg.DR.RepeatableDrill, Protect: cfg.Strict(), Tags: p.Tags,
	})
	if err != nil {
		return err
	}
	id.SecretNames[temporalDbSecret], id.SecretArns[temporalDbSecret] = temporal.DbSecretName(prefix), tdb.Arn
	graf, err := observability.NewGrafanaAdminSecret(ctx, "grafana-admin-secret", &observability.GrafanaAdminSecretArgs{
		NamePrefix: prefix, SecretsKmsKeyArn: p.Secrets.SecretsKeyArn, RecoveryWindowInDays: cfg.SecretRecoveryWindowDays,
		ForceDelete: cfg.DR.RepeatableDrill, Protect: cfg.Strict(), Tags: p.Tags,
	})
	if err != nil {
		return err
	}
	id.SecretNames[grafanaSecret], id.SecretArns[grafanaSecret] = observability.GrafanaAdminSecretName(prefix), graf.Arn
	id.Ready = append(id.Ready, p.Secrets, tdb, graf)

	for _, g := range grants() {
		arns := make([]pulumi.StringInput, 0, len(g.secrets))
		for _, s := range g.secrets {
			arns = append(arns, id.SecretArns[s])
		}
		args := &services.StoreRoleArgs{
			NamePrefix: prefix, Namespace: g.namespace, ServiceAccountName: g.serviceAccount, SecretArns: arns,
			KmsKeyArn: p.Secrets.SecretsKeyArn, Region: cfg.Region,
			OidcProviderArn: p.Cluster.OidcProviderArn, OidcIssuer: p.Cluster.OidcIssuer, Tags: p.Tags,
		}
		if p.Secrets.ReplicaKeyAlias != "" && readsOperatorSecrets(g) {
			// Another stack's replicas, under that stack's replica key in this region.
			args.ReplicaKeyAlias, args.AccountId = p.Secrets.ReplicaKeyAlias, pulumi.String(accountID)
		}
		role, err := services.NewStoreRole(ctx, "irsa-"+g.namespace+"-"+g.serviceAccount, args)
		if err != nil {
			return err
		}
		id.Roles[g.key()] = role
		id.Ready = append(id.Ready, role)
	}
	return nil
}

// clusterInputs hands the AWS layer's real outputs to the in-cluster layer.
func (p *Platform) clusterInputs() ClusterInputs {
	in := ClusterInputs{
		DbAddress: p.Database.Address, DbName: p.Database.DbName,
		RedisHosts: map[string]pulumi.StringInput{}, VpcCidr: p.Network.VpcCidr,
		SecretNames: p.Identity.SecretNames, RoleArns: map[string]pulumi.StringInput{}, Images: map[string]pulumi.StringInput{},
		DataKmsKeyArn: p.Secrets.DataKeyArn, ApiCertificateArn: p.Edge.ApiCertArn, ApiWafArn: p.Edge.ApiWafArn, TemporalWebCertificateArn: p.Edge.TemporalWebCertArn,
	}
	for role, g := range p.Cache.Groups {
		in.RedisHosts[role] = g.PrimaryEndpoint
	}
	for key, r := range p.Identity.Roles {
		in.RoleArns[key] = r.RoleArn
	}
	for repo, ref := range p.Edge.Images {
		in.Images[repo] = ref
	}
	in.MirroredImages = p.Edge.MirroredImages
	return in
}

// readsOperatorSecrets reports whether a grant reads an operator-filled secret.
func readsOperatorSecrets(g grant) bool {
	for _, s := range g.secrets {
		if slices.Contains(externalSecretNames(), s) {
			return true
		}
	}
	return false
}

// operatorSecretReplicas: prod replicates its operator-filled secrets to the DR region,
// and a dr stack reads those replicas, so a rebuild has prod's values without anyone
// copying them (docs/disaster-recovery.md).
func operatorSecretReplicas(cfg *Config, drProvider *aws.Provider) (*secrets.ReplicaArgs, *secrets.OperatorSource) {
	switch cfg.Environment {
	case "prod":
		return &secrets.ReplicaArgs{Region: cfg.DRRegion, Provider: drProvider}, nil
	case "dr":
		return nil, &secrets.OperatorSource{NamePrefix: cfg.ServiceName + "-" + primaryStack}
	}
	return nil, nil
}
