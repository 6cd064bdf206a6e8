package rules

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
)

func goodCluster() map[string]any {
	return map[string]any{
		"name": "platform-prod", "version": "1.36", "roleArn": "arn:aws:iam::1:role/eks",
		"encryptionConfig": map[string]any{"resources": []any{"secrets"}, "provider": map[string]any{"keyArn": keyARN}},
		"vpcConfig": map[string]any{"endpointPrivateAccess": true, "endpointPublicAccess": false,
			"subnetIds": []any{"subnet-a", "subnet-b"}},
		"enabledClusterLogTypes": []any{"api", "audit", "authenticator", "controllerManager", "scheduler"},
		"tags":                   goodTags(),
	}
}

func goodLT() map[string]any {
	return map[string]any{
		"instanceType":    "m7g.large",
		"metadataOptions": map[string]any{"httpTokens": "required", "httpPutResponseHopLimit": 2, "httpEndpoint": "enabled"},
		"blockDeviceMappings": []any{map[string]any{"deviceName": "/dev/xvda",
			"ebs": map[string]any{"encrypted": "true", "kmsKeyId": keyARN, "volumeType": "gp3", "volumeSize": 50}}},
		"tags": goodTags(),
	}
}

func goodNodeGroup() map[string]any {
	return map[string]any{
		"clusterName": "platform-prod", "nodeRoleArn": "arn:aws:iam::1:role/node", "subnetIds": []any{"subnet-a"},
		"instanceTypes": []any{"m7g.large"}, "scalingConfig": map[string]any{"minSize": 2, "maxSize": 6, "desiredSize": 3},
		"tags": goodTags(),
	}
}

func eksCase(id, typ string, good func() map[string]any, path string, bad any, msg, unkPath string) ruleCase {
	return ruleCase{
		id: id, pass: stack("prod", res(typ, "x", good())),
		fail: stack("prod", res(typ, "x", set(good(), path, bad))), failMsg: msg,
		unknown: stack("prod", res(typ, "x", set(good(), unkPath, unk))),
	}
}

// floorAt configures eks-version-floor with a fixed floor ("" for the lifecycle table's)
// and run date ("" for today).
func floorAt(minVersion, day string) Config {
	params := map[string]any{}
	if minVersion != "" {
		params["minVersion"] = minVersion
	}
	if day != "" {
		params["runDate"] = day
	}
	return Config{Rules: map[string]RuleConfig{"eks-version-floor": {Params: params}}}
}

// floorCase judges against the lifecycle table on a fixed day: on 2026-12-03 the oldest
// minor in standard support is 1.35, so 1.34 (one day past its end) is below the floor.
func floorCase() ruleCase {
	c := eksCase("eks-version-floor", tokens.EKSCluster, goodCluster, "version", "1.34", `version is "1.34", below the floor "1.35"`, "version")
	c.passCfg, c.failCfg = floorAt("", "2026-12-03"), floorAt("", "2026-12-03")
	return c
}

func TestEKSVersionFloorFollowsTheRunDate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		day, version string
		fails        int
	}{
		{"2026-12-01", "1.34", 0}, // 1.34's last day of standard support
		{"2026-12-02", "1.34", 1},
		{"2026-12-02", "1.35", 0},
	}
	for _, c := range cases {
		fs := only(runWith(t, "eks-version-floor", stack("prod", res(tokens.EKSCluster, "x", set(goodCluster(), "version", c.version))), floorAt("", c.day)), "eks-version-floor")
		require.Len(t, fs, c.fails, "%s on %s: %s", c.version, c.day, messages(fs))
	}
}

func eksCases() []ruleCase {
	return []ruleCase{
		eksCase("eks-secrets-kms", tokens.EKSCluster, goodCluster, "encryptionConfig.resources", []any{}, "encryptionConfig.resources is []",
			"encryptionConfig.provider.keyArn"),
		eksCase("eks-endpoint-private", tokens.EKSCluster, goodCluster, "vpcConfig",
			map[string]any{"endpointPublicAccess": true, "publicAccessCidrs": []any{"0.0.0.0/0"}}, `publicAccessCidrs contains "0.0.0.0/0"`,
			"vpcConfig.endpointPublicAccess"),
		eksCase("eks-control-plane-logs", tokens.EKSCluster, goodCluster, "enabledClusterLogTypes", []any{"api", "audit"},
			"missing authenticator, controllerManager, scheduler", "enabledClusterLogTypes"),
		floorCase(),
		eksCase("eks-nodes-imdsv2", tokens.EC2LaunchTemplate, goodLT, "metadataOptions.httpTokens", "optional",
			`httpTokens is "optional"`, "metadataOptions.httpTokens"),
		eksCase("eks-nodes-no-ssh", tokens.EKSNodeGroup, goodNodeGroup, "remoteAccess", map[string]any{"ec2SshKey": "ops"},
			"remoteAccess is set", "remoteAccess"),
	}
}

func TestEKSDetails(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, id string
		inputs   map[string]any
		typ      string
		fails    int
	}{
		{"public endpoint with operator CIDRs passes", "eks-endpoint-private", set(goodCluster(), "vpcConfig",
			map[string]any{"endpointPublicAccess": true, "publicAccessCidrs": []any{"203.0.113.0/24"}}), tokens.EKSCluster, 0},
		{"public endpoint open to the internet in halves fails", "eks-endpoint-private", set(goodCluster(), "vpcConfig",
			map[string]any{"endpointPublicAccess": true, "publicAccessCidrs": []any{"0.0.0.0/1", "128.0.0.0/1"}}), tokens.EKSCluster, 2},
		{"public endpoint to a private range fails", "eks-endpoint-private", set(goodCluster(), "vpcConfig",
			map[string]any{"endpointPublicAccess": true, "publicAccessCidrs": []any{"10.0.0.0/8"}}), tokens.EKSCluster, 1},
		{"public endpoint by default (unset) without CIDRs fails", "eks-endpoint-private", set(goodCluster(), "vpcConfig",
			map[string]any{"subnetIds": []any{"a"}}), tokens.EKSCluster, 1},
		{"a version above the configured floor passes", "eks-version-floor", set(goodCluster(), "version", "1.33"), tokens.EKSCluster, 0},
		{"unpinned version fails", "eks-version-floor", set(goodCluster(), "version", del), tokens.EKSCluster, 1},
		{"hop limit 3 fails", "eks-nodes-imdsv2", set(goodLT(), "metadataOptions.httpPutResponseHopLimit", 3), tokens.EC2LaunchTemplate, 1},
		{"unencrypted EBS fails", "eks-nodes-imdsv2", set(goodLT(), "blockDeviceMappings[0].ebs.encrypted", "false"), tokens.EC2LaunchTemplate, 1},
		{"no block devices fails", "eks-nodes-imdsv2", set(goodLT(), "blockDeviceMappings", del), tokens.EC2LaunchTemplate, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fs := only(runWith(t, c.id, stack("prod", res(c.typ, "x", c.inputs)), floorAt("1.31", "")), c.id)
			require.Len(t, fs, c.fails, messages(fs))
		})
	}
}
