package registry

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// newPullThroughCaches registers one rule per cache and lets the puller role create the
// cache repositories on first pull. It returns the mirror of each upstream.
func (c *Registry) newPullThroughCaches(ctx *pulumi.Context, name string, a RegistryArgs) (map[string]string, error) {
	mirrors := map[string]string{}
	if len(a.PullThroughCaches) == 0 {
		return mirrors, nil
	}
	var repos []string
	for _, pc := range a.PullThroughCaches {
		args := &ecr.PullThroughCacheRuleArgs{
			EcrRepositoryPrefix: pulumi.String(pc.RepositoryPrefix),
			UpstreamRegistryUrl: pulumi.String(Upstreams[pc.Upstream].URL),
		}
		if pc.CredentialArn != nil {
			args.CredentialArn = pc.CredentialArn
		}
		if _, err := ecr.NewPullThroughCacheRule(ctx, name+"-"+pc.Upstream, args, pulumi.Parent(c)); err != nil {
			return nil, err
		}
		mirrors[pc.Upstream] = host(a.AccountId, a.Region) + "/" + pc.RepositoryPrefix
		repos = append(repos, fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s/*", a.Region, a.AccountId, pc.RepositoryPrefix))
	}
	// AmazonEC2ContainerRegistryPullOnly lets the nodes pull, not import: the first pull
	// of an image through a cache needs BatchImportUpstreamImage and, for a repository
	// that does not exist yet, CreateRepository (ECR user guide, pull-through-cache-iam).
	policy, err := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid":      "PullThroughCache",
			"Effect":   "Allow",
			"Action":   []string{"ecr:BatchImportUpstreamImage", "ecr:CreateRepository"},
			"Resource": repos,
		}},
	})
	if err != nil {
		return nil, fmt.Errorf("registry: rendering the pull-through policy (please report): %w", err)
	}
	role := a.PullerRoleArn.ToStringOutput().ApplyT(roleName).(pulumi.StringOutput)
	if _, err := iam.NewRolePolicy(ctx, name+"-pull-through", &iam.RolePolicyArgs{
		Role:   role,
		Policy: pulumi.String(string(policy)),
	}, pulumi.Parent(c)); err != nil {
		return nil, err
	}
	return mirrors, nil
}

// roleName is the name of a role from its ARN, "arn:aws:iam::<acct>:role/<path/>name".
func roleName(arn string) (string, error) {
	_, res, ok := strings.Cut(arn, ":role/")
	if !ok || !strings.HasPrefix(arn, "arn:aws:iam::") {
		return "", fmt.Errorf("registry: PullerRoleArn %q is not an IAM role ARN", arn)
	}
	return res[strings.LastIndex(res, "/")+1:], nil
}

// newReplication replicates "<NamePrefix>/..." to the destination region and shapes the
// replicas ECR creates there: immutable tags (a tag is the same bytes in both regions)
// and the source's lifecycle policy. The replicas are AES256-encrypted: the source key is
// regional, and a template with a customer-managed key would need a custom IAM role.
func (c *Registry) newReplication(ctx *pulumi.Context, name string, a RegistryArgs, lifecycle string) error {
	r := a.Replication
	if r == nil {
		return nil
	}
	tpl, err := ecr.NewRepositoryCreationTemplate(ctx, name+"-replicas", &ecr.RepositoryCreationTemplateArgs{
		Prefix:             pulumi.String(a.NamePrefix),
		AppliedFors:        pulumi.StringArray{pulumi.String("REPLICATION")},
		Description:        pulumi.String("Replicas of " + a.NamePrefix + " from " + a.Region + " (managed by Pulumi)"),
		ImageTagMutability: pulumi.String("IMMUTABLE"),
		EncryptionConfigurations: ecr.RepositoryCreationTemplateEncryptionConfigurationArray{
			&ecr.RepositoryCreationTemplateEncryptionConfigurationArgs{EncryptionType: pulumi.String("AES256")},
		},
		LifecyclePolicy: pulumi.String(lifecycle),
	}, pulumi.Parent(c), pulumi.Provider(r.Provider))
	if err != nil {
		return err
	}
	// The template must exist before the first replica is created.
	_, err = ecr.NewReplicationConfiguration(ctx, name+"-replication", &ecr.ReplicationConfigurationArgs{
		ReplicationConfiguration: &ecr.ReplicationConfigurationReplicationConfigurationArgs{
			Rules: ecr.ReplicationConfigurationReplicationConfigurationRuleArray{
				&ecr.ReplicationConfigurationReplicationConfigurationRuleArgs{
					Destinations: ecr.ReplicationConfigurationReplicationConfigurationRuleDestinationArray{
						&ecr.ReplicationConfigurationReplicationConfigurationRuleDestinationArgs{
							Region: pulumi.String(r.Region), RegistryId: pulumi.String(a.AccountId),
						},
					},
					// Only this stack's repositories: the configuration is the registry's,
					// and other stacks of the account push to it too.
					RepositoryFilters: ecr.ReplicationConfigurationReplicationConfigurationRuleRepositoryFilterArray{
						&ecr.ReplicationConfigurationReplicationConfigurationRuleRepositoryFilterArgs{
							Filter: pulumi.String(a.NamePrefix + "/"), FilterType: pulumi.String("PREFIX_MATCH"),
						},
					},
				},
			},
		},
	}, pulumi.Parent(c), pulumi.DependsOn([]pulumi.Resource{tpl}))
	return err
}
