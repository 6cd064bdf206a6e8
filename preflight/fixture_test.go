package preflight_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/preflight"
)

// The project root, relative to this package.
const root = ".."

// Reports are built once per stack and mode per test binary (a capture takes ~50 ms);
// tests get a deep copy so they may mutate it.
var (
	cacheMu sync.Mutex
	cache   = map[string][]byte{}
)

// goldenDay is the run date of every fixture report, so the goldens do not change with
// the calendar (support windows and extended-support prices depend on it).
var goldenDay = time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)

func report(t testing.TB, stack string, mode plan.Mode) *preflight.Report {
	t.Helper()
	return reportAt(t, root, stack, mode)
}

func reportAt(t testing.TB, dir, stack string, mode plan.Mode) *preflight.Report {
	t.Helper()
	cacheMu.Lock()
	defer cacheMu.Unlock()
	key := fmt.Sprintf("%s|%s|%s", dir, stack, mode)
	data, ok := cache[key]
	if !ok {
		r, err := preflight.Run(stack, preflight.Options{Root: dir, Mode: mode, RunDate: goldenDay})
		require.NoError(t, err, "preflight of %s", key)
		data, err = json.Marshal(r)
		require.NoError(t, err)
		cache[key] = data
	}
	var r preflight.Report
	require.NoError(t, json.Unmarshal(data, &r))
	return &r
}

// projectCopy copies the files a capture reads (Pulumi.yaml, the stack files, the
// policy configs) into a temporary root and applies edits: file path -> func(old) new.
func projectCopy(t testing.TB, edits map[string]func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	var files []string
	for _, pattern := range []string{"Pulumi*.yaml", "policies/config/*.json"} {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		require.NoError(t, err)
		files = append(files, m...)
	}
	for _, f := range files {
		rel, err := filepath.Rel(root, f)
		require.NoError(t, err)
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		text := string(data)
		if edit := edits[rel]; edit != nil {
			text = edit(text)
		}
		dst := filepath.Join(dir, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o755))
		require.NoError(t, os.WriteFile(dst, []byte(text), 0o644))
	}
	for rel := range edits {
		_, err := os.Stat(filepath.Join(dir, rel))
		require.NoError(t, err, "edit of %s matched no copied file", rel)
	}
	return dir
}

// setConfig replaces one "key: value" line of a stack file.
func setConfig(key, value string) func(string) string {
	return func(s string) string {
		lines := strings.Split(s, "\n")
		for i, l := range lines {
			if strings.HasPrefix(strings.TrimSpace(l), key+":") {
				indent := l[:len(l)-len(strings.TrimLeft(l, " "))]
				lines[i] = indent + key + ": " + value
				return strings.Join(lines, "\n")
			}
		}
		panic("no config line " + key)
	}
}

func resource(t testing.TB, r *preflight.Report, typ, name string) *preflight.Resource {
	t.Helper()
	for i := range r.Resources {
		if r.Resources[i].Type == typ && r.Resources[i].Name == name {
			return &r.Resources[i]
		}
	}
	t.Fatalf("no %s %q in the %s report", typ, name, r.Stack)
	return nil
}

func firstOfType(t testing.TB, r *preflight.Report, typ string) *preflight.Resource {
	t.Helper()
	for i := range r.Resources {
		if r.Resources[i].Type == typ {
			return &r.Resources[i]
		}
	}
	t.Fatalf("no %s in the %s report", typ, r.Stack)
	return nil
}
