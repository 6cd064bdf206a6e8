package cost

import "github.com/generic-corp/platform/internal/tokens"

// models is every type the estimate prices, with its model: one list, so the set of
// priced types reads in one place. Types that cost nothing by themselves are in
// freeTypes (free.go); any other type is Unknown. Each model lives in the file of its
// service family (compute, data, edge, kubernetes, network, ops, storage, trail_logs).
var models = map[string]model{
	// compute.go
	tokens.EKSCluster:   eksCluster,
	tokens.EKSNodeGroup: nodeGroup,
	tokens.EBSVolume:    ebsVolume,

	// data.go
	tokens.RDSInstance:                 rdsInstance,
	tokens.ElastiCacheReplicationGroup: replicationGroup,
	tokens.ElastiCacheCluster:          cacheCluster,

	// edge.go
	tokens.CloudFrontDistribution: distribution,
	tokens.WAFWebACL:              webACL,
	tokens.Route53Zone:            hostedZone,
	tokens.Route53HealthCheck:     healthCheck,
	tokens.Route53Record:          record,
	tokens.ACMCertificate:         certificate,

	// kubernetes.go
	tokens.K8sIngress:               ingress,
	tokens.K8sService:               service,
	tokens.K8sPersistentVolumeClaim: pvc,
	tokens.K8sStatefulSet:           statefulSet,
	tokens.K8sHelmRelease:           helmRelease,

	// network.go
	tokens.EC2NatGateway:   natGateway,
	tokens.EC2EIP:          eip,
	tokens.LBLoadBalancer:  loadBalancer,
	tokens.ALBLoadBalancer: loadBalancer,
	tokens.EC2VPCEndpoint:  vpcEndpoint,
	tokens.EC2FlowLog:      flowLog,

	// ops.go
	tokens.SecretsManagerSecret:  secret,
	tokens.KMSKey:                kmsKey,
	tokens.KMSReplicaKey:         kmsKey,
	tokens.CloudWatchMetricAlarm: metricAlarm,
	tokens.CloudWatchLogGroup:    logGroup,
	tokens.CloudTrailTrail:       trail,
	tokens.SNSTopic:              snsTopic,
	tokens.SSMParameter:          ssmParameter,

	// storage.go
	tokens.BackupVault:   backupVault,
	tokens.BackupPlan:    backupPlan,
	tokens.ECRRepository: ecrRepository,
	tokens.S3BucketV2:    s3Bucket,
	tokens.S3Bucket:      s3Bucket,

	// trail_logs.go
	tokens.CloudWatchLogMetricFilter: metricFilter,
}
