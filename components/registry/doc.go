// Package registry owns the platform's container image repositories on ECR: one
// repository per workload image (api, worker, temporal-worker, migrations by default),
// each with immutable tags, scan on push, customer-managed KMS encryption and a
// lifecycle policy that expires untagged layers and keeps the last N tagged images.
//
// It also owns the one rule for referring to our images (ImageRef): a repository URL
// plus an explicit, immutable tag or digest — never "latest", never untagged — so that
// what a Deployment runs is exactly what was scanned and promoted.
//
// Where images come from besides our pushes:
//
//   - Replication copies every push to "<NamePrefix>/..." into another region of the
//     account (prod to its DR region), and a repository creation template there keeps
//     the replicas immutable. ReplicaOf turns a registry into a user of such replicas (a
//     DR rebuild): it creates no repository and its URLs name the replicas, which hold
//     every release the primary pushed since replication was configured.
//   - PullThroughCaches serve upstream registries (Docker Hub) through ECR: MirrorRef
//     turns "edoburu/pgbouncer:v1.24.1-p0" into "<registry>/<prefix>/edoburu/pgbouncer:v1.24.1-p0",
//     cached on first pull, so rollouts and rebuilds do not hit Docker Hub's anonymous
//     pull limits (shared by everything behind the NAT gateways) or its outages. The
//     puller role (the nodes) gets the two extra actions the first pull needs.
package registry
