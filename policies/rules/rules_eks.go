package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/generic-corp/platform/internal/apicidrs"
	"github.com/generic-corp/platform/internal/lifecycle"
	"github.com/generic-corp/platform/internal/tokens"
)

var eksSecretsKMS = Rule{
	ID: "eks-secrets-kms", Number: 28, Severity: High, Anchors: "CRP, CK_AWS_58, TV",
	Description:   "EKS clusters envelope-encrypt Kubernetes secrets with a KMS key (encryptionConfig.resources includes \"secrets\").",
	ResourceTypes: []string{tokens.EKSCluster},
	CheckResource: func(r Resource, _ Params) []Finding {
		res, st := r.in("encryptionConfig.resources").StringList()
		switch {
		case st == Unknown:
			return []Finding{unknown(r, "encryptionConfig.resources", "which resources are envelope-encrypted")}
		case !contains(res, "secrets"):
			return []Finding{fail(r, "encryptionConfig.resources is %s; set encryptionConfig {resources: [\"secrets\"], provider.keyArn: <KMS key ARN>}",
				r.in("encryptionConfig.resources").Display())}
		}
		return cmkFindings(r, "encryptionConfig.provider.keyArn", "secrets envelope encryption")
	},
}

var eksEndpointPrivate = Rule{
	ID: "eks-endpoint-private", Number: 29, Severity: Critical, Anchors: "CRP, CK_AWS_38/39, TV",
	Description: "The EKS API endpoint is private, or public only to listed CIDRs (never 0.0.0.0/0 or ::/0), each a public IPv4 /20 to /32, " +
		"at most 65,536 addresses together (internal/apicidrs, the limits stacks.Load applies to clusterPublicAccessCidrs). " +
		"endpointPublicAccess defaults to true in AWS, and publicAccessCidrs to 0.0.0.0/0.",
	ResourceTypes: []string{tokens.EKSCluster},
	CheckResource: func(r Resource, _ Params) []Finding {
		pub := r.in("vpcConfig.endpointPublicAccess")
		if pub.IsUnknown() {
			return []Finding{unknown(r, "vpcConfig.endpointPublicAccess", "whether the API endpoint is public")}
		}
		if b, ok := pub.Bool(); ok && !b {
			return nil
		}
		cidrs, st := r.in("vpcConfig.publicAccessCidrs").StringList()
		switch {
		case st == Unknown:
			return []Finding{unknown(r, "vpcConfig.publicAccessCidrs", "who may reach the public API endpoint")}
		case len(cidrs) == 0:
			return []Finding{fail(r, "vpcConfig.endpointPublicAccess is %s and publicAccessCidrs is not set (0.0.0.0/0); set endpointPublicAccess: false "+
				"(endpointPrivateAccess: true) or list the operator CIDRs in publicAccessCidrs", pub.Display())}
		}
		for _, c := range cidrs {
			if isOpenCIDR(c) {
				return []Finding{fail(r, "vpcConfig.publicAccessCidrs contains %q; restrict it to operator CIDRs or turn endpointPublicAccess off", c)}
			}
		}
		var out []Finding
		for _, pr := range apicidrs.Check(cidrs) {
			out = append(out, fail(r, "vpcConfig.publicAccessCidrs entry %q %s", pr.Value, pr.Reason))
		}
		return out
	},
}

// eksLogTypes are the five control-plane log types.
var eksLogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

var eksControlPlaneLogs = Rule{
	ID: "eks-control-plane-logs", Number: 30, Severity: Medium, Anchors: "CK_AWS_37, TV",
	Description:   "EKS clusters ship all five control-plane log types.",
	ResourceTypes: []string{tokens.EKSCluster},
	CheckResource: func(r Resource, _ Params) []Finding {
		got, st := r.in("enabledClusterLogTypes").StringList()
		if st == Unknown {
			return []Finding{unknown(r, "enabledClusterLogTypes", "the control-plane log types")}
		}
		var missing []string
		for _, t := range eksLogTypes {
			if !contains(got, t) {
				missing = append(missing, t)
			}
		}
		if len(missing) > 0 {
			return []Finding{fail(r, "enabledClusterLogTypes is %s, missing %s; enable all of %s",
				r.in("enabledClusterLogTypes").Display(), strings.Join(missing, ", "), strings.Join(eksLogTypes, ", "))}
		}
		return nil
	},
}

