package services

import (
	"fmt"
	"strings"

	"github.com/generic-corp/platform/internal/naming"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Ingress defaults (AWS Load Balancer Controller annotations, docs/guide/ingress/annotations.md).
const (
	// DefaultSslPolicy allows TLS 1.3 and 1.2 only.
	DefaultSslPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"
	// DefaultIdleTimeoutSeconds keeps idle Socket.io WebSockets open between heartbeats
	// and long agent streams (ALB default 60 s; maximum 4000).
	DefaultIdleTimeoutSeconds = 3600
	// DefaultDeregistrationDelaySeconds lets in-flight requests finish after a pod
	// leaves the target group (ALB default 300, too slow for rollouts).
	DefaultDeregistrationDelaySeconds = 30
	// DefaultStickinessSeconds pins a Socket.io session to one pod: its HTTP
	// long-polling transport needs every request of a session on the same process.
	DefaultStickinessSeconds = 86400
	ingressClassName         = "alb"
	albAnnotation            = "alb.ingress.kubernetes.io/"
)

// IngressArgs expose a workload's Port through an ALB managed by the AWS Load Balancer
// Controller: HTTPS only (HTTP redirects to HTTPS), pod IPs as targets.
type IngressArgs struct {
	// Host is the DNS name served, e.g. "api.generic-corp.io". Required.
	Host string
	// CertificateArn is the ACM certificate for Host (DNS-validated in Route 53). Required.
	CertificateArn pulumi.StringInput
	// WafAclArn is a regional WAFv2 web ACL to attach. Default none.
	WafAclArn pulumi.StringInput
	// Internal makes the ALB internal. Default false: internet-facing.
	Internal bool
	// GroupName shares one ALB between Ingresses of the same group. Default: none (the
	// Ingress owns its ALB).
	GroupName string
	// LoadBalancerName is the ALB's name (at most 32 characters). Default
	// "<NamePrefix>-<Name>", shortened with a hash when longer.
	LoadBalancerName string
	// SslPolicy is the HTTPS listener's security policy. Default
	// "ELBSecurityPolicy-TLS13-1-2-2021-06" (TLS 1.2+).
	SslPolicy string
	// IdleTimeoutSeconds is the ALB idle timeout, 1 to 4000. Default 3600 (WebSockets).
	IdleTimeoutSeconds int
	// DeregistrationDelaySeconds, 0 to 3600. Default 30.
	DeregistrationDelaySeconds int
	// NoStickySessions turns off target-group cookie stickiness. Default false: sticky
	// for DefaultStickinessSeconds, as Socket.io's polling transport requires.
	NoStickySessions bool
	// DeletionProtection sets the ALB's deletion_protection attribute. The controller
	// then cannot delete the ALB when the Ingress goes away; turn it off first.
	DeletionProtection bool
}

func (in IngressArgs) withDefaults() IngressArgs {
	setS(&in.SslPolicy, DefaultSslPolicy)
	setI(&in.IdleTimeoutSeconds, DefaultIdleTimeoutSeconds)
	setI(&in.DeregistrationDelaySeconds, DefaultDeregistrationDelaySeconds)
	return in
}

// ingressAnnotations are the controller annotations; every name is from the
// controller's annotation reference.
func ingressAnnotations(a *WorkloadArgs) pulumi.StringMap {
	in := a.Ingress
	scheme := "internet-facing"
	if in.Internal {
		scheme = "internal"
	}
	lbAttrs := []string{
		fmt.Sprintf("idle_timeout.timeout_seconds=%d", in.IdleTimeoutSeconds),
		"routing.http.drop_invalid_header_fields.enabled=true",
	}
	if in.DeletionProtection {
		lbAttrs = append(lbAttrs, "deletion_protection.enabled=true")
	}
	tgAttrs := []string{fmt.Sprintf("deregistration_delay.timeout_seconds=%d", in.DeregistrationDelaySeconds)}
	if !in.NoStickySessions {
		tgAttrs = append(tgAttrs, "stickiness.enabled=true", "stickiness.type=lb_cookie",
			fmt.Sprintf("stickiness.lb_cookie.duration_seconds=%d", DefaultStickinessSeconds))
	}
	lbName := in.LoadBalancerName
	if lbName == "" {
		lbName = naming.Name(naming.MaxLoadBalancer, a.NamePrefix, a.Name)
	}
	ann := pulumi.StringMap{
		albAnnotation + "load-balancer-name":       pulumi.String(lbName),
		albAnnotation + "scheme":                   pulumi.String(scheme),
		albAnnotation + "target-type":              pulumi.String("ip"),
		albAnnotation + "listen-ports":             pulumi.String(`[{"HTTP": 80}, {"HTTPS": 443}]`),
		albAnnotation + "ssl-redirect":             pulumi.String("443"),
		albAnnotation + "certificate-arn":          in.CertificateArn,
		albAnnotation + "ssl-policy":               pulumi.String(in.SslPolicy),
		albAnnotation + "load-balancer-attributes": pulumi.String(strings.Join(lbAttrs, ",")),
		albAnnotation + "target-group-attributes":  pulumi.String(strings.Join(tgAttrs, ",")),
		albAnnotation + "backend-protocol":         pulumi.String("HTTP"),
		albAnnotation + "healthcheck-path":         pulumi.String(a.HealthPath),
		albAnnotation + "healthcheck-port":         pulumi.String(fmt.Sprint(a.HealthPort)),
		albAnnotation + "success-codes":            pulumi.String("200"),
	}
	if in.WafAclArn != nil {
		ann[albAnnotation+"wafv2-acl-arn"] = in.WafAclArn
	}
	if in.GroupName != "" {
		ann[albAnnotation+"group.name"] = pulumi.String(in.GroupName)
	}
	return ann
}

// newIngress registers the Ingress and returns the ALB's DNS name (from the Ingress
// status, which the provider waits for).
func newIngress(ctx *pulumi.Context, name string, a *WorkloadArgs, meta func() *metav1.ObjectMetaArgs, opts []pulumi.ResourceOption) (pulumi.StringOutput, error) {
	m := meta()
	m.Annotations = ingressAnnotations(a)
	ing, err := networkingv1.NewIngress(ctx, name, &networkingv1.IngressArgs{
		Metadata: m,
		Spec: &networkingv1.IngressSpecArgs{
			IngressClassName: pulumi.String(ingressClassName),
			Rules: networkingv1.IngressRuleArray{networkingv1.IngressRuleArgs{
				Host: pulumi.String(a.Ingress.Host),
				Http: &networkingv1.HTTPIngressRuleValueArgs{
					Paths: networkingv1.HTTPIngressPathArray{networkingv1.HTTPIngressPathArgs{
						Path:     pulumi.String("/"),
						PathType: pulumi.String("Prefix"),
						Backend: &networkingv1.IngressBackendArgs{
							Service: &networkingv1.IngressServiceBackendArgs{
								Name: pulumi.String(a.Name),
								Port: &networkingv1.ServiceBackendPortArgs{Name: pulumi.String(httpPortName)},
							},
						},
					}},
				},
			}},
		},
	}, opts...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return ing.Status.ApplyT(func(s *networkingv1.IngressStatus) string {
		if s == nil || s.LoadBalancer == nil || len(s.LoadBalancer.Ingress) == 0 || s.LoadBalancer.Ingress[0].Hostname == nil {
			return ""
		}
		return *s.LoadBalancer.Ingress[0].Hostname
	}).(pulumi.StringOutput), nil
}
