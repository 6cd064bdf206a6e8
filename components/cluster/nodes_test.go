package cluster

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/testkit"
	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
)

func assertSecurityGroups(t *testing.T, p *plan.Plan, cl *plan.Resource) {
	t.Helper()
	sg := testkit.One(t, p, tSG)
	require.NotEmpty(t, testkit.StrOr(sg.Input("description")))
	require.Equal(t, "owned", testkit.TagsOf(sg)["kubernetes.io/cluster/platform-test"], "the load balancer controller finds the node SG by this tag")

	var fromControlPlane []float64
	selfRule, toControlPlane := false, false
	for _, r := range p.ByType(tIngress) {
		require.NotEmpty(t, testkit.StrOr(r.Input("description")), r.Name)
		require.True(t, r.Input("cidrIpv4").IsNull(), "%s: ingress only from security groups, never CIDRs", r.Name)
		switch {
		case testkit.DependsOn(r, "securityGroupId", sg.URN) && testkit.DependsOn(r, "referencedSecurityGroupId", cl.URN):
			require.Equal(t, "tcp", testkit.StrOr(r.Input("ipProtocol")))
			require.Equal(t, r.Input("fromPort").AsNumber(), r.Input("toPort").AsNumber())
			fromControlPlane = append(fromControlPlane, r.Input("fromPort").AsNumber())
		case testkit.DependsOn(r, "securityGroupId", sg.URN) && testkit.DependsOn(r, "referencedSecurityGroupId", sg.URN):
			selfRule = true
		case testkit.DependsOn(r, "securityGroupId", cl.URN) && testkit.DependsOn(r, "referencedSecurityGroupId", sg.URN):
			require.Equal(t, 443.0, r.Input("fromPort").AsNumber())
			require.Equal(t, 443.0, r.Input("toPort").AsNumber())
			toControlPlane = true
		default:
			t.Fatalf("unexpected ingress rule %s", r.Name)
		}
	}
	slices.Sort(fromControlPlane)
	require.Equal(t, []float64{443, 4443, 6443, 8443, 9443, 10250}, fromControlPlane)
	require.True(t, selfRule, "nodes must reach each other")
	require.True(t, toControlPlane, "nodes must reach the API server")

	egress := p.ByType(tEgress)
	require.Len(t, egress, 2)
	for _, r := range egress {
		require.NotEmpty(t, testkit.StrOr(r.Input("description")), r.Name)
		require.True(t, testkit.DependsOn(r, "securityGroupId", sg.URN))
		switch testkit.StrOr(r.Input("cidrIpv4")) {
		case "0.0.0.0/0":
			require.Equal(t, "tcp", testkit.StrOr(r.Input("ipProtocol")), "the internet gets HTTPS only")
			require.Equal(t, 443.0, r.Input("fromPort").AsNumber())
			require.Equal(t, 443.0, r.Input("toPort").AsNumber())
		case "10.0.0.0/16":
			require.Equal(t, "-1", testkit.StrOr(r.Input("ipProtocol")))
		default:
			t.Fatalf("unexpected egress %s to %v", r.Name, r.Input("cidrIpv4"))
		}
	}
}

func assertNodes(t *testing.T, p *plan.Plan) {
	t.Helper()
	lt := testkit.One(t, p, tLT)
	require.Equal(t, "required", testkit.StrOr(lt.Input("metadataOptions.httpTokens")))
	require.Equal(t, 2.0, lt.Input("metadataOptions.httpPutResponseHopLimit").AsNumber())
	require.Equal(t, "enabled", testkit.StrOr(lt.Input("metadataOptions.httpEndpoint")))
	require.Len(t, lt.Input("blockDeviceMappings").AsArray().AsSlice(), 1)
	require.Equal(t, "/dev/xvda", testkit.StrOr(lt.Input("blockDeviceMappings[0].deviceName")))
	require.Equal(t, "gp3", testkit.StrOr(lt.Input("blockDeviceMappings[0].ebs.volumeType")))
	require.Equal(t, "true", testkit.StrOr(lt.Input("blockDeviceMappings[0].ebs.encrypted")))
	require.Equal(t, dataKey, testkit.StrOr(lt.Input("blockDeviceMappings[0].ebs.kmsKeyId")))
	require.Equal(t, "true", testkit.StrOr(lt.Input("blockDeviceMappings[0].ebs.deleteOnTermination")))
	require.Equal(t, 50.0, lt.Input("blockDeviceMappings[0].ebs.volumeSize").AsNumber())
	require.True(t, testkit.DependsOn(lt, "vpcSecurityGroupIds", testkit.One(t, p, tSG).URN))
	require.Len(t, lt.Input("vpcSecurityGroupIds").AsArray().AsSlice(), 1, "nodes carry only the node security group")
	var specTypes []string
	for _, s := range lt.Input("tagSpecifications").AsArray().AsSlice() {
		specTypes = append(specTypes, testkit.StrOr(s.AsMap().Get("resourceType")))
		require.Equal(t, "cc-42", testkit.StrOr(s.AsMap().Get("tags").AsMap().Get("cost-center")))
	}
	require.ElementsMatch(t, []string{"instance", "volume", "network-interface"}, specTypes)

	ng := testkit.One(t, p, tNodeGroup)
	require.True(t, ng.Input("remoteAccess").IsNull(), "no SSH")
	require.True(t, ng.Input("diskSize").IsNull(), "disk size comes from the launch template")
	require.Equal(t, 1.0, ng.Input("updateConfig.maxUnavailable").AsNumber())
	require.Equal(t, privateSubnets, testkit.StrsOr(ng.Input("subnetIds")))
	require.Equal(t, "AL2023_ARM_64_STANDARD", testkit.StrOr(ng.Input("amiType")))
	require.Equal(t, []string{"m7g.large"}, testkit.StrsOr(ng.Input("instanceTypes")))
	require.Equal(t, "ON_DEMAND", testkit.StrOr(ng.Input("capacityType")))
	require.Equal(t, 2.0, ng.Input("scalingConfig.minSize").AsNumber())
	require.Equal(t, 2.0, ng.Input("scalingConfig.desiredSize").AsNumber())
	require.Equal(t, 4.0, ng.Input("scalingConfig.maxSize").AsNumber())
	require.Equal(t, "platform-test-general-", testkit.StrOr(ng.Input("nodeGroupNamePrefix")))
	require.True(t, testkit.DependsOn(ng, "launchTemplate", lt.URN))
	require.Contains(t, ng.IgnoreChanges, "scalingConfig.desiredSize")
	require.True(t, testkit.DependsOn(ng, "nodeRoleArn", p.Named(tRole, "eks-node").URN))
	for _, a := range p.ByType(tAttachment) {
		if testkit.DependsOn(a, "role", p.Named(tRole, "eks-node").URN) {
			require.True(t, testkit.WaitsFor(ng, a.URN), "node group must wait for role policy %s", a.Name)
		}
	}
}

