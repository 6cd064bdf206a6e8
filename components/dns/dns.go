package dns

import (
	"errors"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Token is the component's type token.
const Token = "platform:dns:Dns"

// DelegationTTL is the TTL (seconds) of the NS record that delegates a child zone: two
// days, what Route 53 gives a zone's own NS records. The delegation changes only when
// the child zone is re-created (protected in prod and dr), and resolvers are then told
// by the new zone's own NS records.
const DelegationTTL = 172800

// Dns is the platform's public hosted zone, created or adopted.
type Dns struct {
	pulumi.ResourceState

	// ZoneId is the Route 53 hosted zone id; pass it to AliasRecord and
	// ValidatedCertificate. For a zone delegated from DnsArgs.ParentZoneId it resolves
	// only after the delegation record exists, so every record and certificate
	// validation built on it waits for the delegation.
	ZoneId pulumi.StringOutput
	// ZoneName is the zone's apex domain, e.g. "generic-corp.io".
	ZoneName pulumi.StringOutput
	// NameServers are the zone's delegation name servers (to enter at the registrar).
	// Empty for an adopted zone: reading them would need a look-up.
	NameServers pulumi.StringArrayOutput
}

// NewDns validates args and creates the hosted zone (delegated from ParentZoneId when
// set), or adopts ExistingZoneId without registering anything.
func NewDns(ctx *pulumi.Context, name string, args *DnsArgs, opts ...pulumi.ResourceOption) (*Dns, error) {
	if args == nil {
		return nil, errors.New("dns: DnsArgs is required")
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, err
	}

	c := &Dns{}
	if err := ctx.RegisterComponentResource(Token, name, c, opts...); err != nil {
		return nil, err
	}

	if a.CreateZone {
		zone, err := route53.NewZone(ctx, name+"-zone", &route53.ZoneArgs{
			Name:    pulumi.String(a.ZoneName),
			Comment: pulumi.String(a.Comment),
			// A zone that still holds records must fail to delete, not be emptied.
			ForceDestroy: pulumi.Bool(false),
			Tags:         a.Tags.AWS(a.ZoneName),
		}, pulumi.Parent(c), pulumi.Protect(a.Protect))
		if err != nil {
			return nil, err
		}
		c.ZoneId = zone.ZoneId
		c.ZoneName = zone.Name
		c.NameServers = zone.NameServers
		if a.ParentZoneId != "" {
			ns, err := route53.NewRecord(ctx, name+"-delegation", &route53.RecordArgs{
				ZoneId:  pulumi.String(a.ParentZoneId),
				Name:    pulumi.String(a.ZoneName),
				Type:    pulumi.String("NS"),
				Ttl:     pulumi.Int(DelegationTTL),
				Records: zone.NameServers,
			}, pulumi.Parent(c))
			if err != nil {
				return nil, err
			}
			// Carry the record's dependency in the zone id: the validation records and the
			// CertificateValidation of every certificate wait for the delegation instead of
			// timing out on names nobody can resolve.
			c.ZoneId = pulumi.All(zone.ZoneId, ns.ID()).ApplyT(func(v []any) string {
				return v[0].(string)
			}).(pulumi.StringOutput)
		}
	} else {
		c.ZoneId = pulumi.String(a.ExistingZoneId).ToStringOutput()
		c.ZoneName = pulumi.String(a.ZoneName).ToStringOutput()
		c.NameServers = pulumi.StringArray{}.ToStringArrayOutput()
	}

	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"zoneId":      c.ZoneId,
		"zoneName":    c.ZoneName,
		"nameServers": c.NameServers,
	}); err != nil {
		return nil, err
	}
	return c, nil
}
