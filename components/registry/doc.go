// Package registry owns the platform's container image repositories on ECR: one
// repository per workload image (api, worker, temporal-worker, migrations by default),
// each with immutable tags, scan on push, customer-managed KMS encryption and a
// lifecycle policy that expires untagged layers and keeps the last N tagged images.
//
// It also owns the one rule for referring to our images (ImageRef): a repository URL
// plus an explicit, immutable tag or digest — never "latest", never untagged — so that
// what a Deployment runs is exactly what was scanned and promoted.
package registry
