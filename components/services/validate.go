package services

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/generic-corp/platform/internal/argcheck"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/apimachinery/pkg/api/resource"
)

var (
	// dnsLabel is a DNS-1123 label (names of namespaces and most objects).
	dnsLabel   = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
	regionRe   = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)
	envNameRe  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	varNameRe  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	hostRe     = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	queueRe    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$`)
	groupRe    = regexp.MustCompile(`^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$`)
	endpointRe = regexp.MustCompile(`^[a-z0-9.-]+:[0-9]{1,5}$`)
	albNameRe  = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$`)
)

// maxName leaves room for the suffixes of derived object names ("-secrets-manager").
const maxName = 40

// maxNamePrefix leaves room in IAM role names for "-<Namespace>-<ServiceAccountName>".
const maxNamePrefix = 32

// validate rejects impossible or unsafe args before anything is registered. It runs
// after withDefaults.
func (a WorkloadArgs) validate() error {
	p := argcheck.New("services: workload " + fmt.Sprintf("%q", a.Name))
	checkName(p, "Name", a.Name)
	if !dnsLabel.MatchString(a.Component) || len(a.Component) > 63 {
		p.Addf("Component %q must be a DNS-1123 label (lower-case letters, digits, '-')", a.Component)
	}
	p.NamePrefixUpTo(a.NamePrefix, maxNamePrefix)
	checkNamespace(p, a.Namespace)
	if a.Image == nil {
		p.Addf("Image is required (a tagged reference from registry.ImageRefOutput)")
	}
	checkPort(p, "Port", a.Port, true)
	checkPort(p, "HealthPort", a.HealthPort, false)
	checkPort(p, "MetricsPort", a.MetricsPort, false)
	if !dnsLabel.MatchString(a.MetricsFromNamespace) || len(a.MetricsFromNamespace) > 63 {
		p.Addf("MetricsFromNamespace %q must be a namespace name (DNS-1123 label), e.g. \"monitoring\"", a.MetricsFromNamespace)
	}
	if !strings.HasPrefix(a.HealthPath, "/") {
		p.Addf("HealthPath %q must be an absolute HTTP path such as \"/health\"", a.HealthPath)
	}
	if a.RunAsUser < 1 {
		p.Addf("RunAsUser %d must be a non-root UID (>= 1)", a.RunAsUser)
	}
	if a.Replicas < 1 || a.Replicas > 100 {
		p.Addf("Replicas %d is out of range (1 to 100)", a.Replicas)
	}
	checkResources(p, a.Resources)
	if a.GracePeriodSeconds < 1 || a.GracePeriodSeconds > 86400 {
		p.Addf("GracePeriodSeconds %d is out of range (1 to 86400)", a.GracePeriodSeconds)
	}
	if a.PreStopSeconds < 0 || a.PreStopSeconds >= a.GracePeriodSeconds {
		p.Addf("PreStopSeconds %d must be >= 0 and below GracePeriodSeconds (%d), or SIGTERM never arrives", a.PreStopSeconds, a.GracePeriodSeconds)
	}
	checkEnv(p, a.Env, a.SecretEnv)
	checkSecrets(p, secretArgs{a.Secrets, a.SecretEnv, a.KmsKeyArn, a.Region, a.OidcProviderArn, a.OidcIssuer, a.RoleArn})
	a.checkScaling(p)
	checkNetwork(p, a.Network, a.Ingress != nil)
	if a.Ingress != nil {
		a.checkIngress(p)
	}
	if a.KubernetesProvider == nil {
		p.Addf("KubernetesProvider is required (the cluster's provider)")
	}
	p.Tags(a.Tags)
	return p.Err()
}

