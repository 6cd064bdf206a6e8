package registry

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Token is the component's type token.
const Token = "platform:registry:Registry"

// Registry is the set of ECR repositories.
type Registry struct {
	pulumi.ResourceState

	// RepositoryUrls maps each short repository name (e.g. "api") to its URL
	// "<account>.dkr.ecr.<region>.amazonaws.com/<NamePrefix>/api"; feed it to ImageRefOutput.
	RepositoryUrls pulumi.StringMapOutput
	// RepositoryArns maps each short repository name to its ARN (for IAM pull/push policies).
	RepositoryArns pulumi.StringMapOutput
	// RepositoryNames maps each short repository name to its full ECR name.
	RepositoryNames pulumi.StringMapOutput
	// Mirrors maps each pull through cache upstream (e.g. "docker-hub") to its mirror,
	// "<account>.dkr.ecr.<region>.amazonaws.com/<RepositoryPrefix>"; feed it to MirrorRef.
	Mirrors map[string]string
}

// NewRegistry validates args and registers one repository plus lifecycle policy per entry
// of Repositories (none with ReplicaOf), the replication of those repositories and the
// pull through cache rules.
func NewRegistry(ctx *pulumi.Context, name string, args *RegistryArgs, opts ...pulumi.ResourceOption) (*Registry, error) {
	if args == nil {
		return nil, errors.New("registry: RegistryArgs is required")
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, err
	}
	policy, err := lifecyclePolicy(a.UntaggedExpiryDays, a.KeepTagged)
	if err != nil {
		return nil, err
	}

	c := &Registry{}
	if err := ctx.RegisterComponentResource(Token, name, c, opts...); err != nil {
		return nil, err
	}

	urls, arns, names := pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}
	for _, r := range a.Repositories {
		if a.ReplicaOf != "" {
			// ECR created these when the primary replicated its first push; nothing to own.
			full := repositoryName(a.ReplicaOf, r)
			urls[r] = pulumi.String(host(a.AccountId, a.Region) + "/" + full)
			arns[r] = pulumi.String(fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", a.Region, a.AccountId, full))
			names[r] = pulumi.String(full)
			continue
		}
		full := repositoryName(a.NamePrefix, r)
		repo, err := ecr.NewRepository(ctx, name+"-"+r, &ecr.RepositoryArgs{
			Name: pulumi.String(full),
			// Immutable tags: a tag names one scanned, promoted build forever, so a
			// rollback to it is a rollback to the same bytes.
			ImageTagMutability: pulumi.String("IMMUTABLE"),
			ImageScanningConfiguration: &ecr.RepositoryImageScanningConfigurationArgs{
				ScanOnPush: pulumi.Bool(true),
			},
			EncryptionConfigurations: ecr.RepositoryEncryptionConfigurationArray{
				&ecr.RepositoryEncryptionConfigurationArgs{
					EncryptionType: pulumi.String("KMS"),
					KmsKey:         a.KmsKeyArn,
				},
			},
			// Deleting a repository that still holds images must fail, not empty it.
			ForceDelete: pulumi.Bool(false),
			Tags:        a.Tags.AWS(full),
		}, pulumi.Parent(c), pulumi.Protect(a.Protect))
		if err != nil {
			return nil, err
		}
		if _, err := ecr.NewLifecyclePolicy(ctx, name+"-"+r+"-lifecycle", &ecr.LifecyclePolicyArgs{
			Repository: repo.Name,
			Policy:     pulumi.String(policy),
		}, pulumi.Parent(c)); err != nil {
			return nil, err
		}
		urls[r] = repo.RepositoryUrl
		if a.AccountId != "" {
			// The URL is <registry host>/<name> by definition; built from the name (an
			// input), it is known in a preview and still depends on the repository, so a
			// preview shows the images workloads will run and policies can judge them.
			h := host(a.AccountId, a.Region)
			urls[r] = repo.Name.ApplyT(func(n string) string { return h + "/" + n }).(pulumi.StringOutput)
		}
		arns[r] = repo.Arn
		names[r] = repo.Name
	}
	if err := c.newReplication(ctx, name, a, policy); err != nil {
		return nil, err
	}
	if c.Mirrors, err = c.newPullThroughCaches(ctx, name, a); err != nil {
		return nil, err
	}
	c.RepositoryUrls = urls.ToStringMapOutput()
	c.RepositoryArns = arns.ToStringMapOutput()
	c.RepositoryNames = names.ToStringMapOutput()

	mirrors := pulumi.StringMap{}
	for k, v := range c.Mirrors {
		mirrors[k] = pulumi.String(v)
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"repositoryUrls":  c.RepositoryUrls,
		"repositoryArns":  c.RepositoryArns,
		"repositoryNames": c.RepositoryNames,
		"mirrors":         mirrors,
	}); err != nil {
		return nil, err
	}
	return c, nil
}