func TestNodeGroupOverrides(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.NodeGroups = []NodeGroupArgs{
		{Name: "general", Min: 3, Desired: 3, Max: 9, DiskSizeGiB: 80, Labels: map[string]string{"workload": "api"}},
		{Name: "batch", InstanceTypes: []string{"c7i.xlarge", "c6i.xlarge"}, AmiType: "AL2023_x86_64_STANDARD", CapacityType: "SPOT", Min: 0, Desired: 0, Max: 10},
	}
	args.Addons = map[string]string{"coredns": "v1.12.1-eksbuild.2", "snapshot-controller": "v8.3.0-eksbuild.1"}
	p := capture(t, plan.Preview, args)

	general, batch := p.Named(tNodeGroup, "eks-general"), p.Named(tNodeGroup, "eks-batch")
	require.NotNil(t, general)
	require.NotNil(t, batch)
	require.Equal(t, "api", testkit.StrOr(general.Input("labels.workload")))
	require.Equal(t, 9.0, general.Input("scalingConfig.maxSize").AsNumber())
	require.Equal(t, 80.0, p.Named(tLT, "eks-general").Input("blockDeviceMappings[0].ebs.volumeSize").AsNumber())
	require.Equal(t, "SPOT", testkit.StrOr(batch.Input("capacityType")))
	require.Equal(t, "AL2023_x86_64_STANDARD", testkit.StrOr(batch.Input("amiType")))
	require.Equal(t, []string{"c7i.xlarge", "c6i.xlarge"}, testkit.StrsOr(batch.Input("instanceTypes")))
	require.Equal(t, 0.0, batch.Input("scalingConfig.minSize").AsNumber())

	versions := map[string]*plan.Resource{}
	for _, a := range p.ByType(tAddon) {
		versions[testkit.StrOr(a.Input("addonName"))] = a
	}
	require.Len(t, versions, len(DefaultAddons)+1)
	require.Equal(t, "v1.12.1-eksbuild.2", testkit.StrOr(versions["coredns"].Input("addonVersion")), "override wins")
	require.Equal(t, DefaultAddons["vpc-cni"], testkit.StrOr(versions["vpc-cni"].Input("addonVersion")), "others keep defaults")
	extra := versions["snapshot-controller"]
	require.True(t, testkit.WaitsFor(extra, general.URN) && testkit.WaitsFor(extra, batch.URN), "extra add-ons wait for nodes")
	require.True(t, extra.Input("configurationValues").IsNull() && extra.Input("serviceAccountRoleArn").IsNull(),
		"extra add-ons get no configuration or role of their own")
	ebs := versions["aws-ebs-csi-driver"]
	require.True(t, testkit.WaitsFor(ebs, general.URN) && testkit.WaitsFor(ebs, batch.URN), "the EBS CSI controller waits for every node group")
	require.Equal(t, "v1.36.0-eksbuild.14", DefaultAddons["kube-proxy"], "args must not leak into DefaultAddons")
}

// TestNodesFollowTheControlPlaneMinor: a managed node group without a version keeps the
// AMI it was created with, so each control-plane upgrade would widen the kubelet skew.
// The groups pin the cluster's minor and wait for the cluster, so EKS rolls them after it.
func TestNodesFollowTheControlPlaneMinor(t *testing.T) {
	t.Parallel()
	for _, minor := range []string{"1.35", DefaultAddonsKubernetesVersion} {
		args := testArgs()
		args.KubernetesVersion = minor
		p := capture(t, plan.Preview, args)
		cl := testkit.One(t, p, tokens.EKSCluster)
		for _, ng := range p.ByType(tNodeGroup) {
			require.Equal(t, minor, testkit.StrOr(ng.Input("version")), ng.Name)
			require.True(t, testkit.DependsOn(ng, "clusterName", cl.URN), "%s waits for the control plane", ng.Name)
		}
	}
}
