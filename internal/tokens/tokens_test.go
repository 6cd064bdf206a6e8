package tokens

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// sdkFor maps a token's package to the Go module whose source must register it.
var sdkFor = map[string]string{
	"aws":                         "github.com/pulumi/pulumi-aws/sdk/v6",
	"kubernetes":                  "github.com/pulumi/pulumi-kubernetes/sdk/v4",
	"random":                      "github.com/pulumi/pulumi-random/sdk/v4",
	"pulumi:providers:aws":        "github.com/pulumi/pulumi-aws/sdk/v6",
	"pulumi:providers:kubernetes": "github.com/pulumi/pulumi-kubernetes/sdk/v4",
	"pulumi:pulumi:Stack":         "github.com/pulumi/pulumi/sdk/v3",
}

// customGroups are the API groups of CRDs (not of the Kubernetes SDK) whose tokens
// apiextensions.CustomResource builds at run time.
var customGroups = []string{"external-secrets.io/", "keda.sh/", "monitoring.coreos.com/"}

// TestEveryTokenIsRegisteredByThePinnedSDK reads the pinned SDK sources from the module
// cache so that a misspelt constant, or one a provider upgrade renamed, fails here
// instead of silently matching no resource in a plan.
func TestEveryTokenIsRegisteredByThePinnedSDK(t *testing.T) {
	consts := declared(t)
	require.NotEmpty(t, consts)
	seen := map[string]string{}
	sources := map[string]map[string]bool{}
	for name, tok := range consts {
		t.Run(name, func(t *testing.T) {
			if other, dup := seen[tok]; dup {
				t.Fatalf("%s and %s both spell %q: keep one name per token", name, other, tok)
			}
			seen[tok] = name
			if isCustom(tok) {
				require.Regexp(t, `^kubernetes:[a-z0-9.-]+/v[0-9a-z]+:[A-Z][A-Za-z]+$`, tok)
				return
			}
			mod := module(tok)
			require.NotEmpty(t, mod, "no SDK known for %q", tok)
			if sources[mod] == nil {
				sources[mod] = quotedTokens(t, mod)
			}
			require.True(t, sources[mod][tok], "%s = %q is not in the source of %s", name, tok, mod)
		})
	}
}

func isCustom(tok string) bool {
	for _, g := range customGroups {
		if strings.HasPrefix(tok, "kubernetes:"+g) {
			return true
		}
	}
	return false
}

func module(tok string) string {
	if m, ok := sdkFor[tok]; ok {
		return m
	}
	return sdkFor[strings.SplitN(tok, ":", 2)[0]]
}

// declared parses this package's sources and returns every string constant by name.
func declared(t *testing.T) map[string]string {
	t.Helper()
	pkgs, err := parser.ParseDir(token.NewFileSet(), ".", func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	require.NoError(t, err)
	out := map[string]string{}
	for _, f := range pkgs["tokens"].Files {
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, id := range vs.Names {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				require.True(t, ok, "%s: constants are plain string literals", id.Name)
				v, err := strconv.Unquote(lit.Value)
				require.NoError(t, err)
				out[id.Name] = v
			}
			return false
		})
	}
	return out
}

var quoted = regexp.MustCompile(`"[a-z0-9]+:[A-Za-z0-9./-]+:[A-Za-z0-9]+"`)

// quotedTokens returns every quoted token-shaped string in the non-test Go files of
// the version of mod that go.mod pins.
func quotedTokens(t *testing.T, mod string) map[string]bool {
	t.Helper()
	dir := moduleDir(t, mod)
	out := map[string]bool{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range quoted.FindAll(b, -1) {
			out[string(m[1:len(m)-1])] = true
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

// moduleDir resolves mod at its go.mod version in the module cache, and fails (the
// check must not pass vacuously) when that source is not there.
func moduleDir(t *testing.T, mod string) string {
	t.Helper()
	gomod, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(mod) + `\s+(v\S+)`).FindSubmatch(gomod)
	require.NotNil(t, m, "go.mod does not require %s", mod)
	cache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	require.NoError(t, err, "go env GOMODCACHE")
	dir := filepath.Join(strings.TrimSpace(string(cache)), mod+"@"+string(m[1]))
	_, err = os.Stat(dir)
	require.NoError(t, err, "SDK source %s@%s is not in the module cache: run `go mod download %s`", mod, m[1], mod)
	return dir
}
