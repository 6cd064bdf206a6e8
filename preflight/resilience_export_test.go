package preflight

// Test hooks of the resilience model for the external test package.
var (
	AssessResilienceForTest = assessResilience
	ScheduleMinutesForTest  = scheduleMinutes
	ParseResilienceForTest  = func(data []byte) error { _, err := parseResilience(data); return err }
)
