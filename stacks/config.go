package stacks

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/generic-corp/platform/components/cluster"
)

// Config is the typed, validated configuration of one stack. Load builds it; Deploy
// maps it onto component Args. Field comments name the config key.
type Config struct {
	Stack       string // Pulumi stack name
	Environment string // platform:environment
	Region      string // aws:region
	DRRegion    string // platform:drRegion
	Owner       string
	CostCenter  string
	ServiceName string
	BudgetUSD   int

	Edge     EdgeConfig
	Restore  RestoreConfig
	DR       DRConfig
	Ops      OpsConfig
	Apps     AppsConfig
	Network  NetworkConfig
	Cluster  ClusterConfig
	Database DatabaseConfig
	Cache    CacheConfig

	SecretRecoveryWindowDays int
	LogRetentionDays         int
	Resilience               ResilienceConfig // availabilityTarget, rto*/rpo* (config_resilience.go)
}

// Strict reports whether the environment gets the production rules (prod and its DR rebuild).
func (c *Config) Strict() bool { return c.Environment == "prod" || c.Environment == "dr" }

// NamePrefix is the stem of physical names: <service>-<stack>.
func (c *Config) NamePrefix() string { return c.ServiceName + "-" + c.Stack }

type EdgeConfig struct {
	Domain           string
	ZoneID           string // "" = create the zone
	ParentZoneID     string // zone the created zone is delegated from; "" = at the registrar (parentDnsZoneId: none)
	ImageTag         string
	WafRateLimit     int
	CorsExtraOrigins []string
}

// AppDomain, ApiDomain and LandingDomains name the stack's public hosts.
func (e EdgeConfig) AppDomain() string        { return "app." + e.Domain }
func (e EdgeConfig) ApiDomain() string        { return "api." + e.Domain }
func (e EdgeConfig) LandingDomains() []string { return []string{e.Domain, "www." + e.Domain} }

// CorsOrigins are the browser origins the API accepts.
func (e EdgeConfig) CorsOrigins() []string {
	out := []string{"https://" + e.AppDomain()}
	for _, d := range e.LandingDomains() {
		out = append(out, "https://"+d)
	}
	return append(out, e.CorsExtraOrigins...)
}

type NetworkConfig struct {
	VpcCidr            string
	AvailabilityZones  []string
	NatGateways        int
	InterfaceEndpoints []string
}

type ClusterConfig struct {
	KubernetesVersion string
	// GithubRepository is the repository whose deploy jobs the in-VPC runner takes.
	GithubRepository  string
	PublicAccessCidrs []string
	AdminRoleArns     []string
	NodeInstanceTypes []string
	NodeMin           int
	NodeDesired       int
	NodeMax           int
	NodeDiskGiB       int
}

type DatabaseConfig struct {
	InstanceClass       string
	EngineVersion       string
	AllocatedGiB        int
	MaxAllocatedGiB     int
	MultiAz             bool
	BackupRetentionDays int
	DeletionProtection  bool
	ReadReplica         bool
	PgBouncerReplicas   int
	DefaultPoolSize     int
	ReservePoolSize     int
	MaxClientConn       int
	DirectConnections   int
	ConnectionMargin    int
}

type CacheConfig struct {
	EngineVersion         string
	QueueNodeType         string
	CacheNodeType         string
	Replicas              int
	SnapshotRetentionDays int
}

// Allowed values, named so error messages and policies agree.
var (
	Environments              = []string{"staging", "prod", "dr"}
	KubernetesVersions        = cluster.SupportedKubernetesVersions()
	LogRetentionAllowed       = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
	InterfaceEndpointsAllowed = []string{"ecr.api", "ecr.dkr", "secretsmanager", "sts", "logs", "kms", "ssm", "ec2", "elasticloadbalancing", "autoscaling"}
)