func (a WorkloadArgs) checkScaling(p *argcheck.Problems) {
	n := 0
	for _, set := range []bool{a.HPA != nil, a.KedaRedis != nil, a.KedaTemporal != nil} {
		if set {
			n++
		}
	}
	if n > 1 {
		p.Addf("set at most one of HPA, KedaRedis and KedaTemporal (two autoscalers would fight over the replica count)")
	}
	if h := a.HPA; h != nil {
		checkMinMax(p, "HPA", h.Min, h.Max)
		if h.TargetCPU < 10 || h.TargetCPU > 100 {
			p.Addf("HPA.TargetCPU %d is out of range (10 to 100 percent of the CPU request)", h.TargetCPU)
		}
		if h.ScaleDownStabilizationSeconds < 0 || h.ScaleDownStabilizationSeconds > 3600 {
			p.Addf("HPA.ScaleDownStabilizationSeconds %d is out of range (0 to 3600)", h.ScaleDownStabilizationSeconds)
		}
	}
	if k := a.KedaRedis; k != nil {
		checkMinMax(p, "KedaRedis", k.Min, k.Max)
		if k.Address == nil {
			p.Addf("KedaRedis.Address is required (the queue group's primary endpoint host:port)")
		}
		if !queueRe.MatchString(k.Prefix) {
			p.Addf("KedaRedis.Prefix %q is not a BullMQ key prefix (letters, digits, '_', '.', '-')", k.Prefix)
		}
		if len(k.Queues) == 0 {
			p.Addf("KedaRedis.Queues is empty; name the BullMQ queues this worker consumes")
		}
		triggers := map[string]bool{}
		for i, q := range k.Queues {
			if !queueRe.MatchString(q) || triggers[triggerName("bullmq", q)] {
				p.Addf("KedaRedis.Queues[%d] %q must be a unique queue name (letters, digits, '_', '.', '-', no ':'; "+
					"names differing only in case or punctuation make the same trigger name)", i, q)
			}
			triggers[triggerName("bullmq", q)] = true
		}
		if k.ListLength < 1 {
			p.Addf("KedaRedis.ListLength %d must be at least 1 job per replica", k.ListLength)
		}
		if _, ok := a.SecretEnv[k.PasswordEnv]; !ok {
			p.Addf("KedaRedis.PasswordEnv %q is not a SecretEnv variable; the TriggerAuthentication reads the AUTH token from the workload's Secret", k.PasswordEnv)
		}
		checkKedaTimes(p, "KedaRedis", k.PollingInterval, k.CooldownPeriod)
	}
	if k := a.KedaTemporal; k != nil {
		checkMinMax(p, "KedaTemporal", k.Min, k.Max)
		if !endpointRe.MatchString(k.Endpoint) {
			p.Addf("KedaTemporal.Endpoint %q must be host:port of the Temporal frontend", k.Endpoint)
		}
		if k.TaskQueue == "" {
			p.Addf("KedaTemporal.TaskQueue is required")
		}
		for _, t := range k.QueueTypes {
			if t != "workflow" && t != "activity" {
				p.Addf("KedaTemporal.QueueTypes entry %q; allowed: workflow, activity", t)
			}
		}
		if k.TargetQueueSize < 1 {
			p.Addf("KedaTemporal.TargetQueueSize %d must be at least 1", k.TargetQueueSize)
		}
		checkKedaTimes(p, "KedaTemporal", k.PollingInterval, k.CooldownPeriod)
	}
}

func (a WorkloadArgs) checkIngress(p *argcheck.Problems) {
	in := a.Ingress
	if a.Port == 0 {
		p.Addf("Ingress needs a Port to route to")
	}
	if !hostRe.MatchString(in.Host) {
		p.Addf("Ingress.Host %q must be a lower-case DNS name such as api.generic-corp.io", in.Host)
	}
	if in.CertificateArn == nil {
		p.Addf("Ingress.CertificateArn is required (HTTPS only: the HTTP listener only redirects)")
	}
	if in.GroupName != "" && !groupRe.MatchString(in.GroupName) {
		p.Addf("Ingress.GroupName %q must be lower-case letters, digits, '-' or '.', at most 63", in.GroupName)
	}
	if in.LoadBalancerName != "" && !albNameRe.MatchString(in.LoadBalancerName) {
		p.Addf("Ingress.LoadBalancerName %q must be 1-32 letters, digits or '-', not starting or ending with '-'", in.LoadBalancerName)
	}
	if !strings.HasPrefix(in.SslPolicy, "ELBSecurityPolicy-TLS13-") && !strings.HasPrefix(in.SslPolicy, "ELBSecurityPolicy-TLS-1-2-") &&
		!strings.HasPrefix(in.SslPolicy, "ELBSecurityPolicy-FS-1-2-") {
		p.Addf("Ingress.SslPolicy %q may allow TLS below 1.2; use a TLS 1.2+ policy such as %s", in.SslPolicy, DefaultSslPolicy)
	}
	if in.IdleTimeoutSeconds < 1 || in.IdleTimeoutSeconds > 4000 {
		p.Addf("Ingress.IdleTimeoutSeconds %d is out of range (1 to 4000)", in.IdleTimeoutSeconds)
	}
	if in.DeregistrationDelaySeconds < 0 || in.DeregistrationDelaySeconds > 3600 {
		p.Addf("Ingress.DeregistrationDelaySeconds %d is out of range (0 to 3600)", in.DeregistrationDelaySeconds)
	}
}

