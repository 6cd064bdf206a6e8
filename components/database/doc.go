// Package database owns the platform's PostgreSQL tier: one RDS for PostgreSQL 16
// instance (optionally a read replica), its subnet group, security group, parameter
// group, enhanced-monitoring role and log groups (NewPostgres, the AWS layer), and
// PgBouncer on the EKS cluster (NewPgBouncer, the in-cluster layer).
//
// Security and reliability are on by construction: storage and Performance Insights
// encrypted with the customer-managed data key, TLS forced (rds.force_ssl=1), no public
// access, ingress on 5432 only from named security groups and no egress, IAM database
// authentication, automated backups kept after deletion, a uniquely named final
// snapshot, deletion protection and pulumi.Protect when asked for.
//
// Connection budget (seed incident 1, "too many connections"): max_connections is set
// explicitly in the parameter group to the class default (instanceclass.MaxConnections),
// and NewPostgres refuses args whose worst case (PgBouncer pods at peak x (default_pool_size
// + reserve_pool_size) + other clients) exceeds max_connections minus a margin. PgBouncer
// caps each pod with max_db_connections, so the arithmetic holds on the cluster too. The
// arithmetic is internal/connbudget's, which stacks.Load and the policy rule share.
//
// PgBouncer (component platform:database:PgBouncer) runs in transaction mode. Its
// auth file comes from the application user secret in Secrets Manager through an
// ExternalSecret (External Secrets operator, store Args.PgBouncer.SecretStoreName), so
// no password is written to any Kubernetes object by Pulumi. After the secret rotates,
// restart the Deployment (PgBouncer reads the auth file at start). Contract with the
// policy pack: the Deployment and ConfigMap are named "pgbouncer" and the ConfigMap key
// "pgbouncer.ini" holds a [pgbouncer] section with default_pool_size and
// reserve_pool_size; it does not depend on any cloud output, so it is known in preview.
//
// Metrics: each PgBouncer pod runs the prometheus-community pgbouncer_exporter as a
// sidecar (PgBouncerArgs.ExporterImage) on port 9127, container port "metrics", which
// the observability PgBouncer PodMonitor scrapes; pgbouncer_up 0 means the pool is down
// or refuses the exporter. The exporter logs into the pod-local admin console as
// PgBouncerArgs.StatsUser, the application user of the auth file, listed in
// stats_users (SHOW commands only; no server connections, so no effect on the
// connection budget). Its password comes from the pgbouncer-auth Secret (key
// stats-password, URL-escaped by the ExternalSecret template) through an env
// secretKeyRef and $(VAR) expansion, never through Pulumi or the pod spec. After a
// secret rotation the restart that reloads the auth file reloads the exporter too.
// With PgBouncerStandaloneArgs.Network set (the platform sets it: the data namespace
// denies everything by default) PgBouncer gets its own NetworkPolicy: its clients'
// namespaces in on 5432, Prometheus's namespace in on 9127, DNS and RDS (the VPC CIDR)
// out. The pods wait for it.
//
// The two layers meet in front of the pool: NewPgBouncer (PgBouncerStandaloneArgs) runs
// it in front of the RDS address NewPostgres outputs, and NewPostgres outputs PooledHost,
// PooledPort and DatabaseURLPooled from Namespace and the PgBouncer args alone. Both must
// get the same Namespace and PgBouncer args; the connection budget is checked by
// NewPostgres.
//
// TLS to RDS is always required; it is verified (verify-full) when the RDS CA bundle is
// supplied (Args.PgBouncer.RdsCaBundle). Clients reach PgBouncer in plaintext inside the
// cluster unless Args.PgBouncer.ClientTLSSecretName names a TLS Secret; DatabaseURLPooled
// says which (sslmode=disable or require) rather than promising TLS it cannot deliver.
//
// The master password is passed in (from components/secrets) rather than using
// manageMasterUserPassword: PgBouncer and DatabaseURL need the value we own, and RDS's
// own rotation would change it behind them.
package database
