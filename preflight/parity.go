package preflight

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Parity compares stacks side by side: what differs between environments besides
// sizes. Resources are matched by type and logical name; values are compared after
// substituting each stack's own config values (names, domains, regions derive from
// them), and size and addressing properties are left out.
type Parity struct {
	Stacks []string `json:"stacks"`
	// Config lists the stack-file keys whose values differ.
	Config []ConfigDiff `json:"config"`
	// Presence lists resources that exist in some stacks only.
	Presence []PresenceDiff `json:"presence"`
	// Settings lists non-size input differences, grouped by type and property path.
	Settings []SettingDiff `json:"settings"`
	// Ignored names what the comparison leaves out, so a reader knows.
	Ignored []string `json:"ignored"`
}

// ConfigDiff is one config key across stacks ("" when unset).
type ConfigDiff struct {
	Key    string            `json:"key"`
	Values map[string]string `json:"values"`
}

// PresenceDiff is a resource missing from some stacks.
type PresenceDiff struct {
	Type string   `json:"type"`
	Name string   `json:"name"`
	In   []string `json:"in"`
}

// SettingDiff is one property that differs, with the value per stack (normalised: a
// config value shows as {key}) and how many resources of the type differ that way.
type SettingDiff struct {
	Type      string         `json:"type"`
	Path      string         `json:"path"`
	Values    map[string]any `json:"values"`
	Resources []string       `json:"resources"`
}

// sizeKeys are property names whose differences are sizes or counts, expected between
// environments.
var sizeKeys = map[string]bool{
	"instanceClass": true, "allocatedStorage": true, "maxAllocatedStorage": true, "nodeType": true,
	"numCacheClusters": true, "replicasPerNodeGroup": true, "numNodeGroups": true, "instanceTypes": true,
	"desiredSize": true, "minSize": true, "maxSize": true, "replicas": true, "cpu": true, "memory": true,
	"iops": true, "storageThroughput": true, "diskSize": true, "minReplicaCount": true, "maxReplicaCount": true,
	"minAvailable": true, "maxUnavailable": true, "limitAmount": true, "threshold": true,
	"replicaCount": true, "minReplicas": true, "maxReplicas": true,
}

