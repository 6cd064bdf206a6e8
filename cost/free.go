package cost

import "strings"

// freeTypes are resource types that cost nothing by themselves, each with the reason.
// Only types listed here (or matched by freePrefixes) are priced at zero without a price
// key; any other unrecognised type is Unknown.
var freeTypes = map[string]string{
	"aws:ec2/vpc:Vpc":                                                                            "VPCs have no charge",
	"aws:ec2/subnet:Subnet":                                                                      "subnets have no charge",
	"aws:ec2/routeTable:RouteTable":                                                              "route tables have no charge",
	"aws:ec2/route:Route":                                                                        "routes have no charge",
	"aws:ec2/routeTableAssociation:RouteTableAssociation":                                        "route-table associations have no charge",
	"aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation":                                "route-table associations have no charge",
	"aws:ec2/defaultRouteTable:DefaultRouteTable":                                                "route tables have no charge",
	"aws:ec2/internetGateway:InternetGateway":                                                    "internet gateways have no charge (transfer is billed on what sends it)",
	"aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway":                                "egress-only internet gateways have no charge",
	"aws:ec2/securityGroup:SecurityGroup":                                                        "security groups have no charge",
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":                                          "security groups have no charge",
	"aws:ec2/securityGroupRule:SecurityGroupRule":                                                "security-group rules have no charge",
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":                                  "security-group rules have no charge",
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":                                    "security-group rules have no charge",
	"aws:ec2/networkAcl:NetworkAcl":                                                              "network ACLs have no charge",
	"aws:ec2/networkAclRule:NetworkAclRule":                                                      "network ACL rules have no charge",
	"aws:ec2/defaultNetworkAcl:DefaultNetworkAcl":                                                "network ACLs have no charge",
	"aws:ec2/vpcDhcpOptions:VpcDhcpOptions":                                                      "DHCP option sets have no charge",
	"aws:ec2/vpcDhcpOptionsAssociation:VpcDhcpOptionsAssociation":                                "DHCP option sets have no charge",
	"aws:ec2/eipAssociation:EipAssociation":                                                      "the address is priced on the Eip",
	"aws:ec2/launchTemplate:LaunchTemplate":                                                      "priced through the instances (node groups) that use it",
	"aws:codebuild/webhook:Webhook":                                                              "webhooks have no charge; builds are billed per minute on the project",
	"aws:codestarconnections/connection:Connection":                                              "AWS CodeConnections has no charge",
	"aws:eks/addon:Addon":                                                                        "EKS add-ons have no charge; they run on the priced nodes",
	"aws:eks/accessEntry:AccessEntry":                                                            "EKS access entries have no charge",
	"aws:eks/accessPolicyAssociation:AccessPolicyAssociation":                                    "EKS access policies have no charge",
	"aws:eks/podIdentityAssociation:PodIdentityAssociation":                                      "EKS Pod Identity has no charge",
	"aws:kms/alias:Alias":                                                                        "aliases have no charge; the key is priced",
	"aws:kms/grant:Grant":                                                                        "grants have no charge; the key is priced",
	"aws:secretsmanager/secretVersion:SecretVersion":                                             "versions are included in the secret's monthly price",
	"aws:secretsmanager/secretPolicy:SecretPolicy":                                               "policies are included in the secret's monthly price",
	"aws:rds/parameterGroup:ParameterGroup":                                                      "parameter groups have no charge",
	"aws:rds/subnetGroup:SubnetGroup":                                                            "subnet groups have no charge",
	"aws:rds/optionGroup:OptionGroup":                                                            "option groups have no charge (options that add instances are priced there)",
	"aws:elasticache/parameterGroup:ParameterGroup":                                              "parameter groups have no charge",
	"aws:elasticache/subnetGroup:SubnetGroup":                                                    "subnet groups have no charge",
	"aws:elasticache/user:User":                                                                  "users have no charge",
	"aws:elasticache/userGroup:UserGroup":                                                        "user groups have no charge",
	"aws:ecr/lifecyclePolicy:LifecyclePolicy":                                                    "lifecycle policies have no charge; storage is priced on the repository",
	"aws:ecr/repositoryPolicy:RepositoryPolicy":                                                  "repository policies have no charge",
	"aws:ecr/pullThroughCacheRule:PullThroughCacheRule":                                          "rules have no charge; the cached images are ECR storage in repositories ECR creates on first pull (not in the plan)",
	"aws:ecr/replicationConfiguration:ReplicationConfiguration":                                  "replication has no charge of its own; the replicas are ECR storage in the DR region plus cross-region transfer per push (not in the plan)",
	"aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate":                              "templates have no charge",
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     "bucket configuration; storage is priced on the bucket",
	"aws:s3/bucketPolicy:BucketPolicy":                                                           "bucket configuration; storage is priced on the bucket",
	"aws:s3/bucketVersioningV2:BucketVersioningV2":                                               "bucket configuration; storage (versions included) is priced on the bucket",
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": "bucket configuration; KMS keys are priced",
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2":                       "bucket configuration; storage is priced on the bucket",
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     "bucket configuration",
	"aws:s3/bucketLoggingV2:BucketLoggingV2":                                                     "bucket configuration; the log bucket is priced",
	"aws:lb/targetGroup:TargetGroup":                                                             "target groups have no charge; the load balancer is priced",
	"aws:lb/listener:Listener":                                                                   "listeners have no charge; the load balancer is priced",
	"aws:lb/listenerRule:ListenerRule":                                                           "listener rules have no charge; the load balancer is priced",
	"aws:lb/targetGroupAttachment:TargetGroupAttachment":                                         "attachments have no charge",
	"aws:cloudfront/originAccessControl:OriginAccessControl":                                     "distribution configuration; the distribution is priced",
	"aws:cloudfront/cachePolicy:CachePolicy":                                                     "distribution configuration; the distribution is priced",
	"aws:cloudfront/originRequestPolicy:OriginRequestPolicy":                                     "distribution configuration; the distribution is priced",
	"aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy":                                 "distribution configuration; the distribution is priced",
	"aws:wafv2/webAclAssociation:WebAclAssociation":                                              "associations have no charge; the web ACL is priced",
	"aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration":                            "logging configuration; the destination is priced",
	"aws:wafv2/ipSet:IpSet":                                                                      "IP sets have no charge; rules that use them are priced on the web ACL",
	"aws:wafv2/regexPatternSet:RegexPatternSet":                                                  "pattern sets have no charge; rules that use them are priced on the web ACL",
	"aws:wafv2/ruleGroup:RuleGroup":                                                              "a rule group is billed as one rule of each web ACL that references it",
	"aws:acm/certificateValidation:CertificateValidation":                                        "a waiter, no AWS resource",
	"aws:backup/selection:Selection":                                                             "selections have no charge; recovery points are priced on the vault",
	"aws:backup/vaultPolicy:VaultPolicy":                                                         "vault configuration; storage is priced on the vault",
	"aws:backup/vaultLockConfiguration:VaultLockConfiguration":                                   "vault configuration; storage is priced on the vault",
	"aws:backup/vaultNotifications:VaultNotifications":                                           "vault configuration; notifications are priced on the topic",
	"aws:sns/topicPolicy:TopicPolicy":                                                            "topic configuration; the topic is priced",
	"aws:sns/topicSubscription:TopicSubscription":                                                "deliveries are priced on the topic",
	"aws:cloudwatch/logResourcePolicy:LogResourcePolicy":                                         "policies have no charge",
	"aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter":                                 "the destination is priced",
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
