package rules

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
)

func viaProvider(urn string) opt { return func(r *Resource) { r.Provider = urn } }

func parentedTo(urn string) opt { return func(r *Resource) { r.Parent = urn } }

const (
	ecrProd   = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
	ecrDR     = "123456789012.dkr.ecr.us-west-2.amazonaws.com"
	hubPrefix = "agent-platform-prod-docker-hub"
)

var (
	vpcURN      = urnOf(tokens.EC2VPC, "network")
	privateURN  = urnOf(tokens.EC2Subnet, "network-private-a")
	dataURN     = urnOf(tokens.EC2Subnet, "network-data-a")
	clusterURN  = urnOf(tokens.EKSCluster, "cluster")
	k8sProvURN  = urnOf(tokens.ProviderK8s, "cluster")
	deployerSG  = urnOf(tokens.EC2SecurityGroup, "deployer")
	deployerURN = urnOf(tokens.CodeBuildProject, "deployer")
	ingressURN  = urnOf(tokens.VPCSecurityGroupIngressRule, "deployer-to-control-plane")
)

// reachStack: a private-only cluster, a namespace on its Kubernetes provider, and the
// runner (project, security group, ingress rule on the cluster security group). cluster
// replaces the cluster's vpcConfig; drop removes resources by URN; extra adds or replaces.
func reachStack(cluster map[string]any, drop []string, extra ...Resource) Stack {
	if cluster == nil {
		cluster = map[string]any{"endpointPrivateAccess": true, "endpointPublicAccess": false, "subnetIds": []any{unk}}
	}
	rtURN, natURN := urnOf(tokens.EC2RouteTable, "private-a"), urnOf(tokens.EC2NatGateway, "a")
	rs := []Resource{
		res(tokens.EC2VPC, "network", map[string]any{"cidrBlock": "10.30.0.0/16"}),
		res(tokens.EC2Subnet, "network-private-a", map[string]any{"vpcId": unk, "cidrBlock": "10.30.0.0/19"}, deps("vpcId", vpcURN)),
		res(tokens.EC2Subnet, "network-data-a", map[string]any{"vpcId": unk, "cidrBlock": "10.30.224.0/22"}, deps("vpcId", vpcURN)),
		res(tokens.EC2NatGateway, "a", map[string]any{"subnetId": unk}),
		res(tokens.EC2RouteTable, "private-a", map[string]any{"vpcId": unk}, deps("vpcId", vpcURN)),
		res(tokens.EC2RouteTableAssociation, "private-a", map[string]any{"subnetId": unk, "routeTableId": unk}, deps("subnetId", privateURN), deps("routeTableId", rtURN)),
		res(tokens.EC2Route, "private-a-default", map[string]any{"destinationCidrBlock": "0.0.0.0/0", "natGatewayId": unk, "routeTableId": unk},
			deps("natGatewayId", natURN), deps("routeTableId", rtURN)),
		res(tokens.EKSCluster, "cluster", map[string]any{"vpcConfig": cluster}, deps("vpcConfig", privateURN)),
		res(tokens.ProviderK8s, "cluster", map[string]any{"kubeconfig": unk}, deps("kubeconfig", clusterURN)),
		res(tokens.K8sNamespace, "platform", map[string]any{"metadata": map[string]any{"name": "platform"}}, viaProvider(k8sProvURN)),
		res(tokens.EC2SecurityGroup, "deployer", map[string]any{"vpcId": unk, "description": "runner"}, deps("vpcId", vpcURN)),
		res(tokens.CodeBuildProject, "deployer", map[string]any{"vpcConfig": map[string]any{"vpcId": unk, "subnets": []any{unk}, "securityGroupIds": []any{unk}}},
			deps("vpcConfig", vpcURN, privateURN, deployerSG)),
		res(tokens.VPCSecurityGroupIngressRule, "deployer-to-control-plane", map[string]any{"securityGroupId": unk, "referencedSecurityGroupId": unk,
			"ipProtocol": "tcp", "fromPort": 443, "toPort": 443}, deps("securityGroupId", clusterURN), deps("referencedSecurityGroupId", deployerSG)),
	}
	rs = slices.DeleteFunc(rs, func(r Resource) bool { return slices.Contains(drop, r.URN) })
	return stack("prod", withResources(rs, extra)...)
}