// ComputeParity compares the reports (one per stack).
func ComputeParity(reports []*Report) *Parity {
	p := &Parity{Config: []ConfigDiff{}, Presence: []PresenceDiff{}, Settings: []SettingDiff{},
		Ignored: []string{
			"size and count properties (" + strings.Join(sortedKeys(sizeKeys), ", ") + ")",
			"network addresses (CIDRs, IPs)",
			"values that differ only by a stack's own config values (names, domains, regions)",
			"unknown values (computed during preview)",
		}}
	norms := make([]*normaliser, len(reports))
	for i, r := range reports {
		p.Stacks = append(p.Stacks, r.Stack)
		norms[i] = newNormaliser(r)
	}
	p.Config = configDiffs(reports)

	type entry struct {
		perStack map[string]*Resource
		typ, key string
	}
	entries := map[string]*entry{}
	var order []string
	for i, r := range reports {
		for j := range r.Resources {
			res := &r.Resources[j]
			name := norms[i].str(res.Name)
			k := res.Type + "\x00" + name
			e := entries[k]
			if e == nil {
				e = &entry{perStack: map[string]*Resource{}, typ: res.Type, key: name}
				entries[k] = e
				order = append(order, k)
			}
			e.perStack[r.Stack] = res
		}
	}
	sort.Strings(order)
	settings := map[string]*SettingDiff{}
	var settingOrder []string
	for _, k := range order {
		e := entries[k]
		if len(e.perStack) < len(reports) {
			var in []string
			for _, s := range p.Stacks {
				if e.perStack[s] != nil {
					in = append(in, s)
				}
			}
			p.Presence = append(p.Presence, PresenceDiff{Type: e.typ, Name: e.key, In: in})
			continue
		}
		flat := make([]map[string]any, len(reports))
		paths := map[string]bool{}
		for i, r := range reports {
			flat[i] = map[string]any{}
			for path, v := range flatten(e.perStack[r.Stack].Inputs) {
				path = norms[i].key(path) // map keys can embed names too (tags["kubernetes.io/cluster/<name>"])
				flat[i][path] = v
				paths[path] = true
			}
		}
		for _, path := range sortedKeys(paths) {
			if sizePath(path) {
				continue
			}
			vals := map[string]any{}
			var first any
			differ, skip := false, false
			for i, r := range reports {
				v := norms[i].value(flat[i][path])
				if v == UnknownValue || address(v) {
					skip = true
					break
				}
				if i == 0 {
					first = v
				} else if !reflect.DeepEqual(v, first) {
					differ = true
				}
				vals[r.Stack] = v
			}
			if skip || !differ {
				continue
			}
			sk := e.typ + "\x00" + path + "\x00" + fingerprint(vals)
			sd := settings[sk]
			if sd == nil {
				sd = &SettingDiff{Type: e.typ, Path: path, Values: vals}
				settings[sk] = sd
				settingOrder = append(settingOrder, sk)
			}
			sd.Resources = append(sd.Resources, e.key)
		}
	}
	for _, sk := range settingOrder {
		p.Settings = append(p.Settings, *settings[sk])
	}
	sort.SliceStable(p.Settings, func(i, j int) bool {
		a, b := p.Settings[i], p.Settings[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.Path < b.Path
	})
	return p
}

func configDiffs(reports []*Report) []ConfigDiff {
	keys := map[string]bool{}
	for _, r := range reports {
		for k := range r.Config {
			keys[k] = true
		}
	}
	out := []ConfigDiff{}
	for _, k := range sortedKeys(keys) {
		vals := map[string]string{}
		same := true
		for i, r := range reports {
			vals[r.Stack] = r.Config[k]
			if i > 0 && r.Config[k] != reports[0].Config[k] {
				same = false
			}
		}
		if !same {
			out = append(out, ConfigDiff{Key: k, Values: vals})
		}
	}
	return out
}

func sizePath(path string) bool {
	for _, seg := range strings.FieldsFunc(path, func(r rune) bool { return r == '.' || r == '[' || r == ']' }) {
		if sizeKeys[seg] {
			return true
		}
	}
	return false
}

func address(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	if _, err := netip.ParsePrefix(s); err == nil {
		return true
	}
	_, err := netip.ParseAddr(s)
	return err == nil
}

// normaliser replaces a stack's own config values inside strings with {key}, longest
// value first, only at word boundaries ("dr" in "platform-dr-db", not in "drain").
// Map keys (paths) get only the stack and environment names replaced: a constant label
// key like "platform.example.io/x" must not change with the domain of one stack.
type normaliser struct{ subs, keySubs [][2]string }

func newNormaliser(r *Report) *normaliser {
	n := &normaliser{}
	add := func(key, val string) {
		if len(val) < 2 || val == "true" || val == "false" {
			return
		}
		if _, err := strconv.ParseFloat(val, 64); err == nil {
			return
		}
		n.subs = append(n.subs, [2]string{val, "{" + key + "}"})
	}
	for k, v := range r.Config {
		var list []string
		if strings.HasPrefix(v, "[") && json.Unmarshal([]byte(v), &list) == nil {
			for i, e := range list {
				add(fmt.Sprintf("%s[%d]", k, i), e)
			}
			continue
		}
		add(k, v)
	}
	add("stack", r.Stack)
	for _, sub := range n.subs {
		if sub[0] == r.Stack || sub[0] == r.Config["platform:environment"] {
			n.keySubs = append(n.keySubs, [2]string{sub[0], "{stack}"})
		}
	}
	for _, subs := range [][][2]string{n.subs, n.keySubs} {
		sort.SliceStable(subs, func(i, j int) bool {
			if len(subs[i][0]) != len(subs[j][0]) {
				return len(subs[i][0]) > len(subs[j][0])
			}
			return subs[i][1] < subs[j][1]
		})
	}
	return n
}

// key normalises a property path.
func (n *normaliser) key(path string) string { return substitute(path, n.keySubs) }

func (n *normaliser) value(v any) any {
	if s, ok := v.(string); ok {
		return n.str(s)
	}
	return v
}

func (n *normaliser) str(s string) string { return substitute(s, n.subs) }

func substitute(s string, subs [][2]string) string {
	for _, sub := range subs {
		if strings.Contains(s, sub[0]) {
			s = replaceWords(s, sub[0], sub[1])
		}
	}
	return s
}

func replaceWords(s, old, repl string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(old)
		if boundary(s, i-1) && boundary(s, end) {
			b.WriteString(s[:i])
			b.WriteString(repl)
		} else {
			b.WriteString(s[:end])
		}
		s = s[end:]
	}
}

func boundary(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return true
	}
	c := s[i]
	return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')
}

func fingerprint(v map[string]any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
