package rules

import (
	"encoding/json"
	"fmt"
	"strings"
)

// policyDoc is the part of an IAM-style policy document (IAM, KMS key, S3 bucket, SNS
// topic policies) that the rules read.
type policyDoc struct {
	Statements []statement
	// Secret is set when the document came from a secret value: messages then do not
	// quote anything from it.
	Secret bool
}

type statement struct {
	Sid        string
	Effect     string
	Actions    []string
	NotActions []string
	Resources  []string
	Principal  principal
	// Condition maps operator -> condition key -> values.
	Condition map[string]map[string][]string
}

type principal struct {
	Wildcard  bool // "*" or {"AWS": "*"}
	AWS       []string
	Service   []string
	Federated []string
}

// readPolicy parses a policy document input: a JSON string, or an object (some inputs,
// e.g. iam.Policy.policy, accept either). A value with any unknown part is Unknown.
func readPolicy(v Value) (policyDoc, State, error) {
	var raw []byte
	switch v.State() {
	case Missing:
		return policyDoc{}, Missing, nil
	case Unknown:
		return policyDoc{}, Unknown, nil
	}
	if s, ok := v.String(); ok {
		if strings.TrimSpace(s) == "" {
			return policyDoc{}, Missing, nil
		}
		raw = []byte(s)
	} else {
		g, unk := toGo(v.Raw())
		if unk {
			return policyDoc{}, Unknown, nil
		}
		b, err := json.Marshal(g)
		if err != nil {
			return policyDoc{}, Known, err
		}
		raw = b
	}
	doc, err := parsePolicyJSON(raw)
	doc.Secret = v.Secret()
	return doc, Known, err
}

func parsePolicyJSON(raw []byte) (policyDoc, error) {
	var top struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal(raw, &top); err != nil {
		return policyDoc{}, fmt.Errorf("not a JSON policy document: %w", err)
	}
	var rawStmts []map[string]json.RawMessage
	if len(top.Statement) > 0 && top.Statement[0] == '{' {
		var one map[string]json.RawMessage
		if err := json.Unmarshal(top.Statement, &one); err != nil {
			return policyDoc{}, fmt.Errorf("bad Statement: %w", err)
		}
		rawStmts = append(rawStmts, one)
	} else if len(top.Statement) > 0 {
		if err := json.Unmarshal(top.Statement, &rawStmts); err != nil {
			return policyDoc{}, fmt.Errorf("bad Statement: %w", err)
		}
	}
	var doc policyDoc
	for _, rs := range rawStmts {
		st := statement{
			Sid:        jsonString(rs["Sid"]),
			Effect:     jsonString(rs["Effect"]),
			Actions:    jsonStrings(rs["Action"]),
			NotActions: jsonStrings(rs["NotAction"]),
			Resources:  jsonStrings(rs["Resource"]),
			Principal:  parsePrincipal(rs["Principal"]),
			Condition:  map[string]map[string][]string{},
		}
		var cond map[string]map[string]json.RawMessage
		_ = json.Unmarshal(rs["Condition"], &cond)
		for op, kv := range cond {
			st.Condition[op] = map[string][]string{}
			for k, val := range kv {
				st.Condition[op][k] = jsonStrings(val)
			}
		}
		doc.Statements = append(doc.Statements, st)
	}
	return doc, nil
}

func parsePrincipal(raw json.RawMessage) principal {
	var p principal
	if len(raw) == 0 {
		return p
	}
	if s := jsonString(raw); s == "*" {
		p.Wildcard = true
		return p
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return p
	}
	p.AWS = jsonStrings(m["AWS"])
	p.Service = jsonStrings(m["Service"])
	p.Federated = jsonStrings(m["Federated"])
	for _, a := range p.AWS {
		if a == "*" {
			p.Wildcard = true
		}
	}
	return p
}

func jsonString(raw json.RawMessage) string {
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

// jsonStrings reads a string, a bool/number (rendered), or an array of them.
func jsonStrings(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var many []any
	if err := json.Unmarshal(raw, &many); err != nil {
		var one any
		if err := json.Unmarshal(raw, &one); err != nil {
			return nil
		}
		many = []any{one}
	}
	out := make([]string, 0, len(many))
	for _, e := range many {
		switch x := e.(type) {
		case string:
			out = append(out, x)
		case nil:
		default:
			out = append(out, fmt.Sprint(x))
		}
	}
	return out
}

func (s statement) allows() bool { return strings.EqualFold(s.Effect, "Allow") }

func (s statement) hasCondition() bool { return len(s.Condition) > 0 }

// conditionKeys lists every condition key of the statement, across operators.
func (s statement) conditionKeys() []string {
	var out []string
	for _, kv := range s.Condition {
		for k := range kv {
			out = append(out, k)
		}
	}
	return out
}

// label names statement i in a message; the Sid is left out of a secret document.
func (d policyDoc) label(i int) string {
	if sid := d.Statements[i].Sid; sid != "" && !d.Secret {
		return fmt.Sprintf("Statement[%d] (Sid %q)", i, sid)
	}
	return fmt.Sprintf("Statement[%d]", i)
}

// publicAllows returns the indexes of Allow statements with a wildcard principal and no
// condition: anyone on the internet may use them.
func (d policyDoc) publicAllows() []int {
	var out []int
	for i, s := range d.Statements {
		if s.allows() && s.Principal.Wildcard && !s.hasCondition() {
			out = append(out, i)
		}
	}
	return out
}

// policyProblem reports an unknown or unparseable policy at path (nil when the document
// was read). A parse error is not quoted for a secret document: it can echo content.
func policyProblem(r Resource, path string, doc policyDoc, st State, err error, needed string) []Finding {
	switch {
	case st == Unknown:
		return []Finding{unknown(r, path, needed)}
	case err != nil && doc.Secret:
		return []Finding{fail(r, "%s is not a valid JSON policy document; fix the document", path)}
	case err != nil:
		return []Finding{fail(r, "%s is not a valid JSON policy document (%v); fix the document", path, err)}
	}
	return nil
}