func checkName(p *argcheck.Problems, field, v string) {
	if !dnsLabel.MatchString(v) || len(v) > maxName {
		p.Addf("%s %q must be a DNS-1123 label of at most %d characters (lower-case letters, digits, '-')", field, v, maxName)
	}
}

func checkNamespace(p *argcheck.Problems, ns string) {
	switch {
	case !dnsLabel.MatchString(ns) || len(ns) > 63:
		p.Addf("Namespace %q must be a DNS-1123 label", ns)
	case ns == "default" || strings.HasPrefix(ns, "kube-"):
		p.Addf("Namespace %q is reserved; run workloads in their own namespace", ns)
	}
}

func checkPort(p *argcheck.Problems, field string, port int, zeroOK bool) {
	if (port == 0 && !zeroOK) || port < 0 || port > 65535 {
		p.Addf("%s %d is out of range (1 to 65535%s)", field, port, map[bool]string{true: ", or 0 for none", false: ""}[zeroOK])
	}
}

func checkMinMax(p *argcheck.Problems, field string, lo, hi int) {
	if lo < 1 || hi < lo || hi > 100 {
		p.Addf("%s.Min %d / Max %d are invalid; need 1 <= Min <= Max <= 100", field, lo, hi)
	}
}

func checkKedaTimes(p *argcheck.Problems, field string, polling, cooldown int) {
	if polling < 1 || polling > 3600 || cooldown < 0 || cooldown > 86400 {
		p.Addf("%s.PollingInterval %d / CooldownPeriod %d are out of range (1 to 3600 s, 0 to 86400 s)", field, polling, cooldown)
	}
}

func checkResources(p *argcheck.Problems, r ResourceArgs) {
	pair := func(kind, req, lim string) {
		rq, err1 := resource.ParseQuantity(req)
		lm, err2 := resource.ParseQuantity(lim)
		switch {
		case err1 != nil || rq.Sign() <= 0:
			p.Addf("Resources %s request %q is not a positive Kubernetes quantity", kind, req)
		case err2 != nil || lm.Sign() <= 0:
			p.Addf("Resources %s limit %q is not a positive Kubernetes quantity", kind, lim)
		case rq.Cmp(lm) > 0:
			p.Addf("Resources %s request %s is above the limit %s", kind, req, lim)
		}
	}
	pair("cpu", r.CPURequest, r.CPULimit)
	pair("memory", r.MemoryRequest, r.MemoryLimit)
}

func checkEnv(p *argcheck.Problems, env map[string]string, secretEnv map[string]pulumi.StringInput) {
	for _, k := range slices.Sorted(maps.Keys(env)) {
		if !envNameRe.MatchString(k) {
			p.Addf("Env key %q is not an environment variable name", k)
		}
		if _, dup := secretEnv[k]; dup {
			p.Addf("Env key %q is also in SecretEnv; a variable has one source", k)
		}
	}
}

// secretArgs are the secret fields shared by workloads and the migration Job.
type secretArgs struct {
	sources   []SecretSource
	env       map[string]pulumi.StringInput
	kms       pulumi.StringInput
	region    string
	oidcArn   pulumi.StringInput
	oidcIssue pulumi.StringInput
	// role is an IRSA role made elsewhere: no policy is written here, so the ARNs, key
	// and OIDC provider are not needed.
	role pulumi.StringInput
}

