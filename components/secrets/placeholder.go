package secrets

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Operator-filled secrets hold values only a person can get (an Anthropic key, a Stripe
// key, Docker Hub credentials). The program gives each one a first, placeholder version,
// because a secret without any version makes GetSecretValue fail: External Secrets then
// writes no Kubernetes Secret, the pods stop in CreateContainerConfigError and the first
// `pulumi up` never finishes. The operator replaces the value afterwards with
// put-secret-value; the program must never undo that. How it never does:
//
//   - ignoreChanges on secretString: editing the placeholder text in code would otherwise
//     update the resource, which writes a new version and moves AWSCURRENT back to it;
//   - versionStages is [PlaceholderStage] only, never AWSCURRENT: Secrets Manager attaches
//     AWSCURRENT to a secret's first version by itself, and a placeholder version created
//     later (a state rebuilt, a secret an operator filled before this version existed)
//     does not take AWSCURRENT from the real value. The TF-based provider would report a
//     perpetual diff for that (its versionStages note), hence ignoreChanges on
//     versionStages too;
//   - the custom label stays on the placeholder version for good. put-secret-value moves
//     AWSCURRENT to the new version and AWSPREVIOUS to the placeholder; a second one moves
//     AWSPREVIOUS on. A version left with no label is "deprecated" and Secrets Manager may
//     delete it (UpdateSecretVersionStage API reference); a refresh would then drop it from
//     the state and the next `up` would create it again. The label keeps it alive, so the
//     version id in the state stays valid forever.

const (
	// PlaceholderMarker starts every field of a placeholder value.
	PlaceholderMarker = "REPLACE_ME"
	// PlaceholderStage is the staging label of every placeholder version. While it sits on
	// the same version as AWSCURRENT, the secret has not been filled.
	PlaceholderStage = "PLATFORM_PLACEHOLDER"
	// PropValue is the one JSON property of an operator-filled application secret,
	// {"value": "..."}, as the ExternalSecrets read it (remoteRef property "value").
	PropValue = "value"
	// PropAccessToken is Docker Hub's token in an ECR pull-through credential secret
	// ({"username", "accessToken"}, the names ECR requires).
	PropAccessToken = "accessToken"
	// RegistryCredentialPrefix starts the name of every upstream-registry credential:
	// ECR's pull-through service role may read only secrets named so.
	RegistryCredentialPrefix = "ecr-pullthroughcache/"
)

// placeholderDocument is the JSON a placeholder version holds: every field the consumer
// reads, each saying it is a placeholder and how to fill it.
func placeholderDocument(physical string, fields []string) (string, error) {
	example := map[string]string{}
	for _, f := range fields {
		example[f] = "..."
	}
	ex, err := json.Marshal(example)
	if err != nil {
		return "", err
	}
	doc := map[string]string{}
	for _, f := range fields {
		doc[f] = fmt.Sprintf("%s `%s`", placeholderText, FillCommand(physical, string(ex)))
	}
	b, err := json.Marshal(doc) // sorted keys: a stable document
	return string(b), err
}

// FillCommand is the command an operator runs to store the real value.
func FillCommand(physical, secretString string) string {
	return fmt.Sprintf("aws secretsmanager put-secret-value --secret-id %s --secret-string '%s'", physical, secretString)
}

// CheckCommand prints "<name>: still the placeholder" when the secret's current value is
// the placeholder, and nothing otherwise; it never prints the value itself.
func CheckCommand(physical string) string {
	return fmt.Sprintf("aws secretsmanager get-secret-value --secret-id %s --query SecretString --output text | grep -qF '%s' && echo '%s: still the placeholder'",
		physical, placeholderText, physical)
}

// placeholderText is what only a placeholder contains (a real key may contain the marker).
const placeholderText = PlaceholderMarker + ": fill with"

// newPlaceholderVersion writes the placeholder as the secret's first version.
func (c *Secrets) newPlaceholderVersion(ctx *pulumi.Context, name string, secret *secretsmanager.Secret, physical string,
	fields []string, protect bool) (*secretsmanager.SecretVersion, error) {
	doc, err := placeholderDocument(physical, fields)
	if err != nil {
		return nil, fmt.Errorf("secrets: rendering the placeholder of %s (please report): %w", physical, err)
	}
	opts := append(c.opts(protect), pulumi.IgnoreChanges([]string{"secretString", "versionStages"}))
	return secretsmanager.NewSecretVersion(ctx, name, &secretsmanager.SecretVersionArgs{
		SecretId: secret.ID(),
		// Not sensitive, but every secretString is secret in this program, so the leak
		// checks and the policies treat all versions alike.
		SecretString:  pulumi.ToSecret(pulumi.String(doc)).(pulumi.StringOutput),
		VersionStages: pulumi.StringArray{pulumi.String(PlaceholderStage)},
	}, opts...)
}
