package lifecycle

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := ParseDate(s)
	require.NoError(t, err)
	return d
}

func TestEmbeddedTableLoads(t *testing.T) {
	tbl, err := Load()
	require.NoError(t, err)
	require.NotEmpty(t, tbl.Versions(EKS, ""))
	for _, e := range tbl.Entries {
		require.NotEmpty(t, e.Source, "%s %s %s", e.Product, e.Name, e.Version)
	}
}

func TestValidateRefusesIncompleteRows(t *testing.T) {
	base := func() Table {
		return Table{Collected: "2026-12-03", WarnDays: 90, Entries: []Entry{{Product: EKS, Version: "1.36",
			EndOfStandardSupport: "2027-08-02", EndOfExtendedSupport: "2028-08-02", Source: "https://example.org"}}}
	}
	cases := []struct {
		name   string
		mutate func(*Table)
		msg    string
	}{
		{"unknown product", func(t *Table) { t.Entries[0].Product = "gke" }, `unknown product "gke"`},
		{"no source", func(t *Table) { t.Entries[0].Source = "" }, "https source"},
		{"bad date", func(t *Table) { t.Entries[0].EndOfStandardSupport = "Aug 2027" }, `date "Aug 2027"`},
		{"EKS without an extended end", func(t *Table) { t.Entries[0].EndOfExtendedSupport = "" }, "standard and extended support ends"},
		{"add-on without a name", func(t *Table) { t.Entries[0].Product = EKSAddon }, "name is required"},
		{"listed twice", func(t *Table) { t.Entries = append(t.Entries, t.Entries[0]) }, "listed twice"},
		{"no warning window", func(t *Table) { t.WarnDays = 0 }, "warnDays"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tbl := base()
			require.NoError(t, tbl.validate())
			tc.mutate(&tbl)
			err := tbl.validate()
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.msg)
		})
	}
}

func TestStatusByDay(t *testing.T) {
	tbl := &Table{WarnDays: 90}
	e := Entry{Product: EKS, Version: "1.34", EndOfStandardSupport: "2026-12-02", EndOfExtendedSupport: "2027-12-02"}
	cases := []struct {
		on    string
		phase Phase
		days  int
	}{
		{"2026-09-02", Supported, 91},
		{"2026-09-03", EndingSoon, 90},
		{"2026-12-01", EndingSoon, 1},
		{"2026-12-02", Extended, 0},
		{"2027-12-01", Extended, -364},
		{"2027-12-02", Ended, -365},
	}
	for _, tc := range cases {
		t.Run(tc.on, func(t *testing.T) {
			st := tbl.Status(e, day(t, tc.on))
			require.Equal(t, tc.phase, st.Phase)
			require.Equal(t, tc.days, st.DaysLeft)
		})
	}
	require.Equal(t, NoPublishedEnd, tbl.Status(Entry{Version: "2.20.2"}, day(t, "2026-12-03")).Phase)
}

func TestNewestInStandardSupport(t *testing.T) {
	tbl := MustLoad()
	e, err := tbl.NewestInStandardSupport(EKS, "", day(t, "2026-12-03"))
	require.NoError(t, err)
	require.Equal(t, "1.36", e.Version)
	_, err = tbl.NewestInStandardSupport(EKS, "", day(t, "2040-01-01"))
	require.ErrorContains(t, err, "no eks  version is in standard support on 2040-01-01")
}

func TestTodayHonoursTheOverride(t *testing.T) {
	t.Setenv(RunDateVariable, "2027-03-01")
	d, err := Today()
	require.NoError(t, err)
	require.Equal(t, "2027-03-01", FormatDate(d))
	t.Setenv(RunDateVariable, "tomorrow")
	_, err = Today()
	require.ErrorContains(t, err, `PLATFORM_RUN_DATE="tomorrow"`)
}
