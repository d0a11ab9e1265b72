package model

import (
	"testing"
	"time"
)

// Civil, DateOf and AddYears agree with the time package on every day from
// the year -200 to 2400, through the signed and the unsigned path.
func TestDatesAgreeWithTimePackage(t *testing.T) {
	epoch := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	days := func(t time.Time) int { return int(t.Unix() / 86400) } // Sub overflows past 292 years
	first := days(time.Date(-200, 1, 1, 0, 0, 0, 0, time.UTC))
	last := days(time.Date(2400, 12, 31, 0, 0, 0, 0, time.UTC))
	for n := first; n <= last; n++ {
		d := Date(n)
		tm := epoch.AddDate(0, 0, n)
		y, m, dd := d.Civil()
		if y != tm.Year() || m != int(tm.Month()) || dd != tm.Day() {
			t.Fatalf("Civil(%d) = %d-%d-%d, want %s", n, y, m, dd, tm.Format("2006-01-02"))
		}
		if got := DateOf(y, m, dd); got != d {
			t.Fatalf("DateOf(%d, %d, %d) = %d, want %d", y, m, dd, got, n)
		}
		if n%7 == 0 {
			for _, k := range []int{-30, -8, 1, 2, 8} {
				want := time.Date(y+k, time.Month(m), dd, 0, 0, 0, 0, time.UTC)
				if m == 2 && dd == 29 && want.Month() == 3 {
					want = want.AddDate(0, 0, -1) // 29 February becomes 28 February
				}
				if got := d.AddYears(k); got != Date(days(want)) {
					t.Fatalf("%s.AddYears(%d) = %s, want %s", tm.Format("2006-01-02"), k, got, want.Format("2006-01-02"))
				}
			}
		}
	}
}