func checkSecrets(p *argcheck.Problems, s secretArgs) {
	vars := map[string]bool{}
	for i, src := range s.sources {
		if src.Name == "" {
			p.Addf("Secrets[%d].Name is required (the Secrets Manager secret name)", i)
		}
		if src.Arn == nil && s.role == nil {
			p.Addf("Secrets[%d] (%q).Arn is required (the IAM policy grants exactly this ARN)", i, src.Name)
		}
		if len(src.Properties) == 0 {
			p.Addf("Secrets[%d] (%q).Properties is empty; map a template variable to a JSON property", i, src.Name)
		}
		for _, v := range slices.Sorted(maps.Keys(src.Properties)) {
			if !varNameRe.MatchString(v) {
				p.Addf("Secrets[%d] (%q) variable %q must be letters, digits and '_', starting with a letter", i, src.Name, v)
			}
			if vars[v] {
				p.Addf("Secrets[%d] (%q) variable %q is defined twice", i, src.Name, v)
			}
			vars[v] = true
		}
	}
	for _, k := range slices.Sorted(maps.Keys(s.env)) {
		if !envNameRe.MatchString(k) {
			p.Addf("SecretEnv key %q is not an environment variable name", k)
		}
		if s.env[k] == nil {
			p.Addf("SecretEnv[%q] is nil; give a template such as \"{{ .password }}\"", k)
		}
	}
	if len(s.sources) == 0 {
		if len(s.env) > 0 {
			p.Addf("SecretEnv is set but Secrets is empty; templates need secrets to read")
		}
		if s.role != nil {
			p.Addf("RoleArn is set but Secrets is empty; the role is only used by the secret store")
		}
		return
	}
	if len(s.env) == 0 {
		p.Addf("Secrets is set but SecretEnv is empty; map environment variables to templates over the secrets")
	}
	if s.role != nil {
		checkRegion(p, s.region)
		return
	}
	checkIdentity(p, s.kms, s.region, s.oidcArn, s.oidcIssue)
}

// checkGrant checks the secrets an IRSA role made here may read.
func checkGrant(p *argcheck.Problems, arns []pulumi.StringInput) {
	if len(arns) == 0 {
		p.Addf("SecretArns is empty; list the secrets the store may read (an empty grant is not a store)")
	}
	for i, arn := range arns {
		if arn == nil {
			p.Addf("SecretArns[%d] is nil", i)
		}
	}
}

// checkIdentity checks what an IRSA role reading Secrets Manager needs.
func checkIdentity(p *argcheck.Problems, kms pulumi.StringInput, region string, oidcArn, oidcIssuer pulumi.StringInput) {
	if kms == nil {
		p.Addf("KmsKeyArn is required with Secrets (the secrets' customer-managed key, for kms:Decrypt), unless RoleArn is set")
	}
	checkRegion(p, region)
	if oidcArn == nil || oidcIssuer == nil {
		p.Addf("OidcProviderArn and OidcIssuer are required with Secrets (the cluster's IRSA provider), unless RoleArn is set")
	}
}

// checkRegion checks the region a SecretStore reads Secrets Manager in.
func checkRegion(p *argcheck.Problems, region string) {
	if !regionRe.MatchString(region) {
		p.Addf("Region %q must be an AWS region such as us-east-1 (Secrets Manager's endpoint)", region)
	}
}

func checkNetwork(p *argcheck.Problems, n NetworkArgs, ingress bool) {
	if n.VpcCidr == nil && (len(n.EgressVpcPorts) > 0 || ingress) {
		p.Addf("Network.VpcCidr is required with EgressVpcPorts or an Ingress")
	}
	for _, list := range []struct {
		field string
		ports []int
	}{{"EgressVpcPorts", n.EgressVpcPorts}, {"EgressInternetPorts", n.EgressInternetPorts}} {
		for _, port := range list.ports {
			if port < 1 || port > 65535 {
				p.Addf("Network.%s entry %d is out of range (1 to 65535)", list.field, port)
			}
		}
	}
	for _, ns := range n.IngressFromNamespaces {
		if !dnsLabel.MatchString(ns) {
			p.Addf("Network.IngressFromNamespaces entry %q is not a namespace name", ns)
		}
	}
}