func container(name string, image any) map[string]any {
	return map[string]any{"name": name, "image": image}
}

func workload(typ, name string, init, containers []any) Resource {
	spec := map[string]any{"containers": containers}
	if init != nil {
		spec["initContainers"] = init
	}
	return k8sObj(typ, "platform", name, map[string]any{"template": map[string]any{"spec": spec}})
}

// imageStack: our API from its repository, an init container and a chart's server image
// through the Docker Hub cache.
func imageStack(name string, extra ...Resource) Stack {
	rs := []Resource{
		res(tokens.ECRRepository, "registry-api", map[string]any{"name": "agent-platform-prod/api"}),
		res(tokens.ECRPullThroughCacheRule, "registry-docker-hub", map[string]any{"ecrRepositoryPrefix": hubPrefix, "upstreamRegistryUrl": "registry-1.docker.io"}),
		workload(tokens.K8sDeployment, "api", []any{container("wait", ecrProd+"/"+hubPrefix+"/library/busybox:1.37")},
			[]any{container("api", ecrProd+"/agent-platform-prod/api:v1.0.0")}),
		res(tokens.K8sHelmChart, "temporal", map[string]any{"values": map[string]any{"server": map[string]any{
			"image": map[string]any{"repository": ecrProd + "/" + hubPrefix + "/temporalio/server", "tag": "1.31.2"}}}}),
	}
	s := stack(name, rs...)
	s.Resources = append(s.Resources, extra...)
	return s
}

func zoneStack(zone string, withRecord bool, recOpts ...opt) Stack {
	z := res(tokens.Route53Zone, "dns-zone", map[string]any{"name": zone})
	rs := []Resource{z}
	if withRecord {
		opts := append([]opt{deps("records", z.URN)}, recOpts...)
		rs = append(rs, res(tokens.Route53Record, "dns-delegation", map[string]any{"type": "NS", "name": zone + ".", "records": unk,
			"zoneId": "ZPARENT", "ttl": 172800}, opts...))
	}
	return stack("staging", rs...)
}

func (s Stack) with(rs ...Resource) Stack {
	s.Resources = append(slices.Clone(s.Resources), rs...)
	return s
}

func secretStack(version bool, versionOpts ...opt) Stack {
	s := res(tokens.SecretsManagerSecret, "secrets-anthropic-api-key", map[string]any{"name": "agent-platform-prod/anthropic-api-key", "kmsKeyId": keyARN})
	rs := []Resource{s}
	if version {
		rs = append(rs, res(tokens.SecretsManagerSecretVersion, "secrets-anthropic-api-key", map[string]any{"secretId": unk, "secretString": sec("REPLACE_ME"),
			"versionStages": []any{"PLATFORM_PLACEHOLDER"}}, versionOpts...))
	}
	return stack("prod", rs...)
}

