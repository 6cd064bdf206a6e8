package cost_test

import (
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/cost"
	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
)

func TestNATGatewayEIPAndEndpoints(t *testing.T) {
	p := capture(t, plan.Update, func(ctx *pulumi.Context) error {
		ip, err := ec2.NewEip(ctx, "nat", &ec2.EipArgs{Domain: pulumi.String("vpc")})
		if err != nil {
			return err
		}
		if _, err := ec2.NewNatGateway(ctx, "nat", &ec2.NatGatewayArgs{AllocationId: ip.AllocationId, SubnetId: pulumi.String("subnet-1")}); err != nil {
			return err
		}
		if _, err := ec2.NewVpcEndpoint(ctx, "ecr-api", &ec2.VpcEndpointArgs{VpcId: pulumi.String("vpc-1"),
			ServiceName: pulumi.String("com.amazonaws.us-east-1.ecr.api"), VpcEndpointType: pulumi.String("Interface"),
			SubnetIds: pulumi.ToStringArray([]string{"subnet-1", "subnet-2", "subnet-3"})}); err != nil {
			return err
		}
		_, err = ec2.NewVpcEndpoint(ctx, "s3", &ec2.VpcEndpointArgs{VpcId: pulumi.String("vpc-1"),
			ServiceName: pulumi.String("com.amazonaws.us-east-1.s3")})
		return err
	})
	a := cost.DefaultAssumptions("prod") // 100 GB per NAT gateway, 20 GB per endpoint
	e := estimate(t, p, a)
	cases := []struct {
		typ, name string
		usd       float64
		keys      []string
	}{
		{tokens.EC2NatGateway, "nat", 0.045*730 + 100*0.045, []string{"nat.gateway.hour", "nat.gateway.data_processed"}},
		{tokens.EC2EIP, "nat", 0.005 * 730, []string{"vpc.public_ipv4.hour"}},
		{tokens.EC2VPCEndpoint, "ecr-api", 3*0.01*730 + 20*0.01,
			[]string{"vpc.interface_endpoint.hour_per_az", "vpc.interface_endpoint.data_processed"}},
		{tokens.EC2VPCEndpoint, "s3", 0, nil},
	}
	for _, tc := range cases {
		t.Run(tc.typ+" "+tc.name, func(t *testing.T) {
			it := item(t, e, tc.typ, tc.name)
			require.True(t, it.Known, it.Reason)
			require.InDelta(t, tc.usd, it.MonthlyUSD, cents, it.Formula)
			require.Equal(t, tc.keys, it.PriceKeys)
		})
	}
	require.Equal(t, "free: Gateway VPC endpoints have no hourly or data-processing charge", item(t, e, tokens.EC2VPCEndpoint, "s3").Reason)
}

func TestFlowLogAndLogGroups(t *testing.T) {
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		t.Run(mode.String(), func(t *testing.T) {
			p := capture(t, mode, func(ctx *pulumi.Context) error {
				dest, err := cloudwatch.NewLogGroup(ctx, "flow", &cloudwatch.LogGroupArgs{RetentionInDays: pulumi.Int(90)})
				if err != nil {
					return err
				}
				if _, err := ec2.NewFlowLog(ctx, "vpc", &ec2.FlowLogArgs{VpcId: pulumi.String("vpc-1"),
					LogDestination: dest.Arn, TrafficType: pulumi.String("ALL")}); err != nil {
					return err
				}
				if _, err := cloudwatch.NewLogGroup(ctx, "eks", &cloudwatch.LogGroupArgs{
					Name: pulumi.String("/aws/eks/platform-test/cluster"), RetentionInDays: pulumi.Int(30)}); err != nil {
					return err
				}
				_, err = cloudwatch.NewLogGroup(ctx, "app", &cloudwatch.LogGroupArgs{})
				return err
			})
			e := estimate(t, p, cost.DefaultAssumptions("staging")) // flow 5 GB, eks 10 GB, others 1 GB
			cases := []struct {
				typ, name string
				usd       float64
			}{
				{tokens.EC2FlowLog, "vpc", 5 * 0.5},
				{tokens.CloudWatchLogGroup, "flow", 5 * 3 * 0.03}, // storage only: 90 days = 3 months
				{tokens.CloudWatchLogGroup, "eks", 10*0.5 + 10*0.03},
				{tokens.CloudWatchLogGroup, "app", 1*0.5 + 12*1*0.03}, // never expires: 12 months
			}
			for _, tc := range cases {
				it := item(t, e, tc.typ, tc.name)
				require.True(t, it.Known, it.Reason)
				require.InDelta(t, tc.usd, it.MonthlyUSD, cents, "%s: %s", tc.name, it.Formula)
			}
		})
	}
}

