package stacks

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ReadStackFile reads Pulumi.<stack>.yaml under root and returns its config the way the
// CLI hands it to a program: full keys, scalars as their text, lists and maps as JSON.
// A missing file is an error that names the path.
func ReadStackFile(root, stack string) (map[string]string, error) {
	path := filepath.Join(root, "Pulumi."+stack+".yaml")
	data, err := os.ReadFile(path) //nolint:gosec // the path is the project's own stack file
	if err != nil {
		return nil, fmt.Errorf("reading the stack file: %w", err)
	}
	var doc struct {
		Config map[string]yaml.Node `yaml:"config"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s is not valid YAML: %w", path, err)
	}
	out := make(map[string]string, len(doc.Config))
	for key, node := range doc.Config {
		if !strings.Contains(key, ":") {
			key = "platform:" + key // the CLI's default namespace is the project name
		}
		v, err := nodeText(&node)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, key, err)
		}
		out[key] = v
	}
	return out, nil
}

func nodeText(n *yaml.Node) (string, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value, nil
	case yaml.SequenceNode, yaml.MappingNode:
		var v any
		if err := n.Decode(&v); err != nil {
			return "", err
		}
		if m, ok := v.(map[string]any); ok {
			if _, secure := m["secure"]; secure {
				return "", fmt.Errorf("holds an encrypted value; this program takes no secrets from stack files (they live in Secrets Manager)")
			}
		}
		b, err := json.Marshal(v)
		return string(b), err
	}
	return "", fmt.Errorf("unsupported YAML value")
}
