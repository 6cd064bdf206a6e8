package services

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/generic-corp/platform/components/cluster"
	"github.com/generic-corp/platform/internal/argcheck"
	"github.com/generic-corp/platform/internal/naming"
	"github.com/generic-corp/platform/internal/tags"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// StoreRoleType is the component's type token.
const StoreRoleType = "platform:services:StoreRole"

// StoreRoleArgs configure the IRSA role a SecretStore's ServiceAccount assumes: it may
// read exactly SecretArns and decrypt them through Secrets Manager.
type StoreRoleArgs struct {
	// NamePrefix starts the IAM role name "<NamePrefix>-<Namespace>-<ServiceAccountName>"
	// (shortened with a hash to 64 characters), e.g. "platform-prod". Required.
	NamePrefix string
	// Namespace is the ServiceAccount's namespace; the role trusts only
	// system:serviceaccount:<Namespace>:<ServiceAccountName>. Required; not "default" or
	// kube-*.
	Namespace string
	// ServiceAccountName is the ServiceAccount the role trusts. Default
	// "external-secrets-reader" (DefaultReaderServiceAccount, a shared namespace store).
	// For a workload's own store use WorkloadServiceAccount(WorkloadArgs.Name); for the
	// migration Job MigrationServiceAccount(MigrationArgs.Name).
	ServiceAccountName string
	// SecretArns are exactly the secrets the role may read. Required, at least one.
	SecretArns []pulumi.StringInput
	// KmsKeyArn is the key the secrets are encrypted with; kms:Decrypt is allowed only
	// through Secrets Manager. Required.
	KmsKeyArn pulumi.StringInput
	// Region is Secrets Manager's region, e.g. "us-east-1" (the kms:ViaService
	// condition). Required.
	Region string
	// ReplicaKeyAlias, when some SecretArns are another stack's replicas (a DR rebuild
	// reading prod's operator-filled secrets), is the alias of the key that encrypts them
	// in Region, e.g. "alias/agent-platform-prod-secrets-replica": kms:Decrypt through
	// Secrets Manager is allowed on the key that carries it (kms:ResourceAliases), whose
	// ARN this stack cannot know. Default "": none. Needs AccountId.
	ReplicaKeyAlias string
	// AccountId scopes ReplicaKeyAlias's grant to this account's keys. Required with it.
	AccountId pulumi.StringInput
	// OidcProviderArn and OidcIssuer are the cluster's IRSA provider (cluster.Cluster).
	// Required.
	OidcProviderArn pulumi.StringInput
	OidcIssuer      pulumi.StringInput
	// Tags is the stack tag set; the role gets it plus Name.
	Tags tags.Set
}

// StoreRole is the IRSA role of one SecretStore ServiceAccount, created apart from the
// store so that the AWS layer can own it and the in-cluster layer receive only its ARN
// (SecretStoreArgs.RoleArn, WorkloadArgs.RoleArn, MigrationArgs.RoleArn).
type StoreRole struct {
	pulumi.ResourceState

	// RoleArn is the role's ARN.
	RoleArn pulumi.StringOutput
}

func (a StoreRoleArgs) withDefaults() StoreRoleArgs {
	setS(&a.ServiceAccountName, DefaultReaderServiceAccount)
	return a
}

func (a StoreRoleArgs) validate() error {
	p := argcheck.New(fmt.Sprintf("services: store role for %s/%s", a.Namespace, a.ServiceAccountName))
	p.NamePrefixUpTo(a.NamePrefix, maxNamePrefix)
	checkNamespace(p, a.Namespace)
	if !dnsLabel.MatchString(a.ServiceAccountName) || len(a.ServiceAccountName) > 63 {
		p.Addf("ServiceAccountName %q must be a DNS-1123 label", a.ServiceAccountName)
	}
	checkGrant(p, a.SecretArns)
	checkIdentity(p, a.KmsKeyArn, a.Region, a.OidcProviderArn, a.OidcIssuer)
	if a.ReplicaKeyAlias != "" && (!strings.HasPrefix(a.ReplicaKeyAlias, "alias/") || a.AccountId == nil) {
		p.Addf("ReplicaKeyAlias %q must be a KMS alias (alias/...) and comes with AccountId", a.ReplicaKeyAlias)
	}
	p.Tags(a.Tags)
	return p.Err()
}

