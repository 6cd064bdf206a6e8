package secrets

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// operatorNote describes every operator-filled secret.
const operatorNote = "Filled by an operator (put-secret-value); Pulumi wrote only its first, placeholder version and never changes it"

// PurposeSecretsReplica is the replica key's purpose: a replica must be encrypted with a
// key of its own region, and the secrets key lives in the primary's.
const PurposeSecretsReplica = "secrets-replica"

// ReplicaKeyAlias is the alias of the replica key of the stack with this NamePrefix.
func ReplicaKeyAlias(namePrefix string) string {
	return "alias/" + namePrefix + "-" + PurposeSecretsReplica
}

// ReplicaArgs replicate the operator-filled secrets (ExternalSecrets) into another
// region, where a DR rebuild reads them: the values an operator stored in prod are there
// before the disaster, and nobody has to copy them at 3 a.m.
type ReplicaArgs struct {
	// Region is the replicas' region, e.g. "us-west-2". Required; not Args.Region.
	Region string
	// Provider is an aws.Provider for Region: the replicas' KMS key is created with it.
	// Required.
	Provider pulumi.ProviderResource
}

var replicaKeySpec = keySpec{
	purpose:     PurposeSecretsReplica,
	description: "replicas of the operator-filled Secrets Manager secrets",
	statements:  secretsKeyStatements, // as the secrets key: IAM policies decide
}

// OperatorSource reads the operator-filled secrets from another stack's replicas in
// Args.Region instead of creating placeholders: a DR rebuild uses prod's values.
type OperatorSource struct {
	// NamePrefix is the source stack's, e.g. "agent-platform-prod": the replicas are
	// "<NamePrefix>/<name>", encrypted with the key of ReplicaKeyAlias(NamePrefix).
	NamePrefix string
}

// operatorSecrets registers the operator-filled secrets: placeholders of this stack
// (replicated when Args.Replicate is set), or references to the source's replicas.
func (c *Secrets) operatorSecrets(ctx *pulumi.Context, name string, a SecretsArgs, arns pulumi.StringMap) error {
	if src := a.OperatorSecretsFrom; src != nil {
		c.ReplicaKeyAlias = ReplicaKeyAlias(src.NamePrefix)
		for _, e := range a.ExternalSecrets {
			physical := src.NamePrefix + "/" + e
			// Secrets Manager appends six random characters to a secret's ARN; the
			// replica keeps the source's, which this stack cannot know.
			arns[e] = pulumi.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-??????", a.Region, a.AccountId, physical)
			c.SecretNames[e] = physical
			c.OperatorSecretNames = append(c.OperatorSecretNames, physical)
		}
		return nil
	}
	var replicas secretsmanager.SecretReplicaArray
	if r := a.Replicate; r != nil {
		keyArgs := a
		keyArgs.Region = r.Region
		k, err := newKey(ctx, c, name, replicaKeySpec, keyArgs, pulumi.Provider(r.Provider))
		if err != nil {
			return err
		}
		replicas = secretsmanager.SecretReplicaArray{secretsmanager.SecretReplicaArgs{Region: pulumi.String(r.Region), KmsKeyId: k.key.Arn}}
	}
	for _, e := range a.ExternalSecrets {
		physical := a.NamePrefix + "/" + e
		s, err := c.newNamedSecret(ctx, name+"-"+e, physical, operatorNote, a, c.SecretsKeyArn, func(s *secretsmanager.SecretArgs) {
			if replicas != nil {
				s.Replicas = replicas
			}
		})
		if err != nil {
			return err
		}
		if _, err := c.newPlaceholderVersion(ctx, name+"-"+e, s, physical, []string{PropValue}, a.Protect); err != nil {
			return err
		}
		arns[e] = s.Arn
		c.SecretNames[e] = physical
		c.OperatorSecretNames = append(c.OperatorSecretNames, physical)
	}
	return nil
}

func (a SecretsArgs) validateReplicas(bad func(field string, v any, want string)) {
	if r := a.Replicate; r != nil {
		if r.Region == "" || r.Region == a.Region {
			bad("Replicate.Region", r.Region, fmt.Sprintf("want another region than %q", a.Region))
		}
		if r.Provider == nil {
			bad("Replicate.Provider", "(nil)", "want an aws.Provider for Replicate.Region")
		}
	}
	if s := a.OperatorSecretsFrom; s != nil {
		if a.Replicate != nil {
			bad("OperatorSecretsFrom", s.NamePrefix, "conflicts with Replicate: a stack either owns its operator secrets or reads another's replicas")
		}
		if s.NamePrefix == "" || s.NamePrefix == a.NamePrefix {
			bad("OperatorSecretsFrom.NamePrefix", s.NamePrefix, "want the source stack's NamePrefix, e.g. agent-platform-prod")
		}
	}
}
