package rules

import (
	"fmt"
	"strconv"
	"strings"
)

// A CloudWatch Logs JSON filter pattern ("{ $.a = "x" && ($.b = y || $.c NOT EXISTS) }"),
// parsed so that cis-trail-alarms can run it against sample CloudTrail records: a control
// is recognised by the events a pattern matches, not by what a resource is called. The
// subset parsed is what metric filters on CloudTrail use: selectors, = and != (with *
// wildcards), numeric < <= > >=, NOT EXISTS, IS NULL, &&, || and parentheses.

// cisRecord is a CloudTrail record as nested maps of strings.
type cisRecord map[string]any

// lookup returns the value at a dotted path ("userIdentity.type") and whether it exists.
func (r cisRecord) lookup(path string) (any, bool) {
	var cur any = map[string]any(r)
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

type patternNode interface{ matches(r cisRecord) bool }

type anyOf []patternNode
type allOf []patternNode

func (n anyOf) matches(r cisRecord) bool {
	for _, c := range n {
		if c.matches(r) {
			return true
		}
	}
	return false
}

func (n allOf) matches(r cisRecord) bool {
	for _, c := range n {
		if !c.matches(r) {
			return false
		}
	}
	return true
}

// comparison is "$.path <op> value"; op "absent" is NOT EXISTS, "null" is IS NULL.
type comparison struct{ path, op, value string }

func (c comparison) matches(r cisRecord) bool {
	v, ok := r.lookup(c.path)
	switch c.op {
	case "absent":
		return !ok
	case "null":
		return ok && v == nil
	}
	s, isStr := v.(string)
	if !ok || !isStr {
		return false
	}
	switch c.op {
	case "=":
		return wildcardMatch(c.value, s)
	case "!=":
		return !wildcardMatch(c.value, s)
	}
	want, err1 := strconv.ParseFloat(c.value, 64)
	got, err2 := strconv.ParseFloat(s, 64)
	if err1 != nil || err2 != nil {
		return false
	}
	switch c.op {
	case "<":
		return got < want
	case "<=":
		return got <= want
	case ">":
		return got > want
	}
	return got >= want
}

// wildcardMatch matches s against a value where each * stands for any run of characters.
func wildcardMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

// patternParser is a recursive-descent parser over the pattern's tokens.
type patternParser struct {
	toks []string
	pos  int
}

// parseFilterPattern parses a JSON filter pattern; anything else (a term pattern, a
// space-delimited pattern, unsupported syntax) is an error saying why.
func parseFilterPattern(src string) (patternNode, error) {
	s := strings.TrimSpace(src)
	if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
		return nil, fmt.Errorf("not a JSON filter pattern (it must be enclosed in { })")
	}
	toks, err := tokenizePattern(s[1 : len(s)-1])
	if err != nil {
		return nil, err
	}
	p := &patternParser{toks: toks}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.pos])
	}
	return n, nil
}

func (p *patternParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *patternParser) next() string { t := p.peek(); p.pos++; return t }

func (p *patternParser) or() (patternNode, error) {
	return p.chain("||", p.and, func(ns []patternNode) patternNode { return anyOf(ns) })
}

func (p *patternParser) and() (patternNode, error) {
	return p.chain("&&", p.primary, func(ns []patternNode) patternNode { return allOf(ns) })
}

func (p *patternParser) chain(op string, sub func() (patternNode, error), join func([]patternNode) patternNode) (patternNode, error) {
	var nodes []patternNode
	for {
		n, err := sub()
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
		if p.peek() != op {
			break
		}
		p.next()
	}
	if len(nodes) == 1 {
		return nodes[0], nil
	}
	return join(nodes), nil
}

func (p *patternParser) primary() (patternNode, error) {
	t := p.next()
	if t == "(" {
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.next() != ")" {
			return nil, fmt.Errorf("missing )")
		}
		return n, nil
	}
	path, ok := strings.CutPrefix(t, "$.")
	if !ok || path == "" {
		return nil, fmt.Errorf("want a selector such as $.eventName, got %q", t)
	}
	switch op := p.next(); op {
	case "=", "!=", "<", "<=", ">", ">=":
		v := p.next()
		if v == "" || strings.ContainsAny(v[:1], "()&|") {
			return nil, fmt.Errorf("%s %s: missing value", t, op)
		}
		return comparison{path, op, unquote(v)}, nil
	case "NOT":
		if p.next() != "EXISTS" {
			return nil, fmt.Errorf("%s NOT: want EXISTS", t)
		}
		return comparison{path: path, op: "absent"}, nil
	case "IS":
		if p.next() != "NULL" {
			return nil, fmt.Errorf("%s IS: only IS NULL is supported", t)
		}
		return comparison{path: path, op: "null"}, nil
	default:
		return nil, fmt.Errorf("%s: unsupported operator %q", t, op)
	}
}

func unquote(v string) string {
	if len(v) >= 2 && v[0] == '"' {
		return strings.ReplaceAll(v[1:len(v)-1], `\"`, `"`)
	}
	return v
}

// tokenizePattern splits on parentheses, && and ||, operators, quoted strings and words.
func tokenizePattern(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case c == '(' || c == ')':
			toks, i = append(toks, string(c)), i+1
		case strings.HasPrefix(s[i:], "&&") || strings.HasPrefix(s[i:], "||") || strings.HasPrefix(s[i:], "!=") ||
			strings.HasPrefix(s[i:], "<=") || strings.HasPrefix(s[i:], ">="):
			toks, i = append(toks, s[i:i+2]), i+2
		case c == '=' || c == '<' || c == '>':
			toks, i = append(toks, string(c)), i+1
		case c == '"':
			j := i + 1
			for j < len(s) && (s[j] != '"' || s[j-1] == '\\') {
				j++
			}
			if j == len(s) {
				return nil, fmt.Errorf("unterminated string at %q", s[i:])
			}
			toks, i = append(toks, s[i:j+1]), j+1
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n()&|=!<>\"", rune(s[j])) {
				j++
			}
			if j == i {
				return nil, fmt.Errorf("unexpected %q", s[i:])
			}
			toks, i = append(toks, s[i:j]), j
		}
	}
	return toks, nil
}