func rehearsalCases() []ruleCase {
	return []ruleCase{
		{id: "deploy-endpoint-reachable", pass: reachStack(nil, nil), fail: reachStack(nil, []string{ingressURN}),
			failMsg: `phase "deploy" creates 1 resource(s) that call the Kubernetes API (e.g. Namespace "platform") on executor "vpc-runner"`,
			unknown: reachStack(map[string]any{"endpointPrivateAccess": true, "endpointPublicAccess": unk, "subnetIds": []any{unk}}, nil)},
		{id: "deploy-artifacts-provided", pass: imageStack("prod"),
			fail:    imageStack("prod", workload(tokens.K8sDeployment, "thing", nil, []any{container("thing", "ghcr.io/example/thing:1.0")})),
			failMsg: `Deployment "platform-thing": container "thing" runs ghcr.io/example/thing:1.0 (example/thing:1.0)`,
			unknown: imageStack("prod", workload(tokens.K8sDeployment, "thing", nil, []any{container("thing", unk)}))},
		{id: "deploy-zone-delegated", pass: zoneStack("staging.generic-corp.io", true), fail: zoneStack("staging.generic-corp.io", false),
			failMsg: "staging.generic-corp.io is a subdomain, but no NS record named staging.generic-corp.io in another zone",
			unknown: stack("staging", res(tokens.Route53Zone, "dns-zone", map[string]any{"name": "staging.generic-corp.io"}),
				res(tokens.Route53Record, "dns-delegation", map[string]any{"type": "NS", "name": "staging.generic-corp.io", "records": unk, "zoneId": "ZPARENT"}))},
		{id: "deploy-secret-has-version", pass: secretStack(true, deps("secretId", urnOf(tokens.SecretsManagerSecret, "secrets-anthropic-api-key"))),
			fail: secretStack(false), failMsg: "agent-platform-prod/anthropic-api-key has no aws.secretsmanager.SecretVersion",
			unknown: secretStack(true)},
	}
}

func TestPartitionFollowsTheKubernetesProvider(t *testing.T) {
	t.Parallel()
	comp := Resource{URN: urnOf("platform:services:Workload", "api"), Type: "platform:services:Workload", Name: "api"}
	ns := urnOf(tokens.K8sNamespace, "platform")
	s := reachStack(nil, nil,
		comp,
		res(tokens.K8sDeployment, "api", map[string]any{}, parentedTo(comp.URN), viaProvider(k8sProvURN)),
		res(tokens.K8sConfigMap, "child", map[string]any{}, parentedTo(urnOf(tokens.K8sDeployment, "api"))),
		res(tokens.Route53Record, "api-record", map[string]any{"records": []any{unk}}, deps("records", urnOf(tokens.K8sIngress, "api"))),
		res(tokens.K8sIngress, "api", map[string]any{}, deps("metadata", ns)),
	)
	p := PartitionOf(s)
	require.Equal(t, []string{k8sProvURN}, p.K8sProviders)
	for _, urn := range []string{k8sProvURN, ns, urnOf(tokens.K8sDeployment, "api"), urnOf(tokens.K8sConfigMap, "child"), urnOf(tokens.K8sIngress, "api"),
		urnOf(tokens.Route53Record, "api-record")} {
		require.Equal(t, PhaseDeploy, p.PhaseOf(urn), urn)
	}
	for _, urn := range []string{clusterURN, comp.URN, deployerURN, vpcURN} {
		require.Equal(t, PhaseBootstrap, p.PhaseOf(urn), "%s: a parent of a dependent is not one", urn)
	}
	require.Len(t, append(p.Bootstrap, p.Deploy...), len(s.Resources))
	require.Equal(t, []string{k8sProvURN}, p.Excluded)
}

