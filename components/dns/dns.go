package dns

import (
	"errors"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Token is the component's type token.
const Token = "platform:dns:Dns"

// Dns is the platform's public hosted zone, created or adopted.
type Dns struct {
	pulumi.ResourceState

	// ZoneId is the Route 53 hosted zone id; pass it to AliasRecord and
	// ValidatedCertificate.
	ZoneId pulumi.StringOutput
	// ZoneName is the zone's apex domain, e.g. "generic-corp.io".
	ZoneName pulumi.StringOutput
	// NameServers are the zone's delegation name servers (to enter at the registrar).
	// Empty for an adopted zone: reading them would need a look-up.
	NameServers pulumi.StringArrayOutput
}

// NewDns validates args and creates the hosted zone, or adopts ExistingZoneId without
// registering anything.
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
