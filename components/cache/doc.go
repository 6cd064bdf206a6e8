// Package cache owns the platform's Redis 7 tier on ElastiCache: one replication group per
// role (the BullMQ `queue`, which must never evict, and the LRU `cache`), each with its own
// parameter group, slow/engine log groups and auth token, plus the shared subnet group and
// the one security group that admits Redis traffic only from named source security groups.
//
// It does not create the auth tokens (the secrets component does, and keeps them in
// Secrets Manager) nor the KMS keys (passed in by ARN), and it knows nothing about the
// stack: the caller passes every environment decision through RedisArgs.
package cache
