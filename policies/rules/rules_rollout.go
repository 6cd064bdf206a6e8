package rules

import "github.com/generic-corp/platform/internal/tokens"

// Rollout rules: behaviour models over the whole plan (readiness ordering, network flows)
// rather than one resource's fields. See readiness.go and flows*.go.

var k8sReadinessDeadlock = Rule{
	ID: "k8s-readiness-deadlock", Number: 61, Severity: Critical, Anchors: "own (issue 11: rollouts that converge)",
	Description: "No object needs, to become ready, something the engine creates only after that object is ready. " +
		"Needs follow Kubernetes: a pod's env/envFrom/volume/imagePullSecrets/serviceAccount references → the Secret, " +
		"ConfigMap or ServiceAccount, or the ExternalSecret that writes the Secret → its SecretStore → the store's " +
		"ServiceAccount; a chart's values.existingSecret → that Secret. The engine's order is dependsOn, property " +
		"dependencies and, for a dependency on a component, all of its descendants. The finding names the whole chain.",
	ResourceTypes: append(append([]string{}, workloadTypes...), tokens.K8sExternalSecret, tokens.K8sSecretStore, tokens.K8sClusterSecretStore, tokens.K8sHelmChart),
	CheckStack: func(s Stack, _ Params) []Finding {
		g := newReadiness(s)
		var out []Finding
		for _, d := range g.deadlocks() {
			out = append(out, fail(g.byURN[d.needer], "deadlocks the rollout: %s. Create what is needed before its "+
				"consumer (depend on the namespace or the store only, never on a component that contains the consumer)", g.describe(d)))
		}
		return out
	},
}
