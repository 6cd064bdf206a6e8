package preflight

import (
	"github.com/generic-corp/platform/internal/replacement"

	"github.com/generic-corp/platform/internal/tokens"
)

// StatefulTypes hold data that a replacement destroys (or, for KMS keys and secrets,
// makes unreadable): the types policy stateful-protected guards, plus the EKS cluster
// (its etcd state and every workload on it) and Secrets Manager secrets.
var StatefulTypes = map[string]bool{
	tokens.RDSInstance:                 true,
	tokens.RDSCluster:                  true,
	tokens.ElastiCacheReplicationGroup: true,
	tokens.S3BucketV2:                  true,
	tokens.S3Bucket:                    true,
	tokens.KMSKey:                      true,
	tokens.EKSCluster:                  true,
	tokens.BackupVault:                 true,
	tokens.SecretsManagerSecret:        true,
	tokens.ECRRepository:               true,
}

// ReplaceProperties returns the replace-on-change properties known for a type. The table
// lives in internal/replacement, which the day-2 policy reads too (rules cannot import
// preflight).
func ReplaceProperties(typ string) []string { return replacement.Properties(typ) }

// forcesReplacement reports whether a change at path (as rendered by flatten:
// "a.b[0].c", `tags["x.y"]`) forces a replacement of a resource of type typ. extra are
// the resource's own replaceOnChanges option entries.
func forcesReplacement(typ, path string, extra []string) bool {
	return replacement.Forces(typ, path, extra)
}
