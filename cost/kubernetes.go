package cost

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
)

const (
	annScheme  = "alb.ingress.kubernetes.io/scheme"
	annGroup   = "alb.ingress.kubernetes.io/group.name"
	annSubnets = "alb.ingress.kubernetes.io/subnets"
	annClass   = "kubernetes.io/ingress.class"
	albCtrl    = "ingress.k8s.aws/alb"
	ebsCSI     = "ebs.csi.aws.com"
)

// helmRelease: Helm installs the chart itself, so its objects (volumes, LoadBalancer
// Services) never reach the plan.
func helmRelease(_ *estimator, _ *plan.Resource, c *calc) {
	c.unknownf("helm/v3 Release: the chart's objects are not in the plan, so their storage or load balancers are not priced")
}

// albGroup is one ALB the AWS Load Balancer Controller creates: an ingress group, or a
// single ingress without a group.
type albGroup struct {
	key            string
	first          *plan.Resource // the ingress that carries the ALB's cost
	internetFacing bool
	subnets        int // from the subnets annotation, 0 when discovered
}

// ingress: an ALB per ingress group (alb.ingress.kubernetes.io/group.name), or per
// ingress without one, created by the controller rather than Pulumi. The group's first
// ingress in plan order carries the ALB; the others share it.
func ingress(e *estimator, r *plan.Resource, c *calc) {
	g, ok := e.albGroups()[r.URN]
	if !ok {
		if class, st := str(r, "spec.ingressClassName"); st == known {
			c.free("ingress class " + class + " is not the AWS Load Balancer Controller; its controller's Service is priced instead")
			return
		}
		c.unknownf("ingress without an ALB scheme annotation or ingress class: the controller that serves it is unknown")
		return
	}
	if g.first != r {
		c.free("shares the ALB of " + g.key + ", priced on " + g.first.Name)
		return
	}
	c.note("ALB created by the AWS Load Balancer Controller for %s", g.key)
	albBase(c)
	if !g.internetFacing {
		return
	}
	n := g.subnets
	if n == 0 {
		n = c.a.ALBZones
		c.note("subnets discovered by the controller: albZones %d assumed", n)
	}
	c.hours(keyIPv4, float64(n), "public IPs")
}

// albGroups indexes ALB ingresses by URN (computed once per estimate).
func (e *estimator) albGroups() map[string]*albGroup {
	if v, ok := e.shared["albGroups"]; ok {
		return v.(map[string]*albGroup)
	}
	albClasses, defaultALB := e.albIngressClasses()
	byKey := map[string]*albGroup{}
	out := map[string]*albGroup{}
	for _, r := range e.p.ByType(tokens.K8sIngress) {
		scheme, sst := annotation(r, annScheme)
		class, cst := str(r, "spec.ingressClassName")
		legacy, _ := annotation(r, annClass)
		isALB := sst == known || legacy == "alb" || (cst == known && albClasses[class]) || (cst == missing && legacy == "" && defaultALB)
		if !isALB {
			continue
		}
		key := "ingress " + r.Name
		if grp, st := annotation(r, annGroup); st == known && grp != "" {
			key = "ingress group " + grp
		}
		g := byKey[key]
		if g == nil {
			g = &albGroup{key: key, first: r}
			byKey[key] = g
		}
		if scheme == "internet-facing" {
			g.internetFacing = true
		}
		if s, st := annotation(r, annSubnets); st == known && s != "" {
			g.subnets = len(strings.Split(s, ","))
		}
		out[r.URN] = g
	}
	e.shared["albGroups"] = out
	return out
}

// albIngressClasses returns the ingress classes served by the AWS Load Balancer
// Controller ("alb", the name its chart installs, plus any IngressClass in the plan
// whose controller is ingress.k8s.aws/alb) and whether the default class is one of them.
func (e *estimator) albIngressClasses() (map[string]bool, bool) {
	classes := map[string]bool{"alb": true}
	defaultALB := false
	for _, ic := range e.p.ByType(tokens.K8sIngressClass) {
		ctrl, _ := str(ic, "spec.controller")
		name, _ := str(ic, "metadata.name")
		if ctrl != albCtrl {
			continue
		}
		classes[name] = true
		if d, _ := annotation(ic, "ingressclass.kubernetes.io/is-default-class"); d == "true" {
			defaultALB = true
		}
	}
	return classes, defaultALB
}

// service: a LoadBalancer Service makes the controller (or the in-tree cloud provider)
// create an NLB or a Classic LB, whose prices are not in the table.
func service(_ *estimator, r *plan.Resource, c *calc) {
	typ, st := strOr(r, "spec.type", "ClusterIP")
	if !c.need(st, "spec.type") {
		return
	}
	if typ == "LoadBalancer" {
		c.unknownf("LoadBalancer Service: AWS creates an NLB or Classic Load Balancer, whose prices are not in the table")
		return
	}
	c.free(typ + " Service: no AWS resource")
}

// pvc: the EBS volume the CSI driver provisions, when its storage class is in the plan
// and asks for gp3.
func pvc(e *estimator, r *plan.Resource, c *calc) {
	e.claim(r.Inputs, "spec", 1, c, "claim")
}

// statefulSet: replicas x each volume claim template's volume.
func statefulSet(e *estimator, r *plan.Resource, c *calc) {
	templates, st := arr(r, "spec.volumeClaimTemplates")
	if st == missing || (st == known && len(templates) == 0) {
		c.free("no volume claim templates; pods run on the priced nodes")
		return
	}
	if !c.need(st, "spec.volumeClaimTemplates") {
		return
	}
	replicas, rst := numOr(r, "spec.replicas", 1)
	if !c.need(rst, "spec.replicas") {
		return
	}
	for i, t := range templates {
		if !t.IsMap() {
			c.need(unknown, "spec.volumeClaimTemplates")
			return
		}
		e.claim(t.AsMap(), "spec", replicas, c, "volumeClaimTemplates["+itoa(i)+"]")
	}
}

func (e *estimator) claim(m property.Map, spec string, n float64, c *calc, what string) {
	q, st := read(m, spec+".resources.requests.storage")
	if st != known || !q.IsString() {
		c.unknownf("%s storage request is not known", what)
		return
	}
	gib, ok := parseQuantityGiB(q.AsString())
	if !ok {
		c.unknownf("%s storage request %q is not a quantity", what, q.AsString())
		return
	}
	name, nst := read(m, spec+".storageClassName")
	className := ""
	if nst == known && name.IsString() {
		className = name.AsString()
	} else if nst == unknown {
		c.unknownf("%s storage class is not known until apply", what)
		return
	}
	sc := e.storageClass(className)
	if sc == nil {
		c.unknownf("%s storage class %q is not in the plan, so its volume type is unknown", what, className)
		return
	}
	prov, _ := str(sc, "provisioner")
	vt, _ := mapEntry(sc.Inputs, "parameters", "type")
	if prov != ebsCSI || vt != "gp3" {
		c.unknownf("%s storage class %s (provisioner %s, type %q): the table prices EBS gp3 only", what, className, prov, vt)
		return
	}
	c.term(keyEBSGP3, n*gib, fmtNum(n)+" x "+fmtNum(round2(gib))+" GB")
}

// storageClass finds a StorageClass by name, or the default class for "".
func (e *estimator) storageClass(name string) *plan.Resource {
	for _, sc := range e.p.ByType(tokens.K8sStorageClass) {
		n, _ := str(sc, "metadata.name")
		def, _ := annotation(sc, "storageclass.kubernetes.io/is-default-class")
		if (name != "" && n == name) || (name == "" && def == "true") {
			return sc
		}
	}
	return nil
}
