package preflight

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/stacks"
)

// DRRehearsal is a disaster-recovery rebuild as the plan shows it: what it would put in
// (or take from) the region it is meant to survive, where its data comes from, what is
// left to people, and how long it takes (docs/preflight.md#dr-rehearsal). Only stacks
// that set platform:failedRegion (dr stacks) have one.
type DRRehearsal struct {
	FailedRegion string `json:"failedRegion"`
	// InFailedRegion are the resources the rebuild would create in the failed region:
	// AWS resources whose provider is configured for it. Must be empty.
	InFailedRegion []RegionalResource `json:"inFailedRegion"`
	// NamingFailedRegion are inputs that point into the failed region (an ARN or a region
	// value there): a copy destination, a replication source. Must be empty.
	NamingFailedRegion []RegionalResource `json:"namingFailedRegion"`
	// PreProvisioned are inputs that use what prod keeps ready in the failed region for
	// CloudFront (platform:edgeCertificateArn, platform:cloudFrontWebAclArn): served by
	// CloudFront's global edge, never created or changed by the rebuild.
	PreProvisioned []RegionalResource `json:"preProvisioned"`
	// ByRegion counts the AWS resources per region, "global" for global services.
	ByRegion map[string]int `json:"byRegion"`
	// GlobalServices are the global-service resource types the rebuild creates (IAM,
	// Route 53, CloudFront): their data planes are global, their control planes are
	// in us-east-1 (see docs/disaster-recovery.md, "Global services").
	GlobalServices map[string]int `json:"globalServices"`
	// RestoreSource says where the database comes from; "" means an empty database.
	RestoreSource string `json:"restoreSource"`
	// Preconditions are what must be done before a disaster, not during it (not in the
	// RTO): e.g. prod's ids still stand-ins in the stack file.
	Preconditions []string     `json:"preconditions,omitempty"`
	ManualSteps   []ManualStep `json:"manualSteps"`
	// RebuildMinutes is the modeled critical path of the rebuild (CriticalPath.Minutes);
	// RTOMinutes adds the manual steps.
	RebuildMinutes float64 `json:"rebuildMinutes"`
	RTOMinutes     float64 `json:"rtoMinutes"`
	// Problems are why the rehearsal fails; each is also a blocking finding (dr-rehearsal).
	Problems []string `json:"problems,omitempty"`
}

// RegionalResource is a resource placed in, or pointing into, a region.
type RegionalResource struct {
	URN    string `json:"urn"`
	Type   string `json:"type"`
	Region string `json:"region"`
	// Path is the input that names the region ("" when the provider places it there).
	Path string `json:"path,omitempty"`
}

// ManualStep is one step of docs/disaster-recovery.md that people perform.
type ManualStep struct {
	Step    string  `json:"step"`
	Minutes float64 `json:"minutes"`
}

// DRRehearsalRule is the ID of the blocking finding a failed rehearsal adds.
const DRRehearsalRule = "dr-rehearsal"

// drManualSteps are the runbook's people steps (docs/disaster-recovery.md, "Step by
// step") with our estimate of each. They are estimates: each drill records the measured
// times next to them in the drill log, and this table follows the measurements.
var drManualSteps = []ManualStep{
	{"1. declare the disaster with the incident commander", 15},
	{"2. freeze prod writes if prod is partly alive", 5},
	{"3-4. pick the recovery point and set the restore source", 10},
	{"5. preflight the dr stack offline", 5},
	{"6b. set platform:apiLoadBalancerArnSuffix and run pulumi up again (the API alarms)", 5},
	{"7. fill the Docker Hub credential of the dr pull-through cache", 5},
	{"8. verify the restored data and one agent task end to end", 20},
	{"9. cut over DNS (60 s TTLs) and check from outside", 10},
}

// globalControlPlane is where the global services' control planes run.
const globalControlPlane = "us-east-1"

// globalServices are AWS services without regions: their resources belong to no
// provider region.
var globalServices = []string{"aws:iam/", "aws:route53/", "aws:cloudfront/", "aws:budgets/", "aws:organizations/", "aws:shield/"}