// TestWebhookIsDeferred: the runner's webhook waits for the GitHub connection, so bootstrap
// excludes it and the runner-webhook phase creates it (and what depends on it).
func TestWebhookIsDeferred(t *testing.T) {
	t.Parallel()
	hook := res(tokens.CodeBuildWebhook, "deployer", map[string]any{"projectName": "agent-platform-prod-deployer"},
		deps("projectName", deployerURN))
	after := res(tokens.SSMParameter, "hook-url", map[string]any{"value": unk}, deps("value", hook.URN))
	both := res(tokens.SSMParameter, "both", map[string]any{"value": unk}, deps("value", hook.URN, k8sProvURN))
	p := PartitionOf(reachStack(nil, nil, hook, after, both))
	require.Equal(t, []string{k8sProvURN, hook.URN}, p.Excluded)
	require.Equal(t, []string{hook.URN, after.URN}, p.ByPhase[PhaseRunnerWebhook])
	require.Equal(t, PhaseDeploy, p.PhaseOf(both.URN), "deploy runs last: what needs both waits for it")
	require.Equal(t, PhaseBootstrap, p.PhaseOf(deployerURN))

	r := Rehearse(reachStack(nil, nil, hook))
	i := slices.IndexFunc(r.Phases, func(v PhaseView) bool { return v.Name == PhaseRunnerWebhook })
	require.Equal(t, []string{"pulumi up -s prod --target '" + hook.URN + "'"}, r.Phases[i].Run)
	require.Equal(t, []string{"aws codebuild batch-get-projects --names agent-platform-prod-deployer --query 'projects[0].webhook.url'"}, r.Phases[i].Verify)
	require.Contains(t, r.Phases[1].Run[0], "--exclude '"+k8sProvURN+"' --exclude '"+hook.URN+"' --exclude-dependents")
}

func TestEndpointReachability(t *testing.T) {
	t.Parallel()
	open := map[string]any{"endpointPrivateAccess": false, "endpointPublicAccess": true, "publicAccessCidrs": []any{"0.0.0.0/0"}, "subnetIds": []any{unk}}
	cidrs := map[string]any{"endpointPrivateAccess": false, "endpointPublicAccess": true, "publicAccessCidrs": []any{"203.0.113.0/24"}, "subnetIds": []any{unk}}
	both := map[string]any{"endpointPrivateAccess": true, "endpointPublicAccess": true, "publicAccessCidrs": []any{"203.0.113.0/24"}, "subnetIds": []any{unk}}
	inData := res(tokens.CodeBuildProject, "deployer", map[string]any{"vpcConfig": map[string]any{"vpcId": unk, "subnets": []any{unk}, "securityGroupIds": []any{unk}}},
		deps("vpcConfig", vpcURN, dataURN, deployerSG))
	outside := res(tokens.CodeBuildProject, "deployer", map[string]any{"environment": map[string]any{"computeType": "BUILD_GENERAL1_SMALL"}})
	wrongPort := res(tokens.VPCSecurityGroupIngressRule, "deployer-to-control-plane", map[string]any{"securityGroupId": unk, "referencedSecurityGroupId": unk,
		"ipProtocol": "tcp", "fromPort": 22, "toPort": 22}, deps("securityGroupId", clusterURN), deps("referencedSecurityGroupId", deployerSG))
	defaultProvider := res(tokens.K8sNamespace, "legacy", map[string]any{"metadata": map[string]any{"name": "legacy"}})
	cases := []struct {
		name string
		s    Stack
		want string // "" passes
	}{
		{"private endpoint with the runner", reachStack(nil, nil), ""},
		{"private and public to CIDRs with the runner", reachStack(both, nil), ""},
		{"public to the world: the runner reaches it through NAT", reachStack(open, nil), ""},
		{"no runner at all", reachStack(nil, []string{deployerURN}), "no aws:codebuild/project:Project in the plan"},
		{"no runner, public to the world: the deploy executor does not exist", reachStack(open, []string{deployerURN}),
			"the plan creates no in-VPC runner"},
		{"public to CIDRs only", reachStack(cidrs, nil), "admits only 203.0.113.0/24 and vpc-runner has no fixed egress CIDR among them; private access is off"},
		{"runner in the isolated data subnets", reachStack(nil, nil, inData), "subnet network-data-a is not private with NAT egress (no default route)"},
		{"runner outside every VPC", reachStack(nil, nil, outside), "no vpcConfig"},
		{"ingress rule on another port", reachStack(nil, nil, wrongPort), "no ingress rule on the cluster security group admits its security group on 443"},
		{"a Kubernetes object on the default provider is created by bootstrap", reachStack(nil, nil, defaultProvider),
			`phase "bootstrap" creates 1 resource(s) that call the Kubernetes API (e.g. Namespace "legacy") on executor "operator"`},
		{"no cluster in the plan", stack("prod", res(tokens.K8sNamespace, "x", map[string]any{})), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			requireOneFinding(t, "deploy-endpoint-reachable", c.s, c.want)
		})
	}
}

