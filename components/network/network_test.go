package network

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/internal/testkit"
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
						tg := testkit.TagsOf(r)
						for _, k := range tags.Required {
							require.NotEmpty(t, tg[k], "%s lacks tag %s", r.URN, k)
						}
						require.NotEmpty(t, tg["Name"], "%s lacks a Name tag", r.URN)
					}
				}

				vpcs := p.ByType(tVpc)
				require.Len(t, vpcs, 1)
				vpc := vpcs[0]
				require.Equal(t, "10.0.0.0/16", testkit.StrOr(vpc.Input("cidrBlock")))
				require.True(t, vpc.Input("enableDnsSupport").AsBool())
				require.True(t, vpc.Input("enableDnsHostnames").AsBool())

				assertSubnets(t, p)
				assertRouting(t, p, nats)
				assertFlowLogs(t, p, mode)
				assertEndpoints(t, p, mode)

				def := p.ByType(tDefSG)
				require.Len(t, def, 1)
				require.True(t, testkit.DependsOn(def[0], "vpcId", vpc.URN))
				for _, k := range []string{"ingress", "egress"} {
					v := def[0].Input(k)
					require.True(t, v.IsNull() || (v.IsArray() && v.AsArray().Len() == 0), "default SG %s must be empty, got %v", k, v)
				}

				if mode == plan.Update {
					require.Len(t, testkit.StrsOr(comp.Output("privateSubnetIds")), len(azs))
					require.Len(t, testkit.StrsOr(comp.Output("publicSubnetIds")), len(azs))
					require.Len(t, testkit.StrsOr(comp.Output("dataSubnetIds")), len(azs))
					require.Len(t, testkit.StrsOr(comp.Output("natGatewayIds")), nats)
					require.Equal(t, vpc.ID, testkit.StrOr(comp.Output("vpcId")))
					require.Equal(t, "10.0.0.0/16", testkit.StrOr(comp.Output("vpcCidr")))
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
		tg := testkit.TagsOf(s)
		tier := tg["tier"]
		require.False(t, s.Input("mapPublicIpOnLaunch").AsBool(), "%s maps public IPs", s.Name)
		require.True(t, s.Input("mapPublicIpOnLaunch").IsBool(), "%s must set mapPublicIpOnLaunch explicitly", s.Name)
		i := slices.Index(azs, testkit.StrOr(s.Input("availabilityZone")))
		require.GreaterOrEqual(t, i, 0)
		require.Equal(t, want[tier][i], testkit.StrOr(s.Input("cidrBlock")), "%s", s.Name)
		got[tier] = append(got[tier], testkit.StrOr(s.Input("cidrBlock")))
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
		require.Equal(t, "vpc", testkit.StrOr(e.Input("domain")))
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
		require.Equal(t, "0.0.0.0/0", testkit.StrOr(r.Input("destinationCidrBlock")))
		require.False(t, testkit.DependsOn(r, "routeTableId", data.URN), "the data tier must have no default route")
		if testkit.DependsOn(r, "routeTableId", public.URN) {
			require.True(t, testkit.DependsOn(r, "gatewayId", igw[0].URN))
			matched++
			continue
		}
		for _, az := range azs {
			if testkit.DependsOn(r, "routeTableId", tables["net-private-"+az].URN) {
				want := natByAZ[az]
				if nats == 1 {
					want = natByAZ[azs[0]]
				}
				require.NotNil(t, want, "no NAT for %s", az)
				require.True(t, testkit.DependsOn(r, "natGatewayId", want.URN), "private route of %s must use %s", az, want.Name)
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
			if testkit.DependsOn(a, "subnetId", s.URN) {
				tier = testkit.TagsOf(s)["tier"]
			}
		}
		switch tier {
		case "public":
			require.True(t, testkit.DependsOn(a, "routeTableId", public.URN))
		case "data":
			require.True(t, testkit.DependsOn(a, "routeTableId", data.URN))
		case "private":
			require.False(t, testkit.DependsOn(a, "routeTableId", public.URN) || testkit.DependsOn(a, "routeTableId", data.URN))
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
	require.Equal(t, "ALL", testkit.StrOr(fl[0].Input("trafficType")))
	require.Equal(t, "cloud-watch-logs", testkit.StrOr(fl[0].Input("logDestinationType")))
	require.True(t, testkit.DependsOn(fl[0], "vpcId", p.ByType(tVpc)[0].URN))

	groups := p.ByType(tLogGroup)
	require.Len(t, groups, 1)
	require.Equal(t, "/aws/vpc-flow-logs/platform-test", testkit.StrOr(groups[0].Input("name")))
	require.Equal(t, float64(DefaultFlowLogRetentionDays), groups[0].Input("retentionInDays").AsNumber())
	require.Equal(t, logsKey, testkit.StrOr(groups[0].Input("kmsKeyId")))
	require.True(t, testkit.DependsOn(fl[0], "logDestination", groups[0].URN))

	roles := p.ByType(tRole)
	require.Len(t, roles, 1)
	require.True(t, testkit.DependsOn(fl[0], "iamRoleArn", roles[0].URN))
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
	require.NoError(t, json.Unmarshal([]byte(testkit.StrOr(roles[0].Input("assumeRolePolicy"))), &trust))
	require.Len(t, trust.Statement, 1)
	st := trust.Statement[0]
	require.Equal(t, "vpc-flow-logs.amazonaws.com", st.Principal["Service"])
	require.Equal(t, "sts:AssumeRole", st.Action)
	require.Equal(t, plan.AccountID, st.Condition["StringEquals"]["aws:SourceAccount"])
	require.Equal(t, "arn:aws:ec2:us-east-1:"+plan.AccountID+":vpc-flow-log/*", st.Condition["ArnLike"]["aws:SourceArn"])

	groupArn := testkit.StrOr(groups[0].Output("arn"))
	require.NotEmpty(t, groupArn)
	var perms struct {
		Statement []struct {
			Action   any
			Resource any
		}
	}
	doc := testkit.StrOr(policies[0].Input("policy"))
	require.NoError(t, json.Unmarshal([]byte(doc), &perms))
	require.NotContains(t, doc, `"*"`, "no wildcard action or resource")
	require.NotContains(t, doc, "logs:CreateLogGroup")
	require.Contains(t, fmt.Sprint(perms.Statement[0].Resource), groupArn)
}

func assertEndpoints(t *testing.T, p *plan.Plan, mode plan.Mode) {
	t.Helper()
	byService := map[string]*plan.Resource{}
	for _, e := range p.ByType(tEndpoint) {
		byService[testkit.StrOr(e.Input("serviceName"))] = e
	}
	require.Len(t, byService, 3)

	s3 := byService["com.amazonaws.us-east-1.s3"]
	require.NotNil(t, s3)
	require.Equal(t, "Gateway", testkit.StrOr(s3.Input("vpcEndpointType")))
	for _, rt := range p.ByType(tRT) {
		onS3 := testkit.DependsOn(s3, "routeTableIds", rt.URN)
		require.Equal(t, rt.Name != "net-public", onS3, "S3 endpoint on private and data tables only (%s)", rt.Name)
	}
	if mode == plan.Update {
		require.Len(t, testkit.StrsOr(s3.Input("routeTableIds")), len(azs)+1)
	}

	sgs := p.ByType(tSG)
	require.Len(t, sgs, 1)
	require.NotEmpty(t, testkit.StrOr(sgs[0].Input("description")))
	rules := p.ByType(tIngress)
	require.Len(t, rules, 1)
	rule := rules[0]
	require.True(t, testkit.DependsOn(rule, "securityGroupId", sgs[0].URN))
	require.Equal(t, "tcp", testkit.StrOr(rule.Input("ipProtocol")))
	require.Equal(t, 443.0, rule.Input("fromPort").AsNumber())
	require.Equal(t, 443.0, rule.Input("toPort").AsNumber())
	require.Equal(t, "10.0.0.0/16", testkit.StrOr(rule.Input("cidrIpv4")))
	require.NotEmpty(t, testkit.StrOr(rule.Input("description")))

	for _, svc := range []string{"ecr.api", "sts"} {
		e := byService["com.amazonaws.us-east-1."+svc]
		require.NotNil(t, e, svc)
		require.Equal(t, "Interface", testkit.StrOr(e.Input("vpcEndpointType")))
		require.True(t, e.Input("privateDnsEnabled").AsBool())
		require.True(t, testkit.DependsOn(e, "securityGroupIds", sgs[0].URN))
		for _, s := range p.ByType(tSubnet) {
			require.Equal(t, testkit.TagsOf(s)["tier"] == "private", testkit.DependsOn(e, "subnetIds", s.URN), "%s in %s", svc, s.Name)
		}
	}
}
