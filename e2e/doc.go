// Package e2e is the real-engine tier: tests that run the program's in-cluster layer
// through the real Pulumi CLI (Automation API, inline program), the real Kubernetes
// provider in render mode (renderYamlToDirectory: no cluster) and the platform policy pack
// binary over the real analyzer protocol. See docs/real-engine.md.
//
// The tests carry the build tag e2e, so a plain `go test ./...` never compiles them; the
// tools come from scripts/pulumi-tools.sh:
//
//	eval "$(scripts/pulumi-tools.sh)"
//	go test -tags e2e -count=1 ./e2e/
//
// Without the tools the tests skip and say so; with PLATFORM_E2E_REQUIRED=1 (set by
// .ci/run) missing tools fail the run instead.
//
// What this tier cannot prove: the AWS layer. The AWS and random providers and the Go
// language host are not served by the Go module proxy, so the AWS layer is proven only by
// the offline capture (package plan) and the policy gate over it.
package e2e
