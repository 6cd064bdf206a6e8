package rules

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/generic-corp/platform/internal/tokens"
)

const ecrImage = "123456789012.dkr.ecr.us-east-1.amazonaws.com/platform/api:1.4.2"

func goodDeployment(name string) map[string]any {
	probe := map[string]any{"httpGet": map[string]any{"path": "/health", "port": 8080}, "periodSeconds": 10}
	return map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": name, "namespace": "platform", "labels": map[string]any{"app.kubernetes.io/name": name}},
		"spec": map[string]any{
			"replicas": 2,
			"selector": map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": name}},
			"template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "platform"}},
				"spec": map[string]any{
					"securityContext": map[string]any{"runAsNonRoot": true, "runAsUser": 10001, "seccompProfile": map[string]any{"type": "RuntimeDefault"}},
					"containers": []any{map[string]any{
						"name": name, "image": ecrImage, "ports": []any{map[string]any{"containerPort": 8080}},
						"env": []any{map[string]any{"name": "DATABASE_URL", "value": sec("postgres://app:pw-in-env@db/app")}},
						"resources": map[string]any{"requests": map[string]any{"cpu": "250m", "memory": "512Mi"},
							"limits": map[string]any{"cpu": "1", "memory": "512Mi"}},
						"readinessProbe": probe, "livenessProbe": probe,
						"securityContext": map[string]any{"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
							"capabilities": map[string]any{"drop": []any{"ALL"}}},
					}},
				},
			},
		},
	}
}

func pdb(name string, spec map[string]any) Resource {
	return res(tokens.K8sPodDisruptionBudget, name+"-pdb", map[string]any{"metadata": map[string]any{"name": name, "namespace": "platform"}, "spec": spec})
}

