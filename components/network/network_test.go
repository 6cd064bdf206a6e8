package network

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/plan"
)

const (
	tVpc      = "aws:ec2/vpc:Vpc"
	tSubnet   = "aws:ec2/subnet:Subnet"
	tRT       = "aws:ec2/routeTable:RouteTable"
	tRoute    = "aws:ec2/route:Route"
	tAssoc    = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	tNat      = "aws:ec2/natGateway:NatGateway"
	tEip      = "aws:ec2/eip:Eip"
	tIgw      = "aws:ec2/internetGateway:InternetGateway"
	tFlowLog  = "aws:ec2/flowLog:FlowLog"
	tLogGroup = "aws:cloudwatch/logGroup:LogGroup"
	tRole     = "aws:iam/role:Role"
	tPolicy   = "aws:iam/rolePolicy:RolePolicy"
	tEndpoint = "aws:ec2/vpcEndpoint:VpcEndpoint"
	tSG       = "aws:ec2/securityGroup:SecurityGroup"
	tIngress  = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	tDefSG    = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	logsKey   = "arn:aws:kms:us-east-1:123456789012:key/logs"
)

var azs = []string{"us-east-1a", "us-east-1b", "us-east-1c"}

func testArgs() *NetworkArgs {
	return &NetworkArgs{
		NamePrefix:         "platform-test",
		VpcCidr:            "10.0.0.0/16",
		AvailabilityZones:  azs,
		ClusterName:        "platform-test-eks",
		LogsKmsKeyArn:      pulumi.String(logsKey),
		InterfaceEndpoints: []string{"ecr.api", "sts"},
		Tags:               tags.New("test", "platform", "platform-team", "cc-42", nil),
	}
}

func capture(t *testing.T, mode plan.Mode, args *NetworkArgs) *plan.Plan {
	t.Helper()
	p, err := plan.Capture(func(ctx *pulumi.Context) error {
		_, err := NewNetwork(ctx, "net", args)
		return err
	}, plan.Options{Mode: mode})
	require.NoError(t, err)
	return p
}

func str(v property.Value) string {
	if !v.IsString() {
		return ""
	}
	return v.AsString()
}

func strs(v property.Value) []string {
	if !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.AsArray().AsSlice() {
		out = append(out, str(e))
	}
	return out
}

func tagsOf(r *plan.Resource) map[string]string {
	out := map[string]string{}
	if v := r.Input("tags"); v.IsMap() {
		for k, e := range v.AsMap().All {
			out[k] = str(e)
		}
	}
	return out
}

// dependsOn reports whether input prop of r was computed from the resource with urn.
func dependsOn(r *plan.Resource, prop, urn string) bool {
	return slices.Contains(r.PropertyDependencies[prop], urn)
}

func TestNetwork(t *testing.T) {
	t.Parallel()
	for _, mode := range []plan.Mode{plan.Preview, plan.Update} {
		for _, nats := range []int{1, len(azs)} {
			t.Run(fmt.Sprintf("%s/%d-nat", mode, nats), func(t *testing.T) {
				t.Parallel()
				args := testArgs()
				args.NatGatewayCount = nats
				p := capture(t, mode, args)

				comp := p.Named(Type, "net")
				require.NotNil(t, comp)
				for _, r := range p.Resources {
					if r != comp {
						require.Equal(t, comp.URN, r.Parent, "%s must be parented to the component", r.URN)
					}
					if _, taggable := r.Inputs.GetOk("tags"); taggable {
						tg := tagsOf(r)
						for _, k := range tags.Required {
							require.NotEmpty(t, tg[k], "%s lacks tag %s", r.URN, k)
						}
						require.NotEmpty(t, tg["Name"], "%s lacks a Name tag", r.URN)
					}
				}

				vpcs := p.ByType(tVpc)
				require.Len(t, vpcs, 1)
				vpc := vpcs[0]
				require.Equal(t, "10.0.0.0/16", str(vpc.Input("cidrBlock")))
				require.True(t, vpc.Input("enableDnsSupport").AsBool())
				require.True(t, vpc.Input("enableDnsHostnames").AsBool())

				assertSubnets(t, p)
				assertRouting(t, p, nats)
				assertFlowLogs(t, p, mode)
				assertEndpoints(t, p, mode)

				def := p.ByType(tDefSG)
				require.Len(t, def, 1)
				require.True(t, dependsOn(def[0], "vpcId", vpc.URN))
				for _, k := range []string{"ingress", "egress"} {
					v := def[0].Input(k)
					require.True(t, v.IsNull() || (v.IsArray() && v.AsArray().Len() == 0), "default SG %s must be empty, got %v", k, v)
				}

				if mode == plan.Update {
					require.Len(t, strs(comp.Output("privateSubnetIds")), len(azs))
					require.Len(t, strs(comp.Output("publicSubnetIds")), len(azs))
					require.Len(t, strs(comp.Output("dataSubnetIds")), len(azs))
					require.Len(t, strs(comp.Output("natGatewayIds")), nats)
					require.Equal(t, vpc.ID, str(comp.Output("vpcId")))
					require.Equal(t, "10.0.0.0/16", str(comp.Output("vpcCidr")))
				}
			})
		}
	}
}

