package rules

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func goodCluster() map[string]any {
	return map[string]any{
		"name": "platform-prod", "version": "1.31", "roleArn": "arn:aws:iam::1:role/eks",
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

func eksCases() []ruleCase {
	return []ruleCase{
		eksCase("eks-secrets-kms", tEKSCluster, goodCluster, "encryptionConfig.resources", []any{}, "encryptionConfig.resources is []",
			"encryptionConfig.provider.keyArn"),
		eksCase("eks-endpoint-private", tEKSCluster, goodCluster, "vpcConfig",
			map[string]any{"endpointPublicAccess": true, "publicAccessCidrs": []any{"0.0.0.0/0"}}, `publicAccessCidrs contains "0.0.0.0/0"`,
			"vpcConfig.endpointPublicAccess"),
		eksCase("eks-control-plane-logs", tEKSCluster, goodCluster, "enabledClusterLogTypes", []any{"api", "audit"},
			"missing authenticator, controllerManager, scheduler", "enabledClusterLogTypes"),
		eksCase("eks-version-floor", tEKSCluster, goodCluster, "version", "1.29", `version is "1.29", below the floor "1.31"`, "version"),
		eksCase("eks-nodes-imdsv2", tLaunchTemplate, goodLT, "metadataOptions.httpTokens", "optional",
			`httpTokens is "optional"`, "metadataOptions.httpTokens"),
		eksCase("eks-nodes-no-ssh", tNodeGroup, goodNodeGroup, "remoteAccess", map[string]any{"ec2SshKey": "ops"},
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
			map[string]any{"endpointPublicAccess": true, "publicAccessCidrs": []any{"203.0.113.0/24"}}), tEKSCluster, 0},
		{"public endpoint by default (unset) without CIDRs fails", "eks-endpoint-private", set(goodCluster(), "vpcConfig",
			map[string]any{"subnetIds": []any{"a"}}), tEKSCluster, 1},
		{"newer version passes", "eks-version-floor", set(goodCluster(), "version", "1.33"), tEKSCluster, 0},
		{"unpinned version fails", "eks-version-floor", set(goodCluster(), "version", del), tEKSCluster, 1},
		{"hop limit 3 fails", "eks-nodes-imdsv2", set(goodLT(), "metadataOptions.httpPutResponseHopLimit", 3), tLaunchTemplate, 1},
		{"unencrypted EBS fails", "eks-nodes-imdsv2", set(goodLT(), "blockDeviceMappings[0].ebs.encrypted", "false"), tLaunchTemplate, 1},
		{"no block devices fails", "eks-nodes-imdsv2", set(goodLT(), "blockDeviceMappings", del), tLaunchTemplate, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fs := only(run(t, c.id, stack("prod", res(c.typ, "x", c.inputs))), c.id)
			require.Len(t, fs, c.fails, messages(fs))
		})
	}
}
