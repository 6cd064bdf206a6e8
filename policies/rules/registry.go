package rules

import (
	"fmt"
	"slices"
	"sync"
)

// catalogue lists every rule in catalogue order (rule-catalogue.md numbers 1-60, then the rollout models from 61, the first-deploy rehearsal from 65, the day-2 simulation at 69, the version lifecycle at 70 and the CIS trail alarms at 71).
var catalogue = []Rule{
	rdsEncrypted, rdsNotPublic, rdsBackupRetention, rdsMultiAZ, rdsDeletionProtection,
	rdsForceSSL, rdsPerformanceInsights, rdsLogs, rdsMinorUpgrades, rdsCopyTags,
	redisAtRest, redisInTransit, redisFailover, redisSnapshots, redisQueueNoEviction,
	s3PublicAccessBlock, s3SSEKMS, s3Versioning, s3Logging, s3ACLsDisabled, s3TLSOnly,
	cfHTTPSViewers, cfTLSMin, cfOAC, cfWAF, cfLogging, cfSecurityHeaders,
	eksSecretsKMS, eksEndpointPrivate, eksControlPlaneLogs, eksVersionFloor, eksNodesIMDSv2, eksNodesNoSSH,
	sgNoPublicAdmin, sgDataTierFromSG, sgDescriptions, vpcFlowLogs, subnetNoAutoPublicIP,
	iamNoAdmin, iamTrustScoped, kmsRotation, kmsNoWildcardPrincipal,
	secretsCMK, snsEncrypted, backupCoverage, backupVaultCMK, logsRetention, alarmsRouted,
	ecrImmutableScan, cloudtrailOn,
	k8sPSSRestricted, k8sHygiene, k8sHA, pgbouncerConnectionBudget,
	costRequiredTags, costInstanceAllowlist, costGP3, costNATCount, costStackBudget,
	statefulProtected,
	k8sReadinessDeadlock, netpolRequiredFlows, netpolDefaultDeny, netpolLeastOpen,
	deployEndpointReachable, deployArtifactsProvided, deployZoneDelegated, deploySecretHasVersion,
	day2Converges, versionLifecycle, cisTrailAlarms,
}

var byID = sync.OnceValue(func() map[string]Rule {
	m := make(map[string]Rule, len(catalogue))
	for _, r := range catalogue {
		m[r.ID] = r
	}
	return m
})

// All returns every rule in catalogue order. The slice is a copy.
func All() []Rule { return slices.Clone(catalogue) }

// ByID returns a rule by ID (not a companion "-unknown" ID).
func ByID(id string) (Rule, bool) {
	r, ok := byID()[id]
	return r, ok
}

// RuleInfo describes a rule for documentation (the README generator) and the pack.
type RuleInfo struct {
	Number      int
	ID          string
	UnknownID   string // the companion rule that carries unknown-value findings
	Severity    Severity
	Enforcement map[string]Enforcement // default level per stack (staging, prod, dr)
	Description string
	Anchors     string
	Types       []string // resource types read ("" entries never appear); nil for open-ended rules
	Params      []ParamInfo
	Stack       bool // a stack rule (joins across resources) rather than a per-resource rule
}

// ParamInfo describes a parameter with its default per stack.
type ParamInfo struct {
	Name, Type, Description string
	Default                 map[string]string // stack -> rendered default ("" when unset)
}

// Catalogue lists every rule's documentation in catalogue order.
func Catalogue() []RuleInfo {
	out := make([]RuleInfo, 0, len(catalogue))
	for _, r := range catalogue {
		info := RuleInfo{
			Number: r.Number, ID: r.ID, UnknownID: UnknownID(r.ID), Severity: r.Severity,
			Enforcement: map[string]Enforcement{}, Description: r.Description, Anchors: r.Anchors,
			Types: slices.Clone(r.ResourceTypes), Stack: r.CheckStack != nil,
		}
		for _, st := range Stacks {
			info.Enforcement[st] = r.DefaultEnforcement(st)
		}
		for _, p := range r.Params {
			pi := ParamInfo{Name: p.Name, Type: string(p.Type), Description: p.Description, Default: map[string]string{}}
			for _, st := range Stacks {
				if d := p.defaultFor(st); d != nil {
					pi.Default[st] = renderDefault(d)
				} else {
					pi.Default[st] = ""
				}
			}
			info.Params = append(info.Params, pi)
		}
		out = append(out, info)
	}
	return out
}

func renderDefault(v any) string {
	switch x := v.(type) {
	case []string:
		return fmt.Sprintf("%q", x)
	case map[string]any:
		return fmt.Sprintf("%d entries", len(x))
	}
	return fmt.Sprintf("%v", v)
}
