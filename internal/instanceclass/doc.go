// Package instanceclass holds, once, what the platform knows about instance classes:
// the RDS classes' vCPU and memory, Performance Insights support and its free tier, the
// inputs of RDS for PostgreSQL's default max_connections, and which RDS classes,
// ElastiCache node types and EKS node instance types each environment may choose.
//
// The facts are data (classes.json, embedded), every number with its source and the date
// it was read. components/database, stacks.Load, the pgbouncer-connection-budget rule and
// the cost model read them; the cost-instance-allowlist entries of
// policies/config/<stack>.json are generated from the choices. Prices stay in
// cost/prices.json: a test there proves every choice is priced.
package instanceclass
