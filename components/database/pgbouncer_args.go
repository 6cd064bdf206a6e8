package database

import (
	"errors"
	"fmt"

	"github.com/generic-corp/platform/internal/argcheck"
	"github.com/generic-corp/platform/internal/tags"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// PgBouncerHost is the in-cluster DNS name of the PgBouncer Service in namespace,
// "pgbouncer.<namespace>.svc.cluster.local" (Postgres.PooledHost).
func PgBouncerHost(namespace string) string {
	return fmt.Sprintf("%s.%s.svc.cluster.local", pgbouncerName, namespace)
}

// PgBouncerStandaloneArgs configure PgBouncer on its own, in front of an RDS instance
// created elsewhere (NewPostgres, or a fixture): the in-cluster layer of the platform.
// The objects: the ConfigMap
// "pgbouncer" (pgbouncer.ini, databases.ini), the ExternalSecret "pgbouncer-auth", the
// Deployment, PodDisruptionBudget and Service "pgbouncer", and the namespace unless
// SkipNamespace.
type PgBouncerStandaloneArgs struct {
	// RdsAddress is the RDS primary's DNS name (database.Postgres.Address). Required; may
	// be unknown at construction.
	RdsAddress pulumi.StringInput
	// DbName is the database PgBouncer routes to. Default "app" (as PostgresArgs.DbName).
	DbName string
	// DbSecretName is the Secrets Manager name of the application user secret, read by
	// the ExternalSecret (properties "username" and "password"). Required.
	DbSecretName string
	// Namespace holds PgBouncer. Default "data".
	Namespace string
	// SkipNamespace leaves the namespace to someone else; by default it is created with
	// the Pod Security "restricted" level enforced.
	SkipNamespace bool
	// PgBouncer configures the pool; defaults as in PostgresArgs.PgBouncer. Its sizes
	// are not checked against max_connections here (no instance class is known): pass
	// the same values to NewPostgres, whose budget check covers them.
	PgBouncer PgBouncerArgs
	// Network, when set, gives the PgBouncer pods their own NetworkPolicy: required in a
	// namespace with a default-deny policy. Default nil (no policy).
	Network *PgBouncerNetwork
	// KubernetesProvider is the cluster's provider; every object uses it. Required.
	KubernetesProvider *kubernetes.Provider
	// KubernetesDependsOn are resources every object waits for, e.g. the External
	// Secrets chart and the namespace's SecretStore.
	KubernetesDependsOn []pulumi.Resource
	// Tags is the stack tag set (Kubernetes labels); must carry tags.Required.
	Tags tags.Set
}

// withDefaults returns a copy with every documented default applied.
func (a PgBouncerStandaloneArgs) withDefaults() PgBouncerStandaloneArgs {
	if a.DbName == "" {
		a.DbName = DefaultDbName
	}
	if a.Namespace == "" {
		a.Namespace = DefaultNamespace
	}
	a.PgBouncer = a.PgBouncer.withDefaults()
	return a
}

// validate reports every user error at once; it runs before anything is registered.
func (a PgBouncerStandaloneArgs) validate() error {
	var errs []error
	if a.RdsAddress == nil {
		errs = append(errs, errors.New("database: RdsAddress is required (the RDS primary's address, database.Postgres.Address)"))
	}
	if !pgIdentRe.MatchString(a.DbName) {
		errs = append(errs, fmt.Errorf("database: DbName %q is invalid: want 1-63 lower-case letters, digits or '_', not starting with a digit", a.DbName))
	}
	if a.DbSecretName == "" {
		errs = append(errs, errors.New("database: DbSecretName is required (the Secrets Manager name of the application user secret)"))
	}
	if !dnsLabelRe.MatchString(a.Namespace) {
		errs = append(errs, fmt.Errorf("database: Namespace %q is invalid: want a DNS label", a.Namespace))
	}
	if a.KubernetesProvider == nil {
		errs = append(errs, errors.New("database: KubernetesProvider is required (the EKS cluster's provider)"))
	}
	if n := a.Network; n != nil {
		if n.RdsCidr == nil {
			errs = append(errs, errors.New("database: Network.RdsCidr is required (the VPC CIDR RDS lives in)"))
		}
		if len(n.ClientNamespaces) == 0 {
			errs = append(errs, errors.New("database: Network.ClientNamespaces is required (the namespaces of PgBouncer's clients, e.g. platform)"))
		}
	}
	errs = append(errs, a.PgBouncer.validate()...)
	errs = append(errs, argcheck.MissingTags("database", a.Tags)...)
	return errors.Join(errs...)
}

// NewPgBouncer validates args, then creates PgBouncer (component
// platform:database:PgBouncer) in front of RdsAddress.
func NewPgBouncer(ctx *pulumi.Context, name string, args *PgBouncerStandaloneArgs, opts ...pulumi.ResourceOption) (*PgBouncer, error) {
	if args == nil {
		return nil, errors.New("database: PgBouncer args are required")
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, err
	}
	return newPgBouncer(ctx, name, a, opts...)
}
