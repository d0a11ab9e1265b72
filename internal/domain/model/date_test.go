package model

import (
	"math"
	"testing"
	"time"
)

// Civil, DateOf and AddYears agree with the time package on every day from
// the year -200 to 10000.
func TestDatesAgreeWithTimePackage(t *testing.T) {
	epoch := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	days := func(t time.Time) int { return int(t.Unix() / 86400) } // Sub overflows past 292 years
	first := days(time.Date(-200, 1, 1, 0, 0, 0, 0, time.UTC))
	last := days(time.Date(10000, 12, 31, 0, 0, 0, 0, time.UTC))
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

// YearsBetween counts whole years as a birthday does, also when callers
// alternate between reference dates (its cache of the last one).
func TestYearsBetweenAlternatingReferenceDates(t *testing.T) {
	refs := []Date{DateOf(2026, 1, 1), DateOf(2024, 2, 29), DateOf(2023, 2, 28), DateOf(1970, 1, 1)}
	for a := DateOf(1930, 1, 1); a < DateOf(2024, 1, 1); a += 3 {
		for _, b := range refs {
			ay, am, ad := a.Civil()
			by, bm, bd := b.Civil()
			want := by - ay
			if am == 2 && ad == 29 && DaysIn(by, 2) == 28 {
				ad = 28
			}
			if bm < am || (bm == am && bd < ad) {
				want--
			}
			if got := YearsBetween(a, b); got != want {
				t.Fatalf("YearsBetween(%s, %s) = %d, want %d", a, b, got, want)
			}
		}
	}
}

// Civil's unsigned count and its signed fallback meet without a gap, and
// the extremes of a Date come back through DateOf.
func TestCivilAtItsBounds(t *testing.T) {
	for _, d := range []Date{math.MinInt32, civilFastFrom - 1, civilFastFrom, civilFastFrom + 1, -1, 0, civilFastTo, civilFastTo + 1, math.MaxInt32} {
		y, m, dd := d.Civil()
		if got := DateOf(y, m, dd); got != d {
			t.Errorf("Date %d: Civil %d-%d-%d, DateOf gives %d", d, y, m, dd, got)
		}
	}
	if y, m, dd := civilFastFrom.Civil(); y != -1468000 || m != 3 || dd != 1 {
		t.Errorf("civilFastFrom is %d-%d-%d, want -1468000-3-1", y, m, dd)
	}
	if y, m, dd := (civilFastFrom - 1).Civil(); y != -1468000 || m != 2 || dd != 29 && dd != 28 {
		t.Errorf("the day before civilFastFrom is %d-%d-%d", y, m, dd)
	}
}

// DateOf's unsigned count agrees with the signed algorithm up to its
// bounds, for every month and for days out of range (which count on).
func TestDateOfFastAgreesWithSigned(t *testing.T) {
	years := []int{dateOfFastFrom - 1, dateOfFastFrom, dateOfFastFrom + 1, dateOfFastFrom + 2, -1, 0, 1, 1970,
		dateOfFastTo - 1, dateOfFastTo, dateOfFastTo + 1}
	for y := -2000; y < 3000; y += 7 {
		years = append(years, y, y*491)
	}
	for _, y := range years {
		for m := -1; m <= 14; m++ {
			for _, d := range []int{-40, 0, 1, 2, 28, 29, 30, 31, 40, 1 << 20} {
				if got, want := DateOf(y, m, d), dateOfSigned(y, m, d); got != want {
					t.Fatalf("DateOf(%d, %d, %d) = %d, want %d", y, m, d, got, want)
				}
			}
		}
	}
}

// AppendISO writes what the time package formats, on every day from the
// year 0 to 9999 (two digits per look-up) and past them (digit by digit).
func TestAppendISO(t *testing.T) {
	epoch := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	first := int(time.Date(-20, 1, 1, 0, 0, 0, 0, time.UTC).Unix() / 86400)
	last := int(time.Date(10020, 12, 31, 0, 0, 0, 0, time.UTC).Unix() / 86400)
	var b []byte
	for n := first; n <= last; n++ {
		tm := epoch.AddDate(0, 0, n)
		y := tm.Year()
		if y < 0 || y > 9999 { // the time package signs and widens these; the digits are ours
			y, m, d := Date(n).Civil()
			want := []byte{byte('0' + y/1000%10), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-', byte('0' + m/10), byte('0' + m%10), '-', byte('0' + d/10), byte('0' + d%10)}
			if b = Date(n).AppendISO(b[:0]); string(b) != string(want) {
				t.Fatalf("day %d: %s, want %s", n, b, want)
			}
			continue
		}
		if b = Date(n).AppendISO(b[:0]); string(b) != tm.Format("2006-01-02") {
			t.Fatalf("day %d: %s, want %s", n, b, tm.Format("2006-01-02"))
		}
	}
	for _, d := range []Date{math.MinInt32, math.MaxInt32, NoDate} {
		_ = d.AppendISO(nil) // past any calendar: written, not a panic
	}
}
