package cluster

import (
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// buildKubeconfig renders a kubeconfig (JSON, which is also valid YAML) that
// authenticates with `aws eks get-token`, so it holds no credential of its own and works
// for whoever runs it with an admin role. It is a secret anyway: it tells an attacker
// exactly where the API server is. It waits on the admin access associations (admins)
// because before they exist the token it produces is refused.
func buildKubeconfig(cluster *eks.Cluster, admins []pulumi.Resource) pulumi.StringOutput {
	waits := []any{cluster.Name, cluster.Endpoint, cluster.CertificateAuthority.Data().Elem(), cluster.Arn}
	for _, r := range admins {
		waits = append(waits, r.URN())
	}
	cfg := pulumi.All(waits...).ApplyT(func(v []any) string {
		name, endpoint, ca, arn := v[0].(string), v[1].(string), v[2].(string), v[3].(string)
		return kubeconfigJSON(name, endpoint, ca, regionOf(arn))
	}).(pulumi.StringOutput)
	return pulumi.ToSecret(cfg).(pulumi.StringOutput)
}

func kubeconfigJSON(name, endpoint, caData, region string) string {
	args := []string{"eks", "get-token", "--cluster-name", name, "--output", "json"}
	if region != "" {
		args = append(args, "--region", region)
	}
	return mustJSON(map[string]any{
		"apiVersion":      "v1",
		"kind":            "Config",
		"current-context": name,
		"clusters": []any{map[string]any{
			"name":    name,
			"cluster": map[string]any{"server": endpoint, "certificate-authority-data": caData},
		}},
		"contexts": []any{map[string]any{
			"name":    name,
			"context": map[string]any{"cluster": name, "user": name},
		}},
		"users": []any{map[string]any{
			"name": name,
			"user": map[string]any{"exec": map[string]any{
				"apiVersion":      "client.authentication.k8s.io/v1beta1",
				"command":         "aws",
				"args":            args,
				"interactiveMode": "Never",
			}},
		}},
	})
}

// regionOf returns the region field of an ARN ("" if it has none).
func regionOf(arn string) string {
	if p := strings.SplitN(arn, ":", 6); len(p) == 6 {
		return p[3]
	}
	return ""
}
