//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/generic-corp/platform/components/addons"
	"github.com/generic-corp/platform/components/observability"
)

// crdSource is where the CRDs of one chart the program pins come from: the owning
// project's own Go module, downloaded into the module cache at test time (never copied
// into this repository), at the release the chart ships.
type crdSource struct {
	chart        string // the chart the program installs
	chartVersion string // the program's pin (checked against it)
	module       string // the project's Go module
	version      string // its release the chart ships (appVersion), or the nearest served: see gap
	dir          string // the CRD folder inside the module
	gap          string // why version is not the chart's appVersion, if it is not
}

// crdSources: appVersions read from each chart's Chart.yaml at the pinned version.
var crdSources = []crdSource{
	{
		chart: addons.ChartExternalSecrets, chartVersion: "2.9.0",
		module: "github.com/external-secrets/external-secrets", version: "v1.3.2", dir: "config/crds/bases",
		gap: "chart 2.9.0 ships operator v2.9.0, but the module path has no /v2 suffix, so v2.x tags are not Go module " +
			"versions and the proxy serves nothing newer than v1.3.2. Compared field by field (2026-12-03): every field of " +
			"v1.3.2's ExternalSecret v1 is in v2.9.0's; its SecretStore v1 has two providers v2.9.0 dropped (alibaba, " +
			"device42, unused here) and lacks fields v2.9.0 added, some under spec.provider.aws, which the program does not set",
	},
	{
		chart: addons.ChartKeda, chartVersion: "2.20.2",
		module: "github.com/kedacore/keda/v2", version: "v2.20.2", dir: "config/crd/bases",
	},
	{
		chart: "kube-prometheus-stack", chartVersion: "88.5.3",
		module: "github.com/prometheus-operator/prometheus-operator", version: "v0.93.1", dir: "example/prometheus-operator-crd",
	},
}

// chartPins are the program's own pins of the charts above.
func chartPins() map[string]string {
	return map[string]string{
		addons.ChartExternalSecrets: addons.DefaultVersions[addons.ChartExternalSecrets],
		addons.ChartKeda:            addons.DefaultVersions[addons.ChartKeda],
		"kube-prometheus-stack":     observability.KubePrometheusStackVersion,
	}
}

// TestCRDSourcesFollowTheChartPins fails when a chart pin moves without its CRD source:
// the tier would otherwise validate custom resources against another release's schema.
func TestCRDSourcesFollowTheChartPins(t *testing.T) {
	pins := chartPins()
	require.Len(t, crdSources, len(pins))
	for _, s := range crdSources {
		require.Equal(t, pins[s.chart], s.chartVersion, "chart %s is pinned at %s in the program; update crdSources (module %s) with it", s.chart, pins[s.chart], s.module)
	}
}

// moduleDir downloads module@version through the Go proxy (or finds it in the module
// cache) and returns its folder.
func moduleDir(ctx context.Context, module, version string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", module+"@"+version)
	// Outside this module: its go.mod must not decide what is downloaded.
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var info struct{ Dir, Error string }
	_ = json.Unmarshal(out, &info)
	if info.Error != "" {
		return "", fmt.Errorf("go mod download %s@%s: %s", module, version, info.Error)
	}
	if err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %w: %s", module, version, err, stderr.String())
	}
	return info.Dir, nil
}

// loadCRDs reads every CustomResourceDefinition in the sources' CRD folders.
func loadCRDs(ctx context.Context) ([]object, error) {
	var crds []object
	for _, s := range crdSources {
		dir, err := moduleDir(ctx, s.module, s.version)
		if err != nil {
			return nil, err
		}
		files, err := filepath.Glob(filepath.Join(dir, s.dir, "*.yaml"))
		if err != nil || len(files) == 0 {
			return nil, fmt.Errorf("%s@%s has no CRD files in %s", s.module, s.version, s.dir)
		}
		sort.Strings(files)
		for _, f := range files {
			docs, err := yamlDocs(f)
			if err != nil {
				return nil, err
			}
			for _, d := range docs {
				if d["kind"] == "CustomResourceDefinition" {
					crds = append(crds, d)
				}
			}
		}
	}
	return crds, nil
}

func yamlDocs(path string) ([]object, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	var docs []object
	for {
		var d object
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if d != nil {
			docs = append(docs, d)
		}
	}
}

// installCRDs creates the CRDs (once per control plane) and waits until the server
// serves each of them.
func (cp *controlPlane) installCRDs(t testing.TB) {
	t.Helper()
	cp.crdOnce.Do(func() { cp.crdErr = cp.createCRDs() })
	require.NoError(t, cp.crdErr, "installing the charts' CRDs")
}

func (cp *controlPlane) createCRDs() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	crds, err := loadCRDs(ctx)
	if err != nil {
		return err
	}
	const path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
	for _, crd := range crds {
		if err := cp.api.do(ctx, "POST", path, crd, nil); err != nil {
			return fmt.Errorf("creating CRD %v: %w", crd["metadata"].(object)["name"], err)
		}
	}
	for _, crd := range crds {
		name := crd["metadata"].(object)["name"].(string)
		if err := waitEstablished(ctx, cp.api, path+"/"+name); err != nil {
			return err
		}
		cp.crds = append(cp.crds, name)
	}
	return nil
}

func waitEstablished(ctx context.Context, k *kubeAPI, path string) error {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		var crd struct {
			Status struct {
				Conditions []struct{ Type, Status, Message string } `json:"conditions"`
			} `json:"status"`
		}
		if err := k.getJSON(ctx, path, &crd); err != nil {
			return err
		}
		for _, c := range crd.Status.Conditions {
			if c.Type == "Established" && c.Status == "True" {
				return nil
			}
			if c.Type == "NamesAccepted" && c.Status == "False" {
				return fmt.Errorf("%s: names not accepted: %s", path, c.Message)
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("%s not established within a minute", path)
}

// customKinds are the group/kind pairs the installed CRDs define.
func (cp *controlPlane) customKinds() map[string]bool {
	kinds := map[string]bool{}
	for _, name := range cp.crds {
		// <plural>.<group>; the kind is read back from the server.
		var crd struct {
			Spec struct {
				Group string `json:"group"`
				Names struct {
					Kind string `json:"kind"`
				} `json:"names"`
			} `json:"spec"`
		}
		if err := cp.api.getJSON(context.Background(), "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"+name, &crd); err == nil {
			kinds[crd.Spec.Group+"/"+crd.Spec.Names.Kind] = true
		}
	}
	return kinds
}

// groupOf is the API group of an apiVersion ("" for the core group).
func groupOf(apiVersion string) string {
	group, _, ok := strings.Cut(apiVersion, "/")
	if !ok {
		return ""
	}
	return group
}
