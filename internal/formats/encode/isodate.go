package encode

import (
	"encoding/binary"

	"github.com/synthpipe/synthpipe/internal/domain/model"
)

// Dates from 1901 to 2099 (every date a record holds) are written from
// tables, not by Date.Civil and a digit at a time: a row has several. In
// those years every fourth year is a leap year, from 1904 (2000 is one), so
// the year of a day is a division.
const (
	isoFirstYear = 1901
	isoYears     = 199
	// isoFirstDay is 1901-01-01 and isoDays the days to 2100-01-01.
	isoFirstDay model.Date = -25202
	isoDays                = isoYears*365 + isoYears/4
)

var (
	// isoYear[y] is "YYYY-" of the year isoFirstYear+y, as putISODate
	// stores it.
	isoYear [isoYears]uint64
	// isoMonthDay[y%4][doy] is "MM-DD," of day doy (from 0) of the year
	// isoFirstYear+y: a leap year when y%4 is 3.
	isoMonthDay [4][366]uint64
)

func init() {
	for y := range isoYear {
		iso := model.DateOf(isoFirstYear+y, 1, 1).AppendISO(nil)
		isoYear[y] = binary.LittleEndian.Uint64(append(iso[:5], 0, 0, 0))
	}
	for cycle := range isoMonthDay {
		start := model.DateOf(isoFirstYear+cycle, 1, 1)
		for doy := range model.DateOf(isoFirstYear+cycle+1, 1, 1) - start {
			iso := (start + doy).AppendISO(nil)
			isoMonthDay[cycle][doy] = binary.LittleEndian.Uint64(append(iso[5:], ',', 0, 0))
		}
	}
}

// putISODate writes d as YYYY-MM-DD and a comma to w[:11], using w[11:13]
// as scratch, and reports whether it did: false for a date beyond the
// tables (w is left as it was).
func putISODate(w []byte, d model.Date) bool {
	days := uint32(d - isoFirstDay) // a date before isoFirstDay wraps past the span
	if days >= isoDays {
		return false
	}
	y := (4*days + 3) / 1461 // 1461 days in 4 years
	binary.LittleEndian.PutUint64(w[:8], isoYear[y])
	binary.LittleEndian.PutUint64(w[5:13], isoMonthDay[y%4][days-1461*y/4])
	return true
}
