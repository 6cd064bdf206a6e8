package secrets

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Type is the component's type token.
const Type = "platform:secrets:Secrets"

// Secrets is the platform's KMS keys and Secrets Manager secrets.
type Secrets struct {
	pulumi.ResourceState

	// DataKeyArn encrypts data at rest (RDS, ElastiCache, EBS, S3 data, backups).
	DataKeyArn pulumi.StringOutput
	// DataKeyId is the data key's key id (UUID).
	DataKeyId pulumi.StringOutput
	// SecretsKeyArn encrypts Secrets Manager secrets and EKS Kubernetes Secrets.
	SecretsKeyArn pulumi.StringOutput
	// SecretsKeyId is the secrets key's key id.
	SecretsKeyId pulumi.StringOutput
	// LogsKeyArn encrypts CloudWatch Logs log groups.
	LogsKeyArn pulumi.StringOutput
	// LogsKeyId is the logs key's key id.
	LogsKeyId pulumi.StringOutput
	// AliasNames maps a purpose (data, secrets, logs) to its alias, "alias/<prefix>-<purpose>".
	AliasNames map[string]string

	// DbUsername is the application database user (plain, not a secret).
	DbUsername string
	// DbPassword is the application user's password (secret).
	DbPassword pulumi.StringOutput
	// RedisAuthTokens maps a Redis group name to its AUTH token (secret).
	RedisAuthTokens map[string]pulumi.StringOutput
	// JwtSigningKey is the API's JWT signing key (secret).
	JwtSigningKey pulumi.StringOutput
	// SecretArns maps a logical secret name (DbSecret, JwtSecret, "redis-<group>", each
	// external name) to its ARN.
	SecretArns pulumi.StringMapOutput
	// SecretNames maps the same logical names to physical names "<NamePrefix>/<name>",
	// known at construction (for ExternalSecret remoteRefs and IAM policies).
	SecretNames map[string]string
	// RegistryCredentialArns maps each SecretsArgs.RegistryCredentials entry to the ARN of
	// its secret, the credentialArn of the pull through cache rule; it depends on the
	// secret's placeholder version too.
	RegistryCredentialArns map[string]pulumi.StringOutput
	// OperatorSecretNames are the physical names of every secret an operator must fill
	// (ExternalSecrets and RegistryCredentials), sorted. Until filled each holds its
	// placeholder; CheckCommand(name) tells which still do.
	OperatorSecretNames []string
	// ReplicaKeyAlias, with OperatorSecretsFrom, is the alias of the source's key that
	// encrypts the replicas this stack reads (its readers need kms:Decrypt on it); ""
	// otherwise.
	ReplicaKeyAlias string
}

