package tests

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/policies/verdict"
)

// editDocument mutates a JSON policy document inside a resolved (update-mode) input, the
// way a bad change to the program would: the rest of the document, its ARNs included,
// stays as the program built it.
func editDocument(typ, name, path string, edit func(doc map[string]any) error) func(*plan.Plan) error {
	return func(p *plan.Plan) error {
		r, err := pick(p, typ, name)
		if err != nil {
			return err
		}
		v, ok := r.Inputs.GetOk(path)
		if !ok || !v.IsString() {
			return fmt.Errorf("%s %s: %s is not a resolved document (%v)", typ, name, path, v)
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(v.AsString()), &doc); err != nil {
			return fmt.Errorf("%s %s: %s: %w", typ, name, path, err)
		}
		if err := edit(doc); err != nil {
			return fmt.Errorf("%s %s: %w", typ, name, err)
		}
		out, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		r.Inputs = set(r.Inputs, path, pv(string(out)))
		return nil
	}
}

func statements(doc map[string]any) []any {
	s, _ := doc["Statement"].([]any)
	return s
}

// resolvedDocumentMutations break the IAM and bucket policies the program computes from
// other resources' ARNs, the documents a preview cannot see.
func resolvedDocumentMutations() []mutation {
	return []mutation{
		{"irsa trust loses its service-account pin", "iam-trust-scoped", editDocument(tokens.IAMRole, "irsa-platform-api", "assumeRolePolicy",
			func(doc map[string]any) error {
				for _, st := range statements(doc) {
					cond, _ := st.(map[string]any)["Condition"].(map[string]any)
					eq, _ := cond["StringEquals"].(map[string]any)
					for k := range eq {
						if len(k) > 4 && k[len(k)-4:] == ":sub" {
							delete(eq, k)
							return nil
						}
					}
				}
				return fmt.Errorf("no :sub condition to drop")
			})},
		{"ebs csi trust opened to every principal", "iam-trust-scoped", editDocument(tokens.IAMRole, "cluster-ebs-csi", "assumeRolePolicy",
			func(doc map[string]any) error {
				st := statements(doc)
				if len(st) == 0 {
					return fmt.Errorf("no statement")
				}
				st[0].(map[string]any)["Principal"] = "*"
				return nil
			})},
		{"irsa policy gains a wildcard statement", "iam-no-admin", editDocument(tokens.IAMRolePolicy, "irsa-platform-worker", "policy",
			func(doc map[string]any) error {
				doc["Statement"] = append(statements(doc), map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"})
				return nil
			})},
		{"app bucket policy drops its TLS deny", "s3-tls-only", editDocument(tokens.S3BucketPolicy, "app-bucket-policy", "policy",
			func(doc map[string]any) error {
				st := statements(doc)
				kept := slices.DeleteFunc(slices.Clone(st), func(s any) bool { return s.(map[string]any)["Effect"] == "Deny" })
				if len(kept) == len(st) {
					return fmt.Errorf("no deny statement")
				}
				doc["Statement"] = kept
				return nil
			})},
		{"kubernetes pinned past its end of standard support", "version-lifecycle", setInput(eks, "cluster", "version", "1.34")},
	}
}

// TestPreviewJudgesResolvedValues: the prod preview must not leave a computed value the
// program builds itself (IAM documents, bucket policies, the modeled cost) as "-unknown";
// the preflight judges them on the update-mode capture (verdict.Resolve).
func TestPreviewJudgesResolvedValues(t *testing.T) {
	cfg := policyConfig(t, "prod")
	preview, err := verdict.Check(capture(t, "prod", plan.Preview), cfg)
	require.NoError(t, err)
	resolved, err := verdict.Check(capture(t, "prod", plan.Update), cfg)
	require.NoError(t, err)
	var before, after []string
	for _, f := range preview.Findings {
		if f.Unknown {
			before = append(before, f.RuleID+" "+f.Name)
		}
	}
	for _, f := range verdict.Resolve(preview, resolved).Findings {
		if f.Unknown {
			after = append(after, f.RuleID+" "+f.Name)
		}
	}
	require.NotEmpty(t, before, "the preview alone cannot see the IAM and bucket documents")
	require.Empty(t, after, "values the program computes itself must be judged, not left unknown")
}