func goodPDB(name string) Resource {
	return pdb(name, map[string]any{"maxUnavailable": 1, "selector": map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": name}}})
}

func deployment(name string, inputs map[string]any, opts ...opt) Resource {
	return res(tokens.K8sDeployment, name, inputs, opts...)
}

func pgbouncerStack(replicas any, ini any, dbInputs map[string]any, group map[string]any) Stack {
	d := set(goodDeployment("pgbouncer"), "spec.replicas", replicas)
	cm := res(tokens.K8sConfigMap, "pgbouncer", map[string]any{"metadata": map[string]any{"name": "pgbouncer", "namespace": "platform"},
		"data": map[string]any{"pgbouncer.ini": ini}})
	rs := []Resource{deployment("pgbouncer", d), cm, db(dbInputs)}
	if group != nil {
		rs = append(rs, pg(group))
	}
	return stack("prod", rs...)
}

const pgbouncerIni = "[databases]\n* = host=db port=5432\n\n[pgbouncer]\npool_mode = transaction\ndefault_pool_size = 20\nreserve_pool_size = 5\n; comment\n"

func k8sCase(id, path string, bad any, msg, unkPath string) ruleCase {
	return ruleCase{
		id: id, pass: stack("prod", deployment("api", goodDeployment("api")), goodPDB("api")),
		fail: stack("prod", deployment("api", set(goodDeployment("api"), path, bad)), goodPDB("api")), failMsg: msg,
		unknown: stack("prod", deployment("api", set(goodDeployment("api"), unkPath, unk)), goodPDB("api")),
	}
}

func k8sCases() []ruleCase {
	return []ruleCase{
		k8sCase("k8s-pss-restricted", "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation", true,
			"violates PSS restricted: allowPrivilegeEscalation != false", "spec.template.spec.securityContext.runAsUser"),
		k8sCase("k8s-hygiene", "spec.template.spec.containers[0].image", "nginx:latest", `image "nginx:latest" uses :latest`,
			"spec.template.spec.containers[0].image"),
		k8sCase("k8s-ha", "spec.replicas", 1, "spec.replicas is 1 (effective 1), below 2", "spec.replicas"),
		{
			id: "pgbouncer-connection-budget", pass: pgbouncerStack(2, pgbouncerIni, goodDB(), goodPG()),
			fail:    pgbouncerStack(30, pgbouncerIni, goodDB(), goodPG()),
			failMsg: "spec.replicas 30 + 8 surge = 38 pods × 1 pool(s) × (20 default_pool_size + 5 reserve_pool_size) + 50 other clients = 1000 > 500 max_connections",
			unknown: pgbouncerStack(unk, pgbouncerIni, goodDB(), goodPG()),
		},
	}
}

func TestPSSAndHygieneDetails(t *testing.T) {
	t.Parallel()
	noCtx := set(goodDeployment("api"), "spec.template.spec.securityContext", del)
	noCtx = set(noCtx, "spec.template.spec.containers[0].securityContext", del)
	cron := res(tokens.K8sCronJob, "cleanup", map[string]any{"metadata": map[string]any{"namespace": "platform"},
		"spec": map[string]any{"schedule": "0 * * * *", "jobTemplate": map[string]any{"spec": map[string]any{"template": map[string]any{
			"spec": map[string]any{"restartPolicy": "Never", "containers": []any{map[string]any{"name": "c", "image": ecrImage}}}}}}}})
	cases := []struct {
		name, id string
		r        Resource
		fails    int
	}{
		{"no security context fails four PSS checks", "k8s-pss-restricted", deployment("api", noCtx), 4},
		{"cronjob pod template is evaluated", "k8s-pss-restricted", cron, 4},
		{"unknown image does not block PSS", "k8s-pss-restricted", deployment("api", set(goodDeployment("api"), "spec.template.spec.containers[0].image", unk)), 0},
		{"kube-system is ignored", "k8s-pss-restricted", deployment("api", set(noCtx, "metadata.namespace", "kube-system")), 0},
		{"default namespace fails", "k8s-hygiene", deployment("api", set(goodDeployment("api"), "metadata.namespace", del)), 1},
		{"untagged image fails", "k8s-hygiene", deployment("api", set(goodDeployment("api"), "spec.template.spec.containers[0].image",
			"123456789012.dkr.ecr.us-east-1.amazonaws.com/platform/api")), 1},
		{"digest-pinned ECR image passes", "k8s-hygiene", deployment("api", set(goodDeployment("api"), "spec.template.spec.containers[0].image",
			"123456789012.dkr.ecr.us-east-1.amazonaws.com/platform/api@sha256:abc")), 0},
		{"missing probes and limits fail in one finding", "k8s-hygiene", deployment("api", set(set(goodDeployment("api"),
			"spec.template.spec.containers[0].livenessProbe", del), "spec.template.spec.containers[0].resources.limits", del)), 1},
		{"namespace from a Namespace resource is fine in preview", "k8s-hygiene", deployment("api", set(goodDeployment("api"), "metadata.namespace", unk),
			deps("metadata", urnOf(tokens.K8sNamespace, "platform"))), 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fs := run(t, c.id, stack("prod", c.r))
			require.Len(t, only(fs, c.id), c.fails, messages(fs))
		})
	}
}

func TestHAAutoscalersAndPDBs(t *testing.T) {
	t.Parallel()
	worker := set(set(goodDeployment("worker"), "spec.replicas", del), "metadata.name", "worker")
	hpa := func(min int) Resource {
		return res(tokens.K8sHorizontalPodAutoscaler, "api-hpa", map[string]any{"metadata": map[string]any{"namespace": "platform"}, "spec": map[string]any{
			"scaleTargetRef": map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "name": "worker"}, "minReplicas": min, "maxReplicas": 10}})
	}
	scaled := func(min int) Resource {
		return res(tokens.K8sScaledObject, "worker-scaler", map[string]any{"metadata": map[string]any{"namespace": "platform"}, "spec": map[string]any{
			"scaleTargetRef": map[string]any{"name": "worker"}, "minReplicaCount": min, "maxReplicaCount": 20}})
	}
	cases := []struct {
		name  string
		s     Stack
		fails int
	}{
		{"HPA min 2", stack("prod", deployment("worker", worker), hpa(2), goodPDB("worker")), 0},
		{"HPA min 1 fails", stack("prod", deployment("worker", worker), hpa(1), goodPDB("worker")), 1},
		{"KEDA min 1 is allowed for workers", stack("prod", deployment("worker", worker), scaled(1), goodPDB("worker")), 0},
		{"KEDA min 0 fails", stack("prod", deployment("worker", worker), scaled(0), goodPDB("worker")), 1},
		{"no PDB", stack("prod", deployment("api", goodDeployment("api"))), 1},
		{"PDB selecting other pods", stack("prod", deployment("api", goodDeployment("api")), goodPDB("web")), 1},
		{"PDB with maxUnavailable 0 blocks drains", stack("prod", deployment("api", goodDeployment("api")),
			pdb("api", map[string]any{"maxUnavailable": 0, "selector": map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "api"}}})), 1},
		{"PDB minAvailable equal to replicas blocks drains", stack("prod", deployment("api", goodDeployment("api")),
			pdb("api", map[string]any{"minAvailable": 2, "selector": map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "api"}}})), 1},
		{"PDB minAvailable 50% allows one", stack("prod", deployment("api", goodDeployment("api")),
			pdb("api", map[string]any{"minAvailable": "50%", "selector": map[string]any{"matchExpressions": []any{
				map[string]any{"key": "app.kubernetes.io/name", "operator": "In", "values": []any{"api", "web"}}}}})), 0},
		{"LoadBalancer service", stack("prod", res(tokens.K8sService, "api", map[string]any{"metadata": map[string]any{"namespace": "platform"},
			"spec": map[string]any{"type": "LoadBalancer"}})), 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fs := only(run(t, "k8s-ha", c.s), "k8s-ha")
			require.Len(t, fs, c.fails, messages(fs))
		})
	}
}

