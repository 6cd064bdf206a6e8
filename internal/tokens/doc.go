// Package tokens names every Pulumi type token the platform reads from a plan, once.
//
// The plan graph, the policy rules, the cost model and the preflight all key on type
// tokens; spelling each one out as a literal in every package let a typo (or a provider
// rename such as bucket -> bucketV2) silently stop a rule or a price from matching.
// The package has no dependencies so that any package, including the SDK-free ones,
// can import it. tokens_test.go checks each constant against the pinned SDK sources.
package tokens
