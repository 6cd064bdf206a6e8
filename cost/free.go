package cost

import (
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

// freeTypes are resource types that cost nothing by themselves, each with the reason.
// Only types listed here (or matched by freePrefixes) are priced at zero without a price
// key; any other unrecognised type is Unknown.
var freeTypes = map[string]string{
	tokens.EC2VPC:                                      "VPCs have no charge",
	tokens.EC2Subnet:                                   "subnets have no charge",
	tokens.EC2RouteTable:                               "route tables have no charge",
	tokens.EC2Route:                                    "routes have no charge",
	tokens.EC2RouteTableAssociation:                    "route-table associations have no charge",
	tokens.EC2MainRouteTableAssociation:                "route-table associations have no charge",
	tokens.EC2DefaultRouteTable:                        "route tables have no charge",
	tokens.EC2InternetGateway:                          "internet gateways have no charge (transfer is billed on what sends it)",
	tokens.EC2EgressOnlyInternetGateway:                "egress-only internet gateways have no charge",
	tokens.EC2SecurityGroup:                            "security groups have no charge",
	tokens.EC2DefaultSecurityGroup:                     "security groups have no charge",
	tokens.EC2SecurityGroupRule:                        "security-group rules have no charge",
	tokens.VPCSecurityGroupIngressRule:                 "security-group rules have no charge",
	tokens.VPCSecurityGroupEgressRule:                  "security-group rules have no charge",
	tokens.EC2NetworkACL:                               "network ACLs have no charge",
	tokens.EC2NetworkACLRule:                           "network ACL rules have no charge",
	tokens.EC2DefaultNetworkACL:                        "network ACLs have no charge",
	tokens.EC2VPCDHCPOptions:                           "DHCP option sets have no charge",
	tokens.EC2VPCDHCPOptionsAssociation:                "DHCP option sets have no charge",
	tokens.EC2EIPAssociation:                           "the address is priced on the Eip",
	tokens.EC2LaunchTemplate:                           "priced through the instances (node groups) that use it",
	tokens.CodeBuildWebhook:                            "webhooks have no charge; builds are billed per minute on the project",
	tokens.CodeStarConnection:                          "AWS CodeConnections has no charge",
	tokens.EKSAddon:                                    "EKS add-ons have no charge; they run on the priced nodes",
	tokens.EKSAccessEntry:                              "EKS access entries have no charge",
	tokens.EKSAccessPolicyAssociation:                  "EKS access policies have no charge",
	tokens.EKSPodIdentityAssociation:                   "EKS Pod Identity has no charge",
	tokens.KMSAlias:                                    "aliases have no charge; the key is priced",
	tokens.KMSGrant:                                    "grants have no charge; the key is priced",
	tokens.SecretsManagerSecretVersion:                 "versions are included in the secret's monthly price",
	tokens.SecretsManagerSecretPolicy:                  "policies are included in the secret's monthly price",
	tokens.RDSParameterGroup:                           "parameter groups have no charge",
	tokens.RDSSubnetGroup:                              "subnet groups have no charge",
	tokens.RDSOptionGroup:                              "option groups have no charge (options that add instances are priced there)",
	tokens.ElastiCacheParameterGroup:                   "parameter groups have no charge",
	tokens.ElastiCacheSubnetGroup:                      "subnet groups have no charge",
	tokens.ElastiCacheUser:                             "users have no charge",
	tokens.ElastiCacheUserGroup:                        "user groups have no charge",
	tokens.ECRLifecyclePolicy:                          "lifecycle policies have no charge; storage is priced on the repository",
	tokens.ECRRepositoryPolicy:                         "repository policies have no charge",
	tokens.ECRPullThroughCacheRule:                     "rules have no charge; the cached images are ECR storage in repositories ECR creates on first pull (not in the plan)",
	tokens.ECRReplicationConfiguration:                 "replication has no charge of its own; the replicas are ECR storage in the DR region plus cross-region transfer per push (not in the plan)",
	tokens.ECRRepositoryCreationTemplate:               "templates have no charge",
	tokens.S3BucketPublicAccessBlock:                   "bucket configuration; storage is priced on the bucket",
	tokens.S3BucketPolicy:                              "bucket configuration; storage is priced on the bucket",
	tokens.S3BucketVersioningV2:                        "bucket configuration; storage (versions included) is priced on the bucket",
	tokens.S3BucketServerSideEncryptionConfigurationV2: "bucket configuration; KMS keys are priced",
	tokens.S3BucketLifecycleConfigurationV2:            "bucket configuration; storage is priced on the bucket",
	tokens.S3BucketOwnershipControls:                   "bucket configuration",
	tokens.S3BucketLoggingV2:                           "bucket configuration; the log bucket is priced",
	tokens.LBTargetGroup:                               "target groups have no charge; the load balancer is priced",
	tokens.LBListener:                                  "listeners have no charge; the load balancer is priced",
	tokens.LBListenerRule:                              "listener rules have no charge; the load balancer is priced",
	tokens.LBTargetGroupAttachment:                     "attachments have no charge",
	tokens.CloudFrontOriginAccessControl:               "distribution configuration; the distribution is priced",
	tokens.CloudFrontCachePolicy:                       "distribution configuration; the distribution is priced",
	tokens.CloudFrontOriginRequestPolicy:               "distribution configuration; the distribution is priced",
	tokens.CloudFrontResponseHeadersPolicy:             "distribution configuration; the distribution is priced",
	tokens.WAFWebACLAssociation:                        "associations have no charge; the web ACL is priced",
	tokens.WAFWebACLLoggingConfiguration:               "logging configuration; the destination is priced",
	tokens.WAFIPSet:                                    "IP sets have no charge; rules that use them are priced on the web ACL",
	tokens.WAFRegexPatternSet:                          "pattern sets have no charge; rules that use them are priced on the web ACL",
	tokens.WAFRuleGroup:                                "a rule group is billed as one rule of each web ACL that references it",
	tokens.ACMCertificateValidation:                    "a waiter, no AWS resource",
	tokens.BackupSelection:                             "selections have no charge; recovery points are priced on the vault",
	tokens.BackupVaultPolicy:                           "vault configuration; storage is priced on the vault",
	tokens.BackupVaultLockConfiguration:                "vault configuration; storage is priced on the vault",
	tokens.BackupVaultNotifications:                    "vault configuration; notifications are priced on the topic",
	tokens.SNSTopicPolicy:                              "topic configuration; the topic is priced",
	tokens.SNSTopicSubscription:                        "deliveries are priced on the topic",
	tokens.CloudWatchLogResourcePolicy:                 "policies have no charge",
	tokens.CloudWatchLogSubscriptionFilter:             "the destination is priced",
}

// freePrefixes cover whole families that cost nothing.
var freePrefixes = []struct{ prefix, why string }{
	{"aws:iam/", "IAM has no charge"},
	{"random:", "generated locally by the random provider"},
	{"tls:", "generated locally by the tls provider"},
	{"kubernetes:", "Kubernetes objects run on the priced nodes; Ingresses, LoadBalancer Services and volumes are priced on their own"},
}

func freeReason(typ string) (string, bool) {
	if why, ok := freeTypes[typ]; ok {
		return why, true
	}
	for _, p := range freePrefixes {
		if strings.HasPrefix(typ, p.prefix) {
			return p.why, true
		}
	}
	return "", false
}
