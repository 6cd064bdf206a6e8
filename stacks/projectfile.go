package stacks

import (
	"encoding/json"
	"fmt"
	"strings"
)

// ProjectYAML renders Pulumi.yaml from the key table, so the CLI's typed config schema
// and the program's own validation declare the same keys, types and defaults.
// `go test ./stacks -run TestPulumiYamlMatchesKeyTable -update` rewrites the file.
func ProjectYAML() string {
	var b strings.Builder
	b.WriteString("# Generated from stacks/keys.go by `go test ./stacks -run TestPulumiYamlMatchesKeyTable -update`.\n")
	b.WriteString("# Keys without a default must be set in every stack file: they differ per environment.\n")
	b.WriteString("name: platform\n")
	b.WriteString("description: Production home of the multi-tenant AI-agent SaaS on AWS and EKS\n")
	b.WriteString("runtime: go\n")
	b.WriteString("config:\n")
	for _, k := range Keys {
		fmt.Fprintf(&b, "  %s:%s:\n", Namespace, k.Name)
		fmt.Fprintf(&b, "    type: %s\n", k.Kind)
		if k.Kind == KindArray {
			b.WriteString("    items:\n      type: string\n")
		}
		desc, _ := json.Marshal(k.Description)
		fmt.Fprintf(&b, "    description: %s\n", desc)
		if k.Default != nil {
			def, _ := json.Marshal(k.Default)
			fmt.Fprintf(&b, "    default: %s\n", def)
		}
	}
	return b.String()
}

// ConfigurationDoc renders docs/configuration.md: every key with its type, default and
// the value each committed stack sets.
func ConfigurationDoc(stackValues map[string]map[string]string, stacks []string) string {
	var b strings.Builder
	b.WriteString("# Stack configuration\n\n")
	b.WriteString("Generated from `stacks/keys.go` and the stack files by\n")
	b.WriteString("`go test ./stacks -run TestConfigurationDocIsCurrent -update`.\n")
	b.WriteString("Keys without a default must be set in every stack file: they are the ones that differ per\n")
	b.WriteString("environment, so nothing is silently defaulted in prod. Unknown `platform:` keys are an error.\n\n")
	fmt.Fprintf(&b, "| Key | Type | Default | %s | Description |\n", strings.Join(stacks, " | "))
	b.WriteString("|---|---|---|" + strings.Repeat("---|", len(stacks)) + "---|\n")
	for _, k := range Keys {
		def := "*(required)*"
		if k.Default != nil {
			d, _ := json.Marshal(k.Default)
			def = "`" + string(d) + "`"
		}
		row := []string{"`" + k.Name + "`", string(k.Kind), def}
		for _, st := range stacks {
			v, ok := stackValues[st][Namespace+":"+k.Name]
			if !ok {
				v = ""
			} else {
				v = "`" + v + "`"
			}
			row = append(row, v)
		}
		row = append(row, strings.ReplaceAll(k.Description, "|", "\\|"))
		b.WriteString("| " + strings.Join(row, " | ") + " |\n")
	}
	return b.String()
}
