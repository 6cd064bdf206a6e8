package tests

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
)

func isPrimaryDB(r *plan.Resource) bool { return r.Input("replicateSourceDb").IsNull() }

func TestDatabase(t *testing.T) {
	cases := []struct {
		stack              string
		multiAz, protected bool
		retention          float64
	}{
		{"staging", false, false, 7},
		{"prod", true, true, 30},
	}
	for _, tc := range cases {
		t.Run(tc.stack, func(t *testing.T) {
			p := capture(t, tc.stack, plan.Update)
			db := one(t, p, tokens.RDSInstance, isPrimaryDB)
			require.Equal(t, "postgres", str(db.Input("engine")))
			require.True(t, strings.HasPrefix(str(db.Input("engineVersion")), "16"))
			require.Equal(t, tc.multiAz, db.Input("multiAz").AsBool())
			require.Equal(t, tc.protected, db.Input("deletionProtection").AsBool())
			require.Equal(t, tc.protected, db.Protect, "pulumi protect")
			require.True(t, db.Input("storageEncrypted").AsBool())
			require.Equal(t, tc.retention, num(db.Input("backupRetentionPeriod")))
			require.Equal(t, "gp3", str(db.Input("storageType")))
			require.False(t, db.Input("publiclyAccessible").AsBool())
			require.True(t, db.Input("copyTagsToSnapshot").AsBool())
			require.False(t, db.Input("skipFinalSnapshot").AsBool())
			require.NotEmpty(t, str(db.Input("finalSnapshotIdentifier")))
			require.True(t, db.Input("performanceInsightsEnabled").AsBool())
			require.Contains(t, strs(db.Input("enabledCloudwatchLogsExports")), "postgresql")

			// The storage key is one of our customer-managed keys, not the AWS-managed default.
			kmsArn := str(db.Input("kmsKeyId"))
			require.True(t, isOurKey(p, kmsArn), "kmsKeyId %q is not a key of this stack", kmsArn)
			require.True(t, isOurKey(p, str(db.Input("performanceInsightsKmsKeyId"))))

			// The parameter group the instance uses forces TLS and logs slow queries (seed: >500ms).
			pg := one(t, p, tokens.RDSParameterGroup, func(r *plan.Resource) bool {
				return str(r.Output("name")) == str(db.Input("parameterGroupName"))
			})
			require.Equal(t, "postgres16", str(pg.Input("family")))
			ps := params(pg)
			require.Equal(t, "1", ps["rds.force_ssl"])
			require.Equal(t, "500", ps["log_min_duration_statement"])
			require.Equal(t, "1", ps["log_connections"])
			require.NotEmpty(t, ps["max_connections"])
		})
	}
}

func isOurKey(p *plan.Plan, arn string) bool {
	for _, k := range p.ByType(tokens.KMSKey) {
		if arn != "" && str(k.Output("arn")) == arn {
			return true
		}
	}
	return false
}

func TestRedisGroups(t *testing.T) {
	for _, stack := range stacksUnderTest {
		t.Run(stack, func(t *testing.T) {
			p := capture(t, stack, plan.Update)
			groups := p.ByType(tokens.ElastiCacheReplicationGroup)
			require.Len(t, groups, 2, "queue and cache groups")
			policies := map[string]string{}
			for _, g := range groups {
				require.True(t, g.Input("atRestEncryptionEnabled").AsBool())
				require.True(t, isOurKey(p, str(g.Input("kmsKeyId"))))
				require.True(t, g.Input("transitEncryptionEnabled").AsBool())
				require.True(t, g.Input("authToken").Secret(), "AUTH token must be a secret")
				require.Greater(t, num(g.Input("snapshotRetentionLimit")), 0.0)
				strict := stack != "staging"
				require.Equal(t, strict, g.Input("automaticFailoverEnabled").AsBool())
				require.Equal(t, strict, g.Input("multiAzEnabled").AsBool())
				require.Equal(t, strict, g.Protect)
				pg := one(t, p, tokens.ElastiCacheParameterGroup, func(r *plan.Resource) bool {
					return str(r.Output("name")) == str(g.Input("parameterGroupName"))
				})
				require.Equal(t, "redis7", str(pg.Input("family")))
				policies[g.Name] = params(pg)["maxmemory-policy"]
			}
			var queue, cache string
			for name, pol := range policies {
				if strings.Contains(name, "queue") {
					queue = pol
				} else if strings.Contains(name, "cache") {
					cache = pol
				}
			}
			require.Equal(t, "noeviction", queue, "BullMQ requires noeviction")
			require.Equal(t, "allkeys-lru", cache)
		})
	}
}

