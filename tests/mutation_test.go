package tests

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/policies/rules"
	"github.com/generic-corp/platform/policies/verdict"
)

const (
	rds       = tokens.RDSInstance
	rdsParams = tokens.RDSParameterGroup
	redis     = tokens.ElastiCacheReplicationGroup
	redisPG   = tokens.ElastiCacheParameterGroup
	eks       = tokens.EKSCluster
	lt        = tokens.EC2LaunchTemplate
	nodeGroup = tokens.EKSNodeGroup
	kmsKey    = tokens.KMSKey
	sgType    = tokens.EC2SecurityGroup
	ingress   = tokens.VPCSecurityGroupIngressRule
	deploy    = tokens.K8sDeployment
	logGroup  = tokens.CloudWatchLogGroup
)

func foundationMutations() []mutation {
	return []mutation{
		{"rds storage unencrypted", "rds-encrypted", setInput(rds, "database", "storageEncrypted", false)},
		{"rds default aws key", "rds-encrypted", deleteInput(rds, "database", "kmsKeyId")},
		{"rds public", "rds-not-public", setInput(rds, "database", "publiclyAccessible", true)},
		{"rds short backups", "rds-backup-retention", setInput(rds, "database", "backupRetentionPeriod", 7)},
		{"rds single az", "rds-multi-az", setInput(rds, "database", "multiAz", false)},
		{"rds no deletion protection", "rds-deletion-protection", setInput(rds, "database", "deletionProtection", false)},
		{"rds skips final snapshot", "rds-deletion-protection", setInput(rds, "database", "skipFinalSnapshot", true)},
		{"rds tls optional", "rds-force-ssl", setParam(rdsParams, "database", "rds.force_ssl", "0")},
		{"rds no performance insights", "rds-performance-insights", setInput(rds, "database", "performanceInsightsEnabled", false)},
		{"rds PI default key", "rds-performance-insights", deleteInput(rds, "database", "performanceInsightsKmsKeyId")},
		{"rds no log exports", "rds-logs", setInput(rds, "database", "enabledCloudwatchLogsExports", []any{})},
		{"rds slow query log off", "rds-logs", setParam(rdsParams, "database", "log_min_duration_statement", "-1")},
		{"rds minor upgrades off", "rds-minor-upgrades", setInput(rds, "database", "autoMinorVersionUpgrade", false)},
		{"rds tags not copied", "rds-copy-tags", setInput(rds, "database", "copyTagsToSnapshot", false)},
		{"redis at rest off", "redis-at-rest", setInput(redis, "queue", "atRestEncryptionEnabled", false)},
		{"redis default key", "redis-at-rest", deleteInput(redis, "queue", "kmsKeyId")},
		{"redis in transit off", "redis-in-transit", setInput(redis, "cache-cache", "transitEncryptionEnabled", false)},
		{"redis no auth token", "redis-in-transit", deleteInput(redis, "cache-cache", "authToken")},
		{"redis no failover", "redis-failover", setInput(redis, "queue", "automaticFailoverEnabled", false)},
		{"redis single az", "redis-failover", setInput(redis, "cache-cache", "multiAzEnabled", false)},
		{"redis no snapshots", "redis-snapshots", setInput(redis, "queue", "snapshotRetentionLimit", 0)},
		{"bullmq queue evicts", "redis-queue-noeviction", setParam(redisPG, "queue", "maxmemory-policy", "allkeys-lru")},
		{"eks secrets unencrypted", "eks-secrets-kms", deleteInput(eks, "cluster", "encryptionConfig")},
		{"eks public to the world", "eks-endpoint-private", func(p *plan.Plan) error {
			if err := setInput(eks, "cluster", "vpcConfig.endpointPublicAccess", true)(p); err != nil {
				return err
			}
			return setInput(eks, "cluster", "vpcConfig.publicAccessCidrs", []any{"0.0.0.0/0"})(p)
		}},
		{"eks some logs only", "eks-control-plane-logs", setInput(eks, "cluster", "enabledClusterLogTypes", []any{"api"})},
		{"eks old version", "eks-version-floor", setInput(eks, "cluster", "version", "1.29")},
		{"nodes imdsv1", "eks-nodes-imdsv2", setInput(lt, "general", "metadataOptions.httpTokens", "optional")},
		{"nodes hop limit 3", "eks-nodes-imdsv2", setInput(lt, "general", "metadataOptions.httpPutResponseHopLimit", 3)},
		{"nodes unencrypted ebs", "eks-nodes-imdsv2", setInput(lt, "general", "blockDeviceMappings[0].ebs.encrypted", "false")},
		{"nodes ssh", "eks-nodes-no-ssh", setInput(nodeGroup, "general", "remoteAccess", map[string]any{"ec2SshKey": "ops"})},
		{"ssh from the internet", "sg-no-public-admin", addCopy(ingress, "database-ingress", "ssh-world", map[string]any{
			"cidrIpv4": "0.0.0.0/0", "fromPort": 22, "toPort": 22, "referencedSecurityGroupId": nil})},
		{"rds from a cidr", "sg-data-tier-from-sg", addCopy(ingress, "database-ingress", "db-from-cidr", map[string]any{
			"cidrIpv4": "10.0.0.0/8", "referencedSecurityGroupId": nil})},
		{"sg without description", "sg-descriptions", deleteInput(sgType, "database", "description")},
		{"vpc without flow logs", "vpc-flow-logs", removeAll(tokens.EC2FlowLog)},
		{"private subnet public ips", "subnet-no-auto-public-ip", setInput(tokens.EC2Subnet, "private", "mapPublicIpOnLaunch", true)},
		{"admin role policy", "iam-no-admin", setInput(tokens.IAMRolePolicy, "flow-logs", "policy",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)},
		{"role assumable by anyone", "iam-trust-scoped", setInput(tokens.IAMRole, "database-monitoring", "assumeRolePolicy",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`)},
		{"kms no rotation", "kms-rotation", setInput(kmsKey, "data", "enableKeyRotation", false)},
		{"kms open policy", "kms-no-wildcard-principal", setInput(kmsKey, "secrets-secrets", "policy",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:*","Resource":"*"}]}`)},
		{"secret with aws key", "secrets-cmk", deleteInput(tokens.SecretsManagerSecret, "db-app", "kmsKeyId")},
		{"logs kept forever", "logs-retention", deleteInput(logGroup, "flow-logs", "retentionInDays")},
		{"logs unencrypted", "logs-retention", deleteInput(logGroup, "control-plane", "kmsKeyId")},
		{"privileged pgbouncer", "k8s-pss-restricted", editContainer("pgbouncer", "securityContext.privileged", true)},
		{"pgbouncer as root", "k8s-pss-restricted", editContainer("pgbouncer", "securityContext.runAsNonRoot", false)},
		{"pgbouncer host network", "k8s-pss-restricted", setInput(deploy, "pgbouncer", "spec.template.spec.hostNetwork", true)},
		{"pgbouncer escalates", "k8s-pss-restricted", editContainer("pgbouncer", "securityContext.allowPrivilegeEscalation", true)},
		{"latest image", "k8s-hygiene", editContainer("pgbouncer", "image", "edoburu/pgbouncer:latest")},
		{"no resources", "k8s-hygiene", editContainer("pgbouncer", "resources", map[string]any{})},
		{"no readiness probe", "k8s-hygiene", editContainer("pgbouncer", "readinessProbe", nil)},
		{"image from docker hub", "k8s-hygiene", editContainer("pgbouncer", "image", "docker.io/library/postgres:16")},
		{"single replica", "k8s-ha", setInput(deploy, "pgbouncer", "spec.replicas", 1)},
		{"no pdb", "k8s-ha", removeAll(tokens.K8sPodDisruptionBudget)},
		{"loadbalancer service", "k8s-ha", setInput(tokens.K8sService, "pgbouncer", "spec.type", "LoadBalancer")},
		{"pgbouncer scaled past the budget", "pgbouncer-connection-budget", setInput(deploy, "pgbouncer", "spec.replicas", 40)},
		{"missing cost-center tag", "cost-required-tags", setInput(rds, "database", "tags", map[string]any{"environment": "prod"})},
		{"huge rds class", "cost-instance-allowlist", setInput(rds, "database", "instanceClass", "db.m5.24xlarge")},
		{"x86 redis", "cost-instance-allowlist", setInput(redis, "queue", "nodeType", "cache.r5.large")},
		{"x86 nodes", "cost-instance-allowlist", setInput(nodeGroup, "general", "instanceTypes", []any{"m5.large"})},
		{"gp2 rds", "cost-gp3", setInput(rds, "database", "storageType", "gp2")},
		{"gp2 nodes", "cost-gp3", setInput(lt, "general", "blockDeviceMappings[0].ebs.volumeType", "gp2")},
		{"fourth nat", "cost-nat-count", addCopy(tokens.EC2NatGateway, "us-east-1a", "extra-nat", nil)},
		{"forty nodes", "cost-stack-budget", setInput(nodeGroup, "general", "scalingConfig.desiredSize", 40)},
		{"rds unprotected", "stateful-protected", unprotect(rds, "database")},
		{"kms unprotected", "stateful-protected", unprotect(kmsKey, "data")},
		{"redis unprotected", "stateful-protected", unprotect(redis, "queue")},
	}
}

