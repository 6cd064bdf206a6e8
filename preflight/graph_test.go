package preflight_test

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/preflight"
)

var (
	dotNode  = regexp.MustCompile(`^\s*("(?:[^"\\]|\\.)*")\s*\[(.*)\];$`)
	dotEdge  = regexp.MustCompile(`^\s*("(?:[^"\\]|\\.)*")\s*->\s*("(?:[^"\\]|\\.)*")(\s*\[.*\])?;$`)
	dotAttr  = regexp.MustCompile(`^\s*(rankdir=LR|label=.*|style=.*|color=.*|(graph|node|edge) \[.*\]);$`)
	dotOpen  = regexp.MustCompile(`^(digraph "[^"]+"|\s*subgraph cluster_\d+) \{$`)
	mmdNode  = regexp.MustCompile(`^\s*(n\d+)(\["[^"]*"\]|\[\("[^"]*"\)\])$`)
	mmdEdge  = regexp.MustCompile(`^\s*(n\d+) -->(\|\d+\|)? (n\d+)$`)
	mmdGroup = regexp.MustCompile(`^\s*subgraph g\d+ \["[^"]*"\]$`)
	mmdStyle = regexp.MustCompile(`^\s*(classDef|class|linkStyle) .+$`)
)

// parseDOT checks the DOT subset the renderer writes, line by line: balanced blocks,
// node and edge statements, and every edge endpoint declared as a node.
func parseDOT(t *testing.T, src string) (nodes map[string]bool, edges int) {
	t.Helper()
	nodes = map[string]bool{}
	var ends []string
	depth := 0
	for i, line := range strings.Split(strings.TrimRight(src, "\n"), "\n") {
		switch {
		case dotOpen.MatchString(line):
			depth++
		case strings.TrimSpace(line) == "}":
			depth--
			require.GreaterOrEqual(t, depth, 0, "line %d: unbalanced }", i+1)
		case dotEdge.MatchString(line):
			m := dotEdge.FindStringSubmatch(line)
			ends = append(ends, m[1], m[2])
			edges++
		case dotNode.MatchString(line):
			nodes[dotNode.FindStringSubmatch(line)[1]] = true
		case dotAttr.MatchString(line):
		default:
			t.Fatalf("line %d is not valid DOT: %q", i+1, line)
		}
	}
	require.Zero(t, depth, "unbalanced braces")
	for _, e := range ends {
		require.True(t, nodes[e], "edge endpoint %s is not a declared node", e)
	}
	return nodes, edges
}

func TestDOTGraph(t *testing.T) {
	r := report(t, "prod", plan.Preview)
	for _, level := range []string{preflight.LevelResource, preflight.LevelComponent} {
		t.Run(level, func(t *testing.T) {
			g, err := preflight.BuildGraph(r, level)
			require.NoError(t, err)
			var b bytes.Buffer
			require.NoError(t, preflight.DOT{}.Render(&b, g))
			src := b.String()
			nodes, edges := parseDOT(t, src)
			require.NotEmpty(t, nodes)
			require.Positive(t, edges)
			require.Contains(t, src, `color="#d33333"`, "the critical path is drawn")
			if level == preflight.LevelResource {
				db := firstOfType(t, r, rdsType)
				require.Contains(t, nodes, `"`+db.URN+`"`)
				require.Regexp(t, regexp.QuoteMeta(`"`+db.URN+`" [label="rds.Instance\ndatabase", shape=cylinder`), src, "stateful resources are cylinders")
				require.Contains(t, src, "subgraph cluster_", "components are clusters")
			}
			if _, err := exec.LookPath("dot"); err == nil {
				svg := filepath.Join(t.TempDir(), "g.svg")
				cmd := exec.Command("dot", "-Tsvg", "-o", svg)
				cmd.Stdin = strings.NewReader(src)
				out, err := cmd.CombinedOutput()
				require.NoError(t, err, "graphviz rejects the DOT: %s", out)
			} else {
				t.Log("graphviz dot not on PATH: SVG rendering not exercised")
			}
		})
	}
	_, err := preflight.BuildGraph(r, "pixel")
	require.ErrorContains(t, err, `unknown graph level "pixel"`)
}

func TestMermaidGraph(t *testing.T) {
	r := report(t, "prod", plan.Preview)
	for _, level := range []string{preflight.LevelComponent, preflight.LevelResource} {
		t.Run(level, func(t *testing.T) {
			g, err := preflight.BuildGraph(r, level)
			require.NoError(t, err)
			var b bytes.Buffer
			require.NoError(t, preflight.Mermaid{}.Render(&b, g))
			lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
			require.Equal(t, "flowchart LR", lines[0])
			declared := map[string]bool{}
			open := 0
			var edges [][2]string
			for _, l := range lines[1:] {
				switch {
				case mmdGroup.MatchString(l):
					open++
				case strings.TrimSpace(l) == "end":
					open--
				case mmdNode.MatchString(l):
					declared[mmdNode.FindStringSubmatch(l)[1]] = true
				case mmdEdge.MatchString(l):
					m := mmdEdge.FindStringSubmatch(l)
					edges = append(edges, [2]string{m[1], m[3]})
				case mmdStyle.MatchString(l):
				default:
					t.Fatalf("not a Mermaid statement the renderer writes: %q", l)
				}
			}
			require.Zero(t, open, "unbalanced subgraph/end")
			require.NotEmpty(t, edges)
			for _, e := range edges {
				require.True(t, declared[e[0]] && declared[e[1]], "edge %v between undeclared nodes", e)
			}
			require.Contains(t, b.String(), "class ", "critical nodes are styled")
			if level == preflight.LevelComponent {
				require.Contains(t, b.String(), `"database<br/>platform:database:Postgres<br/>`)
			}
		})
	}
}