func TestArtifactProviders(t *testing.T) {
	t.Parallel()
	replica := func(repo string) Resource {
		return workload(tokens.K8sJob, "migrate", nil, []any{container("migrate", ecrDR+"/agent-platform-prod/"+repo+":v1.0.0")})
	}
	deployRepo := res(tokens.ECRRepository, "registry-api", map[string]any{"name": "agent-platform-prod/api"}, viaProvider(k8sProvURN))
	cases := []struct {
		name string
		s    Stack
		want string
	}{
		{"repository, pull-through cache, chart values", imageStack("prod"), ""},
		{"dr runs prod's replicas", stack("dr", replica("migrations")), ""},
		{"a replica nobody pushes", stack("dr", replica("tools")), `no aws.ecr.Repository named "agent-platform-prod/tools"`},
		{"a replica in the wrong region", stack("dr", workload(tokens.K8sJob, "migrate", nil, []any{container("migrate", ecrProd+"/agent-platform-prod/migrations:v1.0.0")})),
			"prod's images are replicated into us-west-2, not us-east-1"},
		{"prod declares no replicas", imageStack("prod", replica("migrations")), "no declared replica"},
		{"a repository CI does not push", imageStack("prod", res(tokens.ECRRepository, "registry-tools", map[string]any{"name": "agent-platform-prod/tools"}),
			workload(tokens.K8sDeployment, "tools", nil, []any{container("tools", ecrProd+"/agent-platform-prod/tools:1")})),
			"the images phase pushes only api, worker, temporal-worker, migrations"},
		{"a repository the deploy phase creates", stack("prod", deployRepo, res(tokens.ProviderK8s, "cluster", map[string]any{}),
			workload(tokens.K8sDeployment, "api", nil, []any{container("api", ecrProd+"/agent-platform-prod/api:v1.0.0")})),
			"is created by the deploy phase itself"},
		{"an ECR repository the plan lacks", imageStack("prod", workload(tokens.K8sDeployment, "report", nil, []any{container("report", ecrProd+"/agent-platform-prod/report:1")})),
			`(agent-platform-prod/report:1)`},
		{"Docker Hub directly", imageStack("prod", workload(tokens.K8sStatefulSet, "db", []any{container("init", "postgres:16")}, nil)),
			`container "init" runs postgres:16 (library/postgres:16)`},
		{"a chart image from its vendor's registry", imageStack("prod", res(tokens.K8sHelmChart, "keda", map[string]any{"values": map[string]any{
			"image":    map[string]any{"keda": map[string]any{"registry": "ghcr.io", "repository": "kedacore/keda", "tag": "2.17"}},
			"webhooks": map[string]any{"image": map[string]any{"registry": "ghcr.io", "repository": "kedacore/webhooks", "tag": 2.17}}}})),
			`values.webhooks.image runs ghcr.io/kedacore/webhooks:2.17`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fs := only(run(t, "deploy-artifacts-provided", c.s), "deploy-artifacts-provided")
			if c.want == "" {
				require.Empty(t, fs, messages(fs))
				return
			}
			require.NotEmpty(t, fs)
			require.True(t, slices.ContainsFunc(fs, func(f Finding) bool { return strings.Contains(f.Message, c.want) }), messages(fs))
		})
	}
}

// TestRegistryLessPlanIsUnknown: a plan without any image source of its own (a fixture,
// an in-cluster layer alone) cannot show where its images come from.
func TestRegistryLessPlanIsUnknown(t *testing.T) {
	t.Parallel()
	s := stack("prod", workload(tokens.K8sDeployment, "web", nil, []any{container("web", "nginx:latest")}))
	fs := run(t, "deploy-artifacts-provided", s)
	require.Empty(t, only(fs, "deploy-artifacts-provided"), messages(fs))
	unk := only(fs, UnknownID("deploy-artifacts-provided"))
	require.Len(t, unk, 1)
	require.Contains(t, unk[0].Message, "this plan creates no image registry")
	require.Equal(t, Advisory, unk[0].Enforcement)
}

