package secrets

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/internal/policydoc"
)

// Key purposes, also the suffix of each alias.
const (
	PurposeData    = "data"
	PurposeSecrets = "secrets"
	PurposeLogs    = "logs"
)

// keyDeletionWindowDays is the longest window KMS allows: a scheduled deletion can be
// cancelled for a month, long enough to notice a backup that still needs the key.
const keyDeletionWindowDays = 30

type keySpec struct {
	purpose     string
	description string
	// statements returns the purpose-specific statements after the root statement.
	statements func(account, region string) []policydoc.Statement
}

var keySpecs = []keySpec{
	{
		purpose:     PurposeData,
		description: "data at rest: RDS, ElastiCache, EBS, S3 data buckets, backups",
		statements:  dataKeyStatements,
	},
	{
		purpose:     PurposeSecrets,
		description: "Secrets Manager secrets and EKS envelope encryption",
		statements:  secretsKeyStatements,
	},
	{
		purpose:     PurposeLogs,
		description: "CloudWatch Logs log groups",
		statements:  logsKeyStatements,
	},
}

// secretsKeyStatements are none beyond the root statement: IAM policies decide who may
// decrypt secrets (through Secrets Manager).
func secretsKeyStatements(string, string) []policydoc.Statement { return nil }

// dataKeyStatements mirror the aws/ebs managed key: EC2 may use the key for principals
// of this account only. The Auto Scaling service-linked role of the EKS node groups needs
// this to launch nodes with encrypted volumes.
func dataKeyStatements(account, region string) []policydoc.Statement {
	via := map[string]any{
		"kms:CallerAccount": account,
		"kms:ViaService":    fmt.Sprintf("ec2.%s.amazonaws.com", region),
	}
	return []policydoc.Statement{
		{
			Sid:       "AllowEc2EbsEncryptionForAccount",
			Effect:    "Allow",
			Principal: map[string]any{"AWS": "*"},
			Action:    []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"},
			Resource:  "*",
			Condition: map[string]any{"StringEquals": via},
		},
		{
			Sid:       "AllowEc2EbsGrantsForAccount",
			Effect:    "Allow",
			Principal: map[string]any{"AWS": "*"},
			Action:    []string{"kms:CreateGrant"},
			Resource:  "*",
			Condition: map[string]any{
				"StringEquals": via,
				"Bool":         map[string]any{"kms:GrantIsForAWSResource": "true"},
			},
		},
		{
			// CloudFront origin access control reads the SSE-KMS encrypted site objects;
			// only distributions of this account may use the key.
			Sid:       "AllowCloudFrontOriginAccessOfThisAccount",
			Effect:    "Allow",
			Principal: map[string]any{"Service": "cloudfront.amazonaws.com"},
			Action:    []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"},
			Resource:  "*",
			Condition: map[string]any{"ArnLike": map[string]any{
				"AWS:SourceArn": fmt.Sprintf("arn:aws:cloudfront::%s:distribution/*", account),
			}},
		},
	}
}

// logsKeyStatements let CloudWatch Logs use the key, only for log groups of this account
// in this region (the encryption context names the log group ARN).
func logsKeyStatements(account, region string) []policydoc.Statement {
	return []policydoc.Statement{policydoc.LogsKeyUse("AllowCloudWatchLogsOfThisAccount", region, "ArnLike",
		fmt.Sprintf("arn:aws:logs:%s:%s:*", region, account))}
}

// keyPolicy renders the policy of one key; pure so tests can read it directly.
func keyPolicy(spec keySpec, account, region string) (string, error) {
	return policydoc.Render("secrets: the "+spec.purpose+" key", policydoc.Document{
		Version:   policydoc.Version,
		Id:        "platform-" + spec.purpose + "-key",
		Statement: append([]policydoc.Statement{policydoc.Root(account)}, spec.statements(account, region)...),
	})
}

type createdKey struct {
	key   *kms.Key
	alias *kms.Alias
}

func newKey(ctx *pulumi.Context, c pulumi.Resource, name string, spec keySpec, args SecretsArgs, opts ...pulumi.ResourceOption) (createdKey, error) {
	region := args.Region
	policy := args.AccountId.ToStringOutput().ApplyT(func(account string) (string, error) {
		return keyPolicy(spec, account, region)
	}).(pulumi.StringOutput)

	physical := args.NamePrefix + "-" + spec.purpose
	keyOpts := append([]pulumi.ResourceOption{pulumi.Parent(c)}, opts...)
	if args.Protect {
		keyOpts = append(keyOpts, pulumi.Protect(true), pulumi.RetainOnDelete(true))
	}
	key, err := kms.NewKey(ctx, name+"-"+spec.purpose, &kms.KeyArgs{
		Description:          pulumi.String(fmt.Sprintf("%s: %s", args.NamePrefix, spec.description)),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(keyDeletionWindowDays),
		KeyUsage:             pulumi.String("ENCRYPT_DECRYPT"),
		Policy:               policy,
		Tags:                 args.Tags.AWS(physical),
	}, keyOpts...)
	if err != nil {
		return createdKey{}, err
	}
	alias, err := kms.NewAlias(ctx, name+"-"+spec.purpose, &kms.AliasArgs{
		Name:        pulumi.String("alias/" + physical),
		TargetKeyId: key.KeyId,
	}, append([]pulumi.ResourceOption{pulumi.Parent(c)}, opts...)...)
	if err != nil {
		return createdKey{}, err
	}
	return createdKey{key: key, alias: alias}, nil
}
