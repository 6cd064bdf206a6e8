package addons

import (
	"errors"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/generic-corp/platform/internal/argcheck"
	"github.com/generic-corp/platform/internal/tags"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Chart names, the keys of AddonsArgs.Versions.
const (
	ChartLoadBalancerController = "aws-load-balancer-controller"
	ChartExternalSecrets        = "external-secrets"
	ChartKeda                   = "keda"
	ChartMetricsServer          = "metrics-server"
)

// DefaultVersions are the pinned chart versions (latest releases when written, August
// 2026; all support Kubernetes 1.33). Bump them deliberately, one at a time, reading the
// chart's changelog: LoadBalancerController also pins the IAM policy in
// lbcontroller_policy.go.
var DefaultVersions = map[string]string{
	ChartLoadBalancerController: "3.5.0",  // controller v3.5.0
	ChartExternalSecrets:        "2.9.0",  // operator v2.9.0, API external-secrets.io/v1
	ChartKeda:                   "2.20.2", // KEDA 2.20.2
	ChartMetricsServer:          "3.13.1", // metrics-server 0.8.1
}

// Repositories are the charts' official Helm repositories.
var Repositories = map[string]string{
	ChartLoadBalancerController: "https://aws.github.io/eks-charts",
	ChartExternalSecrets:        "https://charts.external-secrets.io",
	ChartKeda:                   "https://kedacore.github.io/charts",
	ChartMetricsServer:          "https://kubernetes-sigs.github.io/metrics-server/",
}

// Namespaces the charts are installed in.
const (
	ExternalSecretsNamespace = "external-secrets"
	KedaNamespace            = "keda"
	systemNamespace          = "kube-system"
	// LoadBalancerControllerServiceAccount is the controller's ServiceAccount, the
	// subject of its IRSA trust policy.
	LoadBalancerControllerServiceAccount = "aws-load-balancer-controller"
)

// AddonsArgs configure the cluster add-ons.
type AddonsArgs struct {
	// NamePrefix starts IAM role names, e.g. "platform-prod". Required; the rule of
	// argcheck.NamePrefix, at most 32 characters.
	NamePrefix string
	// ClusterName is the EKS cluster's name (cluster.Cluster.ClusterName). Required.
	ClusterName pulumi.StringInput
	// Region is the AWS region, e.g. "us-east-1". Required.
	Region string
	// VpcId is the cluster's VPC (the load balancer controller's --aws-vpc-id). Required.
	VpcId pulumi.StringInput
	// OidcProviderArn and OidcIssuer are the cluster's IRSA provider. Required.
	OidcProviderArn pulumi.StringInput
	OidcIssuer      pulumi.StringInput
	// Versions maps a chart name to a pinned version "X.Y.Z", merged over
	// DefaultVersions (set one entry to bump one chart).
	Versions map[string]string
	// HighAvailability runs two replicas of each controller with PodDisruptionBudgets.
	// Default false; true in prod.
	HighAvailability bool
	// SecretStores are per-namespace External Secrets stores to create once the
	// operator is installed, e.g. for components/database's PgBouncer. Default none.
	SecretStores []NamespaceStoreArgs
	// SecretsKmsKeyArn is the key the secrets are encrypted with. Required with
	// SecretStores.
	SecretsKmsKeyArn pulumi.StringInput
	// KubernetesProvider is the cluster's provider. Required.
	KubernetesProvider *kubernetes.Provider
	// KubernetesDependsOn are waited for by every chart (e.g. the node groups).
	KubernetesDependsOn []pulumi.Resource
	// Tags is the stack tag set: IAM tags, Kubernetes labels, and the default tags of
	// every AWS resource the load balancer controller creates (cost allocation).
	Tags tags.Set
}

// NamespaceStoreArgs ask for one SecretStore "aws-secrets-manager" in a namespace, read
// by the ServiceAccount "external-secrets-reader" with its own IRSA role.
type NamespaceStoreArgs struct {
	// Namespace holds the store. Required.
	Namespace string
	// CreateNamespace creates the namespace (restricted Pod Security). Default false:
	// the namespace must exist (components/database creates "data" unless told not to).
	CreateNamespace bool
	// DefaultDeny adds a default-deny NetworkPolicy to a created namespace. Default false:
	// only for namespaces whose every pod brings its own NetworkPolicy.
	DefaultDeny bool
	// SecretArns are exactly the secrets the store may read. Required.
	SecretArns []pulumi.StringInput
}

var (
	regionRe  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)
	versionRe = regexp.MustCompile(`^\d+\.\d+\.\d+$`)
	nsRe      = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
)

// withDefaults returns a copy with the documented defaults applied; the caller's maps
// and slices are not modified.
func (a AddonsArgs) withDefaults() AddonsArgs {
	v := maps.Clone(DefaultVersions)
	maps.Copy(v, a.Versions)
	a.Versions = v
	a.SecretStores = slices.Clone(a.SecretStores)
	a.KubernetesDependsOn = slices.Clone(a.KubernetesDependsOn)
	return a
}

// validate reports every user error at once, each naming the field, the value and what
// is allowed. It runs after withDefaults.
func (a AddonsArgs) validate() error {
	var errs []error
	p := argcheck.Into("addons", &errs)
	bad := p.Addf
	// Its IAM role names leave room for "-<namespace>-<service account>".
	p.NamePrefixUpTo(a.NamePrefix, 32)
	for _, f := range []struct {
		name string
		in   pulumi.StringInput
	}{{"ClusterName", a.ClusterName}, {"VpcId", a.VpcId}, {"OidcProviderArn", a.OidcProviderArn}, {"OidcIssuer", a.OidcIssuer}} {
		if f.in == nil {
			bad("%s is required", f.name)
		}
	}
	if !regionRe.MatchString(a.Region) {
		bad("Region %q must be an AWS region such as us-east-1", a.Region)
	}
	for _, chart := range slices.Sorted(maps.Keys(a.Versions)) {
		switch v := a.Versions[chart]; {
		case Repositories[chart] == "":
			bad("Versions has an unknown chart %q; known: %s", chart, strings.Join(slices.Sorted(maps.Keys(Repositories)), ", "))
		case !versionRe.MatchString(v):
			bad("Versions[%q] = %q must be a pinned chart version X.Y.Z (no ranges, no \"latest\")", chart, v)
		}
	}
	seen := map[string]bool{}
	for i, s := range a.SecretStores {
		switch {
		case !nsRe.MatchString(s.Namespace) || len(s.Namespace) > 63:
			bad("SecretStores[%d].Namespace %q must be a DNS-1123 label", i, s.Namespace)
		case seen[s.Namespace]:
			bad("SecretStores[%d].Namespace %q is listed twice; one store per namespace", i, s.Namespace)
		}
		seen[s.Namespace] = true
		if len(s.SecretArns) == 0 {
			bad("SecretStores[%d] (%q).SecretArns is empty; list the secrets the namespace may read", i, s.Namespace)
		}
	}
	if len(a.SecretStores) > 0 && a.SecretsKmsKeyArn == nil {
		bad("SecretsKmsKeyArn is required with SecretStores (kms:Decrypt on the secrets' key)")
	}
	if a.KubernetesProvider == nil {
		p.Missing("KubernetesProvider", "the cluster's provider")
	}
	p.Tags(a.Tags)
	return errors.Join(errs...)
}

// replicas is the controllers' replica count.
func (a *AddonsArgs) replicas() int {
	if a.HighAvailability {
		return 2
	}
	return 1
}
