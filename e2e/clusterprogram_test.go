//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/stacks"
)

// No kubelet runs in this tier, so no Deployment becomes available and no Job completes.
// The transform below changes the program's objects in two ways, both about readiness and
// both in this tier only; everything the server decides (validation, admission, schemas)
// still happens:
//   - skipAwaitAnnotation is added: the provider's readiness waits would never end;
//   - replaceUnreadyAnnotation is removed: on a Job that has not completed it makes the
//     provider's diff ask for a replacement, so every refresh and preview would report the
//     never-finishing migration Job as changed.
const (
	skipAwaitAnnotation      = "pulumi.com/skipAwait"
	replaceUnreadyAnnotation = "pulumi.com/replaceUnready"
)

// skipAwaits registers a stack transform that applies the two readiness changes above to
// every Kubernetes object.
func skipAwaits(ctx *pulumi.Context) error {
	return ctx.RegisterResourceTransform(func(_ context.Context, args *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
		if !args.Custom || !strings.HasPrefix(args.Type, "kubernetes:") {
			return nil
		}
		meta, ok := args.Props["metadata"].(pulumi.Map)
		if !ok {
			meta = pulumi.Map{}
		}
		annotations := pulumi.Map{}
		if existing, ok := meta["annotations"].(pulumi.Map); ok {
			for k, v := range existing {
				annotations[k] = v
			}
		}
		delete(annotations, replaceUnreadyAnnotation)
		annotations[skipAwaitAnnotation] = pulumi.String("true")
		meta["annotations"] = annotations
		args.Props["metadata"] = meta
		return &pulumi.ResourceTransformResult{Props: args.Props, Opts: args.Opts}
	})
}

// clusterProgram deploys prod's in-cluster layer to the control plane at kubeconfig, the
// same stacks.DeployInCluster as render mode, with the image tag *tag holds when it runs.
func clusterProgram(cfg *stacks.Config, kubeconfig string, tag *string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		if err := skipAwaits(ctx); err != nil {
			return err
		}
		c := *cfg
		c.Edge.ImageTag = *tag
		in := stacks.InClusterFixtures(&c)
		k8s, err := kubernetes.NewProvider(ctx, "cluster", &kubernetes.ProviderArgs{
			Kubeconfig: pulumi.ToSecret(pulumi.String(kubeconfig)).(pulumi.StringOutput),
		})
		if err != nil {
			return err
		}
		if err := stacks.DeployInCluster(ctx, &c, in, k8s); err != nil {
			return err
		}
		ctx.Export("apiImage", in.Images["api"])
		return nil
	}
}

// stepLog collects the engine's resource steps of one operation (from its event stream):
// URN -> op, for the resources the engine did something to.
type stepLog struct {
	mu   sync.Mutex
	ops  map[string]apitype.OpType
	typ  map[string]string
	done chan struct{}
}

func newStepLog() (*stepLog, chan events.EngineEvent) {
	l := &stepLog{ops: map[string]apitype.OpType{}, typ: map[string]string{}, done: make(chan struct{})}
	ch := make(chan events.EngineEvent)
	go func() {
		defer close(l.done)
		for e := range ch {
			if e.ResourcePreEvent == nil {
				continue
			}
			m := e.ResourcePreEvent.Metadata
			l.mu.Lock()
			// A replacement is several steps (create-replacement, delete-replaced, ...);
			// keep "replace" for it.
			if prev := l.ops[m.URN]; prev != apitype.OpReplace {
				l.ops[m.URN] = m.Op
			}
			if m.Op == apitype.OpCreateReplacement || m.Op == apitype.OpDeleteReplaced || m.Op == apitype.OpReplace {
				l.ops[m.URN] = apitype.OpReplace
			}
			l.typ[m.URN] = m.Type
			l.mu.Unlock()
		}
	}()
	return l, ch
}

// changed returns "op type name" for every step other than "same" and reads.
func (l *stepLog) changed() []string {
	<-l.done
	var out []string
	for urn, op := range l.ops {
		if op == apitype.OpSame || op == apitype.OpRead {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s %s", op, l.typ[urn], urn[strings.LastIndex(urn, "::")+2:]))
	}
	return out
}
