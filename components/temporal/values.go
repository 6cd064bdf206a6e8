package temporal

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/generic-corp/platform/internal/chartvalues"
)

// Ports the chart 1.6.0 uses; the metrics port is fixed by the chart.
const (
	FrontendPort = 7233
	MetricsPort  = "metrics" // container port name (9090) on every server pod
	metricsPort  = 9090
	webUID       = 5000 // temporal user of the temporalio/ui image
	storeDefault = "default"
	storeVis     = "visibility"
)

// splitImage splits a validated "repository:tag" reference at its last colon.
func splitImage(ref string) (string, string) {
	i := strings.LastIndex(ref, ":")
	return ref[:i], ref[i+1:]
}

func image(ref string) map[string]any {
	repo, tag := splitImage(ref)
	return map[string]any{"repository": repo, "tag": tag, "pullPolicy": "IfNotPresent"}
}

func resources(r Resources) map[string]any {
	return map[string]any{
		"requests": map[string]any{"cpu": r.CPURequest, "memory": r.MemoryRequest},
		"limits":   map[string]any{"cpu": r.CPULimit, "memory": r.MemoryLimit},
	}
}

// podSecurity and containerSecurity pass Pod Security "restricted", which the namespace
// enforces on every chart pod.
func podSecurity(uid int) map[string]any {
	return map[string]any{
		"runAsNonRoot": true, "runAsUser": uid, "runAsGroup": uid, "fsGroup": uid,
		"seccompProfile": map[string]any{"type": "RuntimeDefault"},
	}
}

func containerSecurity() map[string]any {
	return map[string]any{
		"allowPrivilegeEscalation": false,
		"privileged":               false,
		"runAsNonRoot":             true,
		"capabilities":             map[string]any{"drop": []any{"ALL"}},
		"seccompProfile":           map[string]any{"type": "RuntimeDefault"},
	}
}

// store is one datastore of server.config.persistence.datastores. Temporal talks to RDS
// directly, with TLS (RDS forces it); the password comes from the ExternalSecret-made
// Secret, never from values.
func store(a TemporalArgs, database string, maxConns int, connectAddr pulumi.StringOutput) map[string]any {
	tls := map[string]any{"enabled": true, "enableHostVerification": a.RdsCaBundle != ""}
	if a.RdsCaBundle != "" {
		tls["caFile"] = caDir + "/" + caKey
	}
	return map[string]any{"sql": map[string]any{
		"pluginName":      sqlPlugin,
		"databaseName":    database,
		"connectAddr":     connectAddr,
		"connectProtocol": "tcp",
		"user":            a.DbUser,
		"existingSecret":  dbSecretName,
		"secretKey":       passwordKey,
		"maxConns":        maxConns,
		"maxIdleConns":    maxConns,
		"maxConnLifetime": "1h",
		// Our schema Job owns both; the chart's own schema Job then only echoes "done".
		"createDatabase": false,
		"manageSchema":   false,
		"tls":            tls,
	}}
}

