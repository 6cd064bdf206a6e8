package rules

import (
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/generic-corp/platform/internal/tokens"
)

// needsOf lists what r cannot become ready without, resolved to the plan's producers.
// References to objects nothing in the plan produces are left out (a chart may make
// them); the rehearsal's provider rule judges those.
func (g *readiness) needsOf(r Resource) []need {
	ns := g.namespaceOf(r)
	var out []need
	add := func(kind, name, why string) {
		for _, urn := range g.producers(kind, ns, name) {
			if urn != r.URN {
				out = append(out, need{to: urn, why: why})
			}
		}
	}
	switch {
	case slices.Contains(workloadTypes, r.Type):
		pod, _ := podOf(r)
		var spec corev1.PodSpec
		if _, err := decode(pod.spec(), &spec); err != nil {
			return nil
		}
		for _, ref := range podReferences(spec) {
			add(ref.kind, ref.name, ref.why)
		}
	case r.Type == tokens.K8sExternalSecret:
		name, _ := r.in("spec.secretStoreRef.name").String()
		kind, _ := r.in("spec.secretStoreRef.kind").String()
		if kind == "ClusterSecretStore" {
			add(tokens.K8sClusterSecretStore, name, "secretStoreRef")
		} else {
			add(tokens.K8sSecretStore, name, "secretStoreRef")
		}
	case r.Type == tokens.K8sSecretStore || r.Type == tokens.K8sClusterSecretStore:
		if sa, ok := r.in("spec.provider.aws.auth.jwt.serviceAccountRef.name").String(); ok {
			add(tokens.K8sServiceAccount, sa, "jwt serviceAccountRef")
		}
	case r.Type == tokens.K8sHelmChart:
		for _, name := range existingSecrets(r.in("values")) {
			add(tokens.K8sSecret, name, "chart values existingSecret")
		}
	}
	return out
}

// namespaceOf is metadata.namespace (a chart's namespace input), or, when that is an
// output not known yet, the name of the Namespace object it came from.
func (g *readiness) namespaceOf(r Resource) string {
	path := "metadata.namespace"
	if r.Type == tokens.K8sHelmChart {
		path = "namespace"
	}
	if ns, ok := r.in(path).String(); ok {
		return ns
	}
	for _, urn := range r.PropertyDependencies[topKey(path)] {
		if dep, ok := g.byURN[urn]; ok && dep.Type == tokens.K8sNamespace {
			return k8sName(dep)
		}
	}
	return ""
}

// producers are the plan objects that make an object of kind named name in ns: for a
// Secret, a Secret of that name or an ExternalSecret whose target it is.
func (g *readiness) producers(kind, ns, name string) []string {
	var out []string
	for _, r := range g.s.Resources {
		switch {
		case kind == tokens.K8sSecret && r.Type == tokens.K8sExternalSecret:
			target, ok := r.in("spec.target.name").String()
			if !ok {
				target = k8sName(r)
			}
			if target == name && g.namespaceOf(r) == ns {
				out = append(out, r.URN)
			}
		case r.Type == kind && k8sName(r) == name:
			if kind == tokens.K8sClusterSecretStore || g.namespaceOf(r) == ns {
				out = append(out, r.URN)
			}
		}
	}
	return out
}

type podRef struct{ kind, name, why string }

// podReferences lists the Secrets, ConfigMaps and ServiceAccount a pod needs to start.
// Optional references are skipped: the kubelet starts the pod without them.
func podReferences(spec corev1.PodSpec) []podRef {
	var out []podRef
	containers := append(slices.Clone(spec.InitContainers), spec.Containers...)
	for _, c := range containers {
		for _, e := range c.Env {
			if e.ValueFrom == nil {
				continue
			}
			if s := e.ValueFrom.SecretKeyRef; s != nil && !isTrue(s.Optional) {
				out = append(out, podRef{tokens.K8sSecret, s.Name, "env " + e.Name + " secretKeyRef"})
			}
			if m := e.ValueFrom.ConfigMapKeyRef; m != nil && !isTrue(m.Optional) {
				out = append(out, podRef{tokens.K8sConfigMap, m.Name, "env " + e.Name + " configMapKeyRef"})
			}
		}
		for _, e := range c.EnvFrom {
			if s := e.SecretRef; s != nil && !isTrue(s.Optional) {
				out = append(out, podRef{tokens.K8sSecret, s.Name, "envFrom secretRef"})
			}
			if m := e.ConfigMapRef; m != nil && !isTrue(m.Optional) {
				out = append(out, podRef{tokens.K8sConfigMap, m.Name, "envFrom configMapRef"})
			}
		}
	}
	for _, v := range spec.Volumes {
		if s := v.Secret; s != nil && !isTrue(s.Optional) {
			out = append(out, podRef{tokens.K8sSecret, s.SecretName, "volume " + v.Name})
		}
		if m := v.ConfigMap; m != nil && !isTrue(m.Optional) {
			out = append(out, podRef{tokens.K8sConfigMap, m.Name, "volume " + v.Name})
		}
		if p := v.Projected; p != nil {
			for _, src := range p.Sources {
				if s := src.Secret; s != nil && !isTrue(s.Optional) {
					out = append(out, podRef{tokens.K8sSecret, s.Name, "projected volume " + v.Name})
				}
				if m := src.ConfigMap; m != nil && !isTrue(m.Optional) {
					out = append(out, podRef{tokens.K8sConfigMap, m.Name, "projected volume " + v.Name})
				}
			}
		}
	}
	for _, s := range spec.ImagePullSecrets {
		out = append(out, podRef{tokens.K8sSecret, s.Name, "imagePullSecrets"})
	}
	if spec.ServiceAccountName != "" {
		out = append(out, podRef{tokens.K8sServiceAccount, spec.ServiceAccountName, "serviceAccountName"})
	}
	return out
}

func isTrue(b *bool) bool { return b != nil && *b }

// existingSecrets walks chart values for keys that name a Secret the chart does not
// create (existingSecret, existingSecretName), the convention of the charts we install.
func existingSecrets(v Value) []string {
	var out []string
	var walk func(Value)
	walk = func(v Value) {
		if m, ok := v.Map(); ok {
			for k, e := range m.AllStable {
				ev := valueOf(e)
				if s, ok := ev.String(); ok && s != "" && (k == "existingSecret" || k == "existingSecretName") {
					out = append(out, s)
				}
				walk(ev)
			}
		}
		if arr, ok := v.Array(); ok {
			for _, e := range arr {
				walk(e)
			}
		}
	}
	walk(v)
	slices.Sort(out)
	return slices.Compact(out)
}
