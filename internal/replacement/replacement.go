// Package replacement holds the replace-on-change table of the resource types the
// platform declares: which input changes make the provider replace a resource instead of
// updating it. The preflight diff and the day-2 policy both classify changes with it, so
// it lives below both (the policy rules cannot import preflight, which imports them).
package replacement

import (
	"slices"
	"strings"
)

// onChange lists, per type, the input properties (Pulumi names) whose change makes the
// provider replace the resource instead of updating it. pulumi-aws is bridged from the
// Terraform AWS provider, so these are the ForceNew attributes of the upstream schema
// (hashicorp/terraform-provider-aws, the file named in each comment); the SDK's doc
// comments state only a few of them ("Changing this forces a new resource").
// A nested path ("vpcConfig.subnetIds") covers everything under it.
var onChange = map[string][]string{
	// internal/service/rds/instance.go
	"aws:rds/instance:Instance": {"identifier", "identifierPrefix", "engine", "availabilityZone", "kmsKeyId",
		"storageEncrypted", "username", "dbName", "snapshotIdentifier", "restoreToPointInTime",
		"characterSetName", "ncharCharacterSetName", "timezone", "customIamInstanceProfile"},
	// internal/service/rds/subnet_group.go, parameter_group.go
	"aws:rds/subnetGroup:SubnetGroup":       {"name", "namePrefix"},
	"aws:rds/parameterGroup:ParameterGroup": {"name", "namePrefix", "family"},
	// internal/service/elasticache/replication_group.go (also: lowering engineVersion)
	"aws:elasticache/replicationGroup:ReplicationGroup": {"replicationGroupId", "atRestEncryptionEnabled", "kmsKeyId",
		"subnetGroupName", "port", "snapshotArns", "snapshotName", "dataTieringEnabled", "networkType",
		"globalReplicationGroupId", "securityGroupNames"},
	// internal/service/elasticache/subnet_group.go, parameter_group.go
	"aws:elasticache/subnetGroup:SubnetGroup":       {"name"},
	"aws:elasticache/parameterGroup:ParameterGroup": {"name", "family"},
	// internal/service/ec2/vpc_subnet.go, vpc_.go, vpc_security_group.go, vpc_nat_gateway.go
	"aws:ec2/subnet:Subnet":               {"cidrBlock", "availabilityZone", "availabilityZoneId", "vpcId", "outpostArn"},
	"aws:ec2/vpc:Vpc":                     {"cidrBlock", "ipv4IpamPoolId"},
	"aws:ec2/securityGroup:SecurityGroup": {"name", "namePrefix", "description", "vpcId"},
	"aws:ec2/natGateway:NatGateway":       {"allocationId", "subnetId", "connectivityType", "privateIp"},
	// internal/service/s3/bucket.go
	"aws:s3/bucketV2:BucketV2": {"bucket", "bucketPrefix", "objectLockEnabled"},
	"aws:s3/bucket:Bucket":     {"bucket", "bucketPrefix", "objectLockConfiguration.objectLockEnabled"},
	// internal/service/eks/cluster.go (removing encryptionConfig also forces a new cluster)
	"aws:eks/cluster:Cluster": {"name", "roleArn", "bootstrapSelfManagedAddons",
		"accessConfig.bootstrapClusterCreatorAdminPermissions", "kubernetesNetworkConfig.ipFamily",
		"kubernetesNetworkConfig.serviceIpv4Cidr", "outpostConfig", "remoteNetworkConfig"},
	// internal/service/eks/node_group.go
	"aws:eks/nodeGroup:NodeGroup": {"clusterName", "nodeGroupName", "nodeGroupNamePrefix", "nodeRoleArn", "subnetIds",
		"amiType", "capacityType", "diskSize", "instanceTypes", "remoteAccess"},
	// internal/service/kms/key.go
	"aws:kms/key:Key": {"customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"},
	// internal/service/backup/vault.go
	"aws:backup/vault:Vault": {"name", "kmsKeyArn"},
	// internal/service/secretsmanager/secret.go
	"aws:secretsmanager/secret:Secret": {"name", "namePrefix"},
	// internal/service/ecr/repository.go
	"aws:ecr/repository:Repository": {"name", "encryptionConfigurations"},
	// internal/service/logs/group.go
	"aws:cloudwatch/logGroup:LogGroup": {"name", "namePrefix", "logGroupClass"},
	// internal/service/iam/role.go
	"aws:iam/role:Role": {"name", "namePrefix", "path"},
	// internal/service/route53/zone.go
	"aws:route53/zone:Zone": {"name", "delegationSetId"},

	// The links that tie a resource to the one it belongs to (its VPC, route table,
	// security group, cluster, source instance): the preflight diff follows them to the
	// replacements a replacement causes.
	// internal/service/ec2/vpc_route_table.go, vpc_route.go, vpc_route_table_association.go
	"aws:ec2/routeTable:RouteTable":                       {"vpcId"},
	"aws:ec2/route:Route":                                 {"routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"},
	"aws:ec2/routeTableAssociation:RouteTableAssociation": {"subnetId", "gatewayId"},
	// internal/service/ec2/vpc_endpoint.go, vpc_flow_log.go (no update but tags), vpc_default_security_group.go
	"aws:ec2/vpcEndpoint:VpcEndpoint": {"vpcId", "serviceName", "vpcEndpointType"},
	"aws:ec2/flowLog:FlowLog": {"vpcId", "subnetId", "eniId", "logDestination", "logDestinationType", "logGroupName",
		"iamRoleArn", "trafficType", "logFormat", "maxAggregationInterval", "destinationOptions", "deliverCrossAccountRole"},
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": {"vpcId"},
	// internal/service/ec2/vpc_security_group_ingress_rule.go (and _egress_rule.go)
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {"securityGroupId"},
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":   {"securityGroupId"},
	// internal/service/eks/addon.go, access_entry.go, access_policy_association.go (no update)
	"aws:eks/addon:Addon":                                     {"clusterName", "addonName"},
	"aws:eks/accessEntry:AccessEntry":                         {"clusterName", "principalArn", "type"},
	"aws:eks/accessPolicyAssociation:AccessPolicyAssociation": {"clusterName", "principalArn", "policyArn", "accessScope"},
	// internal/service/iam/openid_connect_provider.go
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider": {"url"},
	// internal/service/rds/instance_automated_backups_replication.go (no update)
	"aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": {"sourceDbInstanceArn", "kmsKeyId",
		"retentionPeriod", "preSignedUrl"},
	// internal/service/backup/selection.go (no update)
	"aws:backup/selection:Selection": {"name", "planId", "iamRoleArn", "resources", "notResources", "selectionTags", "conditions"},
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
