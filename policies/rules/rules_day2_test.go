package rules

import "github.com/generic-corp/platform/internal/tokens"

// Fixtures of the day-2 rule and model tests.

const (
	dataKeyARN = "arn:aws:kms:us-west-2:123456789012:key/data"
	drSnapshot = "platform-prod-dr-drill"
)

// restoredDB is the dr stack's restored instance; changes edit its inputs (del removes).
func restoredDB(changes map[string]any, opts ...opt) Resource {
	in := map[string]any{"identifier": "agent-platform-dr-postgres", "engine": "postgres", "engineVersion": "16",
		"snapshotIdentifier": drSnapshot, "storageEncrypted": true, "multiAz": true, "autoMinorVersionUpgrade": true,
		"allocatedStorage": 50, "maxAllocatedStorage": 500}
	for path, v := range changes {
		in = set(in, path, v)
	}
	return res(tokens.RDSInstance, "database", in, append([]opt{withID("agent-platform-dr-postgres")}, opts...)...)
}

func day2Cases() []ruleCase {
	return []ruleCase{{
		id:      ruleDay2Converges,
		pass:    stack("dr", restoredDB(nil, protected)),
		fail:    stack("dr", restoredDB(map[string]any{"kmsKeyId": dataKeyARN}, protected)),
		failMsg: "kmsKeyId forces a replacement, so the next `pulumi up` replaces the resource (it is protected",
		// A preview: no state yet, and the key is another resource's output.
		unknown: stack("dr", res(tokens.RDSInstance, "database", map[string]any{"engine": "postgres", "engineVersion": "16",
			"snapshotIdentifier": drSnapshot, "kmsKeyId": unk})),
	}}
}
