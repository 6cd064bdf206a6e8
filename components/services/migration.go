package services

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/generic-corp/platform/components/registry"
	"github.com/generic-corp/platform/internal/argcheck"
	"github.com/generic-corp/platform/internal/naming"
	"github.com/generic-corp/platform/internal/tags"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	batchv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/batch/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// MigrationType is the component's type token.
const MigrationType = "platform:services:Migration"

// Migration defaults.
const (
	DefaultMigrationName          = "migrate"
	DefaultBackoffLimit           = 1
	DefaultActiveDeadlineSeconds  = 1800
	DefaultMigrationMemoryRequest = "256Mi"
	// DatabaseURLEnv is the variable the migration reads (Prisma's default).
	DatabaseURLEnv = "DATABASE_URL"
)

// DefaultMigrationCommand runs Prisma's deploy-time migrations (applies pending
// migrations, never generates or resets).
var DefaultMigrationCommand = []string{"npx", "prisma", "migrate", "deploy"}

// MigrationArgs configure the migration Job of one release.
type MigrationArgs struct {
	// Name is the Job's base name and app label; the Job is "<Name>-<ImageTag>",
	// shortened with a hash to 63 characters. Default "migrate".
	Name string
	// NamePrefix starts the IAM role name, e.g. "platform-prod". Required; the rule of
	// argcheck.NamePrefix, at most 32 characters.
	NamePrefix string
	// Namespace the Job runs in. Required; must exist (pass it in KubernetesDependsOn).
	Namespace string
	// Image is the migrations image reference (registry.ImageRefOutput). Required.
	Image pulumi.StringInput
	// ImageTag is the release tag (config platform:imageTag): it names the Job, so a
	// new release runs a new Job. Required; never "latest".
	ImageTag string
	// Command is the migration command. Default ["npx", "prisma", "migrate", "deploy"].
	Command []string
	// Args are the command's arguments. Default none.
	Args []string
	// Env are plain variables. HOME=/tmp is always set (npx and Prisma write caches under
	// $HOME and the root filesystem is read-only).
	Env map[string]string
	// Secrets and SecretEnv: as for a workload; SecretEnv must define DATABASE_URL, the
	// unpooled URL (PgBouncer's transaction pooling breaks Prisma's migration locks).
	// Required.
	Secrets   []SecretSource
	SecretEnv map[string]pulumi.StringInput
	// RoleArn is an IRSA role created elsewhere, passed to the Job's SecretStore: as
	// for a workload, no IAM role or policy is created and KmsKeyArn, OidcProviderArn,
	// OidcIssuer and Secrets[].Arn become optional. The role must trust the
	// ServiceAccount Namespace/MigrationServiceAccount(Name). Default nil.
	RoleArn pulumi.StringInput
	// KmsKeyArn, Region, OidcProviderArn, OidcIssuer: as for a workload. Region is
	// required; the others unless RoleArn is set.
	KmsKeyArn       pulumi.StringInput
	Region          string
	OidcProviderArn pulumi.StringInput
	OidcIssuer      pulumi.StringInput
	// RunAsUser is the non-root UID. Default 1000.
	RunAsUser int
	// Resources: requests default 250m / 256Mi, limits 1 / 1Gi.
	Resources ResourceArgs
	// BackoffLimit is how often a failed run is retried, 0 to 2. Default 1.
	BackoffLimit int
	// ActiveDeadlineSeconds bounds the Job's run time, 60 to 21600. Default 1800. Pulumi
	// waits this long plus 5 minutes before failing the update.
	ActiveDeadlineSeconds int
	// TTLSecondsAfterFinished deletes the finished Job after this many seconds. Default
	// 0: unset, the Job is kept until the next release replaces it; a TTL-deleted Job
	// would be re-created, and the migration re-run, by the next `pulumi up --refresh`.
	TTLSecondsAfterFinished int
	// Network: egress the Job needs besides DNS. Default: EgressVpcPorts [5432] (RDS)
	// and EgressInternetPorts [443] (npx may fetch Prisma engines).
	Network NetworkArgs
	// KubernetesProvider is the cluster's provider. Required.
	KubernetesProvider *kubernetes.Provider
	// KubernetesDependsOn are waited for by every object (the namespace, the External
	// Secrets chart; the database so the migration finds it).
	KubernetesDependsOn []pulumi.Resource
	// Tags is the stack tag set.
	Tags tags.Set
}