const (
	dist = tokens.CloudFrontDistribution
	pab  = tokens.S3BucketPublicAccessBlock
)

func edgeMutations() []mutation {
	return []mutation{
		{"bucket public acls allowed", "s3-public-access-block", setInput(pab, "app-bucket", "blockPublicAcls", false)},
		{"bucket without public access block", "s3-public-access-block", removeAll(pab)},
		{"site bucket sse-s3", "s3-sse-kms", setInput(tokens.S3BucketServerSideEncryptionConfigurationV2,
			"app-bucket", "rules[0].applyServerSideEncryptionByDefault.sseAlgorithm", "AES256")},
		{"versioning suspended", "s3-versioning", setInput(tokens.S3BucketVersioningV2, "landing-bucket", "versioningConfiguration.status", "Suspended")},
		{"no access logging", "s3-logging", removeAll(tokens.S3BucketLoggingV2)},
		{"acls enabled", "s3-acls-disabled", setInput(tokens.S3BucketOwnershipControls, "app-bucket", "rule.objectOwnership", "ObjectWriter")},
		{"bucket policy allows plain http", "s3-tls-only", setInput(tokens.S3BucketPolicy, "landing-bucket", "policy",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)},
		{"viewer http allowed", "cf-https-viewers", setInput(dist, "app", "defaultCacheBehavior.viewerProtocolPolicy", "allow-all")},
		{"assets over http", "cf-https-viewers", setInput(dist, "landing", "orderedCacheBehaviors[0].viewerProtocolPolicy", "allow-all")},
		{"tls 1.0 viewers", "cf-tls-min", setInput(dist, "app", "viewerCertificate.minimumProtocolVersion", "TLSv1")},
		{"s3 origin without oac", "cf-oac", setInput(dist, "app", "origins[0].originAccessControlId", "")},
		{"no web acl", "cf-waf", deleteInput(dist, "landing", "webAclId")},
		{"no cloudfront logs", "cf-logging", deleteInput(dist, "app", "loggingConfig")},
		{"no security headers", "cf-security-headers", setInput(dist, "app", "defaultCacheBehavior.responseHeadersPolicyId", "")},
		{"mutable image tags", "ecr-immutable-scan", setInput(tokens.ECRRepository, "registry-api", "imageTagMutability", "MUTABLE")},
		{"no scan on push", "ecr-immutable-scan", setInput(tokens.ECRRepository, "registry-worker", "imageScanningConfiguration.scanOnPush", false)},
	}
}