// service is the per-service block of server.<service> (the chart reads
// topologySpreadConstraints per service only).
func service(a TemporalArgs, component string) map[string]any {
	s := map[string]any{
		"containerSecurityContext": containerSecurity(),
		"metrics":                  map[string]any{"annotations": map[string]any{"enabled": true}},
	}
	if a.Replicas >= 2 {
		s["podDisruptionBudget"] = map[string]any{"maxUnavailable": 1}
		// Like our own Deployments: zones balanced, so one node's or one AZ's loss never
		// takes every replica of a service; hosts preferably.
		selector := map[string]any{"matchLabels": stringsToAny(ServerPodLabels(a.ReleaseName, component))}
		s["topologySpreadConstraints"] = []any{
			map[string]any{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": selector},
			map[string]any{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": selector},
		}
	}
	return s
}

func stringsToAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// chartValues are the values for chart 1.6.0 (key names checked against its values.yaml
// and templates).
func chartValues(a TemporalArgs, host pulumi.StringOutput) pulumi.Map {
	connectAddr := host.ApplyT(func(h string) string { return h + ":" + strconv.Itoa(a.DbPort) }).(pulumi.StringOutput)

	namespaces := make([]any, 0, len(a.Namespaces))
	for _, ns := range a.Namespaces {
		namespaces = append(namespaces, map[string]any{"name": ns.Name, "retention": ns.Retention})
	}
	server := map[string]any{
		"image":        image(a.ServerImage),
		"replicaCount": a.Replicas,
		// maxSurge 1 / maxUnavailable 0: PoolConnections counts exactly one surge pod.
		"deploymentStrategy": map[string]any{"type": "RollingUpdate",
			"rollingUpdate": map[string]any{"maxSurge": rolloutSurge, "maxUnavailable": 0}},
		"securityContext": podSecurity(temporalUID),
		"resources":       resources(a.ServerResources),
		"metrics": map[string]any{
			"annotations":    map[string]any{"enabled": true},
			"serviceMonitor": map[string]any{"enabled": a.ServiceMonitor, "interval": "30s"},
		},
		"config": map[string]any{
			"logLevel": a.LogLevel,
			"persistence": map[string]any{
				"defaultStore":    storeDefault,
				"visibilityStore": storeVis,
				// Fixed for the life of the cluster; see TemporalArgs.NumHistoryShards.
				"numHistoryShards": a.NumHistoryShards,
				"datastores": map[string]any{
					storeDefault: store(a, a.Database, a.DefaultStoreMaxConns, connectAddr),
					storeVis:     store(a, a.VisibilityDatabase, a.VisibilityStoreMaxConns, connectAddr),
				},
			},
			"metrics": map[string]any{
				"prometheus": map[string]any{"timerType": "histogram", "listenAddress": fmt.Sprintf("0.0.0.0:%d", metricsPort)},
			},
			"namespaces": map[string]any{"create": len(namespaces) > 0, "namespace": namespaces},
		},
		// Internal only: ClusterIP and no ingress for gRPC clients.
		"frontend":          merge(service(a, "frontend"), map[string]any{"service": map[string]any{"type": "ClusterIP"}, "ingress": map[string]any{"enabled": false}}),
		"internal-frontend": map[string]any{"enabled": false},
		"history":           service(a, "history"),
		"matching":          service(a, "matching"),
		"worker":            service(a, "worker"),
	}
	if a.RdsCaBundle != "" {
		server["additionalVolumes"] = []any{map[string]any{"name": "rds-ca", "configMap": map[string]any{"name": caConfigMap}}}
		server["additionalVolumeMounts"] = []any{map[string]any{"name": "rds-ca", "mountPath": caDir, "readOnly": true}}
	}

	web := map[string]any{
		"enabled":                  true,
		"replicaCount":             a.WebReplicas,
		"image":                    image(a.WebImage),
		"service":                  map[string]any{"type": "ClusterIP"},
		"resources":                resources(a.WebResources),
		"securityContext":          podSecurity(webUID),
		"containerSecurityContext": containerSecurity(),
		"ingress": map[string]any{
			"enabled":     true,
			"className":   a.IngressClassName,
			"annotations": webIngressAnnotations(a),
			"hosts":       []any{a.WebHost},
		},
	}
	if a.WebReplicas >= 2 {
		web["podDisruptionBudget"] = map[string]any{"maxUnavailable": 1}
	}

	values := map[string]any{
		"fullnameOverride": a.ReleaseName,
		"serviceAccount":   map[string]any{"create": true},
		"server":           server,
		// The admin-tools Deployment is an always-on shell with database access; operators
		// run the image ad hoc instead. Its image still drives the chart's Jobs.
		"admintools": map[string]any{"enabled": false, "image": image(a.AdminToolsImage)},
		"web":        web,
		"schema": map[string]any{
			// Hooks off: helm/v4.Chart drops every hook-annotated object, so hook mode would
			// silently lose the chart's Jobs and Secrets.
			"useHelmHooks":             false,
			"securityContext":          podSecurity(temporalUID),
			"containerSecurityContext": containerSecurity(),
			"resources": resources(Resources{CPURequest: "50m", MemoryRequest: "64Mi",
				CPULimit: "500m", MemoryLimit: "256Mi"}),
		},
		// Shims exist for 1.29 images only.
		"shims": map[string]any{"dockerize": false, "elasticsearchTool": false},
	}
	return chartvalues.ToMap(values)
}

// webIngressAnnotations put the Web UI on an internal ALB only. The UI has no login of its
// own, so it must never face the internet.
func webIngressAnnotations(a TemporalArgs) map[string]any {
	ann := map[string]any{
		"alb.ingress.kubernetes.io/scheme":           "internal",
		"alb.ingress.kubernetes.io/target-type":      "ip",
		"alb.ingress.kubernetes.io/healthcheck-path": "/healthz",
		"alb.ingress.kubernetes.io/tags":             albTags(a),
	}
	if a.WebCertificateArn != nil {
		ann["alb.ingress.kubernetes.io/listen-ports"] = `[{"HTTPS":443}]`
		ann["alb.ingress.kubernetes.io/certificate-arn"] = a.WebCertificateArn
		ann["alb.ingress.kubernetes.io/ssl-policy"] = "ELBSecurityPolicy-TLS13-1-2-2021-06"
	} else {
		ann["alb.ingress.kubernetes.io/listen-ports"] = `[{"HTTP":80}]`
	}
	if a.WebIngressGroup != "" {
		ann["alb.ingress.kubernetes.io/group.name"] = a.WebIngressGroup
	}
	if len(a.WebAllowedCidrs) > 0 {
		ann["alb.ingress.kubernetes.io/inbound-cidrs"] = strings.Join(a.WebAllowedCidrs, ",")
	}
	return ann
}

// albTags renders the stack tags in the controller's "k1=v1,k2=v2" form, sorted, so the
// load balancer carries the cost-allocation tags too.
func albTags(a TemporalArgs) string {
	parts := make([]string, 0, len(a.Tags))
	for _, k := range slices.Sorted(maps.Keys(a.Tags)) {
		parts = append(parts, k+"="+a.Tags[k])
	}
	return strings.Join(parts, ",")
}

func merge(dst, src map[string]any) map[string]any {
	maps.Copy(dst, src)
	return dst
}
