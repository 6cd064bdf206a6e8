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
