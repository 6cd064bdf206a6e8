package preflight_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/preflight"
)

var update = flag.Bool("update", false, "rewrite the golden files under preflight/testdata")

// golden compares got with testdata/<name>, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run: go test ./preflight -run Golden -update")
	require.Equal(t, string(want), string(got), "%s changed; review the diff and run: go test ./preflight -run Golden -update", path)
}

func render(t *testing.T, f preflight.Format, d *preflight.Document) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, f.Write(&b, d))
	return b.Bytes()
}

// TestGoldenReports pins the human formats of the committed staging stack, and of a
// diff with a stateful replacement, so a layout or content change shows up in review.
func TestGoldenReports(t *testing.T) {
	staging := report(t, "staging", plan.Preview)
	withDiff := report(t, "staging", plan.Preview)
	base := report(t, "staging", plan.Preview)
	db := resource(t, base, tokens.RDSInstance, "database")
	db.Inputs["identifier"] = "agent-platform-staging-db-old"
	db.Inputs["instanceClass"] = "db.t4g.small"
	base.Cost.MonthlyUSD -= 25.5
	base.Cost.ByComponent["database"] -= 25.5
	withDiff.Diff = preflight.Compare(base, withDiff, "origin/main")

	cases := []struct {
		name   string
		format preflight.Format
		doc    *preflight.Document
	}{
		{"staging.md", preflight.MarkdownFormat{}, &preflight.Document{Reports: []*preflight.Report{staging}}},
		{"staging.txt", preflight.TextFormat{}, &preflight.Document{Reports: []*preflight.Report{staging}}},
		{"staging-diff.md", preflight.MarkdownFormat{}, &preflight.Document{Reports: []*preflight.Report{withDiff}}},
		{"staging-diff.txt", preflight.TextFormat{}, &preflight.Document{Reports: []*preflight.Report{withDiff}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			golden(t, tc.name, render(t, tc.format, tc.doc))
		})
	}
}

func TestMarkdownIsAPullRequestComment(t *testing.T) {
	r := report(t, "prod", plan.Preview)
	r.Findings = append(r.Findings, preflight.Finding{Rule: "rds-encrypted", Severity: "critical", Enforcement: "mandatory",
		URN: firstOfType(t, r, tokens.RDSInstance).URN, Message: "storage | not encrypted\nset storageEncrypted", Blocking: true})
	r.Summary.Mandatory++
	r.Summary.Pass = false
	md := string(render(t, preflight.MarkdownFormat{}, &preflight.Document{Reports: []*preflight.Report{r}}))

	require.Contains(t, md, preflight.CommentMarker, "the sticky-comment marker comes first")
	summary := bytes.Index([]byte(md), []byte("| Stack | Verdict |"))
	details := bytes.Index([]byte(md), []byte("<details>"))
	require.Positive(t, summary)
	require.Less(t, summary, details, "the summary table comes before every folded section")
	caution := bytes.Index([]byte(md), []byte("[!CAUTION]"))
	require.Positive(t, caution)
	require.Less(t, caution, details, "blocking findings are not folded away")
	require.Contains(t, md, "storage \\| not encrypted set storageEncrypted", "pipes and newlines are escaped in cells")
	require.Contains(t, md, "❌ 1 mandatory")
	require.Less(t, len(md), 65536, "a GitHub comment holds at most 65,536 characters")
}

func TestFormatsByName(t *testing.T) {
	for _, name := range []string{"text", "markdown", "json"} {
		f, err := preflight.ByName(name)
		require.NoError(t, err)
		require.Equal(t, name, f.Name())
	}
	_, err := preflight.ByName("sarif")
	require.ErrorContains(t, err, `unknown format "sarif" (allowed: json, markdown, text)`)
}
