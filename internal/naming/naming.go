// Package naming builds physical AWS names that fit each service's length and charset
// limits and stay unique per stack, so two stacks in one account never collide and a
// long name is shortened the same way every run (truncate and hash, never random).
package naming

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
)

var unsafeChars = regexp.MustCompile(`[^a-z0-9-]+`)

// Name joins parts with '-', lower-cases them, replaces characters AWS names reject and
// fits the result into maxLen by keeping a prefix and appending a short stable hash of
// the full name. maxLen <= 0 means no limit.
func Name(maxLen int, parts ...string) string {
	full := strings.Join(nonEmpty(parts), "-")
	full = unsafeChars.ReplaceAllString(strings.ToLower(full), "-")
	full = strings.Trim(regexp.MustCompile(`-+`).ReplaceAllString(full, "-"), "-")
	if maxLen <= 0 || len(full) <= maxLen {
		return full
	}
	sum := sha256.Sum256([]byte(full))
	suffix := hex.EncodeToString(sum[:])[:7]
	keep := maxLen - len(suffix) - 1
	if keep < 1 {
		return suffix[:maxLen]
	}
	return strings.TrimRight(full[:keep], "-") + "-" + suffix
}

// Common service limits, named so callers say which limit they mean.
const (
	MaxRDSIdentifier     = 63
	MaxElastiCacheGroup  = 40
	MaxS3Bucket          = 63
	MaxIAMRole           = 64
	MaxEKSCluster        = 100
	MaxSecurityGroupName = 255
	MaxLoadBalancer      = 32
)

func nonEmpty(parts []string) []string {
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}
