//go:build !e2e

package e2e

import "testing"

// TestRealEngine stands in for the e2e tests in a build without the e2e tag, so that
// `go test -v ./...` says where they are rather than listing nothing.
func TestRealEngine(t *testing.T) {
	t.Skip("real-engine tests need the e2e build tag: eval \"$(scripts/pulumi-tools.sh)\" && go test -tags e2e -count=1 ./e2e/ (see docs/real-engine.md)")
}
