package dns

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// CloudFrontHostedZoneId is the fixed hosted zone id of every CloudFront distribution's
// domain name (the alias target zone AWS documents for CloudFront).
const CloudFrontHostedZoneId = "Z2FDTNDATAQYW2"

// AliasRecord creates an A and an AAAA alias record named recordName in the hosted zone
// zoneId, both pointing at targetDnsName in targetZoneId (a CloudFront distribution's
// domainName/hostedZoneId or a load balancer's dnsName/zoneId). The records are
// children of parent; opts are added to both (e.g. a provider).
//
// evaluateTargetHealth is true for every target except CloudFront, which Route 53
// rejects it for (a distribution has no health of its own); it is derived from
// targetZoneId so callers cannot get it wrong. The AAAA record needs an IPv6-enabled
// target (CloudFront with isIpv6Enabled, a dualstack ALB).
func AliasRecord(ctx *pulumi.Context, name string, zoneId pulumi.StringInput, recordName string,
	targetDnsName, targetZoneId pulumi.StringInput, parent pulumi.Resource, opts ...pulumi.ResourceOption,
) ([]*route53.Record, error) {
	if !ValidDomain(recordName, false) {
		return nil, fmt.Errorf("dns: AliasRecord recordName %q is not allowed (a lower-case domain such as \"app.generic-corp.io\")", recordName)
	}
	if zoneId == nil || targetDnsName == nil || targetZoneId == nil {
		return nil, fmt.Errorf("dns: AliasRecord %q needs zoneId, targetDnsName and targetZoneId (got a nil input)", recordName)
	}
	evaluate := targetZoneId.ToStringOutput().ApplyT(func(z string) bool {
		return z != CloudFrontHostedZoneId
	}).(pulumi.BoolOutput)

	ropts := append([]pulumi.ResourceOption{pulumi.Parent(parent)}, opts...)
	var out []*route53.Record
	for _, typ := range []string{"A", "AAAA"} {
		r, err := route53.NewRecord(ctx, name+"-"+strings.ToLower(typ), &route53.RecordArgs{
			ZoneId: zoneId,
			Name:   pulumi.String(recordName),
			Type:   pulumi.String(typ),
			Aliases: route53.RecordAliasArray{&route53.RecordAliasArgs{
				Name:                 targetDnsName,
				ZoneId:               targetZoneId,
				EvaluateTargetHealth: evaluate,
			}},
		}, ropts...)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// CnameRecord points recordName at a host name that Pulumi does not own (e.g. the ALB the
// AWS Load Balancer Controller creates from an Ingress, whose zone id is not known to
// the program, so an alias cannot be used). TTL 60 so a DR cut-over takes effect fast.
func CnameRecord(ctx *pulumi.Context, name string, zoneId pulumi.StringInput, recordName string,
	target pulumi.StringInput, parent pulumi.Resource, opts ...pulumi.ResourceOption,
) (*route53.Record, error) {
	if !ValidDomain(recordName, false) {
		return nil, fmt.Errorf("dns: CnameRecord recordName %q is not allowed (a lower-case domain such as \"api.generic-corp.io\")", recordName)
	}
	return route53.NewRecord(ctx, name, &route53.RecordArgs{
		ZoneId:  zoneId,
		Name:    pulumi.String(recordName),
		Type:    pulumi.String("CNAME"),
		Ttl:     pulumi.Int(60),
		Records: pulumi.StringArray{target},
	}, append([]pulumi.ResourceOption{pulumi.Parent(parent)}, opts...)...)
}
