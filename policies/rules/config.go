package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
)

// Config is a policy config in the Pulumi policy config v2 shape, as stored in
// policies/config/<stack>.json and passed to `pulumi preview --policy-pack-config`:
//
//	{
//	  "all": "advisory",                        // optional: level for every policy
//	  "rds-backup-retention": {"enforcementLevel": "mandatory", "minDays": 14,
//	      "exceptions": [{"urn": "urn:pulumi:prod::platform::*::legacy-db", "reason": "TICKET-1"}]},
//	  "cf-waf-unknown": "mandatory",            // a companion rule's level
//	  "s3-logging": "disabled"                  // a bare string is the level
//	}
type Config struct {
	// All overrides every policy's default level ("" keeps the defaults); a per-rule
	// level still wins.
	All Enforcement
	// Rules maps a rule ID (or "<id>-unknown") to its settings.
	Rules map[string]RuleConfig
}

// RuleConfig is one policy's entry.
type RuleConfig struct {
	EnforcementLevel Enforcement    // "" keeps the default
	Params           map[string]any // parameter overrides, JSON-decoded
	Exceptions       []Exception
}

// Exception exempts the findings of one rule on matching resources. URN is an exact URN
// or a glob ("*" matches any run of characters, "?" one); Name globs the logical name.
// At least one must be set, and Reason is required.
type Exception struct {
	URN    string `json:"urn,omitempty"`
	Name   string `json:"name,omitempty"`
	Reason string `json:"reason"`
}

// LoadConfigFile reads and validates a config file.
func LoadConfigFile(path string) (Config, error) {
	data, err := os.ReadFile(path) //nolint:gosec // the path is the operator's config file
	if err != nil {
		return Config{}, fmt.Errorf("policy config: %w", err)
	}
	cfg, err := LoadConfig(data)
	if err != nil {
		return Config{}, fmt.Errorf("policy config %s: %w", path, err)
	}
	return cfg, nil
}

// LoadConfig parses and validates a config, returning every problem at once.
func LoadConfig(data []byte) (Config, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return Config{}, fmt.Errorf("policy config is not a JSON object: %w", err)
	}
	cfg := Config{Rules: map[string]RuleConfig{}}
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(top)) {
		rc, err := parseEntry(key, top[key])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if key == "all" {
			cfg.All = rc.EnforcementLevel
			continue
		}
		cfg.Rules[key] = rc
	}
	if err := errors.Join(errs...); err != nil {
		return Config{}, err
	}
	return cfg, cfg.Validate()
}

func parseEntry(key string, raw json.RawMessage) (RuleConfig, error) {
	var level string
	if err := json.Unmarshal(raw, &level); err == nil {
		return RuleConfig{EnforcementLevel: Enforcement(level)}, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return RuleConfig{}, fmt.Errorf("%s: want a level string or an object, got %s", key, bytes.TrimSpace(raw))
	}
	rc := RuleConfig{Params: map[string]any{}}
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		v := obj[k]
		switch k {
		case "enforcementLevel":
			if err := json.Unmarshal(v, &level); err != nil {
				errs = append(errs, fmt.Errorf("%s.enforcementLevel: want a string, got %s", key, v))
			}
			rc.EnforcementLevel = Enforcement(level)
		case "exceptions":
			dec := json.NewDecoder(bytes.NewReader(v))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&rc.Exceptions); err != nil {
				errs = append(errs, fmt.Errorf("%s.exceptions: want [{\"urn\"|\"name\": ..., \"reason\": ...}]: %w", key, err))
			}
		default:
			var pv any
			if err := json.Unmarshal(v, &pv); err != nil {
				errs = append(errs, fmt.Errorf("%s.%s: %w", key, k, err))
			}
			rc.Params[k] = pv
		}
	}
	return rc, errors.Join(errs...)
}

// Validate checks levels, rule IDs, parameters (names and types) and exceptions, and
// returns every problem at once.
func (c Config) Validate() error {
	var errs []error
	if c.All != "" && !c.All.valid() {
		errs = append(errs, fmt.Errorf("all: enforcement level %q is not one of mandatory, advisory, disabled", c.All))
	}
	for _, id := range slices.Sorted(maps.Keys(c.Rules)) {
		rc := c.Rules[id]
		rule, ok := ByID(baseRuleID(id))
		if !ok {
			errs = append(errs, fmt.Errorf("%s: no such rule (see Catalogue(); companions are \"<id>-unknown\")", id))
			continue
		}
		if rc.EnforcementLevel != "" && !rc.EnforcementLevel.valid() {
			errs = append(errs, fmt.Errorf("%s.enforcementLevel: %q is not one of mandatory, advisory, disabled", id, rc.EnforcementLevel))
		}
		if len(rc.Params) > 0 {
			if id != rule.ID {
				errs = append(errs, fmt.Errorf("%s: a companion rule takes no parameters (set them on %s), got %v",
					id, rule.ID, slices.Sorted(maps.Keys(rc.Params))))
			} else if _, err := NewParams(rule, StackProd, rc.Params); err != nil {
				errs = append(errs, err)
			}
		}
		for i, ex := range rc.Exceptions {
			if strings.TrimSpace(ex.Reason) == "" {
				errs = append(errs, fmt.Errorf("%s.exceptions[%d]: reason is required (say why the resource is exempt, e.g. a ticket)", id, i))
			}
			if ex.URN == "" && ex.Name == "" {
				errs = append(errs, fmt.Errorf("%s.exceptions[%d]: set urn (exact or glob) or name (glob)", id, i))
			}
		}
	}
	return errors.Join(errs...)
}

// enforcement resolves a policy's level: per-rule entry, then "all", then the default.
func (c Config) enforcement(id string, def Enforcement) Enforcement {
	if rc, ok := c.Rules[id]; ok && rc.EnforcementLevel != "" {
		return rc.EnforcementLevel
	}
	if c.All != "" {
		return c.All
	}
	return def
}

func matchException(exs []Exception, f Finding) (Exception, bool) {
	if f.URN == "" {
		return Exception{}, false
	}
	for _, ex := range exs {
		if ex.URN != "" && (ex.URN == f.URN || globMatch(ex.URN, f.URN)) {
			return ex, true
		}
		if ex.Name != "" && globMatch(ex.Name, f.Name) {
			return ex, true
		}
	}
	return Exception{}, false
}

// globMatch matches s against a pattern where "*" is any run of characters (including
// "/" and ":", which URNs and type tokens are full of) and "?" is one character.
func globMatch(pattern, s string) bool {
	px, sx := 0, 0
	starP, starS := -1, 0
	for sx < len(s) {
		switch {
		case px < len(pattern) && (pattern[px] == '?' || pattern[px] == s[sx]):
			px++
			sx++
		case px < len(pattern) && pattern[px] == '*':
			starP, starS = px, sx
			px++
		case starP >= 0:
			px = starP + 1
			starS++
			sx = starS
		default:
			return false
		}
	}
	for px < len(pattern) && pattern[px] == '*' {
		px++
	}
	return px == len(pattern)
}

// globAny reports whether s matches any of the patterns.
func globAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if globMatch(p, s) {
			return true
		}
	}
	return false
}
