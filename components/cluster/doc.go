// Package cluster owns the EKS control plane and everything a workload needs before its
// first pod can run: the cluster and node IAM roles, the encrypted control-plane log
// group, access entries for administrators (API authentication mode, no aws-auth
// ConfigMap), the IAM OIDC provider for IRSA, the node security group, managed node
// groups on hardened launch templates (IMDSv2 only, encrypted gp3 root volumes, no SSH),
// pinned EKS add-ons (the VPC CNI with NetworkPolicy enforcement on, and the EBS CSI
// driver with its IRSA role, which PersistentVolumeClaims need), and the one explicit
// Kubernetes provider every other component uses to reach the cluster.
//
// It also exports IRSATrustPolicy, the trust document for IAM roles that Kubernetes
// service accounts assume, so every component builds IRSA roles the same way.
package cluster
