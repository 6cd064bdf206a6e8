package cost

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
)

// Assumptions are the usage figures the models multiply prices by. Defaults and
// per-stack values live in prices.json (each with a justification); DefaultAssumptions
// reads them and Override applies a stack's own values on top.
type Assumptions struct {
	// HoursPerMonth turns hourly prices into monthly ones. Default 730.
	HoursPerMonth float64 `json:"hoursPerMonth"`
	// NATGBPerGateway is the data each NAT gateway processes, GB/month. Default 30 (prod 100).
	NATGBPerGateway float64 `json:"natGBPerGateway"`
	// ALBLCUs is the average load-balancer capacity units each ALB uses. Default 0.5 (prod 1).
	ALBLCUs float64 `json:"albLCUs"`
	// ALBZones is the public IPv4 addresses of an internet-facing ALB whose subnets are not
	// in the plan (one per AZ). Default 3.
	ALBZones int `json:"albZones"`
	// CloudFrontGB is the data each distribution serves, GB/month. Default 10 (prod 200).
	CloudFrontGB float64 `json:"cloudFrontGB"`
	// CloudFrontRequests is the HTTPS requests each distribution serves per month.
	// Default 1,000,000 (prod 20,000,000).
	CloudFrontRequests float64 `json:"cloudFrontRequests"`
	// CloudFrontPlan prices distributions on a flat-rate plan ("free", "pro", "business",
	// "premium") instead of pay-as-you-go (""); the plan bundles the edge WAF. Default "".
	CloudFrontPlan string `json:"cloudFrontPlan"`
	// WAFRequestsMillions is the requests each web ACL inspects, millions/month.
	// Default 1 (prod 20).
	WAFRequestsMillions float64 `json:"wafRequestsMillions"`
	// LogGBPerGroup is the data ingested into each log group, GB/month. Default 1 (prod 5).
	LogGBPerGroup float64 `json:"logGBPerGroup"`
	// EKSControlPlaneLogGB is the data ingested into /aws/eks/<cluster>/cluster, GB/month.
	// Default 10 (prod 25).
	EKSControlPlaneLogGB float64 `json:"eksControlPlaneLogGB"`
	// TrailLogGB is the management events a CloudTrail trail delivers into its CloudWatch
	// Logs log group, GB/month. Default 2 (prod 5).
	TrailLogGB float64 `json:"trailLogGB"`
	// LogNeverExpireMonths is how many months of data a log group without retention is
	// priced as storing. Default 12.
	LogNeverExpireMonths float64 `json:"logNeverExpireMonths"`
	// FlowLogGB is the flow-log records each flow log delivers, GB/month. Default 5 (prod 20).
	FlowLogGB float64 `json:"flowLogGB"`
	// EndpointGB is the data each interface endpoint processes, GB/month. Default 5 (prod 20).
	EndpointGB float64 `json:"endpointGB"`
	// EnhancedMonitoringGB is the RDS Enhanced Monitoring log volume per instance at a 60 s
	// interval, GB/month (scaled by 60/monitoringInterval). Default 0.5.
	EnhancedMonitoringGB float64 `json:"enhancedMonitoringGB"`
	// RDSBackupGBBeyondFree is the RDS backup storage above the free allowance per
	// instance, GB. Default 0.
	RDSBackupGBBeyondFree float64 `json:"rdsBackupGBBeyondFree"`
	// CacheSnapshotGB is the size of one ElastiCache snapshot, GB; one is kept per
	// snapshotRetentionLimit day. Default 0.5.
	CacheSnapshotGB float64 `json:"cacheSnapshotGB"`
	// BackupGB is the warm storage in each AWS Backup vault, GB. Default 20 (prod 50).
	BackupGB float64 `json:"backupGB"`
	// BackupKind selects the vault storage price backup.warm_storage.<kind>: "rds_snapshot"
	// or "ebs". Default "rds_snapshot".
	BackupKind string `json:"backupKind"`
	// BackupCopyGB is the data each cross-region copy action transfers, GB/month.
	// Default 0 (prod 10).
	BackupCopyGB float64 `json:"backupCopyGB"`
	// ECRGBPerRepo is the images stored per ECR repository, GB. Default 5.
	ECRGBPerRepo float64 `json:"ecrGBPerRepo"`
	// S3GBPerBucket is the Standard storage per bucket, GB. Default 5 (prod 50).
	S3GBPerBucket float64 `json:"s3GBPerBucket"`
	// PerResourceGB overrides the volume assumption of one resource by logical name (log
	// group ingestion, bucket, repository or vault storage). Default empty.
	PerResourceGB map[string]float64 `json:"perResourceGB,omitempty"`
}

