package rules

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
)

// Issue 13: the pod-template rules judge every workload kind, not only Deployments.

// goodPodTemplate is goodDeployment's pod template; a run-to-completion kind gets
// restartPolicy Never and no probes (k8s-hygiene asks for none there).
func goodPodTemplate(name string, runToCompletion bool) map[string]any {
	tpl := goodDeployment(name)["spec"].(map[string]any)["template"].(map[string]any)
	if runToCompletion {
		tpl = set(tpl, "spec.restartPolicy", "Never")
		tpl = set(tpl, "spec.containers[0].readinessProbe", del)
		tpl = set(tpl, "spec.containers[0].livenessProbe", del)
	}
	return tpl
}

// kindCase is a workload kind: its type, how its inputs wrap a pod template and the
// path of that template.
type kindCase struct {
	name, typ, tplPath string
	runToCompletion    bool
	wrap               func(tpl map[string]any) map[string]any
}

var podKinds = []kindCase{
	{"Job", tokens.K8sJob, "spec.template", true, func(tpl map[string]any) map[string]any {
		return map[string]any{"backoffLimit": 1, "template": tpl}
	}},
	{"CronJob", tokens.K8sCronJob, "spec.jobTemplate.spec.template", true, func(tpl map[string]any) map[string]any {
		return map[string]any{"schedule": "0 3 * * *", "jobTemplate": map[string]any{"spec": map[string]any{"template": tpl}}}
	}},
	{"StatefulSet", tokens.K8sStatefulSet, "spec.template", false, func(tpl map[string]any) map[string]any {
		return map[string]any{"replicas": 2, "serviceName": "w", "selector": map[string]any{"matchLabels": tpl["metadata"].(map[string]any)["labels"]}, "template": tpl}
	}},
	{"DaemonSet", tokens.K8sDaemonSet, "spec.template", false, func(tpl map[string]any) map[string]any {
		return map[string]any{"selector": map[string]any{"matchLabels": tpl["metadata"].(map[string]any)["labels"]}, "template": tpl}
	}},
}

// workload builds a resource of kind k whose good pod template is edited at the
// template-relative paths of edits.
func (k kindCase) workload(edits map[string]any) Resource {
	tpl := goodPodTemplate("w", k.runToCompletion)
	for path, v := range edits {
		tpl = set(tpl, path, v)
	}
	return res(k.typ, "w", map[string]any{
		"metadata": map[string]any{"name": "w", "namespace": "platform"},
		"spec":     k.wrap(tpl),
	})
}

func TestPodTemplateRulesJudgeEveryKind(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, id, path string
		value          any
		msg            string // "" means the rule passes
	}{
		{"good template passes hygiene", "k8s-hygiene", "", nil, ""},
		{"good template passes PSS", "k8s-pss-restricted", "", nil, ""},
		{"latest Docker Hub image fails", "k8s-hygiene", "spec.containers[0].image", "temporalio/admin-tools:latest",
			`image "temporalio/admin-tools:latest" uses :latest; image "temporalio/admin-tools:latest" is not from an allowed registry`},
		{"untagged init container image fails", "k8s-hygiene", "spec.initContainers", []any{map[string]any{"name": "init", "image": "postgres",
			"resources": map[string]any{"requests": map[string]any{"cpu": "10m", "memory": "16Mi"}, "limits": map[string]any{"cpu": "10m", "memory": "16Mi"}}}},
			`image "postgres" has no tag (means :latest)`},
		{"ECR image pinned by digest passes", "k8s-hygiene", "spec.containers[0].image",
			"123456789012.dkr.ecr.us-east-1.amazonaws.com/platform/api@sha256:abc", ""},
		{"no resources fails", "k8s-hygiene", "spec.containers[0].resources", del,
			"resources.requests.cpu not set; resources.requests.memory not set; resources.limits.memory not set; resources.limits.cpu not set"},
		{"no memory limit fails", "k8s-hygiene", "spec.containers[0].resources.limits.memory", del, "resources.limits.memory not set"},
		{"privilege escalation fails PSS", "k8s-pss-restricted", "spec.containers[0].securityContext.allowPrivilegeEscalation", true,
			"violates PSS restricted: allowPrivilegeEscalation != false"},
		{"root pod fails PSS", "k8s-pss-restricted", "spec.securityContext.runAsNonRoot", false, "violates PSS restricted: runAsNonRoot != true"},
	}
	for _, k := range podKinds {
		for _, c := range cases {
			t.Run(k.name+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				var edits map[string]any
				if c.path != "" {
					edits = map[string]any{c.path: c.value}
				}
				fs := only(run(t, c.id, stack("prod", k.workload(edits))), c.id)
				if c.msg == "" {
					require.Empty(t, fs, messages(fs))
					return
				}
				require.Len(t, fs, 1, messages(fs))
				require.Contains(t, fs[0].Message, c.msg)
				require.Contains(t, fs[0].Message, k.tplPath+".spec", "the finding names the kind's own template path")
				require.Equal(t, Mandatory, fs[0].Enforcement)
			})
		}
		t.Run(k.name+"/unknown image is undecided", func(t *testing.T) {
			t.Parallel()
			fs := run(t, "k8s-hygiene", stack("prod", k.workload(map[string]any{"spec.containers[0].image": unk})))
			require.Empty(t, only(fs, "k8s-hygiene"), messages(fs))
			require.Len(t, only(fs, UnknownID("k8s-hygiene")), 1, messages(fs))
		})
	}
}

