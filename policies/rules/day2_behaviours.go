package rules

import (
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/generic-corp/platform/internal/tokens"
)

// Day2Behaviour is one documented thing AWS (or a controller in the cluster) does to a
// resource between two runs, with its source, and how the provider's read then shows it
// in the state. It is data for the day-2 model (day2.go); drift holds the mechanics
// (day2_rds.go, day2_others.go).
type Day2Behaviour struct {
	ID   string
	Name string
	// Fact is the documented behaviour, in one line; Source is where it is documented
	// (an AWS, Kubernetes or provider page); Provider, when set, names the provider code
	// that reads it into the state or suppresses the difference.
	Fact, Source, Provider string
	// Fix is what a program does so the next run converges.
	Fix   string
	Types []string
	// drift returns the behaviour's state changes on r (a resource of the first run's
	// stack s), nil when it does not apply to r.
	drift func(s Stack, r Resource) []day2Change
}

// Day2Behaviours is the catalogue, in a fixed order.
func Day2Behaviours() []Day2Behaviour { return slices.Clone(day2Catalogue) }

var day2Catalogue = []Day2Behaviour{
	{
		ID: "rds-restore-keeps-snapshot-key", Name: "RDS restore keeps the snapshot's KMS key", Types: []string{tokens.RDSInstance},
		Fact: "RestoreDBInstanceFromDBSnapshot takes no KmsKeyId (nor does the provider's point-in-time restore): the restored " +
			"instance is encrypted with the key of the snapshot (or replicated backups), and the provider reads that key into kmsKeyId",
		Source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RestoreDBInstanceFromDBSnapshot.html",
		Fix: "leave kmsKeyId unset on a restored instance (the restore decides the key), or restore from a copy made under " +
			"the stack's key (aws.rds.SnapshotCopy with kmsKeyId) and name that same key",
		drift: restoreKeepsKey,
	},
	{
		ID: "rds-restore-keeps-snapshot-engine-version", Name: "RDS restore runs the snapshot's engine version", Types: []string{tokens.RDSInstance},
		Fact: "a restored instance runs the engine version of its snapshot, a later minor than the stack configured once the " +
			"source took minor upgrades; the provider keeps a configured engineVersion only when it is a prefix of the actual one",
		Source:   "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_RestoreFromSnapshot.html",
		Provider: "internal/service/rds/engine_version.go compareActualEngineVersion",
		Fix:      "configure the major version only (e.g. \"16\"), which the provider keeps for any minor; engineVersionActual carries the minor",
		drift:    restoreKeepsEngineVersion,
	},
	{
		ID: "rds-auto-minor-upgrade", Name: "RDS auto minor version upgrade", Types: []string{tokens.RDSInstance},
		Fact: "with autoMinorVersionUpgrade (the provider's default), RDS upgrades to a new minor in the maintenance window; the " +
			"provider keeps the configured engineVersion only when it is a prefix of the new version (\"16\" for 16.9), else it " +
			"reads the new minor and the program asks for a downgrade RDS refuses",
		Source:   "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Upgrading.html#USER_UpgradeDBInstance.Upgrading.AutoMinorVersionUpgrades",
		Provider: "internal/service/rds/engine_version.go compareActualEngineVersion",
		Fix:      "configure the major version only (e.g. \"16\"), which the provider keeps for any minor; engineVersionActual carries the minor",
		drift:    autoMinorUpgrade,
	},
	{
		ID: "rds-storage-autoscaling", Name: "RDS storage autoscaling", Types: []string{tokens.RDSInstance},
		Fact: "with maxAllocatedStorage set, RDS grows allocated storage by the greater of 10 GiB and 10 % when free space " +
			"falls under 10 %; the provider suppresses a smaller configured allocatedStorage while maxAllocatedStorage is above it",
		Source:   "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html",
		Provider: "internal/service/rds/instance.go allocated_storage DiffSuppressFunc",
		Fix: "keep maxAllocatedStorage above allocatedStorage; never lower it to or below allocatedStorage on an instance " +
			"that has grown (RDS cannot shrink storage)",
		drift: storageAutoscaling,
	},
	{
		ID: "rds-multi-az-failover", Name: "RDS Multi-AZ failover", Types: []string{tokens.RDSInstance},
		Fact: "a Multi-AZ failover (a host failure, a maintenance reboot) makes the standby the primary in another AZ, and " +
			"the provider reads that AZ into availabilityZone, which forces a replacement",
		Source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html#Concepts.MultiAZ.Failover",
		Fix:    "leave availabilityZone unset on a Multi-AZ instance (RDS places the primary and the standby)",
		drift:  multiAZFailover,
	},
	{
		ID: "elasticache-auto-minor-upgrade", Name: "ElastiCache automatic patch upgrades", Types: []string{tokens.ElastiCacheReplicationGroup},
		Fact: "from Redis OSS 6 ElastiCache offers one version per minor and manages the patch (autoMinorVersionUpgrade, " +
			"default on); the provider reads engineVersion back as major.minor, so a configured \"7.1\" stays while an exact " +
			"patch differs, and a lower configured version forces a new group",
		Source:   "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/VersionManagementConsiderations.html",
		Provider: "internal/service/elasticache/engine_version.go setEngineVersionRedis, engineVersionForceNewOnDowngrade",
		Fix:      "configure major.minor (e.g. \"7.1\"), never a patch",
		drift:    elasticachePatch,
	},
	{
		ID: "eks-autoscaler-desired-size", Name: "the cluster autoscaler sets a node group's desired size", Types: []string{tokens.EKSNodeGroup},
		Fact: "the Cluster Autoscaler (or an operator's eksctl scale) changes the Auto Scaling group's desired capacity " +
			"between minSize and maxSize, and EKS reports it as scalingConfig.desiredSize",
		Source:   "https://docs.aws.amazon.com/eks/latest/userguide/autoscaling.html",
		Provider: "website/docs/r/eks_node_group.html.markdown, \"Ignoring Changes to Desired Size\"",
		Fix:      "ignoreChanges [\"scalingConfig.desiredSize\"] on the node group: the configured size is only the initial one",
		drift:    autoscalerDesiredSize,
	},
	{
		ID: "k8s-hpa-replicas", Name: "a HorizontalPodAutoscaler sets its target's replicas", Types: scaledTypes,
		Fact: "the HPA controller writes spec.replicas of its scaleTargetRef through the scale subresource, between " +
			"minReplicas and maxReplicas; a manifest that sets spec.replicas resets it on every apply",
		Source: "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling",
		Fix:    "leave spec.replicas unset on a workload an HPA scales (the HPA owns it; minReplicas is the floor)",
		drift:  hpaReplicas,
	},
	{
		ID: "keda-replicas", Name: "a KEDA ScaledObject sets its target's replicas", Types: scaledTypes,
		Fact: "KEDA scales the scaleTargetRef between minReplicaCount and maxReplicaCount (through the HPA it creates, and to " +
			"zero itself), writing spec.replicas; a manifest that sets spec.replicas resets it on every apply",
		Source: "https://keda.sh/docs/2.17/concepts/scaling-deployments/",
		Fix:    "leave spec.replicas unset on a workload a ScaledObject scales (KEDA owns it; minReplicaCount is the floor)",
		drift:  kedaReplicas,
	},
	{
		ID: "lbc-backend-sg-rules", Name: "the AWS Load Balancer Controller adds ingress rules to the node security group",
		Types: []string{tokens.EC2SecurityGroup},
		Fact: "the controller admits its shared backend security group on the target ports of the node (ENI) security group, " +
			"the one tagged kubernetes.io/cluster/<cluster>; a security group with inline ingress blocks is the whole rule set, " +
			"so the provider deletes rules it did not declare",
		Source:   "https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/security_groups/",
		Provider: "website/docs/r/security_group.html.markdown, inline rules vs separate rule resources",
		Fix: "declare the group's rules as separate aws.vpc.SecurityGroupIngressRule/SecurityGroupEgressRule resources and " +
			"leave the inline ingress/egress unset",
		drift: lbcIngressRules,
	},
}

// scaledTypes are the workloads with a scale subresource an autoscaler writes.
var scaledTypes = []string{tokens.K8sDeployment, tokens.K8sStatefulSet, tokens.K8sReplicaSet}

// change builds a drift of path to v.
func change(path string, v property.Value) day2Change { return day2Change{path: path, state: v} }