func TestNetwork(t *testing.T) {
	for _, tc := range []struct {
		stack string
		nats  int
	}{{"staging", 1}, {"prod", 3}} {
		t.Run(tc.stack, func(t *testing.T) {
			p := capture(t, tc.stack, plan.Update)
			require.Len(t, p.ByType(tokens.EC2NatGateway), tc.nats)
			require.Len(t, p.ByType(tokens.EC2Subnet), 9, "three tiers over three AZs")
			require.Len(t, p.ByType(tokens.EC2FlowLog), 1)
			dsg := one(t, p, tokens.EC2DefaultSecurityGroup, nil)
			require.True(t, dsg.Input("ingress").IsNull() || dsg.Input("ingress").AsArray().Len() == 0)
			for _, lg := range p.ByType(tokens.CloudWatchLogGroup) {
				require.Greater(t, num(lg.Input("retentionInDays")), 0.0, lg.Name)
				require.True(t, isOurKey(p, str(lg.Input("kmsKeyId"))), lg.Name)
			}
		})
	}
}

func TestCluster(t *testing.T) {
	for _, stack := range stacksUnderTest {
		t.Run(stack, func(t *testing.T) {
			p := capture(t, stack, plan.Update)
			eks := one(t, p, tokens.EKSCluster, nil)
			require.False(t, eks.Input("vpcConfig.endpointPublicAccess").AsBool(), "no public endpoint without an allow-list")
			require.True(t, eks.Input("vpcConfig.endpointPrivateAccess").AsBool())
			require.Equal(t, "API", str(eks.Input("accessConfig.authenticationMode")))
			require.Len(t, eks.Input("enabledClusterLogTypes").AsArray().AsSlice(), 5)
			require.Equal(t, "secrets", str(eks.Input("encryptionConfig.resources[0]")))
			require.True(t, isOurKey(p, str(eks.Input("encryptionConfig.provider.keyArn"))))
			require.Len(t, p.ByType(tokens.IAMOpenIDConnectProvider), 1)

			lt := one(t, p, tokens.EC2LaunchTemplate, nil)
			require.Equal(t, "required", str(lt.Input("metadataOptions.httpTokens")))
			require.LessOrEqual(t, num(lt.Input("metadataOptions.httpPutResponseHopLimit")), 2.0)
			require.Equal(t, "gp3", str(lt.Input("blockDeviceMappings[0].ebs.volumeType")))
			require.Equal(t, "true", str(lt.Input("blockDeviceMappings[0].ebs.encrypted")))

			ng := one(t, p, tokens.EKSNodeGroup, nil)
			require.True(t, ng.Input("remoteAccess").IsNull(), "no SSH to nodes")
			require.Contains(t, str(ng.Input("amiType")), "ARM_64", "Graviton by default")

			addons := map[string]string{}
			for _, a := range p.ByType(tokens.EKSAddon) {
				addons[str(a.Input("addonName"))] = str(a.Input("addonVersion"))
			}
			for _, name := range []string{"vpc-cni", "coredns", "kube-proxy", "eks-pod-identity-agent"} {
				require.NotEmpty(t, addons[name], "add-on %s pinned", name)
			}
			require.Len(t, p.ByType(tokens.ProviderK8s), 1)
			require.True(t, p.Outputs.Get("kubeconfig").Secret())
		})
	}
}
