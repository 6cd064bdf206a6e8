// Package secrets owns the platform's encryption keys and the secrets it generates.
//
// It creates three customer-managed KMS keys, each with rotation, a 30-day deletion
// window, an explicit key policy and an alias:
//
//   - data:    RDS, ElastiCache, EBS volumes of the EKS nodes, S3 data buckets, backups;
//   - secrets: Secrets Manager secrets and EKS envelope encryption of Kubernetes Secrets;
//   - logs:    CloudWatch Logs groups (the only key that admits a service principal).
//
// Every key policy starts from the account root (so IAM policies decide who may use the
// key, and the key can never become unmanageable). The data key also lets EC2 use it on
// behalf of principals of this account (kms:ViaService + kms:CallerAccount): the EKS node
// groups' Auto Scaling service-linked role must create encrypted EBS volumes, and naming
// that role as a principal would fail while it does not exist yet. No statement has a
// "*" principal without conditions.
//
// Secrets Manager secrets are encrypted with the secrets key and named
// "<NamePrefix>/<logical name>". Values the platform owns are generated here with
// pulumi-random and stored as JSON in a SecretVersion; they are secret outputs from end
// to end and never reach the state in plaintext:
//
//	db-app           {"username": "<DbUsername>", "password": "<40 chars>"}
//	redis-<group>    {"authToken": "<64 chars>"}   one per Redis replication group
//	jwt-signing-key  {"signingKey": "<64 chars>"}
//
// Values owned by third parties (Args.ExternalSecrets: the Anthropic API key, the Sentry
// DSN, Stripe keys, Alertmanager's PagerDuty key and Slack webhook; Args.
// RegistryCredentials: Docker Hub's login for the ECR pull through cache) are operator
// filled. Each gets a first, placeholder version ({"value": "REPLACE_ME: fill with
// ..."}), so External Secrets and ECR find a current value and the first `pulumi up`
// converges (the pods start, with a placeholder where a key should be). An operator then
// stores the real value once, e.g.
//
//	aws secretsmanager put-secret-value --secret-id agent-platform-prod/stripe-secret-key \
//	    --secret-string '{"value":"sk_live_..."}'
//
// External Secrets copies it into the cluster within its refresh interval; pods read
// their environment at start, so restart the workloads that use it. A later
// `pulumi up` never reverts it: the placeholder version ignores changes to its value and
// labels and never carries AWSCURRENT of its own accord (placeholder.go says why each
// setting is needed). Secrets.OperatorSecretNames lists them; CheckCommand prints which
// still hold the placeholder.
package secrets
