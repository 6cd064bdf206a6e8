package preflight

// Test hooks for the external test package.
var (
	AnalyseForTest      = analyse
	ParseTimingsForTest = parseTimings
	DisasterForTest     = disasterRehearsal
)
