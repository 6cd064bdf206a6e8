package database

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/generic-corp/platform/internal/tags"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// PgBouncerType is the child component's type token.
const PgBouncerType = "platform:database:PgBouncer"

// Names the policy pack and the services rely on; keep them stable.
const (
	pgbouncerName   = "pgbouncer"      // Deployment, ConfigMap, Service, PDB
	authSecretName  = "pgbouncer-auth" // Kubernetes Secret the ExternalSecret writes
	configKey       = "pgbouncer.ini"  // the ConfigMap key the policy pack parses
	databasesKey    = "databases.ini"  // [databases], %include'd: holds the RDS host
	caBundleKey     = "rds-ca.pem"
	userlistKey     = "userlist.txt"
	statsPassKey    = "stats-password" // the stats user's password, URL-escaped, for the exporter
	configDir       = "/etc/pgbouncer"
	authDir         = "/etc/pgbouncer-auth"
	clientTLSDir    = "/etc/pgbouncer-tls"
	pgbouncerUID    = 70 // the image's postgres user
	pgbouncerAppTag = "pgbouncer"
	pgbouncerRole   = "connection-pooler"
)

// PgBouncer is the pool in front of RDS.
type PgBouncer struct {
	pulumi.ResourceState

	// Host is the Service DNS name, pgbouncer.<namespace>.svc.cluster.local.
	Host string
	// Port is the Service port.
	Port int
	// ClientTLS says whether clients must use TLS.
	ClientTLS bool
}

// pgbouncerIni renders the [pgbouncer] section. It depends on args only, so the
// ConfigMap key the policy pack reads is known even in preview; the RDS host, unknown
// until the instance exists, lives in databases.ini.
func pgbouncerIni(b PgBouncerArgs) string {
	tlsMode := "require"
	if b.RdsCaBundle != "" {
		tlsMode = "verify-full"
	}
	lines := []string{
		"; Rendered by the platform program (components/database); edits in the cluster are overwritten.",
		"[pgbouncer]",
		"listen_addr = 0.0.0.0",
		fmt.Sprintf("listen_port = %d", postgresPort),
		"unix_socket_dir = /tmp",
		"auth_type = scram-sha-256",
		fmt.Sprintf("auth_file = %s/%s", authDir, userlistKey),
		// The metrics sidecar's login to the admin console: SHOW commands only.
		"stats_users = " + b.StatsUser,
		"pool_mode = transaction",
		fmt.Sprintf("default_pool_size = %d", b.DefaultPoolSize),
		fmt.Sprintf("reserve_pool_size = %d", b.ReservePoolSize),
		"reserve_pool_timeout = 3",
		// A hard per-pod cap, so the connection budget holds even if a second
		// database/user pool ever appears.
		fmt.Sprintf("max_db_connections = %d", b.DefaultPoolSize+b.ReservePoolSize),
		fmt.Sprintf("max_client_conn = %d", b.MaxClientConn),
		// Prisma and other drivers use protocol-level prepared statements; PgBouncer
		// >= 1.21 tracks them across transaction-pooled server connections.
		"max_prepared_statements = 200",
		"ignore_startup_parameters = extra_float_digits",
		"server_tls_sslmode = " + tlsMode,
		"server_tls_protocols = secure",
	}
	if b.RdsCaBundle != "" {
		lines = append(lines, fmt.Sprintf("server_tls_ca_file = %s/%s", configDir, caBundleKey))
	}
	if b.ClientTLSSecretName != "" {
		lines = append(lines,
			"client_tls_sslmode = require",
			"client_tls_protocols = secure",
			fmt.Sprintf("client_tls_cert_file = %s/tls.crt", clientTLSDir),
			fmt.Sprintf("client_tls_key_file = %s/tls.key", clientTLSDir))
	} else {
		lines = append(lines, "client_tls_sslmode = disable")
	}
	lines = append(lines,
		"log_connections = 0",
		"log_disconnections = 0",
		"log_pooler_errors = 1",
		"stats_period = 60",
		"",
		fmt.Sprintf("%%include %s/%s", configDir, databasesKey),
		"")
	return strings.Join(lines, "\n")
}

// databasesIni routes the one logical database to the RDS primary. No password here:
// PgBouncer logs in with the client's credentials from the auth file.
func databasesIni(dbName, host string) string {
	return fmt.Sprintf("[databases]\n%s = host=%s port=%d dbname=%s\n", dbName, host, postgresPort, dbName)
}