var eksVersionFloor = Rule{
	ID: "eks-version-floor", Number: 31, Severity: Medium, Anchors: "CK_AWS_339",
	Description: "EKS clusters pin a Kubernetes version at or above the floor (an unpinned version drifts). The floor is minVersion " +
		"when a stack's policy config sets it, else the oldest minor in EKS standard support on the run date (internal/lifecycle).",
	ResourceTypes: []string{tokens.EKSCluster},
	Params: []ParamSpec{
		{Name: "minVersion", Type: ParamString, Optional: true, Description: "lowest acceptable Kubernetes minor version, \"1.NN\"; unset: the lifecycle table decides"},
		{Name: "runDate", Type: ParamString, Optional: true, Description: "the day to judge (YYYY-MM-DD); set by the caller, default today (UTC) or $PLATFORM_RUN_DATE"},
	},
	CheckResource: func(r Resource, p Params) []Finding {
		v := r.in("version")
		if v.IsUnknown() {
			return []Finding{unknown(r, "version", "the Kubernetes version")}
		}
		min, err := versionFloor(p)
		if err != nil {
			return []Finding{{Error: true, Message: "eks-version-floor: " + err.Error()}}
		}
		floor, ok := minorVersion(min)
		if !ok {
			return []Finding{{Error: true, Message: fmt.Sprintf("eks-version-floor: parameter minVersion %q is not \"1.NN\"; fix the policy config", min)}}
		}
		s, _ := v.String()
		if got, ok := minorVersion(s); !ok || got < floor {
			return []Finding{fail(r, "version is %s, below the floor %q; pin version to %q or newer", v.Display(), min, min)}
		}
		return nil
	},
}

// versionFloor is minVersion, else the oldest EKS minor in standard support on the run date.
func versionFloor(p Params) (string, error) {
	if p.Has("minVersion") {
		return p.String("minVersion"), nil
	}
	t, err := lifecycle.Load()
	if err != nil {
		return "", err
	}
	on, err := runDate(p)
	if err != nil {
		return "", err
	}
	for _, e := range t.Versions(lifecycle.EKS, "") {
		if t.Status(e, on).InStandardSupport() {
			return e.Version, nil
		}
	}
	return "", fmt.Errorf("no EKS minor in internal/lifecycle/lifecycle.json is in standard support on %s; update the table", lifecycle.FormatDate(on))
}

// minorVersion parses "1.31" (or "1.31.2") into 1031 for ordering.
func minorVersion(s string) (int, bool) {
	parts := strings.Split(strings.TrimPrefix(s, "v"), ".")
	if len(parts) < 2 {
		return 0, false
	}
	maj, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	return maj*1000 + minor, err1 == nil && err2 == nil
}

var eksNodesIMDSv2 = Rule{
	ID: "eks-nodes-imdsv2", Number: 32, Severity: High, Anchors: "CK_AWS_79, TV",
	Description: "Node launch templates require IMDSv2 (httpTokens required), keep the metadata hop limit <= maxHopLimit, " +
		"and encrypt every EBS volume they define (at least one).",
	ResourceTypes: []string{tokens.EC2LaunchTemplate},
	Params:        []ParamSpec{{Name: "maxHopLimit", Type: ParamInteger, Default: 2, Description: "highest acceptable httpPutResponseHopLimit"}},
	CheckResource: func(r Resource, p Params) []Finding {
		var out []Finding
		tok := r.in("metadataOptions.httpTokens")
		switch s, _ := tok.String(); {
		case tok.IsUnknown():
			out = append(out, unknown(r, "metadataOptions.httpTokens", "IMDSv2 enforcement"))
		case s != "required":
			out = append(out, fail(r, "metadataOptions.httpTokens is %s; set it to \"required\" (IMDSv2 only)", tok.Display()))
		}
		hop := r.in("metadataOptions.httpPutResponseHopLimit")
		if n, ok := hop.Number(); ok && n > p.Number("maxHopLimit") {
			out = append(out, fail(r, "metadataOptions.httpPutResponseHopLimit is %s; set it to %g or less so pods cannot reach node credentials", hop.Display(), p.Number("maxHopLimit")))
		} else if hop.IsUnknown() {
			out = append(out, unknown(r, "metadataOptions.httpPutResponseHopLimit", "the metadata hop limit"))
		}
		bdm := r.in("blockDeviceMappings")
		if bdm.IsUnknown() {
			return append(out, unknown(r, "blockDeviceMappings", "EBS encryption"))
		}
		elems, _ := bdm.Array()
		if len(elems) == 0 {
			out = append(out, fail(r, "blockDeviceMappings is not set, so the root volume follows the AMI (unencrypted unless the account default says otherwise); "+
				"map the root device with ebs.encrypted \"true\" and a kmsKeyId"))
		}
		for i := range elems {
			path := fmt.Sprintf("blockDeviceMappings[%d].ebs.encrypted", i)
			v := r.in(path)
			switch b, _ := v.Bool(); {
			case v.IsUnknown():
				out = append(out, unknown(r, path, "EBS encryption"))
			case !b:
				out = append(out, fail(r, "%s is %s; set it to \"true\"", path, v.Display()))
			}
		}
		return out
	},
}

var eksNodesNoSSH = Rule{
	ID: "eks-nodes-no-ssh", Number: 33, Severity: Medium, Anchors: "CK_AWS_100",
	Description:   "EKS node groups do not open SSH (no remoteAccess); use SSM Session Manager instead.",
	ResourceTypes: []string{tokens.EKSNodeGroup},
	CheckResource: func(r Resource, _ Params) []Finding {
		v := r.in("remoteAccess")
		if v.IsUnknown() {
			return []Finding{unknown(r, "remoteAccess", "whether SSH access is configured")}
		}
		if v.IsKnown() {
			return []Finding{fail(r, "remoteAccess is set (SSH key %s); remove remoteAccess and use SSM Session Manager", r.in("remoteAccess.ec2SshKey").Display())}
		}
		return nil
	},
}