// Migration is the migration Job of one release.
type Migration struct {
	pulumi.ResourceState

	// Job is the batch/v1 Job; Pulumi marks it created only when the Job completed, so
	// pass it in WorkloadArgs.RolloutDependsOn.
	Job *batchv1.Job
	// JobName is the Job's name, "<Name>-<ImageTag>".
	JobName string
}

func (a MigrationArgs) withDefaults() MigrationArgs {
	setS(&a.Name, DefaultMigrationName)
	if len(a.Command) == 0 {
		a.Command = DefaultMigrationCommand
	}
	a.Command, a.Args = slices.Clone(a.Command), slices.Clone(a.Args)
	a.Env = maps.Clone(a.Env)
	if a.Env == nil {
		a.Env = map[string]string{}
	}
	a.Env["HOME"] = "/tmp"
	a.SecretEnv = maps.Clone(a.SecretEnv)
	a.Secrets = cloneSources(a.Secrets)
	setI(&a.RunAsUser, DefaultRunAsUser)
	setS(&a.Resources.MemoryRequest, DefaultMigrationMemoryRequest)
	a.Resources = a.Resources.withDefaults()
	setI(&a.BackoffLimit, DefaultBackoffLimit)
	setI(&a.ActiveDeadlineSeconds, DefaultActiveDeadlineSeconds)
	if a.Network.EgressVpcPorts == nil {
		a.Network.EgressVpcPorts = []int{5432}
	}
	a.Network = a.Network.withDefaults()
	a.KubernetesDependsOn = slices.Clone(a.KubernetesDependsOn)
	return a
}

func (a MigrationArgs) validate() error {
	p := argcheck.New(fmt.Sprintf("services: migration %q", a.Name))
	checkName(p, "Name", a.Name)
	p.NamePrefixUpTo(a.NamePrefix, maxNamePrefix)
	checkNamespace(p, a.Namespace)
	if a.Image == nil {
		p.Addf("Image is required (a tagged reference from registry.ImageRefOutput)")
	}
	if err := registry.CheckTag(a.ImageTag); err != nil {
		p.Addf("ImageTag: %v", err)
	}
	if a.RunAsUser < 1 {
		p.Addf("RunAsUser %d must be a non-root UID (>= 1)", a.RunAsUser)
	}
	checkResources(p, a.Resources)
	checkEnv(p, a.Env, a.SecretEnv)
	if len(a.Secrets) == 0 {
		p.Addf("Secrets is empty; the migration needs the database credentials")
	}
	if _, ok := a.SecretEnv[DatabaseURLEnv]; !ok {
		p.Addf("SecretEnv lacks %s (the unpooled database URL the migration connects with)", DatabaseURLEnv)
	}
	checkSecrets(p, secretArgs{a.Secrets, a.SecretEnv, a.KmsKeyArn, a.Region, a.OidcProviderArn, a.OidcIssuer, a.RoleArn})
	if a.BackoffLimit < 0 || a.BackoffLimit > 2 {
		p.Addf("BackoffLimit %d is out of range (0 to 2: a migration that failed twice needs a human)", a.BackoffLimit)
	}
	if a.ActiveDeadlineSeconds < 60 || a.ActiveDeadlineSeconds > 21600 {
		p.Addf("ActiveDeadlineSeconds %d is out of range (60 to 21600)", a.ActiveDeadlineSeconds)
	}
	if a.TTLSecondsAfterFinished < 0 {
		p.Addf("TTLSecondsAfterFinished %d must be >= 0 (0 keeps the Job)", a.TTLSecondsAfterFinished)
	}
	checkNetwork(p, a.Network, false)
	if a.KubernetesProvider == nil {
		p.Addf("KubernetesProvider is required (the cluster's provider)")
	}
	p.Tags(a.Tags)
	return p.Err()
}

// MigrationServiceAccount is the ServiceAccount of the migration Job whose
// MigrationArgs.Name is name ("" means the default, "migrate"): the subject an IRSA role
// passed in MigrationArgs.RoleArn must trust.
func MigrationServiceAccount(name string) string {
	if name == "" {
		return DefaultMigrationName
	}
	return name
}

// JobName is the migration Job's name for a base name and release tag: a DNS-1123 label
// of at most 63 characters (the Job controller copies it into a pod label).
func JobName(base, imageTag string) string {
	return naming.Name(63, base, imageTag)
}

