package rules

import (
	"math"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/generic-corp/platform/internal/tokens"
)

// The RDS behaviours of the day-2 catalogue (day2_behaviours.go): how each leaves an
// instance's state.

const tSnapshotCopy = tokens.RDSSnapshotCopy

// restoreSource names what a restored instance was created from ("" when it was not).
func restoreSource(r Resource) string {
	if v := r.in("snapshotIdentifier"); isSet(v) {
		if id, ok := v.String(); ok {
			return "snapshot " + strconv.Quote(id)
		}
		return "its snapshot"
	}
	if v := r.in("restoreToPointInTime"); v.IsKnown() || v.IsUnknown() {
		return "the point-in-time restore's source backups"
	}
	return ""
}

// restoreKeepsKey: the restored instance's key is the snapshot's. The plan knows that key
// only when the snapshot is a copy the plan makes (aws.rds.SnapshotCopy with kmsKeyId).
func restoreKeepsKey(s Stack, r Resource) []day2Change {
	src := restoreSource(r)
	if src == "" {
		return nil
	}
	copies, _ := referenced(s, r, "snapshotIdentifier", tSnapshotCopy, "targetDbSnapshotIdentifier", "dbSnapshotArn")
	for _, cp := range copies {
		if key := cp.Inputs.Get("kmsKeyId"); !key.IsNull() {
			return []day2Change{{path: "kmsKeyId", state: key}}
		}
	}
	c := change("kmsKeyId", property.New("the KMS key of "+src))
	c.note, c.foreign = "the KMS key of "+src, true
	return []day2Change{c}
}

// restoreKeepsEngineVersion: the snapshot's engine is a later minor of the configured
// version; the provider's read decides what engineVersion then shows.
func restoreKeepsEngineVersion(_ Stack, r Resource) []day2Change {
	if restoreSource(r) == "" {
		return nil
	}
	return engineVersionDrift(r)
}

// autoMinorUpgrade: RDS raises the minor unless autoMinorVersionUpgrade is false (the
// provider's default is true).
func autoMinorUpgrade(_ Stack, r Resource) []day2Change {
	if on, ok := r.in("autoMinorVersionUpgrade").Bool(); ok && !on {
		return nil
	}
	return engineVersionDrift(r)
}

func engineVersionDrift(r Resource) []day2Change {
	configured, ok := r.in("engineVersion").String()
	if !ok || configured == "" {
		return nil // the engine's default, read back as computed
	}
	return []day2Change{change("engineVersion", property.New(rdsEngineVersionRead(configured, laterMinor(configured))))}
}

// rdsEngineVersionRead is the provider's compareActualEngineVersion (pulumi-aws v6.83.4
// bridges terraform-provider-aws v5): engineVersion keeps the configured value when it is
// a prefix of the actual version ("16" for "16.9"), else it becomes the actual version.
func rdsEngineVersionRead(configured, actual string) string {
	if configured != actual && strings.HasPrefix(actual, configured+".") {
		return configured
	}
	return actual
}

// laterMinor is a version one minor above v ("16.6" -> "16.7"; "16" -> "16.1", standing
// for whichever minor RDS runs).
func laterMinor(v string) string {
	parts := strings.Split(v, ".")
	if len(parts) < 2 {
		return v + ".1"
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil {
		return v + ".1"
	}
	return parts[0] + "." + strconv.Itoa(n+1)
}

// storageAutoscaling: RDS grows the storage by the greater of 10 GiB and 10 %, up to
// maxAllocatedStorage; the provider suppresses the difference while the program's
// maxAllocatedStorage is above its allocatedStorage.
func storageAutoscaling(_ Stack, r Resource) []day2Change {
	ceiling, ok1 := r.in("maxAllocatedStorage").Number()
	alloc, ok2 := r.in("allocatedStorage").Number()
	if !ok1 || !ok2 || ceiling <= alloc {
		return nil // autoscaling off, or a replica whose size follows its source
	}
	grown := math.Min(ceiling, alloc+math.Max(10, math.Ceil(alloc*0.1)))
	c := change("allocatedStorage", property.New(grown))
	c.suppressed = allocatedStorageSuppressed
	c.why = "the provider ignores a smaller allocatedStorage while maxAllocatedStorage is above it " +
		"(internal/service/rds/instance.go allocated_storage DiffSuppressFunc)"
	return []day2Change{c}
}

// allocatedStorageSuppressed is the provider's DiffSuppressFunc: state > configured and
// the configured maxAllocatedStorage > configured.
func allocatedStorageSuppressed(prog Resource, state Value) verdict {
	old, okOld := state.Number()
	configured, okNew := prog.in("allocatedStorage").Number()
	ceilingV := prog.in("maxAllocatedStorage")
	if !okOld || !okNew || ceilingV.IsUnknown() {
		return undecided
	}
	ceiling, _ := ceilingV.Number() // missing: 0, autoscaling off
	if old > configured && ceiling > configured {
		return pass
	}
	return violation
}

// multiAZFailover: the primary moves to the standby's zone.
func multiAZFailover(_ Stack, r Resource) []day2Change {
	if on, ok := r.in("multiAz").Bool(); !ok || !on {
		return nil
	}
	az, ok := r.in("availabilityZone").String()
	if !ok || az == "" {
		c := change("availabilityZone", property.New("the former standby's zone"))
		c.note = "the former standby's zone"
		return []day2Change{c}
	}
	return []day2Change{change("availabilityZone", property.New(otherZone(az)))}
}

// otherZone is a sibling zone of az in its region: us-west-2a -> us-west-2b.
func otherZone(az string) string {
	last := az[len(az)-1]
	next := byte('a')
	if last == 'a' {
		next = 'b'
	}
	return az[:len(az)-1] + string(next)
}
