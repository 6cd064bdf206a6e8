package observability

// Receivers and the Secret that carries their credentials. Alertmanager mounts every
// Secret listed in alertmanagerSpec.secrets at /etc/alertmanager/secrets/<name>/, and
// reads the PagerDuty key and the Slack URL from files there (routing_key_file,
// api_url_file), so neither value ever appears in the rendered configuration.
const (
	receiverNull      = "null"
	receiverPagerDuty = "pagerduty"
	receiverSlack     = "slack"

	receiversSecret  = "alertmanager-receivers"
	pagerDutyKeyFile = "pagerduty-routing-key"
	slackURLFile     = "slack-webhook-url"
	secretsMountDir  = "/etc/alertmanager/secrets/" + receiversSecret + "/"
)

func matcher(s string) []any { return []any{s} }

// alertmanagerConfig routes by the severity label: critical pages PagerDuty and also
// posts to Slack (continue), warning posts to Slack, info goes nowhere (log only: it
// stays visible in Alertmanager and Grafana). The chart's Watchdog and InfoInhibitor
// are swallowed by the null receiver. Templates are Alertmanager's, not Helm's:
// kube-prometheus-stack writes this map with toYaml (tplConfig is off).
func alertmanagerConfig(a ObservabilityArgs) map[string]any {
	return map[string]any{
		"global": map[string]any{"resolve_timeout": "5m"},
		"route": map[string]any{
			"receiver":        receiverNull,
			"group_by":        []any{"alertname", "namespace", "severity"},
			"group_wait":      "30s",
			"group_interval":  "5m",
			"repeat_interval": "4h",
			"routes": []any{
				map[string]any{"receiver": receiverNull, "matchers": matcher(`alertname = "Watchdog"`)},
				map[string]any{"receiver": receiverNull, "matchers": matcher(`alertname = "InfoInhibitor"`)},
				map[string]any{"receiver": receiverPagerDuty, "matchers": matcher(`severity = "critical"`),
					"repeat_interval": "1h", "continue": true},
				map[string]any{"receiver": receiverSlack, "matchers": matcher(`severity = "critical"`)},
				map[string]any{"receiver": receiverSlack, "matchers": matcher(`severity = "warning"`)},
				map[string]any{"receiver": receiverNull, "matchers": matcher(`severity = "info"`)},
			},
		},
		"inhibit_rules": []any{
			// A critical alert silences lower severities of the same alert.
			map[string]any{
				"source_matchers": matcher(`severity = "critical"`),
				"target_matchers": matcher(`severity =~ "warning|info"`),
				"equal":           []any{"namespace", "alertname"},
			},
			// The 5% error-rate page makes the 1% warning redundant.
			map[string]any{
				"source_matchers": matcher(`alertname = "ApiErrorRateCritical"`),
				"target_matchers": matcher(`alertname = "ApiErrorRateWarning"`),
			},
			map[string]any{
				"source_matchers": matcher(`alertname = "InfoInhibitor"`),
				"target_matchers": matcher(`severity = "info"`),
				"equal":           []any{"namespace"},
			},
		},
		"receivers": []any{
			map[string]any{"name": receiverNull},
			map[string]any{"name": receiverPagerDuty, "pagerduty_configs": []any{map[string]any{
				"routing_key_file": secretsMountDir + pagerDutyKeyFile,
				"send_resolved":    true,
				"severity":         "{{ .CommonLabels.severity }}",
				"description":      `{{ .CommonLabels.alertname }}: {{ .CommonAnnotations.summary }}`,
				"links": []any{map[string]any{
					"href": "{{ .CommonAnnotations.runbook_url }}", "text": "Runbook",
				}},
			}}},
			map[string]any{"name": receiverSlack, "slack_configs": []any{map[string]any{
				"api_url_file":  secretsMountDir + slackURLFile,
				"channel":       a.SlackChannel,
				"send_resolved": true,
				"title":         `[{{ .Status | toUpper }}] {{ .CommonLabels.severity }}: {{ .CommonLabels.alertname }}`,
				"text":          `{{ range .Alerts }}{{ .Annotations.summary }}` + "\n" + `{{ .Annotations.description }}` + "\n" + `Runbook: {{ .Annotations.runbook_url }}` + "\n" + `{{ end }}`,
			}}},
		},
		"templates": []any{"/etc/alertmanager/config/*.tmpl"},
	}
}