// NewSecrets creates the keys, the generated secrets and the external placeholders.
func NewSecrets(ctx *pulumi.Context, name string, args *SecretsArgs, opts ...pulumi.ResourceOption) (*Secrets, error) {
	if args == nil {
		return nil, fmt.Errorf("secrets: args are required")
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, err
	}

	c := &Secrets{
		DbUsername:      a.DbUsername,
		AliasNames:      map[string]string{},
		RedisAuthTokens: map[string]pulumi.StringOutput{},
		SecretNames:     map[string]string{},
	}
	if err := ctx.RegisterComponentResource(Type, name, c, opts...); err != nil {
		return nil, err
	}

	keys := map[string]createdKey{}
	for _, spec := range keySpecs {
		k, err := newKey(ctx, c, name, spec, a)
		if err != nil {
			return nil, err
		}
		keys[spec.purpose] = k
		c.AliasNames[spec.purpose] = "alias/" + a.NamePrefix + "-" + spec.purpose
	}
	c.DataKeyArn, c.DataKeyId = keys[PurposeData].key.Arn, keys[PurposeData].key.KeyId
	c.SecretsKeyArn, c.SecretsKeyId = keys[PurposeSecrets].key.Arn, keys[PurposeSecrets].key.KeyId
	c.LogsKeyArn, c.LogsKeyId = keys[PurposeLogs].key.Arn, keys[PurposeLogs].key.KeyId

	arns := pulumi.StringMap{}
	generated := func(logical, description string, spec passwordSpec, field string, extra map[string]pulumi.StringInput) (pulumi.StringOutput, error) {
		res := name + "-" + logical
		secret, physical, err := c.newSecret(ctx, res, logical, description, a, c.SecretsKeyArn)
		if err != nil {
			return pulumi.StringOutput{}, err
		}
		value, err := c.newPassword(ctx, res, spec, a.Protect)
		if err != nil {
			return pulumi.StringOutput{}, err
		}
		fields := map[string]pulumi.StringInput{field: value}
		for k, v := range extra {
			fields[k] = v
		}
		if err := c.storeJSON(ctx, res, secret, fields, a.Protect); err != nil {
			return pulumi.StringOutput{}, err
		}
		arns[logical] = secret.Arn
		c.SecretNames[logical] = physical
		return value, nil
	}

	var err error
	c.DbPassword, err = generated(DbSecret, "PostgreSQL application user (generated; rotate by replacing the random password)",
		dbPasswordSpec, PropPassword, map[string]pulumi.StringInput{PropUsername: pulumi.String(a.DbUsername)})
	if err != nil {
		return nil, err
	}
	for _, g := range a.RedisGroups {
		tok, err := generated(RedisSecretPrefix+g, fmt.Sprintf("ElastiCache AUTH token of the %s Redis group (generated)", g),
			redisTokenSpec, PropAuthToken, nil)
		if err != nil {
			return nil, err
		}
		c.RedisAuthTokens[g] = tok
	}
	c.JwtSigningKey, err = generated(JwtSecret, "API JWT signing key (generated)", jwtKeySpec, PropSigningKey, nil)
	if err != nil {
		return nil, err
	}

	if err := c.operatorSecrets(ctx, name, a, arns); err != nil {
		return nil, err
	}
	c.SecretArns = arns.ToStringMapOutput()

	c.RegistryCredentialArns = map[string]pulumi.StringOutput{}
	for _, r := range a.RegistryCredentials {
		physical := RegistryCredentialPrefix + a.NamePrefix + "/" + r
		res := name + "-registry-" + r
		s, err := c.newNamedSecret(ctx, res, physical, "Credentials of "+r+" for the ECR pull through cache. "+operatorNote, a, nil)
		if err != nil {
			return nil, err
		}
		v, err := c.newPlaceholderVersion(ctx, res, s, physical, []string{PropUsername, PropAccessToken}, a.Protect)
		if err != nil {
			return nil, err
		}
		// The ARN resolves once the secret has a value: a pull through cache rule built on
		// it is created after the placeholder, never against a secret with no version.
		c.RegistryCredentialArns[r] = pulumi.All(s.Arn, v.ID()).ApplyT(func(x []any) string { return x[0].(string) }).(pulumi.StringOutput)
		c.OperatorSecretNames = append(c.OperatorSecretNames, physical)
	}
	slices.Sort(c.OperatorSecretNames)

	tokens := pulumi.Map{}
	for g, t := range c.RedisAuthTokens {
		tokens[g] = t
	}
	names := pulumi.StringMap{}
	for k, v := range c.SecretNames {
		names[k] = pulumi.String(v)
	}
	registry := pulumi.StringMap{}
	for k, v := range c.RegistryCredentialArns {
		registry[k] = v
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"dataKeyArn":             c.DataKeyArn,
		"dataKeyId":              c.DataKeyId,
		"secretsKeyArn":          c.SecretsKeyArn,
		"secretsKeyId":           c.SecretsKeyId,
		"logsKeyArn":             c.LogsKeyArn,
		"logsKeyId":              c.LogsKeyId,
		"dbUsername":             pulumi.String(c.DbUsername),
		"dbPassword":             c.DbPassword,
		"redisAuthTokens":        tokens,
		"jwtSigningKey":          c.JwtSigningKey,
		"secretArns":             c.SecretArns,
		"secretNames":            names,
		"registryCredentialArns": registry,
		"operatorSecretNames":    pulumi.ToStringArray(c.OperatorSecretNames),
	}); err != nil {
		return nil, err
	}
	return c, nil
}
