package registry_test

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/registry"
	"github.com/generic-corp/platform/plan"
)

const (
	typeRule        = "aws:ecr/pullThroughCacheRule:PullThroughCacheRule"
	typeReplication = "aws:ecr/replicationConfiguration:ReplicationConfiguration"
	typeTemplate    = "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate"
	typeRolePolicy  = "aws:iam/rolePolicy:RolePolicy"
	credArn         = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/platform-prod/docker-hub-AbCdEf"
	nodeRole        = "arn:aws:iam::123456789012:role/platform-prod-eks-node"
)

func sourcesProgram(args *registry.RegistryArgs, dr bool) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		if dr {
			p, err := aws.NewProvider(ctx, "dr-region", &aws.ProviderArgs{Region: pulumi.String("us-west-2")})
			if err != nil {
				return err
			}
			args.Replication = &registry.ReplicationArgs{Region: "us-west-2", Provider: p}
		}
		r, err := registry.NewRegistry(ctx, "registry", args)
		if err != nil {
			return err
		}
		ctx.Export("urls", r.RepositoryUrls)
		ctx.Export("mirror", pulumi.String(r.Mirrors["docker-hub"]))
		return nil
	}
}

func primaryArgs() *registry.RegistryArgs {
	return &registry.RegistryArgs{
		NamePrefix: "platform-prod", KmsKeyArn: pulumi.String(keyArn), Tags: stackTags,
		AccountId: "123456789012", Region: "us-east-1", PullerRoleArn: pulumi.String(nodeRole),
		PullThroughCaches: []registry.PullThroughCacheArgs{{
			Upstream: "docker-hub", RepositoryPrefix: "platform-prod-docker-hub", CredentialArn: pulumi.String(credArn),
		}},
	}
}

func TestPrimaryReplicatesAndCaches(t *testing.T) {
	p, err := plan.Capture(sourcesProgram(primaryArgs(), true), plan.Options{Mode: plan.Preview})
	require.NoError(t, err)
	comp := p.Named(registry.Token, "registry")

	rule := p.Named(typeRule, "registry-docker-hub")
	require.NotNil(t, rule)
	require.Equal(t, comp.URN, rule.Parent)
	require.Equal(t, "registry-1.docker.io", rule.Input("upstreamRegistryUrl").AsString())
	require.Equal(t, "platform-prod-docker-hub", rule.Input("ecrRepositoryPrefix").AsString())
	require.Equal(t, credArn, rule.Input("credentialArn").AsString())
	require.Equal(t, "123456789012.dkr.ecr.us-east-1.amazonaws.com/platform-prod-docker-hub", p.Outputs.Get("mirror").AsString())

	pol := p.Named(typeRolePolicy, "registry-pull-through")
	require.NotNil(t, pol)
	require.Equal(t, "platform-prod-eks-node", pol.Input("role").AsString())
	var doc struct {
		Statement []struct{ Action, Resource []string }
	}
	require.NoError(t, json.Unmarshal([]byte(pol.Input("policy").AsString()), &doc))
	require.Equal(t, []string{"arn:aws:ecr:us-east-1:123456789012:repository/platform-prod-docker-hub/*"}, doc.Statement[0].Resource)

	rc := p.Named(typeReplication, "registry-replication")
	require.NotNil(t, rc)
	require.Equal(t, "us-west-2", rc.Input("replicationConfiguration.rules[0].destinations[0].region").AsString())
	require.Equal(t, "123456789012", rc.Input("replicationConfiguration.rules[0].destinations[0].registryId").AsString())
	require.Equal(t, "platform-prod/", rc.Input("replicationConfiguration.rules[0].repositoryFilters[0].filter").AsString())
	tpl := p.Named(typeTemplate, "registry-replicas")
	require.NotNil(t, tpl)
	require.Contains(t, tpl.Provider, "::dr-region::")
	require.Contains(t, rc.Dependencies, tpl.URN, "replicas are shaped by the template from the first one")
	require.Equal(t, "IMMUTABLE", tpl.Input("imageTagMutability").AsString())
	require.Equal(t, "AES256", tpl.Input("encryptionConfigurations[0].encryptionType").AsString())
	require.Equal(t, p.ByType(typeLifecycle)[0].Input("policy"), tpl.Input("lifecyclePolicy"))
}

