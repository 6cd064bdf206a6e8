package alerting_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/components/alerting"
	"github.com/generic-corp/platform/internal/tags"
	"github.com/generic-corp/platform/plan"
)

func TestValidation(t *testing.T) {
	cases := []struct {
		name string
		edit func(a *alerting.AlertingArgs)
		want []string
	}{
		{"prefix, region, account", func(a *alerting.AlertingArgs) { a.NamePrefix = "X"; a.Region = "mars"; a.AccountId = nil },
			[]string{`NamePrefix "X"`, `Region "mars"`, "AccountId is required"}},
		{"budget and e-mail", func(a *alerting.AlertingArgs) {
			a.MonthlyBudgetUSD = 0
			a.EmailAddresses = []string{"nobody", "a@b.io", "a@b.io"}
		},
			[]string{`MonthlyBudgetUSD "0"`, `EmailAddresses "nobody"`, `EmailAddresses "a@b.io"`}},
		{"warning above critical", func(a *alerting.AlertingArgs) {
			a.Thresholds = alerting.Thresholds{ApiErrorRateWarningPercent: 6}
		}, []string{"ApiErrorRateWarningPercent 6 must be below Thresholds.ApiErrorRateCriticalPercent 5"}},
		{"percent out of range", func(a *alerting.AlertingArgs) { a.Thresholds = alerting.Thresholds{NodeDiskCriticalPercent: 120} },
			[]string{"NodeDiskCriticalPercent 120"}},
		{"health check outside us-east-1 needs a provider", func(a *alerting.AlertingArgs) { a.Region = "eu-west-1" },
			[]string{"UsEast1Provider is required"}},
		{"database needs its numbers", func(a *alerting.AlertingArgs) {
			a.Database = &alerting.DatabaseAlarms{AllocatedStorageGiB: 5}
		}, []string{"Database.InstanceIdentifier is required", `Database.AllocatedStorageGiB "5"`, `Database.MaxConnections "0"`}},
		{"redis groups", func(a *alerting.AlertingArgs) {
			a.Redis = []alerting.RedisAlarms{{Name: "queue", Nodes: 7}, {Name: "queue", Nodes: 1, ReplicationGroupId: pulumi.String("x")}}
		}, []string{"Redis[queue].ReplicationGroupId is required", `Redis[queue].Nodes "7"`, `Redis.Name "queue"`}},
		{"bad health check", func(a *alerting.AlertingArgs) { a.Api.HealthCheckFqdn = "API_Host"; a.Api.HealthCheckPath = "health" },
			[]string{`Api.HealthCheckFqdn "API_Host"`, `Api.HealthCheckPath "health"`}},
		{"tags", func(a *alerting.AlertingArgs) { a.Tags = tags.Set{} }, []string{`lacks "environment"`, `required tag "owner"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := prodArgs()
			a.Api = &alerting.ApiAlarms{LoadBalancerArnSuffix: pulumi.String(albSuffix), HealthCheckFqdn: "api.generic-corp.io"}
			tc.edit(a)
			p, err := plan.Capture(func(ctx *pulumi.Context) error {
				_, err := alerting.NewAlerting(ctx, "alerting", a)
				return err
			}, plan.Options{Mode: plan.Preview})
			require.Error(t, err)
			for _, w := range tc.want {
				require.Contains(t, err.Error(), w)
			}
			require.Empty(t, p.ByType(tTopic), "nothing is registered when args are invalid")
		})
	}
}
