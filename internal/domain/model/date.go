package model

import (
	"fmt"
	"sync/atomic"
)

// Date is a calendar date stored as days since 1970-01-01. It is computed
// with integer arithmetic only, so no date in any output depends on the time
// zone or the wall clock. Parquet writes it as DATE (int32 days).
type Date int32

// NoDate is the null of a nullable date column (Column.Nullable): the
// zero Date. Generators never make 1970-01-01 in a nullable date column.
const NoDate Date = 0

// DateOf returns the Date of a proleptic Gregorian calendar day.
func DateOf(year, month, day int) Date {
	if year <= dateOfFastFrom || year > dateOfFastTo || month < 1 || month > 12 {
		return dateOfSigned(year, month, day)
	}
	// Neri and Schneider's inverse of Civil (as in libstdc++'s chrono), on
	// the same unsigned count of days from 1 March of the year -1,468,000.
	// Days are counted modulo 2^32, as a Date keeps them.
	y, m := uint32(year-dateOfFastFrom), uint32(month)
	if m < 3 { // January and February: months 13 and 14 of the year before
		y--
		m += 12
	}
	century := y / 100
	days := 1461*y/4 - century + century/4 + (979*m-2919)/32 + uint32(day) - 1
	return Date(int32(days - 536895458))
}

// DateOf's unsigned count holds the years after dateOfFastFrom (whose
// January would count from before the start) up to dateOfFastTo (where
// 1461·years still fits 32 bits); others take the signed path.
const (
	dateOfFastFrom = -1468000
	dateOfFastTo   = 1471744
)

// dateOfSigned is DateOf for any year and month.
func dateOfSigned(year, month, day int) Date {
	// Howard Hinnant's days_from_civil.
	y := year
	if month <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	m := month
	if m > 2 {
		m -= 3
	} else {
		m += 9
	}
	doy := (153*m+2)/5 + day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return Date(era*146097 + doe - 719468)
}

// Civil returns the year, month and day of d.
func (d Date) Civil() (year, month, day int) {
	if d < civilFastFrom || d > civilFastTo {
		return civilSigned(int(d) + 719468)
	}
	// The algorithm of Neri and Schneider ("Euclidean affine functions and
	// their application to calendar algorithms", 2022), as in libstdc++'s
	// chrono: multiplications and shifts, no division but by constants.
	// Every record has several dates. Days count from 1 March of the year
	// -1,468,000 (3,670 eras of 400 years before year 0), so all is unsigned.
	r0 := uint32(int32(d)) + 536895458
	n1 := 4*r0 + 3
	century, r1 := n1/146097, n1%146097/4 // r1: day of the century
	n2 := 4*r1 + 3
	u2 := uint64(2939745) * uint64(n2)
	yoc, doy := uint32(u2>>32), uint32(u2)/2939745/4 // year of the century; day of the year from 1 March
	n3 := 2141*doy + 197913
	m, dd := n3>>16, n3&0xffff/2141 // month 3 … 14, day from 0
	y := 100*century + yoc
	if doy >= 306 { // January and February: the next calendar year
		y++
		m -= 12
	}
	return int(y) - 1468000, int(m), int(dd) + 1
}

// Civil's unsigned count holds the days from civilFastFrom (1 March of the
// year -1,468,000) to civilFastTo (where 4·count+3 still fits 32 bits, in
// the year 1,469,872); dates beyond take the signed path.
const (
	civilFastFrom Date = -536895458
	civilFastTo   Date = 1<<30 - 1 - 536895458
)

// civilSigned is Civil for days outside civilFastFrom … civilFastTo, z from
// 0000-03-01 (Howard Hinnant's civil_from_days with floored eras).
func civilSigned(z int) (year, month, day int) {
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		month = mp + 3
	} else {
		month = mp - 9
	}
	if month <= 2 {
		y++
	}
	return y, month, day
}

// Year returns the calendar year of d.
func (d Date) Year() int { y, _, _ := d.Civil(); return y }

