package stacks

import (
	"fmt"
	"regexp"
)

// AppsConfig sizes our own workloads.
type AppsConfig struct {
	ApiMaxReplicas        int
	WorkerQueues          []string
	BullMQPrefix          string
	WorkerMaxReplicas     int
	TemporalTaskQueue     string
	TemporalHistoryShards int
	MigrationCommand      []string
}

var queueNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

func loadApps(r *reader) AppsConfig {
	a := AppsConfig{
		ApiMaxReplicas:        r.integer("apiMaxReplicas", 2, 100),
		WorkerQueues:          r.list("workerQueues"),
		BullMQPrefix:          r.str("bullmqPrefix"),
		WorkerMaxReplicas:     r.integer("workerMaxReplicas", 1, 200),
		TemporalTaskQueue:     r.str("temporalTaskQueue"),
		TemporalHistoryShards: r.integer("temporalHistoryShards", 4, 16384),
		MigrationCommand:      r.list("migrationCommand"),
	}
	if r.raw["workerQueues"] != "" && len(a.WorkerQueues) == 0 {
		r.errs.add("workerQueues", "[]", "must name at least one BullMQ queue")
	}
	for _, q := range append(append([]string{}, a.WorkerQueues...), a.BullMQPrefix, a.TemporalTaskQueue) {
		if q != "" && !queueNamePattern.MatchString(q) {
			r.errs.add("workerQueues", q, "is not a valid queue or prefix name (allowed: letters, digits, '_', '.', '-', up to 64)")
		}
	}
	if n := a.TemporalHistoryShards; n != 0 && n&(n-1) != 0 {
		r.errs.add("temporalHistoryShards", fmt.Sprint(n), "is not a power of two (allowed: 4, 8, ..., 16384; and it can never change after the first deploy)")
	}
	if r.raw["migrationCommand"] != "" && len(a.MigrationCommand) == 0 {
		r.errs.add("migrationCommand", "[]", "must name a command")
	}
	return a
}
