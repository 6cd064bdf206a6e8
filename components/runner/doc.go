// Package runner owns the executor that runs `pulumi up` for the in-cluster layer: a
// CodeBuild-hosted GitHub Actions runner in the private subnets of the stack's VPC.
//
// # Why a runner in the VPC
//
// The EKS API endpoint is private in every stack (eks-endpoint-private), so the
// Kubernetes provider and the Helm charts of a `pulumi up`, `preview` or `refresh` can
// reach it only from inside the VPC. GitHub-hosted runners have no fixed egress address
// to put in publicAccessCidrs. CodeBuild runs GitHub Actions jobs in a project's
// network when a workflow job asks for `runs-on: codebuild-<project>-<run id>-<attempt>`
// (the WORKFLOW_JOB_QUEUED webhook); the job's steps are the workflow's own, so a
// workflow runs the same on either kind of runner.
//
// # What it creates
//
//   - a GitHub connection (aws:codestarconnections/connection), created PENDING: an
//     operator completes the handshake once in the console (Developer Tools > Settings >
//     Connections); the webhook needs it AVAILABLE;
//   - a security group with HTTPS out only (GitHub, Pulumi Cloud, AWS APIs, the Go module
//     proxy, the EKS endpoint), and an ingress rule on the cluster's security group that
//     admits it on 443;
//   - the project's service role: its log group, the VPC network interfaces CodeBuild
//     attaches, and the connection, nothing else. The job's AWS identity is the
//     workflow's OIDC role (aws-actions/configure-aws-credentials), not this role;
//   - a log group (KMS, retention), the project and the webhook.
//
// The first deploy of an empty account creates this with the rest of the AWS layer from
// outside the VPC (bootstrap phase, docs/first-deploy.md); from then on every run that
// touches the cluster uses this runner.
package runner
