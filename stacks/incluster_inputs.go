package stacks

import (
	"fmt"

	"github.com/generic-corp/platform/components/registry"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ClusterInputs carries every value the in-cluster layer takes from the AWS layer. The
// full program fills it from real resources (Platform.clusterInputs); the real-engine
// tests fill it from fixtures (InClusterFixtures), so the in-cluster layer can be
// deployed on its own with only a Kubernetes provider.
type ClusterInputs struct {
	// DbAddress is the RDS primary's host name; DbName the application database.
	DbAddress pulumi.StringInput
	DbName    string
	// RedisHosts maps a Redis group (queue, cache) to its primary endpoint host.
	RedisHosts map[string]pulumi.StringInput
	// VpcCidr bounds the workloads' egress NetworkPolicies.
	VpcCidr pulumi.StringInput
	// SecretNames maps a logical secret name to its Secrets Manager name.
	SecretNames map[string]string
	// RoleArns maps "<namespace>/<serviceaccount>" to the IRSA role that may read its secrets.
	RoleArns map[string]pulumi.StringInput
	// Images maps a repository (api, worker, temporal-worker, migrations) to a full reference.
	Images map[string]pulumi.StringInput
	// MirroredImages maps each Docker Hub image the layer runs (database.DefaultPgBouncerImage,
	// DefaultExporterImage, observability.DefaultRedisExporterImage) to the same image
	// through the stack's ECR pull-through cache. An image missing here is pulled from
	// Docker Hub directly.
	MirroredImages map[string]string
	// DataKmsKeyArn encrypts the monitoring volumes (the StorageClass's EBS key).
	DataKmsKeyArn pulumi.StringInput
	// Certificates and the regional web ACL of the load balancers the ingresses create.
	ApiCertificateArn, ApiWafArn, TemporalWebCertificateArn pulumi.StringInput
}

func (in ClusterInputs) role(g grant) (pulumi.StringInput, error) {
	arn, ok := in.RoleArns[g.key()]
	if !ok || arn == nil {
		return nil, fmt.Errorf("stacks: ClusterInputs.RoleArns has no role for %s (please report)", g.key())
	}
	return arn, nil
}

// InClusterFixtures are deterministic stand-ins for the AWS layer's outputs, shaped like
// the real ones, for deploying the in-cluster layer without AWS.
func InClusterFixtures(cfg *Config) ClusterInputs {
	const account = "123456789012"
	prefix := cfg.NamePrefix()
	in := ClusterInputs{
		DbAddress: pulumi.String(fmt.Sprintf("%s-postgres.cfixture0000.%s.rds.amazonaws.com", prefix, cfg.Region)),
		DbName:    "app",
		RedisHosts: map[string]pulumi.StringInput{
			"queue": pulumi.String(fmt.Sprintf("master.%s-queue.fixture.%s.cache.amazonaws.com", prefix, cfg.Region)),
			"cache": pulumi.String(fmt.Sprintf("master.%s-cache.fixture.%s.cache.amazonaws.com", prefix, cfg.Region)),
		},
		VpcCidr:                   pulumi.String(cfg.Network.VpcCidr),
		SecretNames:               map[string]string{},
		RoleArns:                  map[string]pulumi.StringInput{},
		Images:                    map[string]pulumi.StringInput{},
		ApiCertificateArn:         pulumi.String(fmt.Sprintf("arn:aws:acm:%s:%s:certificate/00000000-0000-4000-8000-000000000001", cfg.Region, account)),
		ApiWafArn:                 pulumi.String(fmt.Sprintf("arn:aws:wafv2:%s:%s:regional/webacl/%s-api/00000000-0000-4000-8000-000000000002", cfg.Region, account, prefix)),
		TemporalWebCertificateArn: pulumi.String(fmt.Sprintf("arn:aws:acm:%s:%s:certificate/00000000-0000-4000-8000-000000000003", cfg.Region, account)),
	}
	for _, g := range grants() {
		for _, s := range g.secrets {
			in.SecretNames[s] = prefix + "/" + s
		}
		in.RoleArns[g.key()] = pulumi.String(fmt.Sprintf("arn:aws:iam::%s:role/%s-%s-%s", account, prefix, g.namespace, g.serviceAccount))
	}
	in.MirroredImages = map[string]string{}
	mirror := fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", account, cfg.Region, dockerHubPrefix(cfg))
	for _, img := range dockerHubImages {
		ref, err := registry.MirrorRef(mirror, img)
		if err != nil {
			panic(fmt.Sprintf("stacks: fixture mirror of %s: %v; please report", img, err))
		}
		in.MirroredImages[img] = ref
	}
	for _, repo := range []string{"api", "worker", "temporal-worker", "migrations"} {
		in.Images[repo] = pulumi.String(fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s/%s:%s", account, cfg.Region, prefix, repo, cfg.Edge.ImageTag))
	}
	return in
}
