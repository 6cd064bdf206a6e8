package cluster

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/plan"
)

func assertSecurityGroups(t *testing.T, p *plan.Plan, cl *plan.Resource) {
	t.Helper()
	sg := one(t, p, tSG)
	require.NotEmpty(t, str(sg.Input("description")))
	require.Equal(t, "owned", tagsOf(sg)["kubernetes.io/cluster/platform-test"], "the load balancer controller finds the node SG by this tag")

	var fromControlPlane []float64
	selfRule, toControlPlane := false, false
	for _, r := range p.ByType(tIngress) {
		require.NotEmpty(t, str(r.Input("description")), r.Name)
		require.True(t, r.Input("cidrIpv4").IsNull(), "%s: ingress only from security groups, never CIDRs", r.Name)
		switch {
		case dependsOn(r, "securityGroupId", sg.URN) && dependsOn(r, "referencedSecurityGroupId", cl.URN):
			require.Equal(t, "tcp", str(r.Input("ipProtocol")))
			require.Equal(t, r.Input("fromPort").AsNumber(), r.Input("toPort").AsNumber())
			fromControlPlane = append(fromControlPlane, r.Input("fromPort").AsNumber())
		case dependsOn(r, "securityGroupId", sg.URN) && dependsOn(r, "referencedSecurityGroupId", sg.URN):
			selfRule = true
		case dependsOn(r, "securityGroupId", cl.URN) && dependsOn(r, "referencedSecurityGroupId", sg.URN):
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
		require.NotEmpty(t, str(r.Input("description")), r.Name)
		require.True(t, dependsOn(r, "securityGroupId", sg.URN))
		switch str(r.Input("cidrIpv4")) {
		case "0.0.0.0/0":
			require.Equal(t, "tcp", str(r.Input("ipProtocol")), "the internet gets HTTPS only")
			require.Equal(t, 443.0, r.Input("fromPort").AsNumber())
			require.Equal(t, 443.0, r.Input("toPort").AsNumber())
		case "10.0.0.0/16":
			require.Equal(t, "-1", str(r.Input("ipProtocol")))
		default:
			t.Fatalf("unexpected egress %s to %v", r.Name, r.Input("cidrIpv4"))
		}
	}
}

func assertNodes(t *testing.T, p *plan.Plan) {
	t.Helper()
	lt := one(t, p, tLT)
	require.Equal(t, "required", str(lt.Input("metadataOptions.httpTokens")))
	require.Equal(t, 2.0, lt.Input("metadataOptions.httpPutResponseHopLimit").AsNumber())
	require.Equal(t, "enabled", str(lt.Input("metadataOptions.httpEndpoint")))
	require.Len(t, lt.Input("blockDeviceMappings").AsArray().AsSlice(), 1)
	require.Equal(t, "/dev/xvda", str(lt.Input("blockDeviceMappings[0].deviceName")))
	require.Equal(t, "gp3", str(lt.Input("blockDeviceMappings[0].ebs.volumeType")))
	require.Equal(t, "true", str(lt.Input("blockDeviceMappings[0].ebs.encrypted")))
	require.Equal(t, dataKey, str(lt.Input("blockDeviceMappings[0].ebs.kmsKeyId")))
	require.Equal(t, "true", str(lt.Input("blockDeviceMappings[0].ebs.deleteOnTermination")))
	require.Equal(t, 50.0, lt.Input("blockDeviceMappings[0].ebs.volumeSize").AsNumber())
	require.True(t, dependsOn(lt, "vpcSecurityGroupIds", one(t, p, tSG).URN))
	require.Len(t, lt.Input("vpcSecurityGroupIds").AsArray().AsSlice(), 1, "nodes carry only the node security group")
	var specTypes []string
	for _, s := range lt.Input("tagSpecifications").AsArray().AsSlice() {
		specTypes = append(specTypes, str(s.AsMap().Get("resourceType")))
		require.Equal(t, "cc-42", str(s.AsMap().Get("tags").AsMap().Get("cost-center")))
	}
	require.ElementsMatch(t, []string{"instance", "volume", "network-interface"}, specTypes)

	ng := one(t, p, tNodeGroup)
	require.True(t, ng.Input("remoteAccess").IsNull(), "no SSH")
	require.True(t, ng.Input("diskSize").IsNull(), "disk size comes from the launch template")
	require.Equal(t, 1.0, ng.Input("updateConfig.maxUnavailable").AsNumber())
	require.Equal(t, privateSubnets, strs(ng.Input("subnetIds")))
	require.Equal(t, "AL2023_ARM_64_STANDARD", str(ng.Input("amiType")))
	require.Equal(t, []string{"m7g.large"}, strs(ng.Input("instanceTypes")))
	require.Equal(t, "ON_DEMAND", str(ng.Input("capacityType")))
	require.Equal(t, 2.0, ng.Input("scalingConfig.minSize").AsNumber())
	require.Equal(t, 2.0, ng.Input("scalingConfig.desiredSize").AsNumber())
	require.Equal(t, 4.0, ng.Input("scalingConfig.maxSize").AsNumber())
	require.Equal(t, "platform-test-general-", str(ng.Input("nodeGroupNamePrefix")))
	require.True(t, dependsOn(ng, "launchTemplate", lt.URN))
	require.Contains(t, ng.IgnoreChanges, "scalingConfig.desiredSize")
	require.True(t, dependsOn(ng, "nodeRoleArn", p.Named(tRole, "eks-node").URN))
	for _, a := range p.ByType(tAttachment) {
		if dependsOn(a, "role", p.Named(tRole, "eks-node").URN) {
			require.True(t, waitsFor(ng, a.URN), "node group must wait for role policy %s", a.Name)
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
	require.Equal(t, "api", str(general.Input("labels.workload")))
	require.Equal(t, 9.0, general.Input("scalingConfig.maxSize").AsNumber())
	require.Equal(t, 80.0, p.Named(tLT, "eks-general").Input("blockDeviceMappings[0].ebs.volumeSize").AsNumber())
	require.Equal(t, "SPOT", str(batch.Input("capacityType")))
	require.Equal(t, "AL2023_x86_64_STANDARD", str(batch.Input("amiType")))
	require.Equal(t, []string{"c7i.xlarge", "c6i.xlarge"}, strs(batch.Input("instanceTypes")))
	require.Equal(t, 0.0, batch.Input("scalingConfig.minSize").AsNumber())

	versions := map[string]*plan.Resource{}
	for _, a := range p.ByType(tAddon) {
		versions[str(a.Input("addonName"))] = a
	}
	require.Len(t, versions, len(DefaultAddons)+1)
	require.Equal(t, "v1.12.1-eksbuild.2", str(versions["coredns"].Input("addonVersion")), "override wins")
	require.Equal(t, DefaultAddons["vpc-cni"], str(versions["vpc-cni"].Input("addonVersion")), "others keep defaults")
	extra := versions["snapshot-controller"]
	require.True(t, waitsFor(extra, general.URN) && waitsFor(extra, batch.URN), "extra add-ons wait for nodes")
	require.True(t, extra.Input("configurationValues").IsNull() && extra.Input("serviceAccountRoleArn").IsNull(),
		"extra add-ons get no configuration or role of their own")
	ebs := versions["aws-ebs-csi-driver"]
	require.True(t, waitsFor(ebs, general.URN) && waitsFor(ebs, batch.URN), "the EBS CSI controller waits for every node group")
	require.Equal(t, "v1.33.5-eksbuild.2", DefaultAddons["kube-proxy"], "args must not leak into DefaultAddons")
}