// NewMigrationJob registers the migration Job of one release with its identity,
// secret environment and network policy.
func NewMigrationJob(ctx *pulumi.Context, name string, args *MigrationArgs, opts ...pulumi.ResourceOption) (*Migration, error) {
	if args == nil {
		return nil, fmt.Errorf("services: migration %q: args are required", name)
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, err
	}
	c := &Migration{JobName: JobName(a.Name, a.ImageTag)}
	if err := ctx.RegisterComponentResource(MigrationType, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	k8s := func(extra ...pulumi.Resource) []pulumi.ResourceOption {
		return []pulumi.ResourceOption{parent, pulumi.Provider(a.KubernetesProvider), pulumi.DependsOn(append(slices.Clone(a.KubernetesDependsOn), extra...))}
	}
	labels := a.Tags.Labels(a.Name, "migration")
	meta := func(objName string) *metav1.ObjectMetaArgs {
		return &metav1.ObjectMetaArgs{Name: pulumi.String(objName), Namespace: pulumi.String(a.Namespace), Labels: labels}
	}

	store, err := NewSecretStore(ctx, name+"-secrets", &SecretStoreArgs{
		NamePrefix: a.NamePrefix, Namespace: a.Namespace, StoreName: a.Name + "-secrets-manager",
		ServiceAccountName: MigrationServiceAccount(a.Name), App: a.Name, RoleArn: a.RoleArn,
		SecretArns: sourceArns(a.Secrets), KmsKeyArn: a.KmsKeyArn,
		Region: a.Region, OidcProviderArn: a.OidcProviderArn, OidcIssuer: a.OidcIssuer,
		KubernetesProvider: a.KubernetesProvider, KubernetesDependsOn: a.KubernetesDependsOn, Tags: a.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	env, err := newEnvSecret(ctx, name+"-env", a.Name+"-env", meta(a.Name+"-env"), store.StoreName, a.Secrets, a.SecretEnv, k8s(store))
	if err != nil {
		return nil, err
	}
	// The policy selects every release's pods by the stable app label.
	policy, err := newAllowPolicy(ctx, name, meta(a.Name), &metav1.LabelSelectorArgs{MatchLabels: tags.Selector(a.Name)},
		flows{net: a.Network}, k8s())
	if err != nil {
		return nil, err
	}

	pod := podSpec{
		app: a.Name, image: a.Image, command: a.Command, args: a.Args, env: a.Env, secretName: env.name,
		serviceAccount: MigrationServiceAccount(a.Name), runAsUser: a.RunAsUser, resources: a.Resources,
		grace: 30, restartPolicy: "Never",
	}
	spec := &batchv1.JobSpecArgs{
		BackoffLimit:          pulumi.Int(a.BackoffLimit),
		ActiveDeadlineSeconds: pulumi.Int(a.ActiveDeadlineSeconds),
		Template: &corev1.PodTemplateSpecArgs{
			Metadata: &metav1.ObjectMetaArgs{
				Labels:      labels,
				Annotations: pulumi.StringMap{"platform.generic-corp.io/secret-env-sha256": env.checksum},
			},
			Spec: pod.build(),
		},
	}
	if a.TTLSecondsAfterFinished > 0 {
		spec.TtlSecondsAfterFinished = pulumi.Int(a.TTLSecondsAfterFinished)
	}
	jobMeta := meta(c.JobName)
	// A Job that failed in an earlier update is replaced (re-run) on the next one
	// instead of being waited on again.
	jobMeta.Annotations = pulumi.StringMap{"pulumi.com/replaceUnready": pulumi.String("true")}
	timeout := time.Duration(a.ActiveDeadlineSeconds)*time.Second + 5*time.Minute
	job, err := batchv1.NewJob(ctx, name, &batchv1.JobArgs{Metadata: jobMeta, Spec: spec},
		append(k8s(env.resource, policy),
			// A Job's pod template is immutable: any change re-runs it, and the old Job
			// (same name when only the spec changed) must go first.
			pulumi.ReplaceOnChanges([]string{"spec"}),
			pulumi.DeleteBeforeReplace(true),
			pulumi.Timeouts(&pulumi.CustomTimeouts{Create: timeout.String(), Update: timeout.String()}),
		)...)
	if err != nil {
		return nil, err
	}
	c.Job = job
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"jobName": pulumi.String(c.JobName)}); err != nil {
		return nil, err
	}
	return c, nil
}
