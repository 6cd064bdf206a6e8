// Package services owns the platform's own Kubernetes workloads: one reusable Workload
// component (API, BullMQ workers, Temporal workers), the database migration Job, and the
// namespaces and External Secrets stores they run with.
//
// Components:
//   - Workload (platform:services:Workload): ServiceAccount with an IRSA role scoped to
//     exactly the Secrets Manager secrets the workload reads, a SecretStore and an
//     ExternalSecret that deliver those secrets as environment variables, a Deployment
//     with restricted pod security, a ClusterIP Service, a PodDisruptionBudget, an
//     autoscaler (CPU HPA, or KEDA ScaledObject on BullMQ wait lists or a Temporal task
//     queue), a NetworkPolicy that denies everything but the listed flows, and optionally
//     an Ingress for the AWS Load Balancer Controller (internet-facing ALB, HTTPS only).
//   - MigrationJob (platform:services:Migration): a batch/v1 Job named after the image
//     tag that runs the schema migration with the unpooled DATABASE_URL. Pulumi waits
//     for a Job to complete, so passing the Job in WorkloadArgs.RolloutDependsOn makes a
//     rollout start only after migrations succeeded.
//   - Namespace (platform:services:Namespace): a namespace that enforces the restricted
//     Pod Security Standard, with a namespace-wide default-deny NetworkPolicy.
//   - SecretStore (platform:services:SecretStore): ServiceAccount + IRSA role + an
//     external-secrets.io/v1 SecretStore backed by AWS Secrets Manager.
//   - StoreRole (platform:services:StoreRole): the IRSA role of a store on its own (the
//     same role and inline policy SecretStore creates), for the AWS layer.
//
// In-cluster layer on its own: SecretStoreArgs.RoleArn, WorkloadArgs.RoleArn and
// MigrationArgs.RoleArn take an IRSA role made elsewhere (NewStoreRole, or a fixture).
// With it these components register Kubernetes objects only, no aws:* resource, so the
// in-cluster layer can be deployed with the Kubernetes provider alone. The role must
// trust the ServiceAccount the store authenticates as: WorkloadServiceAccount(Name),
// MigrationServiceAccount(Name), or SecretStoreArgs.ServiceAccountName. Without
// RoleArn each store creates its role as before, with unchanged URNs.
//
// Secrets never pass through Pulumi here: ExternalSecret objects name Secrets Manager
// secrets and properties; the External Secrets operator reads them with the
// ServiceAccount's IRSA role (jwt auth: the operator requests a token for that
// ServiceAccount, so the workload's pods need no AWS credentials of their own) and
// renders the Kubernetes Secret from templates (SecretEnv), e.g. a DATABASE_URL built
// from the user and password properties.
//
// ServiceAccount tokens are not automounted: none of our pods talks to the Kubernetes
// API. IRSA does not need the automounted token either: the EKS pod identity webhook
// injects its own projected volume (aws-iam-token, audience sts.amazonaws.com) into
// every pod whose ServiceAccount carries eks.amazonaws.com/role-arn, independently of
// automountServiceAccountToken (amazon-eks-pod-identity-webhook, pkg/handler), and
// fsGroup makes that token readable by the non-root user.
//
// Health: every container is probed over HTTP on HealthPath (default /health, the
// seed's endpoint). Workloads without a Service port (workers) must serve the same
// endpoint on HealthPort (default 8081): an exec probe could only prove that a process
// exists, not that the worker's event loop and Redis connection are alive.
//
// Metrics: every workload serves Prometheus /metrics on MetricsPort. The API serves it
// on its app port (container and Service port "http", scraped by the observability
// ServiceMonitor); workers on 9464, declared as the container port "metrics" that the
// worker PodMonitor scrapes. The NetworkPolicy admits MetricsFromNamespace (default
// "monitoring", where Prometheus runs) on MetricsPort only. Jobs are not scraped.
//
// Scaling: with an autoscaler (HPA or KEDA) the Deployment leaves spec.replicas unset,
// so Pulumi never owns the field the autoscaler writes (with server-side apply it would
// conflict with the scale subresource's manager); a new Deployment starts at one pod
// until the autoscaler applies its minimum. KEDA triggers take string metadata; the
// BullMQ trigger reads the wait list "<prefix>:<queue>:wait" (delayed and prioritized
// jobs live in sorted sets and are not counted).
//
// Network policy: each workload's own NetworkPolicy lists both policy types, so its pods
// accept and open only the listed flows (DNS always; in-cluster peers such as PgBouncer
// and the Temporal frontend by namespace and pod selectors, NetworkArgs.EgressPeers; the
// VPC CIDR only for what lives outside the cluster, RDS and ElastiCache, and for the ALB,
// whose targets are pod IPs; Prometheus on the metrics port; HTTPS out). NewNetworkPolicy
// and PolicyPeer build the same shape for other components (PgBouncer, Temporal). Kubelet probes come from
// the node and are always allowed. Enforcement needs a network-policy engine (the VPC
// CNI's, enableNetworkPolicy in the vpc-cni add-on configuration).
//
// Migrations: the Job keeps its name for a release and gets a new one per image tag. It
// has no ttlSecondsAfterFinished by default: a Job deleted behind Pulumi's back would be
// re-created (and the migration re-run) by the next `pulumi up --refresh`.
//
// Graceful shutdown: HTTP workloads get a preStop sleep (the Kubernetes >= 1.30 sleep
// action, so distroless images need no shell) long enough for the ALB to stop sending
// traffic, then SIGTERM; terminationGracePeriodSeconds covers the seed's 30 s forced
// shutdown. Workers get a long grace period (default one hour) so that an agent task is
// not killed mid-run when KEDA scales in or a node drains.
package services