// Probes are asked of long-running pods only: a Job's pod that runs to completion has no
// Service to be ready for, and a liveness probe could kill a long migration midway.
func TestProbesOnlyForLongRunningKinds(t *testing.T) {
	t.Parallel()
	for _, k := range podKinds {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			r := k.workload(map[string]any{"spec.containers[0].readinessProbe": del, "spec.containers[0].livenessProbe": del})
			fs := only(run(t, "k8s-hygiene", stack("prod", r)), "k8s-hygiene")
			if k.runToCompletion {
				require.Empty(t, fs, messages(fs))
				return
			}
			require.Len(t, fs, 1, messages(fs))
			require.Contains(t, fs[0].Message, "readinessProbe not set; livenessProbe not set")
		})
	}
	// A bare Pod is long-running unless its restartPolicy says it runs to completion.
	pod := func(restart any) Resource {
		spec := set(goodPodTemplate("p", true)["spec"].(map[string]any), "restartPolicy", restart)
		return res(tokens.K8sPod, "p", map[string]any{"metadata": map[string]any{"name": "p", "namespace": "platform"}, "spec": spec})
	}
	require.Len(t, only(run(t, "k8s-hygiene", stack("prod", pod("Always"))), "k8s-hygiene"), 1)
	require.Len(t, only(run(t, "k8s-hygiene", stack("prod", pod(del))), "k8s-hygiene"), 1, "restartPolicy defaults to Always")
	require.Empty(t, only(run(t, "k8s-hygiene", stack("prod", pod("OnFailure"))), "k8s-hygiene"))
	unknownPolicy := only(run(t, "k8s-hygiene", stack("prod", pod(unk))), UnknownID("k8s-hygiene"))
	require.Len(t, unknownPolicy, 1, "an unknown restartPolicy leaves the probe requirement undecided")
}

// The gate: a Job running a :latest Docker Hub image blocks a prod deployment.
func TestLatestDockerHubJobBlocksProd(t *testing.T) {
	t.Parallel()
	job := podKinds[0].workload(map[string]any{"spec.containers[0].image": "temporalio/admin-tools:latest"})
	fs, err := Evaluate(stack("prod", job), Config{})
	require.NoError(t, err)
	i := slices.IndexFunc(fs, func(f Finding) bool {
		return f.RuleID == "k8s-hygiene" && f.Blocking() && strings.Contains(f.Message, "temporalio/admin-tools:latest")
	})
	require.GreaterOrEqual(t, i, 0, "no blocking k8s-hygiene finding:\n%s", messages(fs))
	require.Equal(t, job.URN, fs[i].URN)
}
