// Package replacement holds the replace-on-change table of the resource types the
// platform declares: which input changes make the provider replace a resource instead of
// updating it. The preflight diff and the day-2 policy both classify changes with it, so
// it lives below both (the policy rules cannot import preflight, which imports them).
package replacement

import (
	"slices"
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

// onChange lists, per type, the input properties (Pulumi names) whose change makes the
// provider replace the resource instead of updating it. pulumi-aws is bridged from the
// Terraform AWS provider, so these are the ForceNew attributes of the upstream schema
// (hashicorp/terraform-provider-aws, the file named in each comment); the SDK's doc
// comments state only a few of them ("Changing this forces a new resource").
// A nested path ("vpcConfig.subnetIds") covers everything under it.
var onChange = map[string][]string{
	// internal/service/rds/instance.go
	tokens.RDSInstance: {"identifier", "identifierPrefix", "engine", "availabilityZone", "kmsKeyId",
		"storageEncrypted", "username", "dbName", "snapshotIdentifier", "restoreToPointInTime",
		"characterSetName", "ncharCharacterSetName", "timezone", "customIamInstanceProfile"},
	// internal/service/rds/subnet_group.go, parameter_group.go
	tokens.RDSSubnetGroup:    {"name", "namePrefix"},
	tokens.RDSParameterGroup: {"name", "namePrefix", "family"},
	// internal/service/elasticache/replication_group.go (also: lowering engineVersion)
	tokens.ElastiCacheReplicationGroup: {"replicationGroupId", "atRestEncryptionEnabled", "kmsKeyId",
		"subnetGroupName", "port", "snapshotArns", "snapshotName", "dataTieringEnabled", "networkType",
		"globalReplicationGroupId", "securityGroupNames"},
	// internal/service/elasticache/subnet_group.go, parameter_group.go
	tokens.ElastiCacheSubnetGroup:    {"name"},
	tokens.ElastiCacheParameterGroup: {"name", "family"},
	// internal/service/ec2/vpc_subnet.go, vpc_.go, vpc_security_group.go, vpc_nat_gateway.go
	tokens.EC2Subnet:        {"cidrBlock", "availabilityZone", "availabilityZoneId", "vpcId", "outpostArn"},
	tokens.EC2VPC:           {"cidrBlock", "ipv4IpamPoolId"},
	tokens.EC2SecurityGroup: {"name", "namePrefix", "description", "vpcId"},
	tokens.EC2NatGateway:    {"allocationId", "subnetId", "connectivityType", "privateIp"},
	// internal/service/s3/bucket.go
	tokens.S3BucketV2: {"bucket", "bucketPrefix", "objectLockEnabled"},
	tokens.S3Bucket:   {"bucket", "bucketPrefix", "objectLockConfiguration.objectLockEnabled"},
	// internal/service/eks/cluster.go (removing encryptionConfig also forces a new cluster)
	tokens.EKSCluster: {"name", "roleArn", "bootstrapSelfManagedAddons",
		"accessConfig.bootstrapClusterCreatorAdminPermissions", "kubernetesNetworkConfig.ipFamily",
		"kubernetesNetworkConfig.serviceIpv4Cidr", "outpostConfig", "remoteNetworkConfig"},
	// internal/service/eks/node_group.go
	tokens.EKSNodeGroup: {"clusterName", "nodeGroupName", "nodeGroupNamePrefix", "nodeRoleArn", "subnetIds",
		"amiType", "capacityType", "diskSize", "instanceTypes", "remoteAccess"},
	// internal/service/kms/key.go
	tokens.KMSKey: {"customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"},
	// internal/service/backup/vault.go
	tokens.BackupVault: {"name", "kmsKeyArn"},
	// internal/service/secretsmanager/secret.go
	tokens.SecretsManagerSecret: {"name", "namePrefix"},
	// internal/service/ecr/repository.go
	tokens.ECRRepository: {"name", "encryptionConfigurations"},
	// internal/service/logs/group.go
	tokens.CloudWatchLogGroup: {"name", "namePrefix", "logGroupClass"},
	// internal/service/iam/role.go
	tokens.IAMRole: {"name", "namePrefix", "path"},
	// internal/service/route53/zone.go
	tokens.Route53Zone: {"name", "delegationSetId"},

	// The links that tie a resource to the one it belongs to (its VPC, route table,
	// security group, cluster, source instance): the preflight diff follows them to the
	// replacements a replacement causes.
	// internal/service/ec2/vpc_route_table.go, vpc_route.go, vpc_route_table_association.go
	tokens.EC2RouteTable:            {"vpcId"},
	tokens.EC2Route:                 {"routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"},
	tokens.EC2RouteTableAssociation: {"subnetId", "gatewayId"},
	// internal/service/ec2/vpc_endpoint.go, vpc_flow_log.go (no update but tags), vpc_default_security_group.go
	tokens.EC2VPCEndpoint: {"vpcId", "serviceName", "vpcEndpointType"},
	tokens.EC2FlowLog: {"vpcId", "subnetId", "eniId", "logDestination", "logDestinationType", "logGroupName",
		"iamRoleArn", "trafficType", "logFormat", "maxAggregationInterval", "destinationOptions", "deliverCrossAccountRole"},
	tokens.EC2DefaultSecurityGroup: {"vpcId"},
	// internal/service/ec2/vpc_security_group_ingress_rule.go (and _egress_rule.go)
	tokens.VPCSecurityGroupIngressRule: {"securityGroupId"},
	tokens.VPCSecurityGroupEgressRule:  {"securityGroupId"},
	// internal/service/eks/addon.go, access_entry.go, access_policy_association.go (no update)
	tokens.EKSAddon:                   {"clusterName", "addonName"},
	tokens.EKSAccessEntry:             {"clusterName", "principalArn", "type"},
	tokens.EKSAccessPolicyAssociation: {"clusterName", "principalArn", "policyArn", "accessScope"},
	// internal/service/iam/openid_connect_provider.go
	tokens.IAMOpenIDConnectProvider: {"url"},
	// internal/service/rds/instance_automated_backups_replication.go (no update)
	tokens.RDSInstanceAutomatedBackupsReplication: {"sourceDbInstanceArn", "kmsKeyId",
		"retentionPeriod", "preSignedUrl"},
	// internal/service/backup/selection.go (no update)
	tokens.BackupSelection: {"name", "planId", "iamRoleArn", "resources", "notResources", "selectionTags", "conditions"},
}

// Properties returns the replace-on-change properties known for a type (nil for a type
// the table does not know). The slice is the table's own: do not modify it.
func Properties(typ string) []string { return onChange[typ] }

// Forces reports whether a change at path (rendered "a.b[0].c" or `tags["x.y"]`) forces a
// replacement of a resource of type typ. extra are the resource's own replaceOnChanges
// option entries ("*" means every property).
func Forces(typ, path string, extra []string) bool {
	for _, p := range slices.Concat(onChange[typ], extra) {
		if p == "*" || path == p || strings.HasPrefix(path, p+".") || strings.HasPrefix(path, p+"[") {
			return true
		}
	}
	return false
}
