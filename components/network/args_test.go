package network

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/plan"
)

func TestDefaults(t *testing.T) {
	t.Parallel()
	args := testArgs()
	a := args.withDefaults()
	require.Equal(t, len(azs), a.NatGatewayCount, "one NAT per AZ unless told otherwise")
	require.Equal(t, 90, a.FlowLogRetentionDays)
	require.Zero(t, args.NatGatewayCount, "withDefaults must not modify the caller's args")
	require.Equal(t, "us-east-1", a.region())
}

func TestValidateRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(*NetworkArgs)
		want   string
	}{
		{"one AZ", func(a *NetworkArgs) { a.AvailabilityZones = azs[:1] }, "AvailabilityZones has 1 zones"},
		{"seven AZs", func(a *NetworkArgs) {
			a.AvailabilityZones = []string{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f", "us-east-1g"}
		}, "AvailabilityZones has 7 zones"},
		{"duplicate AZ", func(a *NetworkArgs) { a.AvailabilityZones = []string{"us-east-1a", "us-east-1a"} }, `lists "us-east-1a" twice`},
		{"two regions", func(a *NetworkArgs) { a.AvailabilityZones = []string{"us-east-1a", "us-west-2a"} }, "all zones must be in one region"},
		{"not an AZ", func(a *NetworkArgs) { a.AvailabilityZones = []string{"us-east-1", "use1-az1"} }, `"us-east-1" is not an availability-zone name`},
		{"NAT count between 1 and per-AZ", func(a *NetworkArgs) { a.NatGatewayCount = 2 }, "NatGatewayCount is 2; allowed: 1 (single shared NAT) or 3"},
		{"VPC too small", func(a *NetworkArgs) { a.VpcCidr = "10.0.0.0/24" }, `VpcCidr: "10.0.0.0/24" has prefix /24; allowed /16 to /20`},
		{"missing CIDR", func(a *NetworkArgs) { a.VpcCidr = "" }, "VpcCidr:"},
		{"retention CloudWatch refuses", func(a *NetworkArgs) { a.FlowLogRetentionDays = 45 }, "FlowLogRetentionDays is 45; allowed: [1 3 5"},
		{"no KMS key", func(a *NetworkArgs) { a.LogsKmsKeyArn = nil }, "LogsKmsKeyArn is required"},
		{"s3 as interface endpoint", func(a *NetworkArgs) { a.InterfaceEndpoints = []string{"s3"} }, `must not list "s3"`},
		{"full endpoint service name", func(a *NetworkArgs) { a.InterfaceEndpoints = []string{"com.amazonaws.us-east-1.sts"} }, "must be a service short name"},
		{"bad name prefix", func(a *NetworkArgs) { a.NamePrefix = "Platform Prod" }, `NamePrefix "Platform Prod"`},
		{"bad cluster name", func(a *NetworkArgs) { a.ClusterName = "-eks" }, `ClusterName "-eks"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := testArgs()
			tt.mutate(args)
			p, err := plan.Capture(func(ctx *pulumi.Context) error {
				_, err := NewNetwork(ctx, "net", args)
				return err
			}, plan.Options{Mode: plan.Preview})
			require.ErrorContains(t, err, tt.want)
			require.Empty(t, p.Resources, "nothing may be registered when args are invalid")
		})
	}
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	args := testArgs()
	args.VpcCidr = "10.0.0.0/8"
	args.FlowLogRetentionDays = 2
	err := args.withDefaults().validate()
	require.ErrorContains(t, err, "VpcCidr")
	require.ErrorContains(t, err, "FlowLogRetentionDays")
}

func TestNilArgs(t *testing.T) {
	t.Parallel()
	_, err := plan.Capture(func(ctx *pulumi.Context) error {
		_, err := NewNetwork(ctx, "net", nil)
		return err
	}, plan.Options{})
	require.ErrorContains(t, err, "args are required")
}
