package alerting

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// platformAlarms watch the cluster nodes and the backups.
func platformAlarms(a AlertingArgs) []alarmSpec {
	t := a.Thresholds
	var specs []alarmSpec
	if a.ClusterName != nil {
		specs = append(specs, alarmSpec{
			name: "nodes-disk-critical", severity: Critical,
			description: fmt.Sprintf("Seed critical: disk usage > %g%% on the fullest EKS node for 10 minutes (Container Insights "+
				"node_filesystem_utilization; needs the amazon-cloudwatch-observability add-on). Gaps keep the last state (missing): "+
				"a node that stops reporting is replaced by its group.", t.NodeDiskCriticalPercent),
			metric: &metric{"ContainerInsights", "node_filesystem_utilization", pulumi.StringMap{"ClusterName": a.ClusterName}, "Maximum"},
			period: 300, threshold: t.NodeDiskCriticalPercent, comparison: above,
			evaluationPeriods: 2, datapointsToAlarm: 2, treatMissingData: missingKeepsState,
		})
	}
	if a.BackupVaultName != nil {
		specs = append(specs, alarmSpec{
			name: "backup-jobs-failed-warning", severity: Warning,
			description: "A backup job into the primary vault failed in the last hour: that day has no recovery point (seed: " +
				"automated daily backups). No jobs means no data, which is not a failure (missing: notBreaching).",
			metric: &metric{"AWS/Backup", "NumberOfBackupJobsFailed", pulumi.StringMap{"BackupVaultName": a.BackupVaultName}, "Sum"},
			period: 3600, threshold: 0, comparison: above,
			evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: missingIsOK,
		})
	}
	return specs
}