// NewStoreRole registers the IRSA role and its inline read policy.
func NewStoreRole(ctx *pulumi.Context, name string, args *StoreRoleArgs, opts ...pulumi.ResourceOption) (*StoreRole, error) {
	if args == nil {
		return nil, fmt.Errorf("services: store role %q: args are required", name)
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, err
	}
	c := &StoreRole{}
	if err := ctx.RegisterComponentResource(StoreRoleType, name, c, opts...); err != nil {
		return nil, err
	}
	role, err := newRole(ctx, name, roleSpec{
		namePrefix: a.NamePrefix, namespace: a.Namespace, serviceAccount: a.ServiceAccountName,
		secretArns: a.SecretArns, kmsKeyArn: a.KmsKeyArn, region: a.Region,
		replicaKeyAlias: a.ReplicaKeyAlias, accountID: a.AccountId,
		oidcArn: a.OidcProviderArn, oidcIssuer: a.OidcIssuer, tags: a.Tags,
	}, pulumi.Parent(c))
	if err != nil {
		return nil, err
	}
	c.RoleArn = role.Arn
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"roleArn": c.RoleArn}); err != nil {
		return nil, err
	}
	return c, nil
}

// roleSpec is what an IRSA role reading Secrets Manager is built from; SecretStore and
// StoreRole both build theirs with newRole.
type roleSpec struct {
	namePrefix, namespace, serviceAccount string
	secretArns                            []pulumi.StringInput
	kmsKeyArn                             pulumi.StringInput
	region                                string
	replicaKeyAlias                       string
	accountID                             pulumi.StringInput
	oidcArn, oidcIssuer                   pulumi.StringInput
	tags                                  tags.Set
}

// newRole registers the role (trusting one ServiceAccount) and its inline policy, both
// named name, under parent.
func newRole(ctx *pulumi.Context, name string, s roleSpec, parent pulumi.ResourceOption) (*iam.Role, error) {
	roleName := naming.Name(naming.MaxIAMRole, s.namePrefix, s.namespace, s.serviceAccount)
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		Name:             pulumi.String(roleName),
		Description:      pulumi.String(fmt.Sprintf("IRSA: Kubernetes ServiceAccount %s/%s reads its Secrets Manager secrets", s.namespace, s.serviceAccount)),
		AssumeRolePolicy: cluster.IRSATrustPolicy(s.oidcArn, s.oidcIssuer, s.namespace, s.serviceAccount),
		Tags:             s.tags.AWS(roleName),
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := iam.NewRolePolicy(ctx, name, &iam.RolePolicyArgs{
		Name:   pulumi.String("read-own-secrets"),
		Role:   role.Name,
		Policy: readSecretsPolicy(s),
	}, parent); err != nil {
		return nil, err
	}
	return role, nil
}

// readSecretsPolicy grants read access to exactly these secrets, and decryption with
// their key (and the replicas' key, by alias) only when Secrets Manager asks for it.
func readSecretsPolicy(s roleSpec) pulumi.StringOutput {
	region := s.region
	account := pulumi.StringInput(pulumi.String(""))
	if s.accountID != nil {
		account = s.accountID
	}
	inputs := make([]any, 0, len(s.secretArns)+2)
	inputs = append(inputs, s.kmsKeyArn, account)
	for _, a := range s.secretArns {
		inputs = append(inputs, a)
	}
	return pulumi.All(inputs...).ApplyT(func(v []any) string {
		resources := make([]string, 0, len(v)-2)
		for _, a := range v[2:] {
			resources = append(resources, a.(string))
		}
		statements := []any{
			map[string]any{
				"Sid":      "ReadOwnSecrets",
				"Effect":   "Allow",
				"Action":   []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"},
				"Resource": resources,
			},
			map[string]any{
				"Sid":       "DecryptThroughSecretsManager",
				"Effect":    "Allow",
				"Action":    "kms:Decrypt",
				"Resource":  v[0].(string),
				"Condition": map[string]any{"StringEquals": map[string]any{"kms:ViaService": "secretsmanager." + region + ".amazonaws.com"}},
			},
		}
		if s.replicaKeyAlias != "" {
			statements = append(statements, map[string]any{
				"Sid":      "DecryptReplicasThroughSecretsManager",
				"Effect":   "Allow",
				"Action":   "kms:Decrypt",
				"Resource": fmt.Sprintf("arn:aws:kms:%s:%s:key/*", region, v[1].(string)),
				"Condition": map[string]any{
					"StringEquals":             map[string]any{"kms:ViaService": "secretsmanager." + region + ".amazonaws.com"},
					"ForAnyValue:StringEquals": map[string]any{"kms:ResourceAliases": s.replicaKeyAlias},
				},
			})
		}
		return mustJSON(map[string]any{"Version": "2012-10-17", "Statement": statements})
	}).(pulumi.StringOutput)
}

// mustJSON marshals documents built from maps, slices and strings only, which cannot fail.
func mustJSON(doc any) string {
	b, err := json.Marshal(doc)
	if err != nil {
		panic("services: bug, please report: marshalling a policy document: " + err.Error())
	}
	return string(b)
}