// Assumptions returns the table's assumptions for a stack: each value's byStack entry
// for the stack when present, its default otherwise.
func (t *Table) Assumptions(stack string) (Assumptions, error) { return t.assumptionsFor(stack) }

func (t *Table) assumptionsFor(stack string) (Assumptions, error) {
	raw := map[string]any{}
	for _, e := range t.assume {
		v := e.Value
		if sv, ok := e.ByStack[stack]; ok {
			v = sv
		}
		raw[e.Key] = v
	}
	for _, name := range assumptionKeys() {
		if _, ok := raw[name]; !ok && name != "perResourceGB" {
			return Assumptions{}, fmt.Errorf("cost: prices.json has no assumption %q", name)
		}
	}
	data, err := json.Marshal(raw)
	if err != nil {
		return Assumptions{}, err
	}
	return Assumptions{}.Override(data)
}

// Override returns a copy of a with the fields of a JSON object (Assumptions field names
// as in prices.json, e.g. {"natGBPerGateway": 200}) replaced, validated. Unknown keys are
// an error naming them.
func (a Assumptions) Override(jsonObject []byte) (Assumptions, error) {
	out := a
	if a.PerResourceGB != nil {
		out.PerResourceGB = make(map[string]float64, len(a.PerResourceGB))
		for k, v := range a.PerResourceGB {
			out.PerResourceGB[k] = v
		}
	}
	dec := json.NewDecoder(bytes.NewReader(jsonObject))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		return Assumptions{}, fmt.Errorf("cost assumptions: %w (allowed keys: %s)", err, strings.Join(assumptionKeys(), ", "))
	}
	return out, out.Validate()
}

// Validate reports the first impossible value, naming the field, the value and what is
// allowed.
func (a Assumptions) Validate() error {
	if a.HoursPerMonth < 672 || a.HoursPerMonth > 744 {
		return fmt.Errorf("cost assumptions: hoursPerMonth %v is not a month (allowed 672..744)", a.HoursPerMonth)
	}
	nums := map[string]float64{
		"natGBPerGateway": a.NATGBPerGateway, "albLCUs": a.ALBLCUs, "albZones": float64(a.ALBZones),
		"cloudFrontGB": a.CloudFrontGB, "cloudFrontRequests": a.CloudFrontRequests,
		"wafRequestsMillions": a.WAFRequestsMillions, "logGBPerGroup": a.LogGBPerGroup,
		"eksControlPlaneLogGB": a.EKSControlPlaneLogGB, "trailLogGB": a.TrailLogGB, "logNeverExpireMonths": a.LogNeverExpireMonths,
		"flowLogGB": a.FlowLogGB, "endpointGB": a.EndpointGB, "enhancedMonitoringGB": a.EnhancedMonitoringGB,
		"rdsBackupGBBeyondFree": a.RDSBackupGBBeyondFree, "cacheSnapshotGB": a.CacheSnapshotGB,
		"backupGB": a.BackupGB, "backupCopyGB": a.BackupCopyGB, "ecrGBPerRepo": a.ECRGBPerRepo,
		"s3GBPerBucket": a.S3GBPerBucket,
	}
	for k, v := range a.PerResourceGB {
		nums["perResourceGB."+k] = v
	}
	names := make([]string, 0, len(nums))
	for k := range nums {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if v := nums[k]; v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("cost assumptions: %s %v must be a finite number >= 0", k, v)
		}
	}
	switch a.CloudFrontPlan {
	case "", "free", "pro", "business", "premium":
	default:
		return fmt.Errorf("cost assumptions: cloudFrontPlan %q is not a plan (allowed: \"\" for pay-as-you-go, free, pro, business, premium)", a.CloudFrontPlan)
	}
	switch a.BackupKind {
	case "rds_snapshot", "ebs":
	default:
		return fmt.Errorf("cost assumptions: backupKind %q is not allowed (allowed: rds_snapshot, ebs)", a.BackupKind)
	}
	return nil
}

// assumptionKeys are the JSON names of the Assumptions fields.
func assumptionKeys() []string {
	typ := reflect.TypeOf(Assumptions{})
	out := make([]string, 0, typ.NumField())
	for i := range typ.NumField() {
		out = append(out, strings.Split(typ.Field(i).Tag.Get("json"), ",")[0])
	}
	return out
}

// gb returns the per-resource override for a logical name, or def.
func (a Assumptions) gb(name string, def float64) (float64, bool) {
	if v, ok := a.PerResourceGB[name]; ok {
		return v, true
	}
	return def, false
}
