package preflight

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/stacks"
)

// immutableSetting is a config key whose value is fixed once the resource that takes it
// exists: no later deployment can change it, whatever the program plans.
type immutableSetting struct {
	Key string // in the platform namespace
	// Owner is the type token of the resource created with the value: a base without
	// one never deployed the setting, so any value is still free.
	Owner string
	Why   string
	// Source is where the behaviour is documented.
	Source string
	// Allowed, if set, says which changes can be deployed after all.
	Allowed func(old, new string) bool
}

// immutableSettings are the stack settings that cannot change after creation. Others of
// that kind are not config keys, so a stack file cannot change them: the RDS master
// username and database name (components/database), the database KMS key (from
// components/secrets) and the EKS service CIDR (EKS's default). A code change to one of
// them shows as a replacement of the protected instance or cluster, which the diff
// refuses as protected-replace.
var immutableSettings = []immutableSetting{
	{
		Key: "temporalHistoryShards", Owner: "platform:temporal:Temporal",
		Why: "Temporal writes numHistoryShards into its persistence store when the cluster first starts; it can never change " +
			"(a server with another value does not start against that store). More shards means a new Temporal cluster and database.",
		Source: "https://docs.temporal.io/references/configuration#persistence",
	},
	{
		Key: "vpcCidr", Owner: vpcType,
		Why: "a VPC's primary CIDR block cannot be changed or removed after it is created: another CIDR is another VPC, " +
			"and everything in it (EKS cluster, RDS, ElastiCache) is rebuilt empty. Add a secondary CIDR, or migrate to a new stack.",
		Source: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html",
	},
	{
		Key: "availabilityZones", Owner: tokens.EC2Subnet,
		Why: "a subnet's availability zone is fixed when it is created, and the layout places subnets by zone index " +
			"(components/network/cidr.go): removing or reordering zones re-creates subnets in address ranges still in use " +
			"under RDS, ElastiCache and EKS. Only appending zones is possible.",
		Source:  "https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html",
		Allowed: appendsOnly,
	},
	// A restored database is created from its source: snapshotIdentifier and
	// restoreToPointInTime force a new instance, so changing the source of a dr stack
	// that already restored would replace the protected database with another restore.
	{
		Key: "restoreSnapshotId", Owner: tokens.RDSInstance,
		Why: "the database was created from this snapshot; snapshotIdentifier forces a new instance, so another value replaces the " +
			"restored (protected) database. Keep it while the rebuild lives; a new restore is a new dr stack.",
		Source: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#snapshot_identifier",
	},
	{
		Key: "restorePointInTime", Owner: tokens.RDSInstance,
		Why:    "the database was created from this point in time; restoreToPointInTime forces a new instance, so another value replaces it.",
		Source: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#restore_to_point_in_time",
	},
	{
		Key: "restoreSourceBackupsArn", Owner: tokens.RDSInstance,
		Why:    "the restore's source backups are part of restoreToPointInTime, which forces a new instance.",
		Source: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#restore_to_point_in_time",
	},
	{
		Key: "serviceName", Owner: tokens.RDSInstance,
		Why: "it is the stem of every physical name (RDS identifier, Redis group ids, bucket, vault and secret names), and a new name " +
			"is a new resource: every stateful resource would be replaced.",
		Source: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#identifier",
	},
	{
		Key: "domain", Owner: tokens.ACMCertificate,
		Why: "a hosted zone's and a certificate's name cannot change (route53 zone name and acm domainName force new resources), " +
			"and the sites, the API and their records follow it.",
		Source: "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zones-working-with.html",
	},
}

// immutableRefusals refuses each immutable setting that head changes from what base
// deployed (base has the owning resource). Values are compared as the stack files set
// them, a key left out taking its default.
func immutableRefusals(base, head *Report) []Refusal {
	var out []Refusal
	for _, s := range immutableSettings {
		owner := urnOfType(base, s.Owner)
		if owner == "" {
			continue
		}
		full := stacks.Namespace + ":" + s.Key
		was, now := configValue(base.Config, s.Key), configValue(head.Config, s.Key)
		if was == now || (s.Allowed != nil && s.Allowed(was, now)) {
			continue
		}
		out = append(out, Refusal{Kind: "immutable-setting", URN: owner, Key: full, Old: was, New: now, Source: s.Source,
			Message: fmt.Sprintf("%s cannot change after the first deploy (%s -> %s): %s", full, was, now, s.Why)})
	}
	return out
}

// configValue is a stack's value of a platform key, its default when the file has none.
func configValue(cfg map[string]string, key string) string {
	if v, ok := cfg[stacks.Namespace+":"+key]; ok {
		return v
	}
	for _, k := range stacks.Keys {
		if k.Name != key || k.Default == nil {
			continue
		}
		switch d := k.Default.(type) {
		case string:
			return d
		case int:
			return strconv.Itoa(d)
		case bool:
			return strconv.FormatBool(d)
		default: // lists, as stacks.ReadStackFile renders them: JSON
			b, _ := json.Marshal(d)
			return string(b)
		}
	}
	return ""
}

// appendsOnly allows a list change that keeps every old entry in its place.
func appendsOnly(old, new string) bool {
	var was, now []string
	if json.Unmarshal([]byte(old), &was) != nil || json.Unmarshal([]byte(new), &now) != nil || len(now) < len(was) {
		return false
	}
	for i := range was {
		if was[i] != now[i] {
			return false
		}
	}
	return true
}

func urnOfType(r *Report, typ string) string {
	for i := range r.Resources {
		if r.Resources[i].Type == typ {
			return r.Resources[i].URN
		}
	}
	return ""
}
