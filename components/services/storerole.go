package services

import (
	"encoding/json"
	"fmt"

	"github.com/generic-corp/platform/components/cluster"
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
	p := &problems{where: fmt.Sprintf("services: store role for %s/%s", a.Namespace, a.ServiceAccountName)}
	checkPrefix(p, a.NamePrefix)
	checkNamespace(p, a.Namespace)
	if !dnsLabel.MatchString(a.ServiceAccountName) || len(a.ServiceAccountName) > 63 {
		p.add("ServiceAccountName %q must be a DNS-1123 label", a.ServiceAccountName)
	}
	checkGrant(p, a.SecretArns)
	checkIdentity(p, a.KmsKeyArn, a.Region, a.OidcProviderArn, a.OidcIssuer)
	checkTags(p, a.Tags)
	return p.err()
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
		Policy: readSecretsPolicy(s.secretArns, s.kmsKeyArn, s.region),
	}, parent); err != nil {
		return nil, err
	}
	return role, nil
}

// readSecretsPolicy grants read access to exactly these secrets, and decryption with
// their key only when Secrets Manager asks for it.
func readSecretsPolicy(arns []pulumi.StringInput, kmsKeyArn pulumi.StringInput, region string) pulumi.StringOutput {
	inputs := make([]any, 0, len(arns)+1)
	inputs = append(inputs, kmsKeyArn)
	for _, a := range arns {
		inputs = append(inputs, a)
	}
	return pulumi.All(inputs...).ApplyT(func(v []any) string {
		resources := make([]string, 0, len(v)-1)
		for _, a := range v[1:] {
			resources = append(resources, a.(string))
		}
		return mustJSON(map[string]any{
			"Version": "2012-10-17",
			"Statement": []any{
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
			},
		})
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