func opsMutations() []mutation {
	alarm := tokens.CloudWatchMetricAlarm
	return []mutation{
		{"alert topic unencrypted", "sns-encrypted", deleteInput(tokens.SNSTopic, "alerting-critical", "kmsMasterKeyId")},
		{"backup selection drops the database", "backup-coverage", func(p *plan.Plan) error {
			if err := removeAll(tokens.BackupSelection)(p); err != nil {
				return err
			}
			return nil
		}},
		{"backup without copy to the DR region", "backup-coverage", setInput(tokens.BackupPlan, "backup-plan", "rules[0].copyActions", []any{})},
		{"backup vault with the aws key", "backup-vault-cmk", deleteInput(tokens.BackupVault, "backup-vault", "kmsKeyArn")},
		{"backup vault unlocked", "backup-vault-cmk", removeAll(tokens.BackupVaultLockConfiguration)},
		{"alarm pages nobody", "alarms-routed", setInput(alarm, "db-connections-critical", "alarmActions", []any{})},
		{"alarm routed outside", "alarms-routed", setInput(alarm, "redis-queue-evictions", "alarmActions", []any{"arn:aws:sns:us-east-1:999999999999:elsewhere"})},
		{"single-region trail", "cloudtrail-on", setInput(tokens.CloudTrailTrail, "audit-trail", "isMultiRegionTrail", false)},
		{"trail without validation", "cloudtrail-on", setInput(tokens.CloudTrailTrail, "audit-trail", "enableLogFileValidation", false)},
		{"trail without kms", "cloudtrail-on", deleteInput(tokens.CloudTrailTrail, "audit-trail", "kmsKeyId")},
	}
}