func assertSubnets(t *testing.T, p *plan.Plan) {
	t.Helper()
	layout, err := carve("10.0.0.0/16", len(azs))
	require.NoError(t, err)
	want := map[string][]string{"public": layout.Public, "private": layout.Private, "data": layout.Data}
	got := map[string][]string{}
	for _, s := range p.ByType(tSubnet) {
		tg := tagsOf(s)
		tier := tg["tier"]
		require.False(t, s.Input("mapPublicIpOnLaunch").AsBool(), "%s maps public IPs", s.Name)
		require.True(t, s.Input("mapPublicIpOnLaunch").IsBool(), "%s must set mapPublicIpOnLaunch explicitly", s.Name)
		i := slices.Index(azs, str(s.Input("availabilityZone")))
		require.GreaterOrEqual(t, i, 0)
		require.Equal(t, want[tier][i], str(s.Input("cidrBlock")), "%s", s.Name)
		got[tier] = append(got[tier], str(s.Input("cidrBlock")))
		switch tier {
		case "public":
			require.Equal(t, "1", tg["kubernetes.io/role/elb"])
			require.Empty(t, tg["kubernetes.io/role/internal-elb"])
		case "private":
			require.Equal(t, "1", tg["kubernetes.io/role/internal-elb"])
			require.Equal(t, "shared", tg["kubernetes.io/cluster/platform-test-eks"])
			require.Empty(t, tg["kubernetes.io/role/elb"])
		case "data":
			for k := range tg {
				require.False(t, strings.HasPrefix(k, "kubernetes.io/"), "data subnet %s carries EKS tag %s", s.Name, k)
			}
		default:
			t.Fatalf("subnet %s has no tier tag", s.Name)
		}
	}
	for tier := range want {
		require.Len(t, got[tier], len(azs), "tier %s", tier)
	}
}

func assertRouting(t *testing.T, p *plan.Plan, nats int) {
	t.Helper()
	igw := p.ByType(tIgw)
	require.Len(t, igw, 1)
	require.Len(t, p.ByType(tNat), nats)
	require.Len(t, p.ByType(tEip), nats)
	for _, e := range p.ByType(tEip) {
		require.Equal(t, "vpc", str(e.Input("domain")))
		require.Contains(t, e.Dependencies, igw[0].URN, "EIP must wait for the internet gateway")
	}

	tables := map[string]*plan.Resource{} // tier/az -> table
	for _, rt := range p.ByType(tRT) {
		routes := rt.Input("routes")
		require.False(t, routes.IsArray() && routes.AsArray().Len() > 0, "routes must be separate resources")
		tables[rt.Name] = rt
	}
	require.Len(t, tables, 2+len(azs), "one public, one data and one private table per AZ")
	public, data := tables["net-public"], tables["net-data"]
	require.NotNil(t, public)
	require.NotNil(t, data)

	routes := p.ByType(tRoute)
	require.Len(t, routes, 1+len(azs))
	matched := 0
	natByAZ := map[string]*plan.Resource{}
	for _, n := range p.ByType(tNat) {
		natByAZ[strings.TrimPrefix(n.Name, "net-")] = n
	}
	for _, r := range routes {
		require.Equal(t, "0.0.0.0/0", str(r.Input("destinationCidrBlock")))
		require.False(t, dependsOn(r, "routeTableId", data.URN), "the data tier must have no default route")
		if dependsOn(r, "routeTableId", public.URN) {
			require.True(t, dependsOn(r, "gatewayId", igw[0].URN))
			matched++
			continue
		}
		for _, az := range azs {
			if dependsOn(r, "routeTableId", tables["net-private-"+az].URN) {
				want := natByAZ[az]
				if nats == 1 {
					want = natByAZ[azs[0]]
				}
				require.NotNil(t, want, "no NAT for %s", az)
				require.True(t, dependsOn(r, "natGatewayId", want.URN), "private route of %s must use %s", az, want.Name)
				require.False(t, r.Inputs.Get("gatewayId").IsString(), "private route must not use the internet gateway")
				matched++
			}
		}
	}
	require.Equal(t, len(routes), matched, "every route belongs to the public or a private table")

	// Every subnet is associated with its tier's table.
	for _, a := range p.ByType(tAssoc) {
		var tier string
		for _, s := range p.ByType(tSubnet) {
			if dependsOn(a, "subnetId", s.URN) {
				tier = tagsOf(s)["tier"]
			}
		}
		switch tier {
		case "public":
			require.True(t, dependsOn(a, "routeTableId", public.URN))
		case "data":
			require.True(t, dependsOn(a, "routeTableId", data.URN))
		case "private":
			require.False(t, dependsOn(a, "routeTableId", public.URN) || dependsOn(a, "routeTableId", data.URN))
		default:
			t.Fatalf("association %s binds no subnet", a.Name)
		}
	}
	require.Len(t, p.ByType(tAssoc), 3*len(azs))
}