// albProgram: two ingresses in one group (one ALB), one internal ingress with its own ALB,
// an nginx ingress, a LoadBalancer Service, and a gp3 StatefulSet volume.
func albProgram(ctx *pulumi.Context) error {
	k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String("fake")})
	if err != nil {
		return err
	}
	opt := pulumi.Provider(k8s)
	ing := func(name string, ann map[string]string, class string) error {
		spec := &networkingv1.IngressSpecArgs{}
		if class != "" {
			spec.IngressClassName = pulumi.String(class)
		}
		_, err := networkingv1.NewIngress(ctx, name, &networkingv1.IngressArgs{
			Metadata: &metav1.ObjectMetaArgs{Annotations: pulumi.ToStringMap(ann)}, Spec: spec}, opt)
		return err
	}
	public := map[string]string{"alb.ingress.kubernetes.io/scheme": "internet-facing", "alb.ingress.kubernetes.io/group.name": "public"}
	for _, step := range []error{
		ing("api", public, "alb"),
		ing("webhooks", public, "alb"),
		ing("admin", map[string]string{"alb.ingress.kubernetes.io/scheme": "internal"}, ""),
		ing("legacy", nil, "nginx"),
	} {
		if step != nil {
			return step
		}
	}
	if _, err := corev1.NewService(ctx, "edge", &corev1.ServiceArgs{Spec: &corev1.ServiceSpecArgs{Type: pulumi.String("LoadBalancer")}}, opt); err != nil {
		return err
	}
	if _, err := storagev1.NewStorageClass(ctx, "gp3", &storagev1.StorageClassArgs{Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("gp3")},
		Provisioner: pulumi.String("ebs.csi.aws.com"), Parameters: pulumi.ToStringMap(map[string]string{"type": "gp3"})}, opt); err != nil {
		return err
	}
	_, err = appsv1.NewStatefulSet(ctx, "temporal-es", &appsv1.StatefulSetArgs{Spec: &appsv1.StatefulSetSpecArgs{
		Replicas: pulumi.Int(3),
		VolumeClaimTemplates: corev1.PersistentVolumeClaimTypeArray{&corev1.PersistentVolumeClaimTypeArgs{
			Spec: &corev1.PersistentVolumeClaimSpecArgs{StorageClassName: pulumi.String("gp3"),
				Resources: &corev1.VolumeResourceRequirementsArgs{Requests: pulumi.ToStringMap(map[string]string{"storage": "30Gi"})}},
		}},
		Selector: &metav1.LabelSelectorArgs{}, Template: &corev1.PodTemplateSpecArgs{},
	}}, opt)
	return err
}

func TestALBFromIngressAndKubernetesStorage(t *testing.T) {
	p := capture(t, plan.Preview, albProgram)
	a := cost.DefaultAssumptions("staging") // 0.5 LCU, 3 AZs
	e := estimate(t, p, a)
	alb := 0.0225*730 + 0.5*0.008*730
	cases := []struct {
		name   string
		typ    string
		usd    float64
		known  bool
		reason string
	}{
		{"api", tokens.K8sIngress, alb + 3*0.005*730, true, ""},
		{"webhooks", tokens.K8sIngress, 0, true, "shares the ALB of ingress group public, priced on api"},
		{"admin", tokens.K8sIngress, alb, true, ""},
		{"legacy", tokens.K8sIngress, 0, true, "ingress class nginx"},
		{"edge", tokens.K8sService, 0, false, "NLB or Classic Load Balancer"},
		{"temporal-es", tokens.K8sStatefulSet, 3 * 30 * 0.08, true, ""},
		{"gp3", tokens.K8sStorageClass, 0, true, "free: Kubernetes objects"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			it := item(t, e, tc.typ, tc.name)
			require.Equal(t, tc.known, it.Known, it.Reason)
			require.InDelta(t, tc.usd, it.MonthlyUSD, cents, it.Formula)
			require.Contains(t, it.Reason, tc.reason)
		})
	}
	require.Equal(t, []string{"alb.hour", "alb.lcu_hour", "vpc.public_ipv4.hour"}, item(t, e, tokens.K8sIngress, "api").PriceKeys)
	require.Len(t, e.Unknown, 1)
}

func TestStorageClassMissingIsUnknown(t *testing.T) {
	p := capture(t, plan.Update, func(ctx *pulumi.Context) error {
		k8s, err := kubernetes.NewProvider(ctx, "k8s", &kubernetes.ProviderArgs{Kubeconfig: pulumi.String("fake")})
		if err != nil {
			return err
		}
		_, err = corev1.NewPersistentVolumeClaim(ctx, "data", &corev1.PersistentVolumeClaimArgs{Spec: &corev1.PersistentVolumeClaimSpecArgs{
			Resources: &corev1.VolumeResourceRequirementsArgs{Requests: pulumi.ToStringMap(map[string]string{"storage": "10Gi"})}}},
			pulumi.Provider(k8s))
		return err
	})
	it := item(t, estimate(t, p, cost.DefaultAssumptions("staging")), tokens.K8sPersistentVolumeClaim, "data")
	require.False(t, it.Known)
	require.Contains(t, it.Reason, `storage class "" is not in the plan`)
}

func TestRemoteComponentIsUnknown(t *testing.T) {
	p := capture(t, plan.Update, func(ctx *pulumi.Context) error {
		// Stand-in for a helm/v4 Chart: a component the offline engine does not expand.
		_, err := newBox(ctx, tokens.K8sHelmChart, "loki")
		return err
	})
	e := estimate(t, p, cost.DefaultAssumptions("staging"))
	require.Len(t, e.Unknown, 1)
	require.Contains(t, e.Unknown[0].Reason, "not visible offline")
}
