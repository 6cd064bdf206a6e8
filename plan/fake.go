package plan

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/generic-corp/platform/internal/tokens"
)

// fakeProvider stands in for every resource provider. In Preview it echoes the inputs
// (so computed outputs stay unknown, as in a real preview of a new stack). In Update it
// adds deterministic ids, ARNs and endpoints derived from the type and logical name, so
// two captures of one program are byte-for-byte equal.
type fakeProvider struct {
	region    string
	callerArn string // what getCallerIdentity reports
}

// DefaultCallerArn is the offline caller: a session of the CI deployer role (no path).
const DefaultCallerArn = "arn:aws:sts::" + AccountID + ":assumed-role/platform-deployer/offline"

func newFakeProvider(region string) *fakeProvider {
	return &fakeProvider{region: region, callerArn: DefaultCallerArn}
}

// FakeSecret is the value every generated secret gets in Update mode, prefixed so that
// tests can search a plan for leaked plaintext.
const FakeSecretPrefix = "fake-secret-"

func short(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "/")))
	return hex.EncodeToString(sum[:])[:12]
}

// service returns the AWS service segment of a type token: aws:rds/instance:Instance -> rds.
func service(typ string) string {
	mod := strings.SplitN(strings.TrimPrefix(typ, "aws:"), "/", 2)[0]
	switch mod {
	case "cloudwatch":
		return "logs"
	case "vpc":
		return "ec2"
	}
	return mod
}