func assertFlowLogs(t *testing.T, p *plan.Plan, mode plan.Mode) {
	t.Helper()
	fl := p.ByType(tFlowLog)
	require.Len(t, fl, 1)
	require.Equal(t, "ALL", str(fl[0].Input("trafficType")))
	require.Equal(t, "cloud-watch-logs", str(fl[0].Input("logDestinationType")))
	require.True(t, dependsOn(fl[0], "vpcId", p.ByType(tVpc)[0].URN))

	groups := p.ByType(tLogGroup)
	require.Len(t, groups, 1)
	require.Equal(t, "/aws/vpc-flow-logs/platform-test", str(groups[0].Input("name")))
	require.Equal(t, float64(DefaultFlowLogRetentionDays), groups[0].Input("retentionInDays").AsNumber())
	require.Equal(t, logsKey, str(groups[0].Input("kmsKeyId")))
	require.True(t, dependsOn(fl[0], "logDestination", groups[0].URN))

	roles := p.ByType(tRole)
	require.Len(t, roles, 1)
	require.True(t, dependsOn(fl[0], "iamRoleArn", roles[0].URN))
	policies := p.ByType(tPolicy)
	require.Len(t, policies, 1)
	if mode == plan.Preview {
		require.True(t, roles[0].Input("assumeRolePolicy").IsComputed(), "trust policy needs the log group's ARN")
		return
	}
	var trust struct {
		Statement []struct {
			Principal map[string]string
			Action    string
			Condition map[string]map[string]string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(str(roles[0].Input("assumeRolePolicy"))), &trust))
	require.Len(t, trust.Statement, 1)
	st := trust.Statement[0]
	require.Equal(t, "vpc-flow-logs.amazonaws.com", st.Principal["Service"])
	require.Equal(t, "sts:AssumeRole", st.Action)
	require.Equal(t, plan.AccountID, st.Condition["StringEquals"]["aws:SourceAccount"])
	require.Equal(t, "arn:aws:ec2:us-east-1:"+plan.AccountID+":vpc-flow-log/*", st.Condition["ArnLike"]["aws:SourceArn"])

	groupArn := str(groups[0].Output("arn"))
	require.NotEmpty(t, groupArn)
	var perms struct {
		Statement []struct {
			Action   any
			Resource any
		}
	}
	doc := str(policies[0].Input("policy"))
	require.NoError(t, json.Unmarshal([]byte(doc), &perms))
	require.NotContains(t, doc, `"*"`, "no wildcard action or resource")
	require.NotContains(t, doc, "logs:CreateLogGroup")
	require.Contains(t, fmt.Sprint(perms.Statement[0].Resource), groupArn)
}

func assertEndpoints(t *testing.T, p *plan.Plan, mode plan.Mode) {
	t.Helper()
	byService := map[string]*plan.Resource{}
	for _, e := range p.ByType(tEndpoint) {
		byService[str(e.Input("serviceName"))] = e
	}
	require.Len(t, byService, 3)

	s3 := byService["com.amazonaws.us-east-1.s3"]
	require.NotNil(t, s3)
	require.Equal(t, "Gateway", str(s3.Input("vpcEndpointType")))
	for _, rt := range p.ByType(tRT) {
		onS3 := dependsOn(s3, "routeTableIds", rt.URN)
		require.Equal(t, rt.Name != "net-public", onS3, "S3 endpoint on private and data tables only (%s)", rt.Name)
	}
	if mode == plan.Update {
		require.Len(t, strs(s3.Input("routeTableIds")), len(azs)+1)
	}

	sgs := p.ByType(tSG)
	require.Len(t, sgs, 1)
	require.NotEmpty(t, str(sgs[0].Input("description")))
	rules := p.ByType(tIngress)
	require.Len(t, rules, 1)
	rule := rules[0]
	require.True(t, dependsOn(rule, "securityGroupId", sgs[0].URN))
	require.Equal(t, "tcp", str(rule.Input("ipProtocol")))
	require.Equal(t, 443.0, rule.Input("fromPort").AsNumber())
	require.Equal(t, 443.0, rule.Input("toPort").AsNumber())
	require.Equal(t, "10.0.0.0/16", str(rule.Input("cidrIpv4")))
	require.NotEmpty(t, str(rule.Input("description")))

	for _, svc := range []string{"ecr.api", "sts"} {
		e := byService["com.amazonaws.us-east-1."+svc]
		require.NotNil(t, e, svc)
		require.Equal(t, "Interface", str(e.Input("vpcEndpointType")))
		require.True(t, e.Input("privateDnsEnabled").AsBool())
		require.True(t, dependsOn(e, "securityGroupIds", sgs[0].URN))
		for _, s := range p.ByType(tSubnet) {
			require.Equal(t, tagsOf(s)["tier"] == "private", dependsOn(e, "subnetIds", s.URN), "%s in %s", svc, s.Name)
		}
	}
}
