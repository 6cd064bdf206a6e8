package rules

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
)

func goodSG() map[string]any {
	return map[string]any{
		"name": "platform-prod-alb", "description": "ALB: HTTPS from the internet", "vpcId": "vpc-1",
		"ingress": []any{map[string]any{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": []any{"0.0.0.0/0"}, "description": "HTTPS"}},
		"egress":  []any{map[string]any{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": []any{"0.0.0.0/0"}, "description": "all out"}},
		"tags":    goodTags(),
	}
}

func dataSG() Resource {
	return res(tokens.EC2SecurityGroup, "db-sg", map[string]any{"name": "platform-prod-db", "description": "PostgreSQL from the app tier", "vpcId": "vpc-1", "tags": goodTags()},
		withID("sg-db"))
}

func dbRule(inputs map[string]any) Resource {
	return res(tokens.EC2SecurityGroupRule, "db-from-app", inputs)
}

func goodDBRule() map[string]any {
	return map[string]any{"type": "ingress", "securityGroupId": "sg-db", "sourceSecurityGroupId": "sg-app",
		"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "description": "app to postgres"}
}

func sgCase(id, path string, bad any, msg, unkPath string) ruleCase {
	return ruleCase{
		id: id, pass: stack("prod", res(tokens.EC2SecurityGroup, "alb-sg", goodSG())),
		fail: stack("prod", res(tokens.EC2SecurityGroup, "alb-sg", set(goodSG(), path, bad))), failMsg: msg,
		unknown: stack("prod", res(tokens.EC2SecurityGroup, "alb-sg", set(goodSG(), unkPath, unk))),
	}
}

func networkCases() []ruleCase {
	vpc := res(tokens.EC2VPC, "vpc", map[string]any{"cidrBlock": "10.0.0.0/16", "tags": goodTags()}, withID("vpc-1"))
	flow := func(vpcID any) Resource {
		return res(tokens.EC2FlowLog, "vpc-flow", map[string]any{"vpcId": vpcID, "trafficType": "ALL", "logDestination": "arn:aws:logs:x"})
	}
	subnet := func(name string, public any) Resource {
		return res(tokens.EC2Subnet, name, map[string]any{"vpcId": "vpc-1", "cidrBlock": "10.0.1.0/24", "mapPublicIpOnLaunch": public,
			"tags": goodTags("Name", "platform-prod-"+name, "tier", "private")})
	}
	return []ruleCase{
		sgCase("sg-no-public-admin", "ingress[0]", map[string]any{"protocol": "tcp", "fromPort": 22, "toPort": 22,
			"cidrBlocks": []any{"0.0.0.0/0"}, "description": "ssh"}, `ingress[0] admits 0.0.0.0/0 to port 22`, "ingress[0].cidrBlocks"),
		{
			id: "sg-data-tier-from-sg", pass: stack("prod", db(goodDB()), dataSG(), dbRule(goodDBRule())),
			fail:    stack("prod", db(goodDB()), dataSG(), dbRule(set(set(goodDBRule(), "sourceSecurityGroupId", del), "cidrBlocks", []any{"10.0.0.0/16"}))),
			failMsg: `admits CIDRs/prefix lists ["10.0.0.0/16"] into data-tier group ec2.SecurityGroup "db-sg"`,
			unknown: stack("prod", db(set(goodDB(), "vpcSecurityGroupIds", []any{unk})), dataSG(), dbRule(goodDBRule())),
		},
		sgCase("sg-descriptions", "description", del, "description is <not set>", "description"),
		{
			id: "vpc-flow-logs", pass: stack("prod", vpc, flow("vpc-1")),
			fail: stack("prod", vpc, flow("vpc-other")), failMsg: "no FlowLog has vpcId referring to this VPC",
			unknown: stack("prod", vpc, flow(unk)),
		},
		{
			id: "subnet-no-auto-public-ip", pass: stack("prod", subnet("private-a", false), subnet("public-a", true)),
			fail: stack("prod", subnet("private-a", true)), failMsg: "mapPublicIpOnLaunch is true on a non-public subnet",
			unknown: stack("prod", subnet("data-a", unk)),
		},
	}
}

func TestSecurityGroupShapes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		r     Resource
		fails int
	}{
		{"SecurityGroupRule ssh from anywhere", res(tokens.EC2SecurityGroupRule, "r", map[string]any{"type": "ingress", "securityGroupId": "sg-1", "protocol": "tcp",
			"fromPort": 0, "toPort": 100, "cidrBlocks": []any{"0.0.0.0/0"}, "description": "x"}), 1},
		{"egress rule resources are not ingress", res(tokens.EC2SecurityGroupRule, "r", map[string]any{"type": "egress", "securityGroupId": "sg-1", "protocol": "-1",
			"fromPort": 0, "toPort": 0, "cidrBlocks": []any{"0.0.0.0/0"}, "description": "x"}), 0},
		{"vpc ingress rule all protocols from ::/0", res(tokens.VPCSecurityGroupIngressRule, "r", map[string]any{"securityGroupId": "sg-1", "ipProtocol": "-1",
			"cidrIpv6": "::/0", "description": "x"}), 1},
		{"vpc ingress rule RDP from anywhere", res(tokens.VPCSecurityGroupIngressRule, "r", map[string]any{"securityGroupId": "sg-1", "ipProtocol": "tcp",
			"fromPort": 3389, "toPort": 3389, "cidrIpv4": "0.0.0.0/0", "description": "x"}), 1},
		{"vpc ingress rule HTTPS from anywhere", res(tokens.VPCSecurityGroupIngressRule, "r", map[string]any{"securityGroupId": "sg-1", "ipProtocol": "tcp",
			"fromPort": 443, "toPort": 443, "cidrIpv4": "0.0.0.0/0", "description": "x"}), 0},
		{"inline ICMP from anywhere is not a port", res(tokens.EC2SecurityGroup, "sg", set(goodSG(), "ingress[0]", map[string]any{"protocol": "icmp",
			"fromPort": -1, "toPort": -1, "cidrBlocks": []any{"0.0.0.0/0"}, "description": "ping"})), 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fs := only(run(t, "sg-no-public-admin", stack("prod", c.r)), "sg-no-public-admin")
			require.Len(t, fs, c.fails, messages(fs))
		})
	}
}

func TestDataTierJoins(t *testing.T) {
	t.Parallel()
	sg := dataSG()
	sg.ID = ""
	redisSG := res(tokens.EC2SecurityGroup, "redis-sg", map[string]any{"description": "redis", "ingress": []any{
		map[string]any{"protocol": "tcp", "fromPort": 6379, "toPort": 6379, "cidrBlocks": []any{"10.0.0.0/8"}, "description": "vpc"}}})
	cases := []struct {
		name    string
		s       Stack
		fails   int
		unknown int
	}{
		{"preview: SG by dependency, rule by dependency, source is an SG", stack("prod",
			db(set(goodDB(), "vpcSecurityGroupIds", []any{unk}), deps("vpcSecurityGroupIds", sg.URN)), sg,
			res(tokens.VPCSecurityGroupIngressRule, "in", map[string]any{"securityGroupId": unk, "referencedSecurityGroupId": unk, "ipProtocol": "tcp",
				"fromPort": 5432, "toPort": 5432, "description": "app"}, deps("securityGroupId", sg.URN))), 0, 0},
		{"redis inline CIDR ingress fails", stack("prod", redis(set(goodRedis(), "securityGroupIds", []any{unk}), deps("securityGroupIds", redisSG.URN)), redisSG), 1, 0},
		{"rds without security groups uses the default group", stack("prod", db(set(goodDB(), "vpcSecurityGroupIds", del))), 1, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fs := run(t, "sg-data-tier-from-sg", c.s)
			require.Len(t, only(fs, "sg-data-tier-from-sg"), c.fails, messages(fs))
			require.Len(t, only(fs, "sg-data-tier-from-sg-unknown"), c.unknown, messages(fs))
		})
	}
}

func TestSGDescriptionDefault(t *testing.T) {
	t.Parallel()
	fs := run(t, "sg-descriptions", stack("prod", res(tokens.EC2SecurityGroup, "sg", set(goodSG(), "description", "Managed by Pulumi"))))
	require.Len(t, fs, 1)
	fs = run(t, "sg-descriptions", stack("prod", res(tokens.EC2SecurityGroup, "sg", set(goodSG(), "ingress[0].description", del))))
	require.Len(t, fs, 1)
	require.Contains(t, fs[0].Message, "ingress[0].description")
}
