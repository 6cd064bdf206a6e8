package addons

import (
	"bytes"
	"encoding/json"

	"github.com/generic-corp/platform/components/cluster"
	"github.com/generic-corp/platform/components/services"
	"github.com/generic-corp/platform/internal/naming"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// newLoadBalancerController installs the AWS Load Balancer Controller with its IRSA role.
func newLoadBalancerController(ctx *pulumi.Context, name string, a *AddonsArgs, parent pulumi.ResourceOption) (*helmv4.Chart, pulumi.StringOutput, error) {
	roleName := naming.Name(naming.MaxIAMRole, a.NamePrefix, "aws-load-balancer-controller")
	role, err := iam.NewRole(ctx, name+"-lb-controller", &iam.RoleArgs{
		Name:             pulumi.String(roleName),
		Description:      pulumi.String("IRSA: AWS Load Balancer Controller (kube-system/" + LoadBalancerControllerServiceAccount + ")"),
		AssumeRolePolicy: cluster.IRSATrustPolicy(a.OidcProviderArn, a.OidcIssuer, systemNamespace, LoadBalancerControllerServiceAccount),
		Tags:             a.Tags.AWS(roleName),
	}, parent)
	if err != nil {
		return nil, pulumi.StringOutput{}, err
	}
	policy, err := compactPolicy(lbControllerPolicy)
	if err != nil {
		return nil, pulumi.StringOutput{}, err
	}
	attached, err := iam.NewRolePolicy(ctx, name+"-lb-controller", &iam.RolePolicyArgs{
		Name:   pulumi.String("aws-load-balancer-controller"),
		Role:   role.Name,
		Policy: pulumi.String(policy),
	}, parent)
	if err != nil {
		return nil, pulumi.StringOutput{}, err
	}

	defaultTags := pulumi.StringMap{}
	for k, v := range a.Tags {
		defaultTags[k] = pulumi.String(v)
	}
	values := pulumi.Map{
		"clusterName":  a.ClusterName,
		"region":       pulumi.String(a.Region),
		"vpcId":        a.VpcId,
		"replicaCount": pulumi.Int(a.replicas()),
		"serviceAccount": pulumi.Map{
			"create":      pulumi.Bool(true),
			"name":        pulumi.String(LoadBalancerControllerServiceAccount),
			"annotations": pulumi.StringMap{"eks.amazonaws.com/role-arn": role.Arn},
		},
		"securityContext": restrictedContainer(),
		"resources":       resources("100m", "128Mi", "512Mi"),
		// Every ALB, target group and security group the controller creates carries
		// the stack tags (cost allocation, ownership).
		"defaultTags": defaultTags,
		// Listeners created without an explicit ssl-policy still get TLS 1.2+.
		"defaultSSLPolicy": pulumi.String(services.DefaultSslPolicy),
		// No LoadBalancer Services exist (policy k8s-ha); with this webhook on, every
		// Service create fails while the controller is unavailable.
		"enableServiceMutatorWebhook": pulumi.Bool(false),
	}
	if a.HighAvailability {
		values["podDisruptionBudget"] = pulumi.Map{"maxUnavailable": pulumi.Int(1)}
	}
	// The policy must be attached before the controller starts reconciling.
	c, err := chart(ctx, name, ChartLoadBalancerController, a, pulumi.String(systemNamespace), values,
		parent, pulumi.DependsOn([]pulumi.Resource{attached}))
	if err != nil {
		return nil, pulumi.StringOutput{}, err
	}
	return c, role.Arn, nil
}

// compactPolicy strips the reference document's whitespace: IAM counts it against the
// inline-policy size limit.
func compactPolicy(doc string) (string, error) {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(doc)); err != nil {
		return "", err
	}
	return b.String(), nil
}