func TestSplitImage(t *testing.T) {
	t.Parallel()
	for ref, want := range map[string][3]string{
		"postgres":                            {"docker.io", "library/postgres", "latest"},
		"edoburu/pgbouncer:v1.24.1-p0":        {"docker.io", "edoburu/pgbouncer", "v1.24.1-p0"},
		"localhost:5000/x/y:1":                {"localhost:5000", "x/y", "1"},
		ecrProd + "/a/b@sha256:0123":          {ecrProd, "a/b", "latest"},
		ecrProd + "/a/b:v1@sha256:0123":       {ecrProd, "a/b", "v1"},
		"registry.k8s.io/metrics-server:v0.8": {"registry.k8s.io", "metrics-server", "v0.8"},
	} {
		h, p, tag := splitImage(ref)
		require.Equal(t, want, [3]string{h, p, tag}, ref)
	}
}

func TestZoneDelegation(t *testing.T) {
	t.Parallel()
	zoneURN := urnOf(tokens.Route53Zone, "dns-zone")
	byValue := zoneStack("dr.generic-corp.io", false)
	byValue.Resources[0].Outputs = pv(map[string]any{"nameServers": []any{"ns-1.awsdns-01.org", "ns-2.awsdns-02.com"}}).AsMap()
	byValue.Resources = append(byValue.Resources, res(tokens.Route53Record, "dns-delegation", map[string]any{"type": "NS", "name": "dr.generic-corp.io",
		"records": []any{"ns-2.awsdns-02.com.", "ns-1.awsdns-01.org"}, "zoneId": "ZPARENT"}))
	cases := []struct {
		name string
		s    Stack
		want string
	}{
		{"child zone delegated from the parent (preview)", zoneStack("staging.generic-corp.io", true), ""},
		{"child zone delegated, records by value (update)", byValue, ""},
		{"apex: the registrar delegates it", zoneStack("generic-corp.io", false), ""},
		{"the NS record sits in the child zone itself", zoneStack("staging.generic-corp.io", true, deps("zoneId", zoneURN)), "is a subdomain"},
		{"an ACM validation record does not leave the verdict open", zoneStack("staging.generic-corp.io", false).with(
			res(tokens.Route53Record, "cert-validation", map[string]any{"type": unk, "name": unk, "records": []any{unk}, "zoneId": unk},
				deps("type", urnOf(tACMCertificate, "api")), deps("name", urnOf(tACMCertificate, "api")), deps("zoneId", zoneURN))),
			"is a subdomain"},
		{"an NS record for another name", stack("staging", res(tokens.Route53Zone, "dns-zone", map[string]any{"name": "dr.generic-corp.io"}),
			res(tokens.Route53Record, "dns-delegation", map[string]any{"type": "NS", "name": "staging.generic-corp.io", "records": unk, "zoneId": "Z1"},
				deps("records", zoneURN))), "is a subdomain"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			requireOneFinding(t, "deploy-zone-delegated", c.s, c.want)
		})
	}
}

func TestSecretVersionByValue(t *testing.T) {
	t.Parallel()
	s := secretStack(false)
	s.Resources[0].ID = "arn:aws:secretsmanager:us-east-1:123456789012:secret:agent-platform-prod/anthropic-api-key-AbCdEf"
	s.Resources = append(s.Resources, res(tokens.SecretsManagerSecretVersion, "v", map[string]any{"secretId": s.Resources[0].ID}))
	require.Empty(t, only(run(t, "deploy-secret-has-version", s), "deploy-secret-has-version"))
}

