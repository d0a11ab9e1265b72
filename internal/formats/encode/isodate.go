package encode

import (
	"encoding/binary"

	"github.com/synthpipe/synthpipe/internal/domain/model"
)

// Dates of the years isoFirstYear … isoFirstYear+isoYears-1 (every date a
// record holds) are written from tables, not by Date.Civil and a digit at a
// time: a row has several.
const (
	isoFirstYear = 1800
	isoYears     = 500
)

var (
	isoFirstDay = model.DateOf(isoFirstYear, 1, 1)
	// isoYearStart[k] is 1 January of the year isoFirstYear+k, in days from
	// isoFirstDay; the last entry ends the tables' span.
	isoYearStart [isoYears + 1]uint32
	// isoYear[k] is "YYYY-" of the year isoFirstYear+k, as putISODate
	// stores it.
	isoYear [isoYears]uint64
	// isoMonthDay[leap][doy] is "MM-DD," of day doy (from 0) of a common
	// (leap 0) or leap year.
	isoMonthDay [2][366]uint64
)

func init() {
	for k := range isoYearStart {
		isoYearStart[k] = uint32(model.DateOf(isoFirstYear+k, 1, 1) - isoFirstDay)
	}
	for k := range isoYear {
		isoYear[k] = binary.LittleEndian.Uint64(append(model.DateOf(isoFirstYear+k, 1, 1).AppendISO(nil)[:5], 0, 0, 0))
	}
	for leap, year := range []int{2001, 2000} {
		start := model.DateOf(year, 1, 1)
		for doy := range 365 + leap {
			iso := (start + model.Date(doy)).AppendISO(nil)
			isoMonthDay[leap][doy] = binary.LittleEndian.Uint64(append(iso[5:], ',', 0, 0))
		}
	}
}

// putISODate writes d as YYYY-MM-DD and a comma to w[:11], using w[11:13]
// as scratch, and reports whether it did: false for a date beyond the
// tables (w is left as it was).
func putISODate(w []byte, d model.Date) bool {
	days := uint32(d - isoFirstDay) // a date before isoFirstDay wraps past the span
	if days >= isoYearStart[isoYears] {
		return false
	}
	k := days / 365 // the year, or the one after: years have 365 days or more
	if days < isoYearStart[k] {
		k--
	}
	start, next := isoYearStart[k], isoYearStart[k+1]
	leap := next - start - 365
	w = w[:13]
	binary.LittleEndian.PutUint64(w, isoYear[k])
	binary.LittleEndian.PutUint64(w[5:], isoMonthDay[leap&1][days-start])
	return true
}
