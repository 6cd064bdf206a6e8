// Package temporal owns the Temporal server: the official chart (temporalio/helm-charts
// 1.6.0 through helm/v4.Chart), Temporal's own PostgreSQL role and databases on the
// platform's RDS instance, the schema Job that creates and upgrades them, the password
// secret, and the Web UI behind an internal load balancer. Our Temporal workers are
// workloads of components/services; they reach the frontend at FrontendAddress.
//
// # RDS directly, not through PgBouncer
//
// Temporal connects straight to the RDS primary. Our PgBouncer runs in transaction mode,
// which Temporal does not support (its drivers keep per-connection state such as prepared
// statements across transactions); its auth file holds only the application user; and its
// max_db_connections cap is sized for the application pool. A second, session-mode
// PgBouncer would only hold Temporal's connections open one-to-one: session pooling saves
// nothing for a client that already pools and adds a hop and a failure point. Temporal's
// own pools are bounded instead (maxConns per store per pod), and that bound is part of
// the database budget:
//
//	PoolConnections = services (4) x (Replicas + 1 rollout surge)
//	                  x (DefaultStoreMaxConns + VisibilityStoreMaxConns) + 1 (schema Job)
//	defaults: 4 x (1 + 1) x (10 + 5) + 1 = 121
//
// The stack must count it in database.PostgresArgs.OtherClients, and the schema Job makes
// it the role's CONNECTION LIMIT, so PostgreSQL enforces it: a Temporal that opens more
// gets errors rather than starving the application (seed incident 1).
//
// # Schema without Helm hooks, safe to re-deploy
//
// helm/v4.Chart renders a chart like `helm template` and drops every hook-annotated
// object, so the chart's default hook mode would silently lose its schema Job. We set
// schema.useHelmHooks=false and leave createDatabase and manageSchema off on both stores
// (the chart's Job then only echoes "done"), and run our own plain Job instead, which the
// chart waits for (DependsOn; Pulumi awaits a Job's completion):
//
//  1. psql as the RDS master user (credentials from AdminSecretName through an
//     ExternalSecret) creates the role and both databases if missing, resets the role's
//     password and CONNECTION LIMIT, revokes PUBLIC access to both databases and gives
//     back the membership it needed (the application shares the master user, and must
//     not reach Temporal's data); every statement is idempotent;
//  2. temporal-sql-tool setup-schema -v 0.0 && update-schema --schema-dir
//     .../postgresql/v12/{temporal,visibility}/versioned for each store, the same
//     commands the chart runs. setup-schema only creates the version tables (IF NOT EXISTS)
//     and keeps a recorded version, update-schema applies only newer steps: a re-run is a
//     no-op, a newer admin-tools image upgrades the schema.
//
// A Job's pod template is immutable, so the Job is named "<release>-schema-<hash>" with
// the hash over everything in it known at construction (images, databases, TLS mode,
// connection limit, the script): any such change creates a new Job that runs again.
// Changes carried only by outputs (the RDS address) replace the Job in place
// (DeleteBeforeReplace, ReplaceOnChanges spec). The finished Job is kept (no TTL), so an
// unchanged deploy neither re-runs it nor sees drift. Nothing ever drops a database.
//
// numHistoryShards (Args.NumHistoryShards, default 512) is written into the persistence
// config once and can never change for the life of the cluster.
//
// # Secrets
//
// Temporal's role password is generated here (random, letters and digits) and kept in
// Secrets Manager as "<NamePrefix>/temporal-db" {"username","password"}, encrypted with
// the secrets key. The External Secrets operator copies it into the Secret "temporal-db",
// which the chart reads through datastores.*.sql.existingSecret; the master credentials
// reach only the schema Job, as "temporal-db-admin". No Kubernetes object Pulumi writes
// holds a password. The ExternalSecrets use a namespaced SecretStore by default (the
// platform's pattern): create the namespace and a store allowed to read
// DbSecretName(NamePrefix) and AdminSecretName first, and pass SkipNamespace and
// KubernetesDependsOn. Rotation: replace the random password resource; the next deploy
// writes the new value, and the schema Job must run once more to ALTER the role
// (replace the Job too), then restart the server Deployments.
//
// # In-cluster layer on its own
//
// ExternalDbSecret leaves the password secret to NewDbSecret (component
// platform:temporal:DbSecret, the same random password and secret) in the AWS layer, and
// SkipChart leaves the chart out: with both, NewTemporal registers plain Kubernetes
// objects only (namespace, ExternalSecrets, CA ConfigMap, schema Job) and no aws:* or
// random:* resource, so it can run with the Kubernetes provider alone.
//
// # Network and TLS
//
// The frontend is a ClusterIP Service with no ingress: only workloads in the cluster reach
// gRPC 7233. The Web UI (no login of its own) gets an ingress with ingressClassName alb and
// alb.ingress.kubernetes.io/scheme internal, HTTPS when WebCertificateArn is set, and
// optional inbound CIDRs. TLS to RDS is always on (RDS forces it): sslmode require, or
// verify-full when RdsCaBundle is given (mounted from a ConfigMap into the server pods and
// the Job).
//
// With TemporalArgs.Network set (the platform's temporal namespace denies everything by
// default) each server service, the Web UI and the schema Job get a NetworkPolicy before
// the schema Job runs: the server pods reach each other on gRPC and membership
// (7233-7239, 6933-6939), RDS on DbPort and DNS; the frontend admits
// Network.ClientNamespaces on 7233; Prometheus's namespace is admitted on the metrics
// port; the Web UI admits the VPC CIDR (the internal ALB's targets are pod IPs) on 8080
// and reaches only the frontend; the schema Job reaches only DNS and RDS.
//
// # Metrics
//
// Every server pod exposes Prometheus metrics (histogram timers) on its container port
// "metrics" (9090). The observability component scrapes them with a PodMonitor built from
// MetricsNamespace, MetricsSelector and MetricsPort; the chart's own ServiceMonitors stay
// off unless Args.ServiceMonitor, so the pods are not scraped twice.
//
// Pod Security "restricted" is enforced on the namespace; every pod the chart renders and
// the schema Job carry matching security contexts. The chart's admin-tools Deployment is
// disabled (an always-on shell with database access).
package temporal