func (f *fakeProvider) create(mode Mode, typ, name string, inputs resource.PropertyMap) (string, resource.PropertyMap) {
	state := inputs.Copy()
	if mode == Preview {
		f.autoname(typ, name, state)
		return "", state
	}
	h := short(typ, name)
	id := name + "-" + h[:8]
	f.autoname(typ, name, state)
	set := func(k string, v any) {
		if cur, ok := state[resource.PropertyKey(k)]; !ok || cur.IsNull() {
			state[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
		}
	}
	if strings.HasPrefix(typ, "aws:") {
		set("arn", fmt.Sprintf("arn:aws:%s:%s:%s:%s/%s", service(typ), f.region, AccountID, typeName(typ), id))
		set("tagsAll", tagsOf(state))
	}
	if extra, ok := fakeOutputs[typ]; ok {
		for k, v := range extra(fakeCtx{region: f.region, name: name, id: id, hash: h, inputs: state}) {
			state[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
		}
		if v, ok := state["id"]; ok && v.IsString() {
			id = v.StringValue()
			delete(state, "id")
		}
	}
	return id, state
}

// autoname fills the physical name a provider would generate in Check (so it is known
// even in preview) for the kinds of resources our program leaves unnamed.
func (f *fakeProvider) autoname(typ, name string, state resource.PropertyMap) {
	key, ok := autonamed[typ]
	if strings.HasPrefix(typ, "kubernetes:") && !strings.HasPrefix(typ, "kubernetes:helm") && typ != tokens.ProviderK8s {
		meta := state["metadata"]
		if meta.IsObject() {
			m := meta.ObjectValue()
			if v, has := m["name"]; !has || v.IsNull() {
				m["name"] = resource.NewProperty(name + "-" + short(typ, name)[:8])
			}
		}
		return
	}
	if !ok {
		return
	}
	if v, has := state[resource.PropertyKey(key)]; !has || v.IsNull() {
		if p, has := state["namePrefix"]; has && p.IsString() {
			state[resource.PropertyKey(key)] = resource.NewProperty(p.StringValue() + short(typ, name)[:12])
			return
		}
		state[resource.PropertyKey(key)] = resource.NewProperty(name + "-" + short(typ, name)[:7])
	}
}

var autonamed = map[string]string{
	tokens.IAMRole:                   "name",
	tokens.IAMPolicy:                 "name",
	tokens.IAMInstanceProfile:        "name",
	tokens.EC2SecurityGroup:          "name",
	tokens.EC2LaunchTemplate:         "name",
	tokens.CloudWatchLogGroup:        "name",
	tokens.SNSTopic:                  "name",
	tokens.S3BucketV2:                "bucket",
	tokens.RDSParameterGroup:         "name",
	tokens.RDSSubnetGroup:            "name",
	tokens.ElastiCacheParameterGroup: "name",
	tokens.ElastiCacheSubnetGroup:    "name",
	tokens.SecretsManagerSecret:      "name",
	tokens.KMSAlias:                  "name",
	tokens.ECRRepository:             "name",
	tokens.EKSCluster:                "name",
	tokens.EKSNodeGroup:              "nodeGroupName",
	tokens.CloudWatchMetricAlarm:     "name",
	tokens.BackupVault:               "name",
	tokens.BackupPlan:                "name",
	tokens.WAFWebACL:                 "name",
}

func typeName(typ string) string {
	parts := strings.Split(typ, ":")
	return strings.ToLower(parts[len(parts)-1])
}

func tagsOf(state resource.PropertyMap) resource.PropertyMap {
	if t, ok := state["tags"]; ok && t.IsObject() {
		return t.ObjectValue().Copy()
	}
	return resource.PropertyMap{}
}

type fakeCtx struct {
	region, name, id, hash string
	inputs                 resource.PropertyMap
}

func (c fakeCtx) str(key, def string) string {
	if v, ok := c.inputs[resource.PropertyKey(key)]; ok && v.IsString() {
		return v.StringValue()
	}
	return def
}

func (c fakeCtx) secret(kind string) string {
	return FakeSecretPrefix + kind + "-" + c.hash
}

// fakeOutputs adds the computed outputs other resources read. Keys are Pulumi schema
// names; an "id" entry overrides the generated physical id.
var fakeOutputs = map[string]func(c fakeCtx) map[string]any{
	tokens.EC2VPC: func(c fakeCtx) map[string]any {
		return map[string]any{"id": "vpc-" + c.hash[:12], "defaultSecurityGroupId": "sg-d" + c.hash[:11],
			"mainRouteTableId": "rtb-m" + c.hash[:11], "defaultRouteTableId": "rtb-d" + c.hash[:11], "ownerId": AccountID}
	},
	tokens.EC2Subnet:          idPrefix("subnet-"),
	tokens.EC2SecurityGroup:   idPrefix("sg-"),
	tokens.EC2InternetGateway: idPrefix("igw-"),
	tokens.EC2NatGateway:      idPrefix("nat-"),
	tokens.EC2EIP: func(c fakeCtx) map[string]any {
		return map[string]any{"id": "eipalloc-" + c.hash[:12], "allocationId": "eipalloc-" + c.hash[:12], "publicIp": "198.51.100.10"}
	},
	tokens.EC2RouteTable:  idPrefix("rtb-"),
	tokens.EC2VPCEndpoint: idPrefix("vpce-"),
	tokens.EC2LaunchTemplate: func(c fakeCtx) map[string]any {
		return map[string]any{"id": "lt-" + c.hash[:12], "latestVersion": 1.0, "defaultVersion": 1.0}
	},
	tokens.KMSKey: func(c fakeCtx) map[string]any {
		keyID := c.hash[:8] + "-" + c.hash[8:12] + "-4" + c.hash[:3] + "-8" + c.hash[3:6] + "-" + c.hash
		return map[string]any{"id": keyID, "keyId": keyID, "arn": fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", c.region, AccountID, keyID)}
	},
	tokens.SecretsManagerSecret: func(c fakeCtx) map[string]any {
		arn := fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-%s", c.region, AccountID, c.str("name", c.name), c.hash[:6])
		return map[string]any{"id": arn, "arn": arn}
	},
	tokens.RDSInstance: func(c fakeCtx) map[string]any {
		ident := c.str("identifier", c.id)
		addr := fmt.Sprintf("%s.c%s.%s.rds.amazonaws.com", ident, c.hash[:10], c.region)
		return map[string]any{"id": "db-" + strings.ToUpper(c.hash[:12]), "identifier": ident, "address": addr,
			"endpoint": addr + ":5432", "port": 5432.0, "resourceId": "db-" + strings.ToUpper(c.hash),
			"arn": fmt.Sprintf("arn:aws:rds:%s:%s:db:%s", c.region, AccountID, ident), "hostedZoneId": "Z2R2ITUGPM61AM"}
	},
	tokens.ElastiCacheReplicationGroup: func(c fakeCtx) map[string]any {
		rg := c.str("replicationGroupId", c.id)
		return map[string]any{"id": rg,
			"primaryEndpointAddress": fmt.Sprintf("master.%s.%s.%s.cache.amazonaws.com", rg, c.hash[:6], c.region),
			"readerEndpointAddress":  fmt.Sprintf("replica.%s.%s.%s.cache.amazonaws.com", rg, c.hash[:6], c.region),
			"arn":                    fmt.Sprintf("arn:aws:elasticache:%s:%s:replicationgroup:%s", c.region, AccountID, rg),
			"memberClusters":         memberClusters(rg, c.inputs)}
	},
	tokens.EKSCluster: func(c fakeCtx) map[string]any {
		name := c.str("name", c.id)
		oidc := fmt.Sprintf("https://oidc.eks.%s.amazonaws.com/id/%s", c.region, strings.ToUpper(c.hash+c.hash[:8]))
		return map[string]any{"id": name,
			"endpoint":             fmt.Sprintf("https://%s.gr7.%s.eks.amazonaws.com", strings.ToUpper(c.hash), c.region),
			"certificateAuthority": map[string]any{"data": base64.StdEncoding.EncodeToString([]byte("fake-ca-" + c.hash))},
			"identities":           []any{map[string]any{"oidcs": []any{map[string]any{"issuer": oidc}}}},
			"vpcConfig":            mergeMap(c.inputs, "vpcConfig", map[string]any{"clusterSecurityGroupId": "sg-c" + c.hash[:11], "vpcId": "vpc-" + c.hash[:12]}),
			"arn":                  fmt.Sprintf("arn:aws:eks:%s:%s:cluster/%s", c.region, AccountID, name),
			"status":               "ACTIVE"}
	},
	tokens.IAMOpenIDConnectProvider: func(c fakeCtx) map[string]any {
		url := strings.TrimPrefix(c.str("url", "oidc.example"), "https://")
		return map[string]any{"arn": fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", AccountID, url)}
	},
	tokens.IAMRole: func(c fakeCtx) map[string]any {
		return map[string]any{"arn": fmt.Sprintf("arn:aws:iam::%s:role/%s", AccountID, c.str("name", c.id)), "uniqueId": "AROA" + strings.ToUpper(c.hash)}
	},
	tokens.IAMPolicy: func(c fakeCtx) map[string]any {
		return map[string]any{"arn": fmt.Sprintf("arn:aws:iam::%s:policy/%s", AccountID, c.str("name", c.id))}
	},
	tokens.S3BucketV2: func(c fakeCtx) map[string]any {
		b := c.str("bucket", c.id)
		return map[string]any{"id": b, "arn": "arn:aws:s3:::" + b, "bucketRegionalDomainName": b + ".s3." + c.region + ".amazonaws.com",
			"bucketDomainName": b + ".s3.amazonaws.com"}
	},
	tokens.CloudFrontDistribution: func(c fakeCtx) map[string]any {
		id := "E" + strings.ToUpper(c.hash[:12])
		return map[string]any{"id": id, "domainName": "d" + c.hash[:12] + ".cloudfront.net", "hostedZoneId": "Z2FDTNDATAQYW2",
			"arn": fmt.Sprintf("arn:aws:cloudfront::%s:distribution/%s", AccountID, id)}
	},
	tokens.Route53Zone: func(c fakeCtx) map[string]any {
		// Route 53 gives every public zone four name servers, one per TLD.
		n := int(c.hash[0]) % 64
		return map[string]any{"id": "Z" + strings.ToUpper(c.hash[:12]), "zoneId": "Z" + strings.ToUpper(c.hash[:12]),
			"nameServers": []any{fmt.Sprintf("ns-%d.awsdns-%02d.com", 100+n, n), fmt.Sprintf("ns-%d.awsdns-%02d.net", 700+n, n),
				fmt.Sprintf("ns-%d.awsdns-%02d.org", 1200+n, n), fmt.Sprintf("ns-%d.awsdns-%02d.co.uk", 1800+n, n)}}
	},
	tokens.SecretsManagerSecretVersion: func(c fakeCtx) map[string]any {
		// Every version we create is its secret's first, and Secrets Manager attaches
		// AWSCURRENT to a secret's first version whatever versionStages says.
		stages := []any{"AWSCURRENT"}
		if v, ok := c.inputs["versionStages"]; ok && v.IsArray() {
			stages = []any{}
			has := false
			for _, s := range v.ArrayValue() {
				if s.IsString() {
					stages = append(stages, s.StringValue())
					has = has || s.StringValue() == "AWSCURRENT"
				}
			}
			if !has {
				stages = append(stages, "AWSCURRENT")
			}
		}
		h := c.hash + short("version", c.name) // 24 hex digits
		version := h[:8] + "-" + h[8:12] + "-4" + h[12:15] + "-8" + h[15:18] + "-" + h[18:24] + h[:6]
		return map[string]any{"versionId": version, "versionStages": stages}
	},
	tokens.ECRPullThroughCacheRule: func(c fakeCtx) map[string]any {
		return map[string]any{"id": c.str("ecrRepositoryPrefix", c.id), "registryId": AccountID}
	},
	tokens.ECRReplicationConfiguration: func(c fakeCtx) map[string]any {
		return map[string]any{"id": AccountID, "registryId": AccountID}
	},
	tokens.ACMCertificate: func(c fakeCtx) map[string]any {
		// ACM returns one validation option per name; a wildcard shares its apex's record.
		names := []string{c.str("domainName", "example.com")}
		if v, ok := c.inputs["subjectAlternativeNames"]; ok && v.IsArray() {
			for _, n := range v.ArrayValue() {
				if n.IsString() {
					names = append(names, n.StringValue())
				}
			}
		}
		var options []any
		for _, n := range names {
			base := strings.TrimPrefix(n, "*.")
			h := short("acm", base)
			options = append(options, map[string]any{"domainName": n, "resourceRecordName": "_" + h[:8] + "." + base + ".",
				"resourceRecordType": "CNAME", "resourceRecordValue": "_" + h[4:12] + ".acm-validations.aws."})
		}
		return map[string]any{"arn": fmt.Sprintf("arn:aws:acm:%s:%s:certificate/%s", c.region, AccountID, c.hash),
			"domainValidationOptions": options}
	},
	tokens.ECRRepository: func(c fakeCtx) map[string]any {
		name := c.str("name", c.id)
		return map[string]any{"registryId": AccountID, "repositoryUrl": fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", AccountID, c.region, name),
			"arn": fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", c.region, AccountID, name)}
	},
	tokens.LBLoadBalancer: func(c fakeCtx) map[string]any {
		return map[string]any{"dnsName": c.id + ".elb." + c.region + ".amazonaws.com", "zoneId": "Z35SXDOTRQ7X7K", "arnSuffix": "app/" + c.id + "/" + c.hash[:16]}
	},
	tokens.K8sIngress: func(c fakeCtx) map[string]any {
		host := fmt.Sprintf("k8s-%s-%s.%s.elb.amazonaws.com", c.hash[:8], c.hash[8:12], c.region)
		return map[string]any{"status": map[string]any{"loadBalancer": map[string]any{"ingress": []any{map[string]any{"hostname": host}}}}}
	},
	tokens.RandomPassword: func(c fakeCtx) map[string]any {
		return map[string]any{"result": c.secret("password"), "bcryptHash": "$2a$10$" + c.hash}
	},
	tokens.RandomString: func(c fakeCtx) map[string]any { return map[string]any{"result": c.secret("string")} },
	tokens.RandomID: func(c fakeCtx) map[string]any {
		return map[string]any{"hex": c.hash[:8], "b64Url": c.hash[:6], "b64Std": c.hash[:6], "dec": "1234567"}
	},
}

func memberClusters(rg string, inputs resource.PropertyMap) []any {
	n := 1
	if v, ok := inputs["numCacheClusters"]; ok && v.IsNumber() {
		n = int(v.NumberValue())
	}
	out := make([]any, 0, n)
	for i := 1; i <= n; i++ {
		out = append(out, fmt.Sprintf("%s-%03d", rg, i))
	}
	return out
}

func idPrefix(prefix string) func(c fakeCtx) map[string]any {
	return func(c fakeCtx) map[string]any { return map[string]any{"id": prefix + c.hash[:12]} }
}

func mergeMap(inputs resource.PropertyMap, key string, extra map[string]any) map[string]any {
	out := map[string]any{}
	if v, ok := inputs[resource.PropertyKey(key)]; ok && v.IsObject() {
		for k, e := range v.ObjectValue().Mappable() {
			out[k] = e
		}
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// invoke answers the data-source calls the program may make. Anything else is an error
// that names the call, so a new look-up is noticed rather than silently faked.
func (f *fakeProvider) invoke(tok string, args resource.PropertyMap) (resource.PropertyMap, error) {
	switch tok {
	case tokens.InvokeGetCallerIdentity:
		return resource.NewPropertyMapFromMap(map[string]any{"accountId": AccountID, "id": AccountID,
			"arn": f.callerArn, "userId": "AROAOFFLINE:offline"}), nil
	case tokens.InvokeIAMGetSessionContext:
		return sessionContext(args), nil
	case tokens.InvokeGetRegion:
		return resource.NewPropertyMapFromMap(map[string]any{"name": f.region, "id": f.region, "region": f.region,
			"endpoint": "ec2." + f.region + ".amazonaws.com"}), nil
	case tokens.InvokeGetPartition:
		return resource.NewPropertyMapFromMap(map[string]any{"partition": "aws", "id": "aws", "dnsSuffix": "amazonaws.com"}), nil
	}
	return nil, fmt.Errorf("offline capture: invoke %s is not supported (the program must not depend on "+
		"look-ups of live infrastructure; build the value in Go or take it from stack config)", tok)
}

// sessionContext answers iam.getSessionContext the way the provider does: for an STS
// assumed-role ARN it reads the role (iam:GetRole) and returns its ARN with its path;
// any other ARN passes through. The STS ARN never shows the path, so the fake knows the
// one path real callers have: IAM Identity Center (SSO) roles, AWSReservedSSO_<permission
// set>_<hash>, live under aws-reserved/sso.amazonaws.com/.
func sessionContext(args resource.PropertyMap) resource.PropertyMap {
	arn := ""
	if v, ok := args["arn"]; ok && v.IsString() {
		arn = v.StringValue()
	}
	out := map[string]any{"arn": arn, "id": arn, "issuerArn": arn, "issuerId": "", "issuerName": "", "sessionName": ""}
	rest, ok := strings.CutPrefix(arn, "arn:aws:sts::")
	if !ok {
		return resource.NewPropertyMapFromMap(out)
	}
	acct, after, ok := strings.Cut(rest, ":assumed-role/")
	if !ok {
		return resource.NewPropertyMapFromMap(out)
	}
	role, session, _ := strings.Cut(after, "/")
	path := "/"
	if strings.HasPrefix(role, "AWSReservedSSO_") {
		path = "/aws-reserved/sso.amazonaws.com/"
	}
	out["issuerArn"] = "arn:aws:iam::" + acct + ":role" + path + role
	out["issuerId"] = "AROA" + strings.ToUpper(short("role", role))
	out["issuerName"], out["sessionName"] = role, session
	return resource.NewPropertyMapFromMap(out)
}
