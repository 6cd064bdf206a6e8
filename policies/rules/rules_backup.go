package rules

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/generic-corp/platform/internal/tokens"
)

var backupCoverage = Rule{
	ID: "backup-coverage", Number: 45, Severity: Medium, ProdMandatory: true, Anchors: "CK2_AWS_8, own",
	Description: "Every RDS instance (read replicas excepted) is selected by an AWS Backup selection (resources ARN, " +
		"selectionTags or conditions on its tags, e.g. backup=true) whose plan has a rule with a copy action " +
		"(cross-region copy). Mandatory in prod and dr: the catalogue scopes it to prod instances.",
	ResourceTypes: []string{tokens.RDSInstance, tokens.BackupSelection, tokens.BackupPlan},
	Params: []ParamSpec{{Name: "requireCopyAction", Type: ParamBool, Default: true,
		Description: "the selecting plan must have a rule with copyActions"}},
	CheckStack: func(s Stack, p Params) []Finding {
		var out []Finding
		for _, inst := range s.ofType(tokens.RDSInstance) {
			if isSet(inst.in("replicateSourceDb")) {
				continue
			}
			covered, open := false, ""
			for _, sel := range s.ofType(tokens.BackupSelection) {
				vd, why := selects(sel, inst)
				if vd == violation {
					continue
				}
				if p.Bool("requireCopyAction") {
					pvd, pwhy := planCopies(s, sel)
					if pvd == violation {
						continue
					}
					if pvd == undecided {
						vd, why = undecided, pwhy
					}
				}
				if vd == pass {
					covered = true
					break
				}
				open = why
			}
			switch {
			case covered:
			case open != "":
				out = append(out, unknown(inst, open, "whether a backup selection covers the instance"))
			default:
				out = append(out, fail(inst, "no aws.backup.Selection selects this instance through a plan with a copy action; tag it backup=true and "+
					"select that tag (selectionTags or conditions) in a plan whose rule has copyActions to the DR vault"))
			}
		}
		return out
	},
}

// selects decides whether a backup selection picks the instance; the string names the
// unknown input when undecided. Resources and selectionTags are ORed; conditions are
// ANDed on top; conditions alone (no resources, no tags) select by themselves.
func selects(sel, inst Resource) (verdict, string) {
	res, sts, conds := sel.in("resources"), sel.in("selectionTags"), sel.in("conditions")
	resVd := resourcesMatch(sel, inst)
	condBlocks, _ := conds.Array()
	hasConds := conds.IsUnknown() || len(condBlocks) > 0
	if inst.in("tags").IsUnknown() {
		if resVd == pass && !hasConds {
			return pass, ""
		}
		return undecided, "tags"
	}
	tags, _ := inst.in("tags").Map()
	tagVd := violation
	if sts.IsUnknown() {
		tagVd = undecided
	}
	elems, _ := sts.Array()
	for _, e := range elems {
		k, _ := e.Get("key").String()
		v, _ := e.Get("value").String()
		if got, ok := Get(tags, fmt.Sprintf("[%q]", k)).String(); ok && got == v {
			tagVd = pass
		}
	}
	condVd := conditionsMatch(sel, tags)
	onlyConds := res.IsMissing() && sts.IsMissing() && hasConds
	switch {
	case condVd == undecided:
		return undecided, "conditions"
	case condVd == violation:
		return violation, ""
	case resVd == pass || tagVd == pass || onlyConds:
		return pass, ""
	case resVd == undecided:
		return undecided, "resources"
	case tagVd == undecided:
		return undecided, "selectionTags"
	}
	return violation, ""
}

