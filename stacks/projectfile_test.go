package stacks

import (
	"flag"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite Pulumi.yaml from the key table")

func TestPulumiYamlMatchesKeyTable(t *testing.T) {
	want := ProjectYAML()
	if *update {
		require.NoError(t, os.WriteFile("../Pulumi.yaml", []byte(want), 0o644))
	}
	got, err := os.ReadFile("../Pulumi.yaml")
	require.NoError(t, err)
	require.Equal(t, want, string(got), "Pulumi.yaml is stale: run go test ./stacks -run TestPulumiYamlMatchesKeyTable -update")

	var project struct {
		Name    string                    `yaml:"name"`
		Runtime string                    `yaml:"runtime"`
		Config  map[string]map[string]any `yaml:"config"`
	}
	require.NoError(t, yaml.Unmarshal(got, &project))
	require.Equal(t, "platform", project.Name)
	require.Equal(t, "go", project.Runtime)
	require.Len(t, project.Config, len(Keys))
	for _, k := range Keys {
		decl, ok := project.Config[Namespace+":"+k.Name]
		require.True(t, ok, k.Name)
		require.Equal(t, string(k.Kind), decl["type"], k.Name)
		require.NotEmpty(t, decl["description"], k.Name)
		_, hasDefault := decl["default"]
		require.Equal(t, k.Default != nil, hasDefault, k.Name)
	}
}

func TestStackFilesHoldNoSecrets(t *testing.T) {
	for _, stack := range []string{"staging", "prod"} {
		data, err := os.ReadFile("../Pulumi." + stack + ".yaml")
		require.NoError(t, err)
		require.NotContains(t, string(data), "secure:")
		require.NotContains(t, string(data), "encryptionsalt")
	}
}

func TestConfigurationDocIsCurrent(t *testing.T) {
	names := []string{"staging", "prod", "dr"}
	values := map[string]map[string]string{}
	for _, st := range names {
		values[st] = stackConfig(t, st)
	}
	want := ConfigurationDoc(values, names)
	if *update {
		require.NoError(t, os.WriteFile("../docs/configuration.md", []byte(want), 0o644))
	}
	got, err := os.ReadFile("../docs/configuration.md")
	require.NoError(t, err)
	require.Equal(t, want, string(got), "docs/configuration.md is stale: go test ./stacks -run TestConfigurationDocIsCurrent -update")
}
