package cost

import (
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/generic-corp/platform/internal/lifecycle"
	"github.com/generic-corp/platform/internal/tokens"
	"github.com/generic-corp/platform/plan"
)

const (
	keyEKSStandard = "eks.cluster.standard_support"
	keyEKSExtended = "eks.cluster.extended_support"
	keyEBSGP3      = "ebs.gp3.storage"
	keyEBSIOPS     = "ebs.gp3.baseline_iops_included"
)

// eksCluster: one control plane per cluster-hour, at the extended-support rate when its
// version is past its end of standard support (internal/lifecycle) on the day billed and
// the cluster may enter extended support (upgradePolicy.supportType EXTENDED, the default).
func eksCluster(e *estimator, r *plan.Resource, c *calc) {
	support, sst := strOr(r, "upgradePolicy.supportType", "EXTENDED")
	if !c.need(sst, "upgradePolicy.supportType") {
		return
	}
	version, vst := str(r, "version")
	switch {
	case vst == missing:
		c.note("version unset: EKS creates the latest version, in standard support")
		c.hours(keyEKSStandard, 1, "cluster")
		return
	case vst == unknown:
		c.need(vst, "version")
		return
	}
	table, err := lifecycle.Load()
	if err != nil {
		c.unknownf("%v", err)
		return
	}
	entry, listed := table.Find(lifecycle.EKS, "", version)
	if !listed {
		c.unknownf("Kubernetes %s is not in internal/lifecycle/lifecycle.json, so whether it bills extended support is unknown", version)
		return
	}
	st := table.Status(entry, e.on)
	day := lifecycle.FormatDate(e.on)
	switch {
	case st.InStandardSupport():
		c.hours(keyEKSStandard, 1, "cluster")
	case support == "STANDARD":
		c.note("Kubernetes %s left standard support on %s (before %s); supportType STANDARD makes EKS upgrade it instead of billing extended support",
			version, entry.EndOfStandardSupport, day)
		c.hours(keyEKSStandard, 1, "cluster")
	default:
		c.note("Kubernetes %s left standard support on %s (before %s): extended support is billed (%s)", version, entry.EndOfStandardSupport, day, entry.Source)
		c.hours(keyEKSExtended, 1, "cluster")
	}
}

// nodeGroup: desired nodes x the first instance type's hourly price, plus each node's
// EBS volumes from the launch template (joined by id, by name, or by dependency).
func nodeGroup(e *estimator, r *plan.Resource, c *calc) {
	desired, dst := num(r, "scalingConfig.desiredSize")
	if !c.need(dst, "scalingConfig.desiredSize") {
		return
	}
	capacity, cst := strOr(r, "capacityType", "ON_DEMAND")
	types, tst := arr(r, "instanceTypes")
	instance := ""
	switch {
	case tst == missing:
		instance = "t3.medium" // the provider's documented default
	case tst == known && len(types) > 0 && types[0].IsString():
		instance = types[0].AsString()
		if len(types) > 1 {
			c.note("priced as %s, the first of %d instance types", instance, len(types))
		}
	default:
		c.need(unknown, "instanceTypes")
	}
	switch {
	case cst != known:
		c.need(cst, "capacityType")
	case capacity == "SPOT":
		c.unknownf("capacityType SPOT: the table has on-demand prices only")
	case instance != "":
		c.hours("ec2."+instance, desired, "nodes")
	}
	c.note("desiredSize %s (the autoscaler may run up to maxSize)", fmtNum(desired))

	lt := e.launchTemplateOf(r)
	if lt == nil {
		if _, st := read(r.Inputs, "launchTemplate"); st != missing {
			c.unknownf("launch template of the node group not found in the plan")
			return
		}
		// Without a launch template EKS sizes the disk (diskSize, default 20 GiB) and
		// picks its volume type, which the inputs do not show.
		c.unknownf("node disk volume type is chosen by EKS without a launch template")
		return
	}
	nodeVolumes(lt, desired, c)
}

// nodeVolumes prices the EBS volumes a launch template gives every node.
func nodeVolumes(lt *plan.Resource, nodes float64, c *calc) {
	mappings, st := arr(lt, "blockDeviceMappings")
	if st == missing || len(mappings) == 0 {
		c.unknownf("launch template %s sets no block device: the root volume size comes from the AMI", lt.Name)
		return
	}
	for i, m := range mappings {
		if !m.IsMap() {
			c.need(unknown, "blockDeviceMappings")
			continue
		}
		priceVolume(m.AsMap(), "ebs.", nodes, c, lt.Name+" blockDeviceMappings["+strconv.Itoa(i)+"]")
	}
}

// priceVolume prices one EBS volume definition (keys volumeType/volumeSize/iops/
// throughput under prefix) times n.
func priceVolume(m property.Map, prefix string, n float64, c *calc, what string) {
	vt, tst := read(m, prefix+"volumeType")
	size, sst := numIn(m, prefix+"volumeSize")
	switch {
	case tst == unknown || sst == unknown:
		c.unknownf("%s volume type or size is not known until apply", what)
	case tst == missing || !vt.IsString():
		c.unknownf("%s has no volumeType: the AMI's default type is not in the inputs", what)
	case vt.AsString() != "gp3":
		c.unknownf("%s volumeType %s: the table prices gp3 only", what, vt.AsString())
	case sst == missing:
		c.unknownf("%s has no volumeSize: the size comes from the AMI", what)
	default:
		c.term(keyEBSGP3, size*n, fmtNum(n)+" x "+fmtNum(size)+" GB")
		gp3Extras(m, prefix, c, what)
	}
}

// gp3Extras flags provisioned IOPS or throughput above what the gp3 price includes.
func gp3Extras(m property.Map, prefix string, c *calc, what string) {
	if iops, st := numIn(m, prefix+"iops"); st == known && iops > 3000 {
		c.cite(keyEBSIOPS)
		c.unknownf("%s provisions %s IOPS; only 3,000 are included and extra IOPS are not in the table", what, fmtNum(iops))
	}
	if tp, st := numIn(m, prefix+"throughput"); st == known && tp > 125 {
		c.unknownf("%s provisions %s MiB/s; only 125 are included and extra throughput is not in the table", what, fmtNum(tp))
	}
}

func ebsVolume(_ *estimator, r *plan.Resource, c *calc) {
	// The provider's documented default type is gp2.
	m := property.NewMap(map[string]property.Value{"volumeType": property.New("gp2")})
	for from, to := range map[string]string{"type": "volumeType", "size": "volumeSize", "iops": "iops", "throughput": "throughput"} {
		if v, st := read(r.Inputs, from); st != missing {
			m = m.Set(to, v)
		}
	}
	priceVolume(m, "", 1, c, "volume")
}

// launchTemplateOf finds the node group's launch template: by id (known in Update mode),
// by name, else by the launchTemplate property dependency (Preview).
func (e *estimator) launchTemplateOf(ng *plan.Resource) *plan.Resource {
	if id, st := str(ng, "launchTemplate.id"); st == known {
		for _, lt := range e.p.ByType(tokens.EC2LaunchTemplate) {
			if lt.ID == id {
				return lt
			}
		}
	}
	if name, st := str(ng, "launchTemplate.name"); st == known {
		for _, lt := range e.p.ByType(tokens.EC2LaunchTemplate) {
			if n, _ := str(lt, "name"); n == name {
				return lt
			}
		}
	}
	if deps := dependsOn(e.p, ng, "launchTemplate", tokens.EC2LaunchTemplate); len(deps) == 1 {
		return deps[0]
	}
	return nil
}