// resourcesMatch checks a selection's resources list: the instance's ARN (by value or
// dependency), "*", or an RDS instance wildcard such as "arn:aws:rds:*:*:db:*".
func resourcesMatch(sel, inst Resource) verdict {
	if refers(sel, "resources", inst, "arn") == joinYes {
		return pass
	}
	list, st := sel.in("resources").StringList()
	arn := strOf(Get(inst.Outputs, "arn"))
	for _, pat := range list {
		if pat == "*" || (arn != "" && globMatch(pat, arn)) || (strings.Contains(pat, ":rds:") && strings.HasSuffix(pat, ":db:*")) {
			return pass
		}
	}
	if st == Unknown && len(sel.depsOfType("resources", inst.Type)) == 0 {
		return undecided
	}
	return violation
}

// conditionsMatch evaluates a selection's conditions (ANDed) against the instance tags;
// keys are "aws:ResourceTag/<tag>".
func conditionsMatch(sel Resource, tags property.Map) verdict {
	c := sel.in("conditions")
	if c.IsUnknown() {
		return undecided
	}
	blocks, _ := c.Array()
	for _, b := range blocks {
		for _, op := range []string{"stringEquals", "stringLikes", "stringNotEquals", "stringNotLikes"} {
			conds, _ := b.Get(op).Array()
			for _, cond := range conds {
				k, ok1 := cond.Get("key").String()
				want, ok2 := cond.Get("value").String()
				if !ok1 || !ok2 {
					return undecided
				}
				got, _ := Get(tags, fmt.Sprintf("[%q]", strings.TrimPrefix(k, "aws:ResourceTag/"))).String()
				var hit bool
				switch op {
				case "stringEquals", "stringNotEquals":
					hit = got == want
				default:
					hit = globMatch(want, got)
				}
				if strings.Contains(op, "Not") == hit {
					return violation
				}
			}
		}
	}
	return pass
}

// planCopies decides whether the selection's plan has a rule with a copy action.
func planCopies(s Stack, sel Resource) (verdict, string) {
	plans, unresolved := referenced(s, sel, "planId", tokens.BackupPlan, "id")
	if len(plans) == 0 {
		if unresolved {
			return undecided, "planId"
		}
		return violation, ""
	}
	for _, pl := range plans {
		rules := pl.in("rules")
		if rules.IsUnknown() {
			return undecided, "planId"
		}
		elems, _ := rules.Array()
		for _, r := range elems {
			ca := r.Get("copyActions")
			if ca.IsUnknown() {
				return undecided, "planId"
			}
			if list, _ := ca.Array(); len(list) > 0 {
				return pass, ""
			}
		}
	}
	return violation, ""
}

var backupVaultCMK = Rule{
	ID: "backup-vault-cmk", Number: 46, Severity: Medium, Anchors: "CK_AWS_166",
	Description:   "Backup vaults are encrypted with a customer-managed KMS key and, where requireVaultLock (prod, dr), locked by a VaultLockConfiguration.",
	ResourceTypes: []string{tokens.BackupVault, tokens.BackupVaultLockConfiguration},
	Params: []ParamSpec{{Name: "requireVaultLock", Type: ParamBool, Default: true,
		StackDefaults: map[string]any{StackStaging: false, StackProd: true, StackDR: true},
		Description:   "require an aws.backup.VaultLockConfiguration for every vault"}},
	CheckStack: func(s Stack, p Params) []Finding {
		var out []Finding
		for _, v := range s.ofType(tokens.BackupVault) {
			out = append(out, cmkFindings(v, "kmsKeyArn", "backup vault encryption")...)
			if !p.Bool("requireVaultLock") {
				continue
			}
			found, unresolved := referrers(s, v, tokens.BackupVaultLockConfiguration, "backupVaultName", "name", "id")
			switch {
			case len(found) > 0:
			case unresolved:
				out = append(out, unknownJoin(v, shortType(tokens.BackupVaultLockConfiguration)))
			default:
				out = append(out, fail(v, "no VaultLockConfiguration locks this vault; add an aws.backup.VaultLockConfiguration (minRetentionDays, maxRetentionDays) so recovery points cannot be deleted"))
			}
		}
		return out
	},
}
