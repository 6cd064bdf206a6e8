package rules

import (
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

var statefulProtected = Rule{
	ID: "stateful-protected", Number: 60, Severity: High, ProdMandatory: true, Anchors: "own",
	Description: "Stateful resources carry the protect option: RDS instances, ElastiCache replication groups, backup " +
		"vaults, KMS keys, and data buckets (an S3 bucket whose logical or bucket name matches dataBucketPatterns, or " +
		"tagged stateful=true). Types in retainTypes must also set retainOnDelete.",
	ResourceTypes: []string{tokens.RDSInstance, tokens.ElastiCacheReplicationGroup, tokens.BackupVault, tokens.KMSKey, tokens.S3BucketV2},
	Params: []ParamSpec{
		{Name: "dataBucketPatterns", Type: ParamStringList, Default: []string{"*data*", "*backup*", "*audit*", "*logs*", "*trail*"},
			Description: "globs on a bucket's logical name or bucket name that mark it as holding data"},
		{Name: "retainTypes", Type: ParamStringList, Default: []string{},
			Description: "type tokens that must also set retainOnDelete (e.g. aws:kms/key:Key)"},
	},
	CheckResource: func(r Resource, p Params) []Finding {
		if r.Type == tokens.S3BucketV2 && !dataBucket(r, p.StringList("dataBucketPatterns")) {
			if !r.Protect && (r.in("bucket").IsUnknown() || r.in("tags").IsUnknown()) {
				return []Finding{unknown(r, "bucket", "whether this is a data bucket that must be protected")}
			}
			return nil
		}
		var out []Finding
		if !r.Protect {
			out = append(out, fail(r, "the protect resource option is off; pass pulumi.Protect(true) (args.Protect) so `pulumi destroy` or a "+
				"replacement cannot delete it"))
		}
		if contains(p.StringList("retainTypes"), r.Type) && !r.RetainOnDelete {
			out = append(out, fail(r, "the retainOnDelete resource option is off; pass pulumi.RetainOnDelete(true) so removal from the program keeps the cloud resource"))
		}
		return out
	},
}

// dataBucket decides whether a bucket holds data worth protecting.
func dataBucket(r Resource, patterns []string) bool {
	if v, _ := r.in("tags.stateful").String(); v == "true" {
		return true
	}
	for _, n := range []string{r.Name, strOf(r.in("bucket"))} {
		if n != "" && globAny(patterns, strings.ToLower(n)) {
			return true
		}
	}
	return false
}
