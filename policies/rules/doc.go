// Package rules owns the platform's policy catalogue: every rule of
// /work/shared/policies/rule-catalogue.md (IDs fixed), the engine that runs them over a
// neutral view of a stack's resources, and the policy-config loader.
//
// The package is pure Go on purpose. It imports only the standard library, the Pulumi
// property model and the Kubernetes API/PSA libraries, never policyx, plan or components:
// an adapter converts captured plan resources into Resource, and the CLI policy pack wraps
// the same rules, so the offline gate and the engine gate cannot disagree.
//
// Values are read through a three-state getter (Get): missing, unknown (computed during a
// preview) or known. A rule that needs an unknown value never passes and never panics: it
// reports on the companion rule "<id>-unknown", advisory by default. Secret values are
// unwrapped for checks but never rendered in messages (Display prints "[secret]").
//
// Enforcement defaults follow the catalogue: rules marked "(prod)" are mandatory in prod
// and dr and advisory in staging; every other rule is mandatory on every stack. A stack
// name other than staging, prod or dr gets the prod defaults (the strictest). Per-stack
// thresholds are typed Params with per-stack defaults, overridable from the policy config
// (policies/config/<stack>.json, policy config v2 shape), which can also exempt a finding
// by URN or name glob with a required reason.
//
// Entry points: Evaluate (every rule over a stack), Run (one rule over a stack),
// RunResource (one resource rule on one resource, for a policy pack called per
// resource), LoadConfig/LoadConfigFile, All/ByID, and Catalogue for documentation.
//
// Decisions worth knowing (details in each rule's Description and Params):
//   - Joins (bucket <-> settings, instance <-> parameter group, selection <-> plan, ...)
//     match by value first (the joining input against the target's ID, outputs and
//     name-like inputs), then by PropertyDependencies, so they work in preview (unknown
//     values) and update captures alike. An unresolvable join is an unknown finding.
//   - A reference-like input (webAclId, a KMS key ARN) that is unknown passes only when
//     its dependencies show it comes from the right resource type of this stack.
//   - cost-required-tags judges every pulumi-aws type whose Args have `tags`, listed in
//     taggable_aws.txt (generated from the pinned SDK by internal/gentaggable). Provider
//     defaultTags are invisible to it.
//   - stateful-protected treats an S3 bucket as data when its logical or bucket name
//     matches dataBucketPatterns (data, backup, audit, logs, trail) or it is tagged
//     stateful=true.
//   - redis-queue-noeviction judges replication groups whose name, id, description or
//     role tag match "*queue*"/"*bullmq*"; with no match, every group (one shared Redis).
//   - Kubernetes rules skip kube-system and, except PSS, objects rendered by helm Charts
//     (vendor add-ons); both are parameters.
//   - cost-stack-budget needs modeledMonthlyUSD from the caller (the cost model); without
//     it the verdict is unknown. cost-nat-count never needs a computed value.
//   - The rehearsal rules (65-68) judge the first deploy of an empty account against the
//     declared deployment model of deploy_model.go (executors, phases, the images CI
//     pushes, declared replicas); PartitionOf computes which resources each `pulumi up`
//     phase creates and Rehearse the view the preflight renders.
//   - day2-converges (69) simulates the second `pulumi up --refresh` (day2.go): the
//     behaviours of day2_behaviours.go drift the state, and a difference the program's
//     ignoreChanges and the provider's documented suppressions do not cover is a
//     replacement or a revert. Day2 takes two stacks (the first and second run) so that
//     tests can change the second run alone; the rule passes the same stack twice.
package rules
