package observability

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	lokiRelease        = "loki"
	lokiFullname       = "loki" // the Service Alloy pushes to and Grafana queries
	lokiPort           = 3100
	lokiServiceAccount = "loki"
	// lokiSchemaFrom starts the one schema period; it must never change once logs exist
	// (a new period is added with a later date instead).
	lokiSchemaFrom = "2024-04-01"
	alloyRelease   = "alloy"
)

// lokiStorage carries what the S3 back end adds to Loki's values; zero for filesystem.
type lokiStorage struct {
	bucket  pulumi.StringOutput
	roleArn pulumi.StringOutput
}

// lokiValues are the values for chart 18.11.0: one Monolithic (single binary) pod, no
// caches, canary or gateway (sized for tens of GB a day), retention by the compactor.
func lokiValues(a ObservabilityArgs, s *lokiStorage) map[string]any {
	store := LokiStorageFilesystem
	storage := map[string]any{"type": LokiStorageFilesystem}
	serviceAccount := map[string]any{"create": true, "name": lokiServiceAccount}
	if s != nil {
		store = LokiStorageS3
		storage = map[string]any{
			"type":        LokiStorageS3,
			"bucketNames": map[string]any{"chunks": s.bucket, "ruler": s.bucket},
			"s3":          map[string]any{"region": a.LokiS3.Region},
		}
		serviceAccount["annotations"] = map[string]any{"eks.amazonaws.com/role-arn": s.roleArn}
	}
	return map[string]any{
		"fullnameOverride": lokiFullname,
		"deploymentMode":   "Monolithic",
		"serviceAccount":   serviceAccount,
		"loki": map[string]any{
			// One tenant: the platform's own logs. Tenants of the product are a log field,
			// never a Loki tenant or label.
			"auth_enabled": false,
			"commonConfig": map[string]any{"replication_factor": 1},
			"schemaConfig": map[string]any{"configs": []any{map[string]any{
				"from": lokiSchemaFrom, "store": "tsdb", "object_store": store, "schema": "v13",
				"index": map[string]any{"prefix": "index_", "period": "24h"},
			}}},
			"storage":       storage,
			"limits_config": map[string]any{"retention_period": fmt.Sprintf("%dh", a.LokiRetentionDays*24)},
			"compactor":     map[string]any{"retention_enabled": true, "delete_request_store": store},
		},
		"singleBinary": map[string]any{
			"replicas": 1,
			"persistence": map[string]any{
				"enabled": true, "size": fmt.Sprintf("%dGi", a.LokiStorageGiB), "storageClass": a.StorageClassName,
			},
			"resources": map[string]any{
				"requests": map[string]any{"cpu": "100m", "memory": "512Mi"},
				"limits":   map[string]any{"memory": "2Gi"},
			},
		},
		// The chart's defaults run three replicas of each simple-scalable target.
		"write":        map[string]any{"replicas": 0},
		"read":         map[string]any{"replicas": 0},
		"backend":      map[string]any{"replicas": 0},
		"chunksCache":  map[string]any{"enabled": false},
		"resultsCache": map[string]any{"enabled": false},
		"gateway":      map[string]any{"enabled": false},
		"lokiCanary":   map[string]any{"enabled": false},
		"test":         map[string]any{"enabled": false},
	}
}

// alloyConfig tails the container logs of the node Alloy runs on (/var/log/pods) and
// pushes them to Loki with namespace, pod, container and app labels.
func alloyConfig(a ObservabilityArgs) string {
	return fmt.Sprintf(`discovery.kubernetes "pods" {
  role = "pod"
  selectors {
    role  = "pod"
    field = "spec.nodeName=" + sys.env("NODE_NAME")
  }
}

discovery.relabel "pods" {
  targets = discovery.kubernetes.pods.targets
  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_container_name"]
    target_label  = "container"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
    target_label  = "app"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"]
    separator     = "/"
    replacement   = "/var/log/pods/*$1/*.log"
    target_label  = "__path__"
  }
}

local.file_match "pods" {
  path_targets = discovery.relabel.pods.output
}

loki.source.file "pods" {
  targets    = local.file_match.pods.targets
  forward_to = [loki.process.pods.receiver]
}

loki.process "pods" {
  stage.cri {}
  forward_to = [loki.write.default.receiver]
}

loki.write "default" {
  endpoint {
    url = "http://%s.%s.svc.cluster.local:%d/loki/api/v1/push"
  }
  external_labels = { cluster = %q }
}
`, lokiFullname, a.Namespace, lokiPort, a.NamePrefix)
}

// alloyValues are the values for chart 1.11.1: a DaemonSet on every node (tolerating
// every taint), reading /var/log from the host.
func alloyValues(a ObservabilityArgs) map[string]any {
	return map[string]any{
		"crds": map[string]any{"create": false},
		"alloy": map[string]any{
			"configMap":       map[string]any{"create": true, "content": alloyConfig(a)},
			"mounts":          map[string]any{"varlog": true},
			"enableReporting": false,
			"extraEnv": []any{map[string]any{"name": "NODE_NAME",
				"valueFrom": map[string]any{"fieldRef": map[string]any{"fieldPath": "spec.nodeName"}}}},
			"resources": map[string]any{
				"requests": map[string]any{"cpu": "50m", "memory": "128Mi"},
				"limits":   map[string]any{"memory": "512Mi"},
			},
		},
		"controller": map[string]any{
			"type":        "daemonset",
			"tolerations": []any{map[string]any{"operator": "Exists"}},
		},
	}
}
