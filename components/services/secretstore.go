package services

import (
	"fmt"

	"github.com/generic-corp/platform/internal/argcheck"
	"github.com/generic-corp/platform/internal/tags"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// SecretStoreType is the component's type token.
const SecretStoreType = "platform:services:SecretStore"

// External Secrets API objects we create (external-secrets.io/v1, ESO >= 0.16).
const (
	esoAPIVersion = "external-secrets.io/v1"
	// DefaultSecretStoreName is the per-namespace store components/database expects.
	DefaultSecretStoreName = "aws-secrets-manager"
	// DefaultReaderServiceAccount is the ServiceAccount of a shared namespace store.
	DefaultReaderServiceAccount = "external-secrets-reader"
	// roleArnAnnotation is read by both the EKS pod identity webhook and the External
	// Secrets operator's jwt auth (providers/v1/aws/auth).
	roleArnAnnotation = "eks.amazonaws.com/role-arn"
)

// SecretStoreArgs configure one namespaced SecretStore reading AWS Secrets Manager
// with its own IRSA role, or with a role created elsewhere (RoleArn).
type SecretStoreArgs struct {
	// NamePrefix starts the IAM role name, e.g. "platform-prod". Required; the rule of
	// argcheck.NamePrefix, at most 32 characters.
	NamePrefix string
	// RoleArn is an IRSA role created elsewhere (NewStoreRole, or a fixture in a test
	// of the in-cluster layer). When set, the store creates no IAM role or policy and
	// annotates the ServiceAccount with this ARN; SecretArns, KmsKeyArn, OidcProviderArn
	// and OidcIssuer are then not needed (and ignored). The role must trust exactly the
	// ServiceAccount Namespace/ServiceAccountName. Default nil: the store creates its
	// own role.
	RoleArn pulumi.StringInput
	// Namespace holds the ServiceAccount and the store. Required; must exist (or be in
	// KubernetesDependsOn).
	Namespace string
	// StoreName is the SecretStore's name. Default "aws-secrets-manager".
	StoreName string
	// ServiceAccountName is the ServiceAccount the operator authenticates as (and, for
	// a workload, the pods' ServiceAccount). Default "external-secrets-reader".
	ServiceAccountName string
	// App is the app.kubernetes.io/name label of the ServiceAccount. Default
	// ServiceAccountName.
	App string
	// SecretArns are exactly the secrets the store may read. Required, at least one,
	// unless RoleArn is set.
	SecretArns []pulumi.StringInput
	// KmsKeyArn is the key the secrets are encrypted with; kms:Decrypt is allowed only
	// through Secrets Manager. Required unless RoleArn is set.
	KmsKeyArn pulumi.StringInput
	// Region is Secrets Manager's region, e.g. "us-east-1". Required (the store's
	// provider names it).
	Region string
	// OidcProviderArn and OidcIssuer are the cluster's IRSA provider. Required unless
	// RoleArn is set.
	OidcProviderArn pulumi.StringInput
	OidcIssuer      pulumi.StringInput
	// KubernetesProvider is the cluster's provider. Required.
	KubernetesProvider *kubernetes.Provider
	// KubernetesDependsOn are waited for by the Kubernetes objects (the External Secrets
	// chart, whose CRDs the store needs; the namespace).
	KubernetesDependsOn []pulumi.Resource
	// Tags is the stack tag set.
	Tags tags.Set
}

// SecretStore is a ServiceAccount with an IRSA role and the SecretStore that uses it.
type SecretStore struct {
	pulumi.ResourceState

	// StoreName is the SecretStore's name, for ExternalSecret secretStoreRef.name.
	StoreName string
	// ServiceAccountName is the ServiceAccount's name.
	ServiceAccountName string
	// RoleArn is the IRSA role's ARN (SecretStoreArgs.RoleArn when that was set).
	RoleArn pulumi.StringOutput
	// Store is the SecretStore object; depend on it before creating ExternalSecrets.
	Store *apiextensions.CustomResource
	// ServiceAccount is the ServiceAccount object.
	ServiceAccount *corev1.ServiceAccount
}

func (a SecretStoreArgs) withDefaults() SecretStoreArgs {
	setS(&a.StoreName, DefaultSecretStoreName)
	setS(&a.ServiceAccountName, DefaultReaderServiceAccount)
	setS(&a.App, a.ServiceAccountName)
	return a
}

func (a SecretStoreArgs) validate() error {
	p := argcheck.New(fmt.Sprintf("services: secret store %q", a.StoreName))
	p.NamePrefixUpTo(a.NamePrefix, maxNamePrefix)
	checkNamespace(p, a.Namespace)
	if !dnsLabel.MatchString(a.StoreName) || len(a.StoreName) > 63 {
		p.Addf("StoreName %q must be a DNS-1123 label", a.StoreName)
	}
	if !dnsLabel.MatchString(a.ServiceAccountName) || len(a.ServiceAccountName) > 63 {
		p.Addf("ServiceAccountName %q must be a DNS-1123 label", a.ServiceAccountName)
	}
	if a.RoleArn == nil {
		checkGrant(p, a.SecretArns)
		checkIdentity(p, a.KmsKeyArn, a.Region, a.OidcProviderArn, a.OidcIssuer)
	} else {
		checkRegion(p, a.Region)
	}
	if a.KubernetesProvider == nil {
		p.Addf("KubernetesProvider is required (the cluster's provider)")
	}
	p.Tags(a.Tags)
	return p.Err()
}

// NewSecretStore registers the IRSA role, its inline policy (both only without
// Args.RoleArn), the ServiceAccount and the SecretStore.
func NewSecretStore(ctx *pulumi.Context, name string, args *SecretStoreArgs, opts ...pulumi.ResourceOption) (*SecretStore, error) {
	if args == nil {
		return nil, fmt.Errorf("services: secret store %q: args are required", name)
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, err
	}
	c := &SecretStore{StoreName: a.StoreName, ServiceAccountName: a.ServiceAccountName}
	if err := ctx.RegisterComponentResource(SecretStoreType, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	var roleArn pulumi.StringOutput
	if a.RoleArn != nil {
		roleArn = a.RoleArn.ToStringOutput()
	} else {
		// Registered straight under the store (not as a StoreRole child), so that stacks
		// deployed before StoreRole existed keep their role's URN.
		role, err := newRole(ctx, name, roleSpec{
			namePrefix: a.NamePrefix, namespace: a.Namespace, serviceAccount: a.ServiceAccountName,
			secretArns: a.SecretArns, kmsKeyArn: a.KmsKeyArn, region: a.Region,
			oidcArn: a.OidcProviderArn, oidcIssuer: a.OidcIssuer, tags: a.Tags,
		}, parent)
		if err != nil {
			return nil, err
		}
		roleArn = role.Arn
	}

	k8sOpts := []pulumi.ResourceOption{parent, pulumi.Provider(a.KubernetesProvider), pulumi.DependsOn(a.KubernetesDependsOn)}
	labels := a.Tags.Labels(a.App, "secrets")
	sa, err := corev1.NewServiceAccount(ctx, name, &corev1.ServiceAccountArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:        pulumi.String(a.ServiceAccountName),
			Namespace:   pulumi.String(a.Namespace),
			Labels:      labels,
			Annotations: pulumi.StringMap{roleArnAnnotation: roleArn},
		},
		AutomountServiceAccountToken: pulumi.Bool(false),
	}, k8sOpts...)
	if err != nil {
		return nil, err
	}
	store, err := apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String(esoAPIVersion),
		Kind:       pulumi.String("SecretStore"),
		Metadata:   &metav1.ObjectMetaArgs{Name: pulumi.String(a.StoreName), Namespace: pulumi.String(a.Namespace), Labels: labels},
		OtherFields: map[string]any{
			"spec": pulumi.Map{
				"provider": pulumi.Map{
					"aws": pulumi.Map{
						"service": pulumi.String("SecretsManager"),
						"region":  pulumi.String(a.Region),
						"auth": pulumi.Map{
							"jwt": pulumi.Map{
								// The operator requests a token for this ServiceAccount and
								// assumes the role named in its annotation.
								"serviceAccountRef": pulumi.Map{"name": pulumi.String(a.ServiceAccountName)},
							},
						},
					},
				},
			},
		},
	}, append(k8sOpts, pulumi.DependsOn([]pulumi.Resource{sa}))...)
	if err != nil {
		return nil, err
	}

	c.RoleArn = roleArn
	c.Store = store
	c.ServiceAccount = sa
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"storeName":          pulumi.String(c.StoreName),
		"serviceAccountName": pulumi.String(c.ServiceAccountName),
		"roleArn":            c.RoleArn,
	}); err != nil {
		return nil, err
	}
	return c, nil
}