// Load validates the raw configuration of one stack (full keys, values as the CLI
// passes them) and returns every problem at once.
func Load(stack string, all map[string]string) (*Config, error) {
	errs := problems{}
	raw := map[string]string{}
	for k, v := range all {
		if name, ok := strings.CutPrefix(k, Namespace+":"); ok {
			raw[name] = v
		}
	}
	r := &reader{raw: raw, errs: &errs}
	r.unknownKeys(raw)

	c := &Config{Stack: stack}
	c.Environment = r.oneOf("environment", Environments...)
	c.Region = all["aws:region"]
	if c.Region == "" {
		errs.add("aws:region", "", "is required: set the AWS region of the stack (e.g. us-east-1)")
	}
	c.DRRegion = r.str("drRegion")
	if c.DRRegion != "" && c.DRRegion == c.Region && c.Environment != "dr" {
		errs.add("drRegion", c.DRRegion, "must differ from aws:region (backups are copied out of the primary region)")
	}
	c.Owner, c.CostCenter, c.ServiceName = r.str("owner"), r.str("costCenter"), r.str("serviceName")
	if !validName(c.ServiceName) {
		errs.add("serviceName", c.ServiceName, "is not a valid name stem (allowed: lowercase letters, digits and '-', 3 to 24 characters)")
	}
	c.BudgetUSD = r.integer("monthlyBudgetUsd", 1, 1_000_000)
	c.LogRetentionDays = r.integer("logRetentionDays", 1, 3653)
	if c.LogRetentionDays != 0 && !containsInt(LogRetentionAllowed, c.LogRetentionDays) {
		errs.add("logRetentionDays", fmt.Sprint(c.LogRetentionDays), "is not a CloudWatch retention (allowed: %v)", LogRetentionAllowed)
	}
	c.SecretRecoveryWindowDays = r.integer("secretRecoveryWindowDays", 7, 30)

	c.Edge = loadEdge(r)
	c.Restore = loadRestore(r, c.Environment)
	c.DR = loadDR(r, c)
	c.Ops = loadOps(r, c)
	c.Apps = loadApps(r)
	c.Network = loadNetwork(r, c)
	c.Cluster = loadCluster(r)
	c.Database = loadDatabase(r)
	c.Cache = loadCache(r)
	validateClasses(r, c)
	c.Resilience = loadResilience(r, c.Environment)
	// Cross-field rules run even when other keys are wrong, each skipped only when a key it
	// reads has a problem already, so one pass lists every problem of the file.
	validateCrossField(c, &errs)
	if err := errs.err(stack); err != nil {
		return nil, err
	}
	return c, nil
}

func loadNetwork(r *reader, c *Config) NetworkConfig {
	n := NetworkConfig{
		VpcCidr:            r.str("vpcCidr"),
		AvailabilityZones:  r.list("availabilityZones"),
		NatGateways:        r.integer("natGateways", 1, 6),
		InterfaceEndpoints: r.list("interfaceEndpoints"),
	}
	if n.VpcCidr != "" {
		pfx, err := netip.ParsePrefix(n.VpcCidr)
		switch {
		case err != nil || !pfx.Addr().Is4():
			r.errs.add("vpcCidr", n.VpcCidr, "is not an IPv4 CIDR (allowed: e.g. 10.20.0.0/16)")
		case pfx.Masked() != pfx:
			r.errs.add("vpcCidr", n.VpcCidr, "has host bits set (did you mean %s?)", pfx.Masked())
		case pfx.Bits() < 16 || pfx.Bits() > 20:
			r.errs.add("vpcCidr", n.VpcCidr, "has the wrong size (allowed: /16 to /20, the VPC limits and room for three subnet tiers)")
		case !isPrivate(pfx):
			r.errs.add("vpcCidr", n.VpcCidr, "is not in a private range (allowed: inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)")
		}
	}
	seen := map[string]bool{}
	for _, az := range n.AvailabilityZones {
		if seen[az] {
			r.errs.add("availabilityZones", az, "is listed twice (allowed: distinct zones)")
		}
		seen[az] = true
		if c.Region != "" && !strings.HasPrefix(az, c.Region) {
			r.errs.add("availabilityZones", az, "is not a zone of aws:region %s (allowed: %sa, %sb, ...)", c.Region, c.Region, c.Region)
		}
	}
	if n.AvailabilityZones != nil && (len(n.AvailabilityZones) < 2 || len(n.AvailabilityZones) > 6) {
		r.errs.add("availabilityZones", strings.Join(n.AvailabilityZones, ","), "must list 2 to 6 zones (EKS and RDS need at least two)")
	}
	for _, e := range n.InterfaceEndpoints {
		if !contains(InterfaceEndpointsAllowed, e) {
			r.errs.add("interfaceEndpoints", e, "is not a supported endpoint (allowed: %s)", strings.Join(InterfaceEndpointsAllowed, ", "))
		}
	}
	return n
}

func isPrivate(p netip.Prefix) bool {
	for _, s := range []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"} {
		parent := netip.MustParsePrefix(s)
		if parent.Contains(p.Addr()) && p.Bits() >= parent.Bits() {
			return true
		}
	}
	return false
}

func validName(s string) bool {
	if len(s) < 3 || len(s) > 24 {
		return false
	}
	for _, ch := range s {
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-') {
			return false
		}
	}
	return true
}

func containsInt(list []int, v int) bool {
	for _, n := range list {
		if n == v {
			return true
		}
	}
	return false
}