func TestReplicaRegistryCreatesNothing(t *testing.T) {
	args := &registry.RegistryArgs{NamePrefix: "platform-dr", ReplicaOf: "platform-prod", AccountId: "123456789012", Region: "us-west-2", Tags: stackTags}
	p, err := plan.Capture(sourcesProgram(args, false), plan.Options{Mode: plan.Preview})
	require.NoError(t, err)
	require.Empty(t, p.ByType(typeRepo))
	require.Empty(t, p.ByType(typeLifecycle))
	urls := p.Outputs.Get("urls").AsMap()
	require.Equal(t, "123456789012.dkr.ecr.us-west-2.amazonaws.com/platform-prod/api", urls.Get("api").AsString(), "known in a preview")
}

func TestSourcesValidation(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(a *registry.RegistryArgs)
		want   string
	}{
		{"no account", func(a *registry.RegistryArgs) { a.AccountId = "" }, `AccountId "" is not allowed`},
		{"bad upstream", func(a *registry.RegistryArgs) { a.PullThroughCaches[0].Upstream = "dockerhub" }, `Upstream "dockerhub" is not allowed (one of docker-hub, ecr-public`},
		{"no credential", func(a *registry.RegistryArgs) { a.PullThroughCaches[0].CredentialArn = nil }, "CredentialArn is required for docker-hub"},
		{"long prefix", func(a *registry.RegistryArgs) {
			a.PullThroughCaches[0].RepositoryPrefix = "agent-platform-staging-docker-hub"
		},
			`RepositoryPrefix "agent-platform-staging-docker-hub" is not allowed (2 to 30`},
		{"inside our namespace", func(a *registry.RegistryArgs) { a.PullThroughCaches[0].RepositoryPrefix = "platform-prod/hub" }, "would share the namespace"},
		{"no puller", func(a *registry.RegistryArgs) { a.PullerRoleArn = nil }, "PullerRoleArn is required"},
		{"replica replicates", func(a *registry.RegistryArgs) {
			a.ReplicaOf = "platform-prod"
			a.Replication = &registry.ReplicationArgs{Region: "us-west-2"}
		}, "Replication is not allowed with ReplicaOf"},
		{"replicate to itself", func(a *registry.RegistryArgs) { a.Replication = &registry.ReplicationArgs{Region: "us-east-1"} },
			`Replication.Region "us-east-1" is not allowed (it is the registry's own region`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := primaryArgs()
			tc.mutate(args)
			p, err := plan.Capture(sourcesProgram(args, false), plan.Options{Mode: plan.Preview})
			require.ErrorContains(t, err, tc.want)
			require.Empty(t, p.ByType(registry.Token), "nothing registered before validation")
		})
	}
}

func TestMirrorRef(t *testing.T) {
	const m = "123456789012.dkr.ecr.us-east-1.amazonaws.com/hub"
	cases := []struct{ in, want, err string }{
		{"edoburu/pgbouncer:v1.24.1-p0", m + "/edoburu/pgbouncer:v1.24.1-p0", ""},
		{"prometheuscommunity/pgbouncer-exporter:v0.12.1", m + "/prometheuscommunity/pgbouncer-exporter:v0.12.1", ""},
		{"oliver006/redis_exporter:v1.88.0", m + "/oliver006/redis_exporter:v1.88.0", ""},
		{"redis:7.4", m + "/library/redis:7.4", ""},
		{"docker.io/library/redis:7.4", m + "/library/redis:7.4", ""},
		{"redis@sha256:" + sha, m + "/library/redis@sha256:" + sha, ""},
		{"quay.io/prometheus/node-exporter:v1.9.0", "", "is not on Docker Hub"},
		{"edoburu/pgbouncer", "", "image tag is empty"},
		{"edoburu/pgbouncer:latest", "", "not allowed"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := registry.MirrorRef(m, tc.in)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

const sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
