package tests

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/database"
	"github.com/generic-corp/platform/components/observability"
	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
)

// Defect 2 of issue 10 (in part): a DR rebuild finds its images in its own region, and
// third-party images come through registries we control.

const (
	tReplication = tokens.ECRReplicationConfiguration
	tTemplate    = tokens.ECRRepositoryCreationTemplate
	tPullThrough = tokens.ECRPullThroughCacheRule
	tRepository  = tokens.ECRRepository
	tRolePolicy  = tokens.IAMRolePolicy
)

func TestProdReplicatesItsImagesToTheDRRegion(t *testing.T) {
	p := capture(t, "prod", plan.Update)
	dr := stackConfig(t, "prod")["platform:drRegion"]
	require.Equal(t, "us-west-2", dr)

	rc := one(t, p, tReplication, nil)
	require.False(t, strings.Contains(rc.Provider, "::dr-region::"), "replication is configured on the primary registry")
	rule := "replicationConfiguration.rules[0]"
	require.Equal(t, dr, str(rc.Input(rule+".destinations[0].region")))
	require.Equal(t, plan.AccountID, str(rc.Input(rule+".destinations[0].registryId")))
	require.Equal(t, "PREFIX_MATCH", str(rc.Input(rule+".repositoryFilters[0].filterType")))
	require.Equal(t, "agent-platform-prod/", str(rc.Input(rule+".repositoryFilters[0].filter")),
		"only this stack's repositories: the configuration is the registry's, shared by every stack of the account")

	// Replicas are created by ECR; the template keeps their tags immutable like the sources'.
	tpl := one(t, p, tTemplate, nil)
	require.True(t, strings.Contains(tpl.Provider, "::dr-region::"), "the template lives in the destination region")
	require.Equal(t, "agent-platform-prod", str(tpl.Input("prefix")))
	require.Equal(t, []string{"REPLICATION"}, strs(tpl.Input("appliedFors")))
	require.Equal(t, "IMMUTABLE", str(tpl.Input("imageTagMutability")))

	require.Empty(t, capture(t, "staging", plan.Update).ByType(tReplication), "only prod's images are needed in DR")
}

func TestDRRunsTheReplicatedImages(t *testing.T) {
	p := capture(t, "dr", plan.Update)
	require.Empty(t, p.ByType(tRepository), "a DR rebuild creates no empty registry of its own")
	replicas := plan.AccountID + ".dkr.ecr.us-west-2.amazonaws.com/agent-platform-prod/"
	seen := map[string]bool{}
	for _, typ := range []string{tokens.K8sDeployment, tokens.K8sJob} {
		for _, r := range p.ByType(typ) {
			for _, c := range podContainers(r) {
				img := str(mapGet(c, "image"))
				for _, repo := range []string{"api", "worker", "temporal-worker", "migrations"} {
					if strings.Contains(img, "/"+repo+":") {
						require.Equal(t, replicas+repo+":v1.0.0", img, "%s/%s", r.Name, str(mapGet(c, "name")))
						seen[repo] = true
					}
				}
			}
		}
	}
	require.Len(t, seen, 4, "every one of our images is deployed: %v", seen)
	urls := p.Outputs.Get("repositoryUrls").AsMap()
	require.Equal(t, replicas+"api", urls.Get("api").AsString())
}

func TestDockerHubComesThroughAPullThroughCache(t *testing.T) {
	for _, stack := range stacksUnderTest {
		t.Run(stack, func(t *testing.T) {
			p := capture(t, stack, plan.Update)
			cfg := stackConfig(t, stack)
			rule := one(t, p, tPullThrough, nil)
			require.Equal(t, "registry-1.docker.io", str(rule.Input("upstreamRegistryUrl")))
			prefix := str(rule.Input("ecrRepositoryPrefix"))
			require.LessOrEqual(t, len(prefix), 30, "ECR limits the prefix to 30 characters")
			require.Equal(t, plan.AccountID+".dkr.ecr."+cfg["aws:region"]+".amazonaws.com/"+prefix, p.Outputs.Get("dockerHubMirror").AsString())

			// Docker Hub needs credentials; ECR's service-linked role reads them with
			// secretsmanager:GetSecretValue only, so the secret uses the AWS-managed key.
			creds := one(t, p, tSecret, func(r *plan.Resource) bool { return str(r.Output("arn")) == str(rule.Input("credentialArn")) })
			require.Equal(t, "ecr-pullthroughcache/agent-platform-"+stack+"/docker-hub", str(creds.Input("name")))
			require.True(t, creds.Input("kmsKeyId").IsNull(), "the pull-through role cannot decrypt with our CMK")

			// The first pull of an image through the cache creates its repository: the nodes
			// need BatchImportUpstreamImage and CreateRepository under the prefix.
			pol := one(t, p, tRolePolicy, func(r *plan.Resource) bool {
				return strings.Contains(str(r.Input("policy")), "BatchImportUpstreamImage")
			})
			var doc struct {
				Statement []struct {
					Action   []string
					Resource []string
				}
			}
			require.NoError(t, json.Unmarshal([]byte(str(pol.Input("policy"))), &doc))
			require.Len(t, doc.Statement, 1)
			require.ElementsMatch(t, []string{"ecr:BatchImportUpstreamImage", "ecr:CreateRepository"}, doc.Statement[0].Action)
			require.Equal(t, []string{"arn:aws:ecr:" + cfg["aws:region"] + ":" + plan.AccountID + ":repository/" + prefix + "/*"}, doc.Statement[0].Resource)
			node := one(t, p, tokens.IAMRole, func(r *plan.Resource) bool { return r.Name == "cluster-node" })
			require.Equal(t, str(node.Output("name")), str(pol.Input("role")))

			// Every Docker Hub image the platform runs has its reference through the cache.
			mirror := p.Outputs.Get("dockerHubMirror").AsString()
			mirrored := p.Outputs.Get("mirroredImages").AsMap()
			for _, img := range []string{database.DefaultPgBouncerImage, database.DefaultExporterImage, observability.DefaultRedisExporterImage} {
				require.Equal(t, mirror+"/"+img, mirrored.Get(img).AsString(), img)
			}
		})
	}
}
