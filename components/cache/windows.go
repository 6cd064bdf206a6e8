package cache

import (
	"fmt"
	"regexp"
	"strconv"
)

// ElastiCache refuses a snapshot window that overlaps the maintenance window, and a
// snapshot taken during maintenance (failover, patching) is the one most likely to fail,
// so both are checked here rather than at deploy time.

const (
	minutesPerDay  = 24 * 60
	minutesPerWeek = 7 * minutesPerDay
	minWindow      = 60
)

var (
	dailyWindow  = regexp.MustCompile(`^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])$`)
	weeklyWindow = regexp.MustCompile(`^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):([0-5][0-9])-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):([0-5][0-9])$`)
	weekdays     = map[string]int{"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
)

// span is a half-open interval [start, start+length) on a circle of `period` minutes.
type span struct{ start, length int }

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// parseDaily parses "hh:mm-hh:mm" (UTC); the end may be on the next day.
func parseDaily(w string) (span, error) {
	m := dailyWindow.FindStringSubmatch(w)
	if m == nil {
		return span{}, fmt.Errorf("cache: SnapshotWindow %q is not a daily UTC window \"hh:mm-hh:mm\" (e.g. \"03:00-04:00\")", w)
	}
	start := atoi(m[1])*60 + atoi(m[2])
	end := atoi(m[3])*60 + atoi(m[4])
	length := (end - start + minutesPerDay) % minutesPerDay
	if length < minWindow {
		return span{}, fmt.Errorf("cache: SnapshotWindow %q is %d minutes long (at least %d)", w, length, minWindow)
	}
	return span{start, length}, nil
}

// parseWeekly parses "ddd:hh:mm-ddd:hh:mm" (UTC); the end may be in the next week.
func parseWeekly(w string) (span, error) {
	m := weeklyWindow.FindStringSubmatch(w)
	if m == nil {
		return span{}, fmt.Errorf("cache: MaintenanceWindow %q is not a weekly UTC window \"ddd:hh:mm-ddd:hh:mm\" (e.g. \"sun:05:00-sun:06:00\")", w)
	}
	start := weekdays[m[1]]*minutesPerDay + atoi(m[2])*60 + atoi(m[3])
	end := weekdays[m[4]]*minutesPerDay + atoi(m[5])*60 + atoi(m[6])
	length := (end - start + minutesPerWeek) % minutesPerWeek
	if length < minWindow {
		return span{}, fmt.Errorf("cache: MaintenanceWindow %q is %d minutes long (at least %d)", w, length, minWindow)
	}
	if length > minutesPerDay {
		return span{}, fmt.Errorf("cache: MaintenanceWindow %q is %d minutes long (at most 24 hours)", w, length)
	}
	return span{start, length}, nil
}

// overlaps reports whether two spans on a circle of period minutes intersect.
func overlaps(a, b span, period int) bool {
	return (b.start-a.start+period)%period < a.length || (a.start-b.start+period)%period < b.length
}

// checkWindows validates both windows and that no day's snapshot window overlaps the
// weekly maintenance window.
func checkWindows(snapshot, maintenance string) error {
	s, err := parseDaily(snapshot)
	if err != nil {
		return err
	}
	m, err := parseWeekly(maintenance)
	if err != nil {
		return err
	}
	for day := range 7 {
		if overlaps(span{day*minutesPerDay + s.start, s.length}, m, minutesPerWeek) {
			return fmt.Errorf("cache: SnapshotWindow %q overlaps MaintenanceWindow %q (UTC); move one of them", snapshot, maintenance)
		}
	}
	return nil
}
