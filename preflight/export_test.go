package preflight

// Test hooks for the external test package.
var (
	AnalyseForTest      = analyse
	ParseTimingsForTest = parseTimings
	DisasterForTest     = disasterRehearsal
)

// LoadResilienceConstants parses the embedded table.
func LoadResilienceConstants() ([]ResilienceConstant, error) {
	d, err := parseResilience(resilienceJSON)
	if err != nil {
		return nil, err
	}
	return d.Constants, nil
}
