// Command policypack is the platform's Pulumi policy pack: the rules of
// policies/rules (the catalogue of /work/shared/policies/rule-catalogue.md) served over the
// engine's analyzer protocol, so `pulumi preview/up` enforces the same rules as the offline
// gate that judges plan captures.
//
// # Build and run
//
//	go build -o bin/policypack ./policies/pack      # the binary; the protocol test builds it too
//	pulumi preview --policy-pack bin/policypack --policy-pack-config policies/config/<stack>.json
//
// The Pulumi CLI v3.274.1 starts a file path given to `--policy-pack` directly as an
// analyzer plugin (NewPolicyAnalyzer in pkg/resource/plugin/analyzer_plugin.go), which the
// real-engine tier (e2e/) proves. The directory form, `--policy-pack policies/pack`, also
// works where the Go language host is installed: with `runtime: go` it builds this
// directory and runs the same program. The binary speaks the analyzer protocol: start it,
// read the port from its first stdout line, dial it with gRPC.
//
// # What it serves
//
// One policy per rule, named by the rule ID (a resource policy for per-resource rules, run
// through rules.RunResource on Analyze; a stack policy for rules that join across
// resources, run through rules.Run on AnalyzeStack), plus a companion "<id>-unknown"
// policy per rule that carries the findings whose verdict needs a value not known yet
// (preview). Every policy has an explicit enforcement level: the rule's default for the
// stack named by ConfigureStack (prod, the strictest, until told), advisory for companions.
// Descriptions start with "[severity]"; severity is also sent in the protocol's severity
// fields. Each config schema declares the rule's parameters (per-stack defaults in their
// descriptions) and "exceptions" ([{urn|name, reason}]), so policies/config/<stack>.json
// loads; Configure validates the config exactly like rules.LoadConfig and rejects it with
// the problems listed.
//
// Exempted findings are reported, not dropped: at advisory level, message prefixed
// "[exempted] <reason>:", so the engine output shows the exception without blocking.
//
// # Why not policyx.Main
//
// The policies are policyx policies (policyx.NewPolicyPack, resource and stack validation
// policies), but the analyzer server is this package's own, because policyx's server in
// v3.274.1 builds the pack only in ConfigureStack (GetAnalyzerInfo/Analyze without it, as
// `pulumi policy publish` does, dereference nil), lets a panic kill the process, sends no
// severity, passes no config to stack policies, and stamps every diagnostic with the
// policy's level (an exempted finding would still block).
//
// Panics are contained three times: the rules engine recovers inside each check, each
// policy call is wrapped in recover() (a panic becomes a violation naming the rule, at the
// policy's level), and a gRPC interceptor recovers anything else. The test hook
// PLATFORM_POLICY_PANIC_RULE=<rule id> makes that rule's check panic ("<id>@adapter":
// the pack's adapter code panics instead); it is inert unless set and the pack logs to
// stderr when it is armed.
//
// Limits of the protocol: Analyze requests carry no dependencies, so per-resource rules
// that fall back on PropertyDependencies (an unknown KMS key ARN, say) report on the
// "-unknown" companion during preview where the offline gate can decide; no request
// carries retainOnDelete, so the pack treats it as set and leaves stateful-protected's
// retainTypes check to the offline gate.
package main
