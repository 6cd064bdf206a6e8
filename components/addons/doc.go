// Package addons owns the third-party controllers the platform's workloads rely on,
// installed as Helm charts through helm/v4.Chart with pinned chart versions:
//
//   - AWS Load Balancer Controller (kube-system): turns the API's Ingress into an ALB.
//     It has its own IRSA role with the controller's reference IAM policy
//     (lbcontroller_policy.go); region and VPC are passed in so it never needs IMDS.
//     Its Service mutating webhook is off: we run no LoadBalancer Services (policy
//     k8s-ha), and with it on every Service create fails while the controller is down.
//   - External Secrets Operator (namespace external-secrets): syncs Secrets Manager
//     secrets into Kubernetes Secrets. The operator itself has no AWS identity: every
//     SecretStore authenticates with jwt auth as a ServiceAccount of its own namespace
//     and that ServiceAccount's IRSA role (the operator mints the token with the
//     TokenRequest API), so each namespace can read exactly its own secrets.
//     AddonsArgs.SecretStores creates such per-namespace stores (services.NewSecretStore)
//     once the operator's CRDs exist.
//   - KEDA (namespace keda): scales the BullMQ and Temporal workers on queue depth.
//   - metrics-server (kube-system): resource metrics for the API's CPU HPA.
//
// Under the real engine a v4 Chart registers every rendered object, so policies see
// them; the offline capture records only the Chart and its inputs (chart, version,
// repository, values), which is what the tests check. The Chart resources are exported
// (Addons.Ready) so workloads can depend on them: ExternalSecrets and SecretStores need
// the ESO CRDs and webhook, ScaledObjects need KEDA's, the Ingress the controller's
// validating webhook.
//
// High availability (true in prod): two replicas of every controller with a
// PodDisruptionBudget that allows one eviction; KEDA's metrics API server stays at one
// replica (only one can serve external.metrics.k8s.io, KEDA docs "High Availability").
package addons
