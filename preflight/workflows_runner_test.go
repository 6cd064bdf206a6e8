package preflight_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// inVPCRunner is the runs-on label of a job on a stack's CodeBuild runner (components/runner).
var inVPCRunner = regexp.MustCompile(`^codebuild-agent-platform-(staging|prod|dr|\$\{\{ matrix\.stack \}\})-deployer-\$\{\{ github\.run_id \}\}-\$\{\{ github\.run_attempt \}\}$`)

// TestClusterJobsRunInTheVPC: the EKS API is private, so every job that runs a Pulumi
// operation on a whole stack (up, preview, refresh: they read or write Kubernetes objects)
// runs on the stack's in-VPC runner. The bootstrap workflow is the one exception, and it
// must leave the Kubernetes provider and its dependents out (scripts/bootstrap.sh) or
// target only the runner's webhook.
func TestClusterJobsRunInTheVPC(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	require.NoError(t, err)
	pulumiOp := regexp.MustCompile(`(?m)^\s*(\S+=\S+\s+)*pulumi (up|preview|refresh)\b`)
	checked := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		var wf struct {
			Jobs map[string]struct {
				RunsOn string `yaml:"runs-on"`
				Steps  []struct {
					Uses string            `yaml:"uses"`
					With map[string]string `yaml:"with"`
					Run  string            `yaml:"run"`
				} `yaml:"steps"`
			} `yaml:"jobs"`
		}
		require.NoError(t, yaml.Unmarshal(data, &wf), f)
		for name, job := range wf.Jobs {
			for _, s := range job.Steps {
				touches := (strings.HasPrefix(s.Uses, "pulumi/actions@") && s.With["command"] != "") ||
					pulumiOp.MatchString(s.Run) || strings.Contains(s.Run, "scripts/bootstrap.sh")
				if !touches {
					continue
				}
				checked++
				if filepath.Base(f) == "bootstrap.yml" {
					require.True(t, strings.Contains(s.Run, "scripts/bootstrap.sh") || strings.Contains(s.Run, `--target "$urn"`),
						"%s/%s: a bootstrap step must exclude the cluster (scripts/bootstrap.sh) or target the webhook only", filepath.Base(f), name)
					continue
				}
				require.Regexp(t, inVPCRunner, job.RunsOn, "%s/%s runs a Pulumi operation outside the VPC", filepath.Base(f), name)
			}
		}
	}
	require.GreaterOrEqual(t, checked, 5, "deploy (2), preview, drift and bootstrap (2) steps")
}

// TestDeployChecksImagesFirst: the deploy jobs prove every image exists before `pulumi up`.
func TestDeployChecksImagesFirst(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, ".github", "workflows", "deploy.yml"))
	require.NoError(t, err)
	text := string(data)
	for _, stack := range []string{"staging", "prod"} {
		check := strings.Index(text, "scripts/check-images.sh "+stack)
		up := strings.Index(text, "stack-name: "+stack)
		require.True(t, check > 0 && check < up, "deploy %s: scripts/check-images.sh must run before pulumi up", stack)
	}
}