// TestMutationsAreKilled: every mutation of the prod plan must be caught by its rule.
func TestMutationsAreKilled(t *testing.T) {
	base := capture(t, "prod", plan.Update)
	cfg := policyConfig(t, "prod")
	baseline, err := verdict.Check(base, cfg)
	require.NoError(t, err)

	all := append(append(append(append(append(foundationMutations(), edgeMutations()...), opsMutations()...), rolloutMutations()...), rehearsalMutations()...), day2PlanMutations()...)
	all = append(all, resolvedDocumentMutations()...)
	all = append(all, cisPlanMutations()...)
	covered := map[string]bool{}
	killed := 0
	for _, m := range all {
		covered[m.rule] = true
		p := clonePlan(base)
		require.NoError(t, m.apply(p), m.name)
		rep, err := verdict.Check(p, cfg)
		require.NoError(t, err, m.name)
		if hasNew(rep.Findings, baseline.Findings, m.rule) {
			killed++
		} else {
			t.Errorf("mutation %q survived: rule %s reported nothing new", m.name, m.rule)
		}
	}
	t.Logf("mutations: killed %d of %d", killed, len(all))
	require.GreaterOrEqual(t, len(all), 60)
	require.Equal(t, len(all), killed)
	var missing []string
	for _, r := range rules.All() {
		if !covered[r.ID] && !pendingMutationRules[r.ID] {
			missing = append(missing, r.ID)
		}
	}
	require.Empty(t, missing, "every rule needs at least one mutation")
}

// hasNew reports a finding of rule that the baseline did not have (same rule, same resource).
func hasNew(got, baseline []rules.Finding, rule string) bool {
	seen := map[string]bool{}
	for _, f := range baseline {
		seen[f.RuleID+"|"+f.URN+"|"+f.Message] = true
	}
	for _, f := range got {
		if f.RuleID == rule && !seen[f.RuleID+"|"+f.URN+"|"+f.Message] {
			return true
		}
	}
	return false
}

var pendingMutationRules = map[string]bool{}