// newPgBouncer registers the component from defaulted, validated args; NewPostgres and
// NewPgBouncer both build the pool here, so the two paths render the same objects.
func newPgBouncer(ctx *pulumi.Context, name string, a PgBouncerStandaloneArgs, opts ...pulumi.ResourceOption) (*PgBouncer, error) {
	c := &PgBouncer{
		Host:      PgBouncerHost(a.Namespace),
		Port:      postgresPort,
		ClientTLS: a.PgBouncer.ClientTLSSecretName != "",
	}
	rdsAddress := a.RdsAddress.ToStringOutput()
	if err := ctx.RegisterComponentResource(PgBouncerType, name, c, opts...); err != nil {
		return nil, err
	}
	k8s := func(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
		o := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(a.KubernetesProvider)}
		if len(a.KubernetesDependsOn) > 0 {
			o = append(o, pulumi.DependsOn(a.KubernetesDependsOn))
		}
		return append(o, extra...)
	}
	labels := a.Tags.Labels(pgbouncerAppTag, pgbouncerRole)
	meta := func(objName string, ns pulumi.StringInput) *metav1.ObjectMetaArgs {
		return &metav1.ObjectMetaArgs{Name: pulumi.String(objName), Namespace: ns, Labels: labels}
	}

	// The namespace is referenced through its output so everything waits for it.
	ns := pulumi.String(a.Namespace).ToStringOutput()
	if !a.SkipNamespace {
		nsLabels := a.Tags.Labels(a.Namespace, "namespace")
		nsLabels["pod-security.kubernetes.io/enforce"] = pulumi.String("restricted")
		nsLabels["pod-security.kubernetes.io/enforce-version"] = pulumi.String("latest")
		nsObj, err := corev1.NewNamespace(ctx, name+"-namespace", &corev1.NamespaceArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(a.Namespace), Labels: nsLabels},
		}, k8s()...)
		if err != nil {
			return nil, err
		}
		ns = nsObj.Metadata.Name().Elem()
	}

	if err := newAuthExternalSecret(ctx, name, a, meta(authSecretName, ns), k8s()...); err != nil {
		return nil, err
	}

	data := pulumi.StringMap{
		configKey:    pulumi.String(pgbouncerIni(a.PgBouncer)),
		databasesKey: rdsAddress.ApplyT(func(host string) string { return databasesIni(a.DbName, host) }).(pulumi.StringOutput),
	}
	if a.PgBouncer.RdsCaBundle != "" {
		data[caBundleKey] = pulumi.String(a.PgBouncer.RdsCaBundle)
	}
	if _, err := corev1.NewConfigMap(ctx, name, &corev1.ConfigMapArgs{
		Metadata: meta(pgbouncerName, ns),
		Data:     data,
	}, k8s()...); err != nil {
		return nil, err
	}
	// A config change must roll the pods: PgBouncer reads its files at start.
	checksum := rdsAddress.ApplyT(func(host string) string {
		sum := sha256.Sum256([]byte(pgbouncerIni(a.PgBouncer) + databasesIni(a.DbName, host) + a.PgBouncer.RdsCaBundle))
		return hex.EncodeToString(sum[:])
	}).(pulumi.StringOutput)

	workloadOpts := k8s
	if a.Network != nil {
		// The pods wait for their policy: in a default-deny namespace they would start
		// cut off from RDS and their clients.
		policy, err := newPgBouncerPolicy(ctx, name, *a.Network, ns, labels, k8s()...)
		if err != nil {
			return nil, err
		}
		workloadOpts = func(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
			return k8s(append(extra, pulumi.DependsOn([]pulumi.Resource{policy}))...)
		}
	}
	if err := newPgBouncerWorkload(ctx, name, a, ns, meta, checksum, workloadOpts); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"host":      pulumi.String(c.Host),
		"port":      pulumi.Int(c.Port),
		"clientTls": pulumi.Bool(c.ClientTLS),
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// newAuthExternalSecret asks the External Secrets operator to write the PgBouncer auth
// file from the application user secret, so no password passes through Pulumi here.
func newAuthExternalSecret(ctx *pulumi.Context, name string, a PgBouncerStandaloneArgs, meta *metav1.ObjectMetaArgs, opts ...pulumi.ResourceOption) error {
	remote := func(property string) map[string]any {
		return map[string]any{"key": a.DbSecretName, "property": property}
	}
	_, err := apiextensions.NewCustomResource(ctx, name+"-auth", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("external-secrets.io/v1"),
		Kind:       pulumi.String("ExternalSecret"),
		Metadata:   meta,
		OtherFields: map[string]any{
			"spec": map[string]any{
				"refreshInterval": "1h",
				"secretStoreRef":  map[string]any{"name": a.PgBouncer.SecretStoreName, "kind": a.PgBouncer.SecretStoreKind},
				"target": map[string]any{
					"name":           authSecretName,
					"creationPolicy": "Owner",
					"template": map[string]any{
						"engineVersion": "v2",
						"type":          "Opaque",
						// PgBouncer's auth file: "user" "password"; the generated password
						// has no '"' (see components/secrets).
						// The exporter builds its connection URL from statsPassKey
						// (PgBouncerArgs.StatsUser is this username).
						"data": map[string]any{
							userlistKey:  `"{{ .username }}" "{{ .password }}"` + "\n",
							statsPassKey: "{{ .password | urlquery }}",
						},
					},
				},
				"data": []any{
					map[string]any{"secretKey": "username", "remoteRef": remote("username")},
					map[string]any{"secretKey": "password", "remoteRef": remote("password")},
				},
			},
		},
	}, opts...)
	return err
}

// selector is the Deployment's immutable pod selector.
func selector() *metav1.LabelSelectorArgs {
	return &metav1.LabelSelectorArgs{MatchLabels: tags.Selector(pgbouncerAppTag)}
}