// TestRehearseView: the phases in order, their commands and the problems that block them.
func TestRehearseView(t *testing.T) {
	t.Parallel()
	s := reachStack(nil, []string{ingressURN}, res(tokens.Route53Zone, "dns-zone", map[string]any{"name": "generic-corp.io"}),
		res(tokens.CodeStarConnection, "deployer-github", map[string]any{"name": "agent-platform-prod-github", "providerType": "GitHub"}))
	for _, r := range imageStack("prod").Resources {
		if strings.HasPrefix(r.Type, "kubernetes:") {
			r.Provider = k8sProvURN
		}
		s.Resources = append(s.Resources, r)
	}
	s.Resources = append(s.Resources, secretStack(false).Resources...)
	reg := res(tokens.SecretsManagerSecret, "secrets-registry-docker-hub", map[string]any{"name": "ecr-pullthroughcache/agent-platform-prod/docker-hub"})
	s.Resources = append(s.Resources, reg, res(tokens.SecretsManagerSecretVersion, "secrets-registry-docker-hub", map[string]any{"secretId": unk,
		"versionStages": []any{"PLATFORM_PLACEHOLDER"}}, deps("secretId", reg.URN)))
	r := Rehearse(s)
	var names []string
	by := map[string]PhaseView{}
	for _, p := range r.Phases {
		names = append(names, p.Name)
		by[p.Name] = p
	}
	require.Equal(t, []string{"state-backend", "bootstrap", "github-connection", "runner-webhook", "delegation", "images", "operator-secrets", "deploy"}, names)
	require.False(t, by["runner-webhook"].Applies, "no webhook in this plan")
	require.Len(t, r.Endpoints, 1)
	require.Equal(t, "private", r.Endpoints[0].Describe())

	require.Equal(t, []string{"pulumi up -s prod --exclude '" + k8sProvURN + "' --exclude-dependents " +
		"--policy-pack policies/pack --policy-pack-config policies/config/prod.json"}, by["bootstrap"].Run)
	require.Contains(t, by["github-connection"].Verify[0], "ConnectionName=='agent-platform-prod-github'")
	require.Contains(t, by["delegation"].Run[0], "registrar: set the name servers of generic-corp.io")
	require.Equal(t, 15.0, by["delegation"].Minutes, "an apex costs the registrar change")
	require.Contains(t, by["images"].Run, "docker push "+ecrProd+"/agent-platform-prod/api:v1.0.0")
	require.Contains(t, by["images"].Verify, "aws ecr describe-images --region us-east-1 --repository-name agent-platform-prod/api --image-ids imageTag=v1.0.0")
	require.Contains(t, by["images"].Verify, "aws ecr describe-pull-through-cache-rules --region us-east-1 --ecr-repository-prefixes "+hubPrefix)
	require.Contains(t, by["operator-secrets"].Run[0], "--secret-id ecr-pullthroughcache/agent-platform-prod/docker-hub")

	require.Len(t, by["deploy"].Problems, 1)
	require.Equal(t, "deploy-endpoint-reachable", by["deploy"].Problems[0].RuleID)
	require.Len(t, by["bootstrap"].Problems, 1, "the secret without a version blocks bootstrap")
	require.Equal(t, "deploy-secret-has-version", by["operator-secrets"].Problems[0].RuleID)
	require.Empty(t, by["images"].Problems)
	require.Equal(t, "creates 4 of "+itoaT(len(s.Resources))+" resources", by["deploy"].Note, "the provider, the namespace, the API and the chart")
}

// requireOneFinding: want "" means the rule passes the stack, otherwise it reports exactly
// one finding whose message contains want.
func requireOneFinding(t *testing.T, rule string, s Stack, want string) {
	t.Helper()
	fs := only(run(t, rule, s), rule)
	if want == "" {
		require.Empty(t, fs, messages(fs))
		return
	}
	require.Len(t, fs, 1, messages(fs))
	require.Contains(t, fs[0].Message, want)
}