// AppendISO appends d as YYYY-MM-DD.
func (d Date) AppendISO(b []byte) []byte {
	y, m, dd := d.Civil()
	if y >= 0 && y <= 9999 { // every date a record holds: two digits per look-up
		hi, lo := y/100, y%100
		return append(b, DigitPairs[2*hi], DigitPairs[2*hi+1], DigitPairs[2*lo], DigitPairs[2*lo+1], '-',
			DigitPairs[2*m], DigitPairs[2*m+1], '-', DigitPairs[2*dd], DigitPairs[2*dd+1])
	}
	b = append(b, byte('0'+y/1000%10), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-')
	b = append(b, byte('0'+m/10), byte('0'+m%10), '-')
	return append(b, byte('0'+dd/10), byte('0'+dd%10))
}

// String returns d as YYYY-MM-DD.
func (d Date) String() string { return string(d.AppendISO(make([]byte, 0, 10))) }

// ParseDate reads a YYYY-MM-DD date and rejects impossible days.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	num := func(part string) (int, bool) {
		n := 0
		for i := 0; i < len(part); i++ {
			c := part[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(s[0:4])
	m, ok2 := num(s[5:7])
	d, ok3 := num(s[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > DaysIn(y, m) {
		return 0, fmt.Errorf("date %q: not a calendar day (want YYYY-MM-DD)", s)
	}
	return DateOf(y, m, d), nil
}

// DaysIn returns the number of days of a month.
func DaysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// YearsBetween returns the whole years from a to b (an age, or years licensed):
// the anniversary counts on its day; a 29 February anniversary falls on
// 28 February in common years.
func YearsBetween(a, b Date) int { return a.CivilDate().YearsUntil(b) }

// YearsUntil is YearsBetween(a, b) of a's calendar fields and b.
func (a CivilDate) YearsUntil(b Date) int {
	by, bm, bd := civilOfRef(b)
	return a.YearsTo(CivilDate{by, bm, bd})
}

// CivilDate is a date's calendar fields, for callers that count from one
// date to many and would find them again for each.
type CivilDate struct{ Year, Month, Day int }

// CivilDate returns d's calendar fields.
func (d Date) CivilDate() CivilDate {
	y, m, dd := d.Civil()
	return CivilDate{y, m, dd}
}

// YearsTo is YearsBetween(a, b) of a's and b's calendar fields.
func (a CivilDate) YearsTo(b CivilDate) int {
	n := b.Year - a.Year
	ad := a.Day
	if a.Month == 2 && ad == 29 && DaysIn(b.Year, 2) == 28 {
		ad = 28
	}
	if b.Month < a.Month || (b.Month == a.Month && b.Day < ad) {
		n--
	}
	return n
}

// AddYears returns the same month and day n years later, 29 February
// becoming 28 February in a common year.
func (d Date) AddYears(n int) Date { return d.CivilDate().AddYears(n) }

// AddYears is Date.AddYears of the date c is the fields of.
func (c CivilDate) AddYears(n int) Date {
	y, dd := c.Year+n, c.Day
	if c.Month == 2 && dd == 29 && DaysIn(y, 2) == 28 {
		dd = 28
	}
	return DateOf(y, c.Month, dd)
}

// MarshalJSON writes d as "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) {
	b := append(make([]byte, 0, 12), '"')
	return append(d.AppendISO(b), '"'), nil
}

// UnmarshalJSON reads "YYYY-MM-DD", or null as NoDate (a nullable date
// column's null).
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = NoDate
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("date %s: want a \"YYYY-MM-DD\" string", b)
	}
	v, err := ParseDate(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// lastRef caches the civil date of the last reference date asked for,
// packed as day<<32 | year<<9 | month<<5 | day of month (0 when empty):
// ages are all counted to one date, and a pointer per change of date would
// allocate whenever callers alternate between dates.
var lastRef atomic.Uint64

func civilOfRef(d Date) (int, int, int) {
	e := lastRef.Load()
	if e != 0 && Date(int32(uint32(e>>32))) == d {
		return int(e >> 9 & 0x7fffff), int(e >> 5 & 0xf), int(e & 0x1f)
	}
	y, m, dd := d.Civil()
	if y >= 0 && y < 1<<23 {
		lastRef.Store(uint64(uint32(d))<<32 | uint64(y)<<9 | uint64(m)<<5 | uint64(dd))
	}
	return y, m, dd
}

// DigitPairs holds the two digits of 00 … 99, for writers of numbers and
// dates that take two digits per look-up.
const DigitPairs = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"
