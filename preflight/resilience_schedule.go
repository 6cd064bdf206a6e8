package preflight

import (
	"strconv"
	"strings"
)

// scheduleMinutes is the longest gap, in minutes, between two runs of an AWS Backup
// schedule expression: rate(N unit) or the six-field cron(minutes hours day-of-month
// month day-of-week year) of EventBridge. It reads the shapes backup rules use (fixed
// or stepped hours on every day, some weekdays, or some days of the month) and says
// false for anything else, so the caller never guesses a bound.
func scheduleMinutes(expr string) (float64, bool) {
	expr = strings.TrimSpace(expr)
	if body, ok := cut(expr, "rate(", ")"); ok {
		return rateMinutes(body)
	}
	body, ok := cut(expr, "cron(", ")")
	if !ok {
		return 0, false
	}
	f := strings.Fields(body)
	if len(f) != 6 || !isNumberList(f[0]) || f[3] != "*" || (f[5] != "*" && f[5] != "?") {
		return 0, false
	}
	perDay, ok := hourGap(f[1])
	if !ok {
		return 0, false
	}
	dom, dow := f[2], f[4]
	wild := func(x string) bool { return x == "*" || x == "?" }
	switch {
	case wild(dom) && wild(dow):
		return perDay, true
	case perDay != 24*60:
		return 0, false // several runs, but only on some days: not a shape backup rules use
	case dom == "?" && !strings.ContainsAny(dow, ",-/#L*?"):
		return 7 * 24 * 60, true // one weekday
	case dow == "?" && isNumberList(dom) && !strings.Contains(dom, ","):
		return 31 * 24 * 60, true // one day of the month; the longest month
	}
	return 0, false
}

func cut(s, prefix, suffix string) (string, bool) {
	if !strings.HasPrefix(s, prefix) || !strings.HasSuffix(s, suffix) {
		return "", false
	}
	return strings.TrimSuffix(strings.TrimPrefix(s, prefix), suffix), true
}

func rateMinutes(body string) (float64, bool) {
	f := strings.Fields(body)
	if len(f) != 2 {
		return 0, false
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n < 1 {
		return 0, false
	}
	unit := map[string]float64{"minute": 1, "minutes": 1, "hour": 60, "hours": 60, "day": 24 * 60, "days": 24 * 60}[f[1]]
	if unit == 0 {
		return 0, false
	}
	return float64(n) * unit, true
}

// hourGap is the longest gap between runs on a day with runs at the hours field: one
// hour (a fixed time every day), several (a list), or a step (*/N, H/N).
func hourGap(field string) (float64, bool) {
	if base, step, ok := strings.Cut(field, "/"); ok {
		n, err := strconv.Atoi(step)
		if err != nil || n < 1 || (base != "*" && !isNumberList(base)) {
			return 0, false
		}
		if 24%n != 0 {
			return 0, false // the step does not divide the day evenly
		}
		return float64(n * 60), true
	}
	if field == "*" {
		return 60, true
	}
	if !isNumberList(field) {
		return 0, false
	}
	var hours []int
	for _, h := range strings.Split(field, ",") {
		n, _ := strconv.Atoi(h)
		hours = append(hours, n)
	}
	gap := 24 - hours[len(hours)-1] + hours[0] // across midnight
	for i := 1; i < len(hours); i++ {
		gap = max(gap, hours[i]-hours[i-1])
	}
	return float64(gap * 60), true
}

func isNumberList(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ",") {
		if _, err := strconv.Atoi(part); err != nil {
			return false
		}
	}
	return true
}