func TestPgBouncerBudgetSources(t *testing.T) {
	t.Parallel()
	small := set(set(goodDB(), "instanceClass", "db.t4g.medium"), "parameterGroupName", del)
	recreate := pgbouncerStack(15, pgbouncerIni, small, nil)
	recreate.Resources[0] = deployment("pgbouncer", set(set(goodDeployment("pgbouncer"), "spec.replicas", 15), "spec.strategy", map[string]any{"type": "Recreate"}))
	cases := []struct {
		name     string
		s        Stack
		fails    int
		contains string
	}{
		// 90% of 4 GiB / 9531392 = 405 connections, limit 390; 2 replicas + 1 surge: 3×25+50 = 125
		{"class fallback within budget", pgbouncerStack(2, pgbouncerIni, small, nil), 0, ""},
		{"class fallback over budget", pgbouncerStack(12, pgbouncerIni, small, nil), 1, "spec.replicas 12 + 3 surge = 15 pods"},
		{"class fallback arithmetic", pgbouncerStack(12, pgbouncerIni, small, nil), 1, "= 425 > 405 max_connections"},
		{"Recreate strategy has no surge", recreate, 1, "spec.replicas 15 = 15 pods"},
		{"formula in the parameter group", pgbouncerStack(12, pgbouncerIni, set(small, "parameterGroupName", "platform-prod-pg16"),
			set(goodPG(), "parameters[2].value", "{DBInstanceClassMemory/9531392}")), 1, "formula in"},
		{"max_db_connections caps each instance", pgbouncerStack(30, pgbouncerIni+"max_db_connections = 10\n", goodDB(), goodPG()), 0, ""},
		{"unknown class in the table", pgbouncerStack(2, pgbouncerIni, set(small, "instanceClass", "db.x2g.large"), nil), 1, "not in classMemoryGiB"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fs := only(run(t, "pgbouncer-connection-budget", c.s), "pgbouncer-connection-budget")
			require.Len(t, fs, c.fails, messages(fs))
			if c.contains != "" {
				require.Contains(t, fs[0].Message, c.contains)
			}
		})
	}
}
