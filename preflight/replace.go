package preflight

import "strings"

// StatefulTypes hold data that a replacement destroys (or, for KMS keys and secrets,
// makes unreadable): the types policy stateful-protected guards, plus the EKS cluster
// (its etcd state and every workload on it) and Secrets Manager secrets.
var StatefulTypes = map[string]bool{
	"aws:rds/instance:Instance":                         true,
	"aws:rds/cluster:Cluster":                           true,
	"aws:elasticache/replicationGroup:ReplicationGroup": true,
	"aws:s3/bucketV2:BucketV2":                          true,
	"aws:s3/bucket:Bucket":                              true,
	"aws:kms/key:Key":                                   true,
	"aws:eks/cluster:Cluster":                           true,
	"aws:backup/vault:Vault":                            true,
	"aws:secretsmanager/secret:Secret":                  true,
	"aws:ecr/repository:Repository":                     true,
}

// replaceOnChange lists, per type, the input properties (Pulumi names) whose change
// makes the provider replace the resource instead of updating it. pulumi-aws is bridged
// from the Terraform AWS provider, so these are the ForceNew attributes of the upstream
// schema (hashicorp/terraform-provider-aws, the file named in each comment); the SDK's
// doc comments state only a few of them ("Changing this forces a new resource").
// A nested path ("vpcConfig.subnetIds") covers everything under it.
var replaceOnChange = map[string][]string{
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
}

// ReplaceProperties returns the replace-on-change properties known for a type.
func ReplaceProperties(typ string) []string { return replaceOnChange[typ] }

// forcesReplacement reports whether a change at path (as rendered by flatten:
// "a.b[0].c", `tags["x.y"]`) forces a replacement of a resource of type typ. extra are
// the resource's own replaceOnChanges option entries.
func forcesReplacement(typ, path string, extra []string) bool {
	for _, p := range append(replaceOnChange[typ], extra...) {
		if p == "*" || path == p || strings.HasPrefix(path, p+".") || strings.HasPrefix(path, p+"[") {
			return true
		}
	}
	return false
}