func disasterRehearsal(r *Report) *DRRehearsal {
	failed := r.Config["platform:failedRegion"]
	if failed == "" {
		return nil
	}
	d := &DRRehearsal{FailedRegion: failed, InFailedRegion: []RegionalResource{}, NamingFailedRegion: []RegionalResource{},
		PreProvisioned: []RegionalResource{}, ByRegion: map[string]int{}, GlobalServices: map[string]int{}, ManualSteps: manualSteps(r.Config)}
	if stale := standIns(r.Config); len(stale) > 0 {
		// prod's ids exist only after prod's `pulumi up`; a rebuild with the committed
		// stand-ins fails at the first record or distribution, after the restore started.
		d.Preconditions = append(d.Preconditions, "set prod's ids in the dr stack before a rebuild, once after prod's first pulumi up (still stand-ins: "+
			strings.Join(stale, ", ")+"; docs/disaster-recovery.md)")
	}

	ready := map[string]bool{}
	for _, key := range []string{"platform:edgeCertificateArn", "platform:cloudFrontWebAclArn"} {
		if v := r.Config[key]; v != "" {
			ready[v] = true
		}
	}
	regions := providerRegions(r)
	home := r.Config["aws:region"]
	for _, res := range r.Resources {
		if !res.Custom || !strings.HasPrefix(res.Type, "aws:") {
			continue
		}
		region := home
		if p, ok := regions[res.Provider]; ok {
			region = p
		}
		switch {
		case isGlobalService(res.Type):
			d.ByRegion["global"]++
			d.GlobalServices[shortService(res.Type)]++
		default:
			d.ByRegion[region]++
			if region == failed {
				d.InFailedRegion = append(d.InFailedRegion, RegionalResource{URN: res.URN, Type: res.Type, Region: region})
			}
		}
		for path, value := range namesRegion(res.Inputs, failed) {
			x := RegionalResource{URN: res.URN, Type: res.Type, Region: failed, Path: path}
			if ready[value] {
				d.PreProvisioned = append(d.PreProvisioned, x)
			} else {
				d.NamingFailedRegion = append(d.NamingFailedRegion, x)
			}
		}
	}
	for _, l := range [][]RegionalResource{d.NamingFailedRegion, d.PreProvisioned} {
		sort.Slice(l, func(i, j int) bool { return l[i].URN+l[i].Path < l[j].URN+l[j].Path })
	}
	d.RestoreSource = restoreSource(r.Config)
	d.RebuildMinutes = r.CriticalPath.Minutes
	d.RTOMinutes = d.RebuildMinutes
	for _, s := range d.ManualSteps {
		d.RTOMinutes += s.Minutes
	}
	if n := len(d.InFailedRegion); n > 0 {
		d.Problems = append(d.Problems, fmt.Sprintf("the rebuild creates %d resources in the failed region %s (first: %s)", n, failed, d.InFailedRegion[0].URN))
	}
	if n := len(d.NamingFailedRegion); n > 0 {
		f := d.NamingFailedRegion[0]
		d.Problems = append(d.Problems, fmt.Sprintf("%d inputs point into the failed region %s (first: %s %s)", n, failed, f.URN, f.Path))
	}
	if d.RestoreSource == "" {
		d.Problems = append(d.Problems, "no restore source: the rebuild would start from an empty database")
	}
	return d
}

// providerRegions maps each explicit AWS provider's URN to its region.
func providerRegions(r *Report) map[string]string {
	out := map[string]string{}
	for _, res := range r.Resources {
		if res.Type == tokens.ProviderAWS {
			if region, ok := res.Inputs["region"].(string); ok {
				out[res.URN] = region
			}
		}
	}
	return out
}

func isGlobalService(typ string) bool {
	if strings.HasPrefix(typ, "aws:route53/resolver") {
		return false // Route 53 Resolver is regional
	}
	for _, p := range globalServices {
		if strings.HasPrefix(typ, p) {
			return true
		}
	}
	return false
}

// shortService is "aws:iam" for "aws:iam/role:Role".
func shortService(typ string) string {
	s, _, _ := strings.Cut(typ, "/")
	return s
}

// namesRegion maps the input paths whose value is region, or an ARN or endpoint in it,
// to that value.
func namesRegion(inputs map[string]any, region string) map[string]string {
	out := map[string]string{}
	for path, v := range flatten(inputs) {
		s, ok := v.(string)
		if ok && (s == region || strings.Contains(s, ":"+region+":") || strings.Contains(s, "."+region+".")) {
			out[path] = s
		}
	}
	return out
}

func restoreSource(config map[string]string) string {
	switch {
	case config["platform:restoreSnapshotId"] != "":
		return "snapshot or recovery point " + config["platform:restoreSnapshotId"]
	case config["platform:restorePointInTime"] != "":
		return "point in time " + config["platform:restorePointInTime"] + " of " + config["platform:restoreSourceBackupsArn"]
	}
	return ""
}

// findings are the rehearsal's problems as blocking findings, so a rebuild that needs
// the failed region fails the report like a mandatory policy.
func (d *DRRehearsal) findings() []Finding {
	out := make([]Finding, 0, len(d.Problems))
	for _, p := range d.Problems {
		out = append(out, Finding{Rule: DRRehearsalRule, Severity: "critical", Enforcement: "mandatory", Blocking: true,
			Message: "DR rehearsal: " + p + " (docs/disaster-recovery.md)"})
	}
	if n := d.ByRegion["global"]; n > 0 && d.FailedRegion == globalControlPlane {
		out = append(out, Finding{Rule: DRRehearsalRule, Severity: "medium", Enforcement: "advisory",
			Message: fmt.Sprintf("DR rehearsal: the rebuild creates %d resources of global services (%s) whose control planes run in %s, the failed region; "+
				"their data planes keep serving, but creating them may fail or lag until it recovers: re-run pulumi up (docs/disaster-recovery.md, Global services)",
				n, regionCounts(d.GlobalServices), d.FailedRegion)})
	}
	return out
}

// standIns are the keys that still hold the committed stand-ins for prod's outputs.
func standIns(config map[string]string) []string {
	var out []string
	for _, key := range []string{"platform:dnsZoneId", "platform:edgeCertificateArn", "platform:cloudFrontWebAclArn"} {
		if stacks.IsStandIn(config[key]) {
			out = append(out, key)
		}
	}
	return out
}

// manualSteps are the runbook's people steps for a rebuild of this configuration.
func manualSteps(config map[string]string) []ManualStep {
	steps := slices.Clone(drManualSteps)
	if config["platform:restorePointInTime"] != "" {
		// The provider applies the password input after a snapshot restore, not after a
		// point-in-time restore: the instance keeps the source's master password.
		steps = append(steps, ManualStep{"6c. reset the master password to the dr secret (aws rds modify-db-instance --master-user-password)", 10})
	}
	return steps
}
