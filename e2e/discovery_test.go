//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/require"
)

// apiResource is one entry of the server's discovery: a kind's plural and scope.
type apiResource struct {
	plural     string
	namespaced bool
}

// discovery maps apiVersion/kind to the server's resource names, read once per group
// version from the server itself (so a kind it does not serve is an error, not a guess).
type discovery struct {
	api *kubeAPI
	mu  sync.Mutex
	gvs map[string]map[string]apiResource
}

func (d *discovery) resource(ctx context.Context, apiVersion, kind string) (apiResource, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.gvs == nil {
		d.gvs = map[string]map[string]apiResource{}
	}
	kinds, ok := d.gvs[apiVersion]
	if !ok {
		path := "/apis/" + apiVersion
		if !strings.Contains(apiVersion, "/") {
			path = "/api/" + apiVersion
		}
		var list struct {
			Resources []struct {
				Name       string `json:"name"`
				Kind       string `json:"kind"`
				Namespaced bool   `json:"namespaced"`
			} `json:"resources"`
		}
		if err := d.api.getJSON(ctx, path, &list); err != nil {
			return apiResource{}, fmt.Errorf("discovery of %s: %w", apiVersion, err)
		}
		kinds = map[string]apiResource{}
		for _, r := range list.Resources {
			if !strings.Contains(r.Name, "/") {
				kinds[r.Kind] = apiResource{plural: r.Name, namespaced: r.Namespaced}
			}
		}
		d.gvs[apiVersion] = kinds
	}
	r, ok := kinds[kind]
	if !ok {
		return apiResource{}, fmt.Errorf("the server serves no %s in %s", kind, apiVersion)
	}
	return r, nil
}

// path is the REST path of one object (or, with name "", of its collection).
func (d *discovery) path(ctx context.Context, apiVersion, kind, namespace, name string) (string, error) {
	r, err := d.resource(ctx, apiVersion, kind)
	if err != nil {
		return "", err
	}
	p := "/apis/" + apiVersion
	if !strings.Contains(apiVersion, "/") {
		p = "/api/" + apiVersion
	}
	if r.namespaced {
		p += "/namespaces/" + namespace
	}
	p += "/" + r.plural
	if name != "" {
		p += "/" + name
	}
	return p, nil
}

// stateObject is a Kubernetes object as the engine's state records it.
type stateObject struct {
	urn, typ                          string
	apiVersion, kind, namespace, name string
	uid                               string
	spec                              map[string]any
	labels, annotations               map[string]any
}

func (o stateObject) String() string {
	return fmt.Sprintf("%s %s %s/%s", o.apiVersion, o.kind, o.namespace, o.name)
}

// stateKubeObjects exports the stack's state and returns its Kubernetes objects.
func stateKubeObjects(ctx context.Context, t *testing.T, s auto.Stack) []stateObject {
	t.Helper()
	exported, err := s.Export(ctx)
	require.NoError(t, err, "pulumi stack export")
	var state apitype.DeploymentV3
	require.NoError(t, json.Unmarshal(exported.Deployment, &state))
	var objs []stateObject
	for _, r := range state.Resources {
		if !r.Custom || !strings.HasPrefix(string(r.Type), "kubernetes:") {
			continue
		}
		meta, _ := r.Outputs["metadata"].(map[string]any)
		o := stateObject{urn: string(r.URN), typ: string(r.Type)}
		o.apiVersion, _ = r.Outputs["apiVersion"].(string)
		o.kind, _ = r.Outputs["kind"].(string)
		o.name, _ = meta["name"].(string)
		o.namespace, _ = meta["namespace"].(string)
		o.uid, _ = meta["uid"].(string)
		o.labels, _ = meta["labels"].(map[string]any)
		o.annotations, _ = meta["annotations"].(map[string]any)
		o.spec, _ = r.Outputs["spec"].(map[string]any)
		require.NotEmpty(t, o.name, "%s has metadata.name in state", r.URN)
		objs = append(objs, o)
	}
	return objs
}
