package rules

import (
	"fmt"
	"strings"

	"github.com/generic-corp/platform/internal/tokens"
)

var iamNoAdmin = Rule{
	ID: "iam-no-admin", Number: 39, Severity: High, Anchors: "CK_AWS_62/63, TV",
	Description: "No IAM policy (managed, role/user/group inline, role inlinePolicies) allows Action \"*\" on Resource \"*\", " +
		"and no role, user or group attaches a forbidden managed policy (AdministratorAccess).",
	ResourceTypes: []string{tokens.IAMPolicy, tokens.IAMRolePolicy, tokens.IAMUserPolicy, tokens.IAMGroupPolicy, tokens.IAMRole,
		tokens.IAMRolePolicyAttachment, tokens.IAMUserPolicyAttachment, tokens.IAMGroupPolicyAttachment, tokens.IAMPolicyAttachment},
	Params: []ParamSpec{{Name: "forbiddenPolicyArns", Type: ParamStringList, Default: []string{"arn:aws*:iam::aws:policy/AdministratorAccess"},
		Description: "globs of managed policy ARNs that must never be attached"}},
	CheckResource: func(r Resource, p Params) []Finding {
		switch r.Type {
		case tokens.IAMPolicy, tokens.IAMRolePolicy, tokens.IAMUserPolicy, tokens.IAMGroupPolicy:
			return adminStatements(r, "policy")
		case tokens.IAMRole:
			var out []Finding
			inline := r.in("inlinePolicies")
			if inline.IsUnknown() {
				out = append(out, unknown(r, "inlinePolicies", "whether an inline policy grants admin"))
			}
			elems, _ := inline.Array()
			for i := range elems {
				out = append(out, adminStatements(r, fmt.Sprintf("inlinePolicies[%d].policy", i))...)
			}
			return append(out, forbiddenArns(r, "managedPolicyArns", p.StringList("forbiddenPolicyArns"))...)
		}
		return forbiddenArns(r, "policyArn", p.StringList("forbiddenPolicyArns"))
	},
}

func adminStatements(r Resource, path string) []Finding {
	doc, st, err := readPolicy(r.in(path))
	if fs := policyProblem(r, path, doc, st, err, "whether the policy grants admin"); fs != nil || st != Known {
		return fs
	}
	var out []Finding
	for i, s := range doc.Statements {
		if !s.allows() {
			continue
		}
		if (contains(s.Actions, "*") || contains(s.Actions, "*:*")) && contains(s.Resources, "*") {
			out = append(out, fail(r, "%s %s allows Action \"*\" on Resource \"*\" (full admin); list the actions and resource ARNs the workload needs", path, doc.label(i)))
		}
	}
	return out
}

func forbiddenArns(r Resource, path string, forbidden []string) []Finding {
	arns, st := r.in(path).StringList()
	var out []Finding
	for _, a := range arns {
		if globAny(forbidden, a) {
			out = append(out, fail(r, "%s attaches %s; grant a least-privilege policy instead", path, show(a, r.in(path).Secret())))
		}
	}
	if st == Unknown && len(out) == 0 {
		out = append(out, unknown(r, path, "whether a forbidden managed policy is attached"))
	}
	return out
}

var iamTrustScoped = Rule{
	ID: "iam-trust-scoped", Number: 40, Severity: High, Anchors: "CK_AWS_60/61",
	Description: "Role trust policies name no \"*\" principal, and every OIDC (IRSA) federated trust has a Condition on " +
		"\"<issuer>:sub\" that pins a service account.",
	ResourceTypes: []string{tokens.IAMRole},
	CheckResource: func(r Resource, _ Params) []Finding {
		doc, st, err := readPolicy(r.in("assumeRolePolicy"))
		if fs := policyProblem(r, "assumeRolePolicy", doc, st, err, "who may assume the role"); fs != nil {
			return fs
		}
		if st == Missing {
			return []Finding{fail(r, "assumeRolePolicy is not set; give the role a trust policy naming its principal")}
		}
		var out []Finding
		for i, s := range doc.Statements {
			if !s.allows() {
				continue
			}
			if s.Principal.Wildcard {
				out = append(out, fail(r, "assumeRolePolicy %s trusts Principal \"*\"; name the account, service or OIDC provider", doc.label(i)))
			}
			if !webIdentity(s) {
				continue
			}
			if sub, ok := subCondition(s); !ok {
				out = append(out, fail(r, "assumeRolePolicy %s trusts an OIDC provider without a \"<issuer>:sub\" condition, so any service account "+
					"in the cluster may assume it; add StringEquals {\"<issuer>:sub\": \"system:serviceaccount:<ns>:<sa>\"}", doc.label(i)))
			} else if sub == "*" {
				out = append(out, fail(r, "assumeRolePolicy %s pins \"<issuer>:sub\" to \"*\"; name the service account", doc.label(i)))
			}
		}
		return out
	},
}

// webIdentity reports a statement that trusts an OIDC identity provider.
func webIdentity(s statement) bool {
	for _, f := range s.Principal.Federated {
		if strings.Contains(f, "oidc-provider") {
			return true
		}
	}
	return contains(s.Actions, "sts:AssumeRoleWithWebIdentity") && len(s.Principal.Federated) > 0
}

// subCondition finds a condition key ending in ":sub"; it returns "*" when one only
// matches everything.
func subCondition(s statement) (string, bool) {
	found, wildcard := false, true
	for _, kv := range s.Condition {
		for k, vals := range kv {
			if !strings.HasSuffix(k, ":sub") {
				continue
			}
			found = true
			for _, v := range vals {
				if v != "*" {
					wildcard = false
				}
			}
		}
	}
	if found && wildcard {
		return "*", true
	}
	return "", found
}

var kmsRotation = Rule{
	ID: "kms-rotation", Number: 41, Severity: Medium, Anchors: "AG, CRP, CK_AWS_7, TV",
	Description:   "Symmetric KMS keys rotate automatically (enableKeyRotation).",
	ResourceTypes: []string{tokens.KMSKey},
	CheckResource: func(r Resource, _ Params) []Finding {
		if u, ok := r.in("keyUsage").String(); ok && u != "ENCRYPT_DECRYPT" {
			return nil
		}
		if spec, ok := r.in("customerMasterKeySpec").String(); ok && spec != "SYMMETRIC_DEFAULT" {
			return nil
		}
		return requireTrue(r, "enableKeyRotation", "set enableKeyRotation: true")
	},
}

var kmsNoWildcardPrincipal = Rule{
	ID: "kms-no-wildcard-principal", Number: 42, Severity: High, Anchors: "CK_AWS_33",
	Description:   "KMS key policies grant nothing to Principal \"*\" without a Condition (an unset policy is the default account-root policy).",
	ResourceTypes: []string{tokens.KMSKey},
	CheckResource: func(r Resource, _ Params) []Finding {
		doc, st, err := readPolicy(r.in("policy"))
		if fs := policyProblem(r, "policy", doc, st, err, "who the key policy grants"); fs != nil || st != Known {
			return fs
		}
		var out []Finding
		for _, i := range doc.publicAllows() {
			out = append(out, fail(r, "policy %s allows Principal \"*\" with no Condition; name the principals or add a Condition (e.g. kms:CallerAccount)",
				doc.label(i)))
		}
		return out
	},
}
