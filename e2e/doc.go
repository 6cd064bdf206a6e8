// Package e2e is the real-engine tier: tests that run the program's in-cluster layer
// through the real Pulumi CLI (Automation API, inline program) and the real Kubernetes
// provider, twice over: in render mode (renderYamlToDirectory: no cluster) and against a
// real control plane (etcd, kube-apiserver and kube-controller-manager at the stacks'
// Kubernetes minor, on loopback, with the operators' CRDs installed from their own Go
// modules), plus the platform policy pack binary over the real analyzer protocol. See
// docs/real-engine.md.
//
// The tests carry the build tag e2e, so a plain `go test ./...` never compiles them; the
// tools come from scripts/pulumi-tools.sh:
//
//	tools_env="$(scripts/pulumi-tools.sh)" && eval "$tools_env"
//	go test -tags e2e -count=1 ./e2e/
//
// Without the tools the tests skip and say so; with PLATFORM_E2E_REQUIRED=1 (set by
// .ci/run) missing tools fail the run instead. The control plane is started once per test
// binary, killed after controlPlaneLifetime at the latest and stopped by TestMain whether
// the tests passed or not.
//
// What this tier cannot prove: the AWS layer (the AWS and random providers and the Go
// language host are not served by the Go module proxy, so it is proven only by the offline
// capture in package plan and the policy gate over it), and anything after admission: no
// scheduler or kubelet runs, so Pods never start and the provider's readiness waits are
// skipped in this tier (skipAwaits).
package e2e
