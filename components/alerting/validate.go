package alerting

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/generic-corp/platform/internal/argcheck"
)

var (
	regionRe = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)
	emailRe  = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$`)
	fqdnRe   = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	pathRe   = regexp.MustCompile(`^/[A-Za-z0-9._~/-]{0,254}$`)
	groupRe  = regexp.MustCompile(`^[a-z][a-z0-9-]{0,29}$`)
)

// validate reports every user error at once, each naming the field, the value and what
// is allowed. It runs before anything is registered.
func (a AlertingArgs) validate() error {
	var errs []error
	p := argcheck.Into("alerting", &errs)
	bad := p.Bad
	missing := p.Missing

	p.NamePrefix(a.NamePrefix)
	if a.AccountId == nil {
		missing("AccountId", "the AWS account id the key and topic policies name")
	}
	if !regionRe.MatchString(a.Region) {
		bad("Region", a.Region, "want an AWS region such as us-east-1")
	}
	emails := map[string]bool{}
	for _, e := range a.EmailAddresses {
		if !emailRe.MatchString(e) || emails[e] {
			bad("EmailAddresses", e, "want distinct e-mail addresses such as oncall@generic-corp.io")
		}
		emails[e] = true
	}
	if a.MonthlyBudgetUSD < 1 {
		bad("MonthlyBudgetUSD", a.MonthlyBudgetUSD, "want a positive number of US dollars per month")
	}
	if a.Tags["environment"] == "" {
		errs = append(errs, errors.New("alerting: Tags lacks \"environment\" (the budget filters cost on it)"))
	}
	errs = append(errs, argcheck.MissingTags("alerting", a.Tags)...)

	errs = append(errs, a.Thresholds.validate()...)

	if api := a.Api; api != nil {
		if api.HealthCheckFqdn != "" && !fqdnRe.MatchString(api.HealthCheckFqdn) {
			bad("Api.HealthCheckFqdn", api.HealthCheckFqdn, "want a lower-case host name such as api.generic-corp.io")
		}
		if !pathRe.MatchString(api.HealthCheckPath) {
			bad("Api.HealthCheckPath", api.HealthCheckPath, "want an absolute path such as /health")
		}
		if api.MinRequestsPerMinute < 1 {
			bad("Api.MinRequestsPerMinute", api.MinRequestsPerMinute, "want at least 1")
		}
		if api.HealthCheckFqdn != "" && a.Region != usEast1 && a.UsEast1Provider == nil {
			missing("UsEast1Provider", "Route 53 health-check metrics exist only in us-east-1, where the health-check alarm must live")
		}
		if api.LoadBalancerArnSuffix == nil && api.HealthCheckFqdn == "" {
			bad("Api", "{}", "set LoadBalancerArnSuffix, HealthCheckFqdn or both (or leave Api nil)")
		}
	}
	if db := a.Database; db != nil {
		if db.InstanceIdentifier == nil {
			missing("Database.InstanceIdentifier", "the RDS instance to watch")
		}
		if db.AllocatedStorageGiB < 20 || db.AllocatedStorageGiB > 65536 {
			bad("Database.AllocatedStorageGiB", db.AllocatedStorageGiB, "want 20..65536 GiB")
		}
		if db.MaxConnections < 10 {
			bad("Database.MaxConnections", db.MaxConnections, "want the server's max_connections (at least 10)")
		}
	}
	seen := map[string]bool{}
	for _, r := range a.Redis {
		if !groupRe.MatchString(r.Name) || seen[r.Name] {
			bad("Redis.Name", r.Name, "want unique names of 1-30 lower-case letters, digits or '-', starting with a letter")
		}
		seen[r.Name] = true
		if r.ReplicationGroupId == nil {
			missing("Redis["+r.Name+"].ReplicationGroupId", "the replication group to watch")
		}
		if r.Nodes < 1 || r.Nodes > 6 {
			bad("Redis["+r.Name+"].Nodes", r.Nodes, "want 1..6 (one primary plus up to five replicas)")
		}
	}
	return errors.Join(errs...)
}

func (t Thresholds) validate() []error {
	var errs []error
	pct := func(field string, v float64) {
		if v <= 0 || v > 100 {
			errs = append(errs, fmt.Errorf("alerting: Thresholds.%s %v is invalid: want a percent in (0, 100]", field, v))
		}
	}
	pct("ApiErrorRateCriticalPercent", t.ApiErrorRateCriticalPercent)
	pct("ApiErrorRateWarningPercent", t.ApiErrorRateWarningPercent)
	pct("DbCpuWarningPercent", t.DbCpuWarningPercent)
	pct("DbFreeStorageCriticalPercent", t.DbFreeStorageCriticalPercent)
	pct("DbConnectionsWarningPercent", t.DbConnectionsWarningPercent)
	pct("DbConnectionsCriticalPercent", t.DbConnectionsCriticalPercent)
	pct("RedisMemoryWarningPercent", t.RedisMemoryWarningPercent)
	pct("RedisNoEvictionMemoryCriticalPercent", t.RedisNoEvictionMemoryCriticalPercent)
	pct("RedisEngineCpuWarningPercent", t.RedisEngineCpuWarningPercent)
	pct("NodeDiskCriticalPercent", t.NodeDiskCriticalPercent)
	if t.BudgetWarningPercent <= 0 || t.BudgetCriticalPercent > 1000 {
		errs = append(errs, fmt.Errorf("alerting: Thresholds.BudgetWarningPercent %v / BudgetCriticalPercent %v are invalid: want 0 < warning < critical <= 1000",
			t.BudgetWarningPercent, t.BudgetCriticalPercent))
	}
	if t.ApiLatencyP95WarningSeconds <= 0 || t.ApiLatencyP95WarningSeconds > 60 {
		errs = append(errs, fmt.Errorf("alerting: Thresholds.ApiLatencyP95WarningSeconds %v is invalid: want 0 < s <= 60", t.ApiLatencyP95WarningSeconds))
	}
	if t.DbReplicaLagWarningSeconds <= 0 {
		errs = append(errs, fmt.Errorf("alerting: Thresholds.DbReplicaLagWarningSeconds %v is invalid: want more than 0", t.DbReplicaLagWarningSeconds))
	}
	for _, pair := range []struct {
		warn, crit   string
		warnV, critV float64
	}{
		{"ApiErrorRateWarningPercent", "ApiErrorRateCriticalPercent", t.ApiErrorRateWarningPercent, t.ApiErrorRateCriticalPercent},
		{"DbConnectionsWarningPercent", "DbConnectionsCriticalPercent", t.DbConnectionsWarningPercent, t.DbConnectionsCriticalPercent},
		{"RedisMemoryWarningPercent", "RedisNoEvictionMemoryCriticalPercent", t.RedisMemoryWarningPercent, t.RedisNoEvictionMemoryCriticalPercent},
		{"BudgetWarningPercent", "BudgetCriticalPercent", t.BudgetWarningPercent, t.BudgetCriticalPercent},
	} {
		if pair.warnV >= pair.critV {
			errs = append(errs, fmt.Errorf("alerting: Thresholds.%s %v must be below Thresholds.%s %v (a warning comes before the page)",
				pair.warn, pair.warnV, pair.crit, pair.critV))
		}
	}
	return errs
}
