// Package lifecycle is the one dated table of what is supported when: EKS Kubernetes
// minors, RDS PostgreSQL majors and minors, ElastiCache engine versions, the EKS add-on
// builds and the Helm charts the program pins, each with its sources (lifecycle.json).
//
// Support ends on a calendar day, not on the day prices were collected, so every
// question is asked for a run date: Today() (the UTC date, or PLATFORM_RUN_DATE when a
// test or a re-run of an old report needs a fixed day). The version-lifecycle policy rule
// and the cost model (EKS extended support) read the same table on the same date.
package lifecycle
