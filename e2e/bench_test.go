//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/stacks"
)

// BenchmarkInClusterLayer measures, in one run, the real engine's `pulumi preview` of prod's
// in-cluster layer against the API server (every object dry-run by the server) and the
// offline capture of the same layer, and the capture as the program grows to 4 and 16
// cells (copies of the layer). scripts/bench-engine.sh prints the ratio and the per-resource
// cost of each size.
func BenchmarkInClusterLayer(b *testing.B) {
	cfg := prodConfig(b)
	b.Run("engine-preview", func(b *testing.B) {
		cp := requireCluster(b)
		cp.installCRDs(b)
		tag := cfg.Edge.ImageTag
		s := newStack(b, "prod", clusterProgram(cfg, cp.kubeconfig, &tag))
		ctx := context.Background()
		var resources int
		b.ResetTimer()
		for b.Loop() {
			var out bytes.Buffer
			res, err := s.Preview(ctx, optpreview.ProgressStreams(&out), optpreview.Color("never"))
			if err != nil {
				b.Fatalf("preview: %v\n%s", err, out.String())
			}
			resources = 0
			for _, n := range res.ChangeSummary {
				resources += n
			}
		}
		b.ReportMetric(float64(resources), "resources")
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(resources), "ns/resource")
	})
	for _, cells := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("capture-cells-%d", cells), func(b *testing.B) {
			var resources int
			for b.Loop() {
				p, err := plan.Capture(cellsProgram(cfg, cells), plan.Options{Stack: "prod", Mode: plan.Preview})
				if err != nil {
					b.Fatal(err)
				}
				resources = len(p.Resources)
			}
			b.ReportMetric(float64(resources), "resources")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(resources), "ns/resource")
		})
	}
}

// cell is one copy of the in-cluster layer in cellsProgram.
type cell struct{ pulumi.ResourceState }

// cellsProgram registers n copies of prod's in-cluster layer, each under a component of
// its own type, so each copy's URNs are distinct (a URN carries its parents' types; the
// capture refuses a duplicate as the engine does).
func cellsProgram(cfg *stacks.Config, n int) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		for i := range n {
			c := &cell{}
			if err := ctx.RegisterComponentResource(fmt.Sprintf("platform:bench:Cell%d", i), "cell", c); err != nil {
				return err
			}
			k8s, err := kubernetes.NewProvider(ctx, "cluster", &kubernetes.ProviderArgs{}, pulumi.Parent(c))
			if err != nil {
				return err
			}
			if err := stacks.DeployInClusterUnder(ctx, cfg, stacks.InClusterFixtures(cfg), k8s, c); err != nil {
				return err
			}
		}
		return nil
	}
}
