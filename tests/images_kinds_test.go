package tests

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
	"github.com/generic-corp/platform/policies/rules"
	"github.com/generic-corp/platform/policies/verdict"
)

// Issue 13: the image, resource and Pod Security rules see every workload kind the
// program registers, not only its Deployments.

const (
	jobType  = tokens.K8sJob
	cronType = tokens.K8sCronJob
	stsType  = tokens.K8sStatefulSet
	dsType   = tokens.K8sDaemonSet
)

var podTemplateRules = []string{"k8s-hygiene", "k8s-pss-restricted"}

func TestPodTemplateRulesCoverEveryWorkloadKind(t *testing.T) {
	for _, id := range podTemplateRules {
		r, ok := rules.ByID(id)
		require.True(t, ok, id)
		for _, typ := range []string{deploy, jobType, cronType, stsType, dsType} {
			require.True(t, r.Applies(typ), "%s judges %s", id, typ)
		}
	}
}

// The committed stacks' Jobs (the Temporal schema Job, the migration) pass the rules
// they are now judged by, with images through our registries.
func TestCommittedJobsPassThePodTemplateRules(t *testing.T) {
	for _, stack := range stacksUnderTest {
		t.Run(stack, func(t *testing.T) {
			p := capture(t, stack, plan.Preview)
			rep, err := verdict.Check(p, policyConfig(t, stack))
			require.NoError(t, err)
			judged := map[string]bool{}
			for _, typ := range []string{jobType, cronType, stsType, dsType} {
				for _, r := range p.ByType(typ) {
					judged[r.URN] = true
				}
			}
			require.True(t, slices.ContainsFunc(p.ByType(jobType), func(r *plan.Resource) bool { return r.Name == "temporal-schema" }),
				"the Temporal schema Job is registered as a plain Job")
			for _, f := range rep.Findings {
				if judged[f.URN] && slices.Contains(podTemplateRules, strings.TrimSuffix(f.RuleID, "-unknown")) {
					t.Errorf("%s: %s", f.RuleID, f.Message)
				}
			}
		})
	}
}

// The gate: the Temporal schema Job pulling admin-tools:latest straight from Docker Hub
// blocks a prod deployment.
func TestLatestDockerHubSchemaJobBlocksProd(t *testing.T) {
	p := clonePlan(capture(t, "prod", plan.Preview))
	job, err := pick(p, jobType, "temporal-schema")
	require.NoError(t, err)
	job.Inputs = set(job.Inputs, "spec.template.spec.initContainers[1].image", pv("temporalio/admin-tools:latest"))
	rep, err := verdict.Check(p, policyConfig(t, "prod"))
	require.NoError(t, err)
	var hits []string
	for _, f := range rep.Blocking() {
		if f.RuleID == "k8s-hygiene" && f.URN == job.URN {
			hits = append(hits, f.Message)
		}
	}
	require.Len(t, hits, 1, "a mandatory k8s-hygiene finding on the schema Job")
	require.Contains(t, hits[0], `spec.template.spec.initContainers[1] ("schema-default")`)
	require.Contains(t, hits[0], `image "temporalio/admin-tools:latest" uses :latest`)
	require.Contains(t, hits[0], "is not from an allowed registry")
}
