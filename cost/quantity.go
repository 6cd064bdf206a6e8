package cost

import (
	"strconv"
	"strings"
)

// quantitySuffixes convert Kubernetes quantity suffixes to GiB (EBS bills GiB-months,
// which AWS writes "GB-month").
var quantitySuffixes = []struct {
	suffix string
	gib    float64
}{
	{"Ki", 1.0 / (1 << 20)}, {"Mi", 1.0 / (1 << 10)}, {"Gi", 1}, {"Ti", 1 << 10}, {"Pi", 1 << 20},
	{"k", 1e3 / (1 << 30)}, {"M", 1e6 / (1 << 30)}, {"G", 1e9 / (1 << 30)}, {"T", 1e12 / (1 << 30)},
}

// parseQuantityGiB parses a Kubernetes storage quantity ("20Gi", "500M", "1073741824").
func parseQuantityGiB(q string) (float64, bool) {
	q = strings.TrimSpace(q)
	for _, s := range quantitySuffixes {
		if strings.HasSuffix(q, s.suffix) {
			f, ok := parseFloat(strings.TrimSuffix(q, s.suffix))
			return f * s.gib, ok
		}
	}
	f, ok := parseFloat(q)
	return f / (1 << 30), ok
}

func parseFloat(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f, err == nil && f >= 0
}
