package secrets

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/internal/tags"
)

// EdgeLogsKeyType is the token of the us-east-1 logs key component.
const EdgeLogsKeyType = "platform:secrets:EdgeLogsKey"

// EdgeLogsKeyArgs configure a logs key in another region than the stack's: CloudFront web
// ACLs live in us-east-1 and their log group must be encrypted with a key of that region.
type EdgeLogsKeyArgs struct {
	// NamePrefix starts the alias, "alias/<NamePrefix>-edge-logs". Required.
	NamePrefix string
	// AccountId is the account that owns the key. Required.
	AccountId pulumi.StringInput
	// Region is the key's region (the region of the provider passed in opts). Required.
	Region string
	// Protect adds pulumi.Protect and RetainOnDelete.
	Protect bool
	// Tags is the stack tag set.
	Tags tags.Set
}

// EdgeLogsKey is a customer-managed key for CloudWatch Logs in Region.
type EdgeLogsKey struct {
	pulumi.ResourceState
	KeyArn pulumi.StringOutput
}

// NewEdgeLogsKey creates the key with the same policy as the stack's logs key. Pass the
// region's provider with pulumi.Provider (or Providers) in opts; children inherit it.
func NewEdgeLogsKey(ctx *pulumi.Context, name string, args *EdgeLogsKeyArgs, opts ...pulumi.ResourceOption) (*EdgeLogsKey, error) {
	if args == nil || args.NamePrefix == "" || args.AccountId == nil || args.Region == "" {
		return nil, fmt.Errorf("secrets: EdgeLogsKeyArgs needs NamePrefix, AccountId and Region")
	}
	c := &EdgeLogsKey{}
	if err := ctx.RegisterComponentResource(EdgeLogsKeyType, name, c, opts...); err != nil {
		return nil, err
	}
	spec := keySpec{purpose: "edge-logs", description: "CloudWatch Logs log groups of the edge (" + args.Region + ")", statements: logsKeyStatements}
	key, err := newKey(ctx, c, name, spec, SecretsArgs{
		NamePrefix: args.NamePrefix, AccountId: args.AccountId, Region: args.Region, Protect: args.Protect, Tags: args.Tags,
	})
	if err != nil {
		return nil, err
	}
	c.KeyArn = key.key.Arn
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"keyArn": c.KeyArn})
}
