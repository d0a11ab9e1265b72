package readback

import (
	"fmt"
	"io"
	"reflect"
	"strings"
)

// Limits on one record, so that a hostile file (a 100 MB line, a record of
// megabytes of whitespace) ends in an error instead of a runaway
// allocation. synthpipe's own records are a few hundred bytes.
const (
	// MaxLineBytes bounds one CSV record, one JSON record and the strings
	// of one Parquet row.
	MaxLineBytes = 64 << 10
	// MaxFieldBytes bounds one CSV value.
	MaxFieldBytes = 4 << 10
	// maxValueBytes bounds a value quoted in an error.
	maxValueBytes = 200
	// readAhead is what a reader may hold beyond the record it reads.
	readAhead = 8 << 10
)

// LimitError is a record longer than a limit; reading stops there.
type LimitError struct {
	What  string // "CSV record", "JSON record"
	Limit int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("%s longer than %d bytes (the limit)", e.What, e.Limit)
}

// window passes reads through until limit bytes have been read since the
// last reset, then fails: each record read gets a fresh window, so one
// record can never make the reader hold more than about limit bytes.
type window struct {
	r     io.Reader
	left  int64
	limit int64
	what  string
}

func newWindow(r io.Reader, what string, limit int64) *window {
	return &window{r: r, left: limit, limit: limit, what: what}
}

func (w *window) reset() { w.left = w.limit }

func (w *window) Read(p []byte) (int, error) {
	if w.left <= 0 {
		return 0, &LimitError{What: w.what, Limit: w.limit - readAhead}
	}
	if int64(len(p)) > w.left {
		p = p[:w.left]
	}
	n, err := w.r.Read(p)
	w.left -= int64(n)
	return n, err
}

// Truncate bounds a value quoted in an error or report: its first 200
// bytes (cut at a character boundary) and its length. A value it has cut
// already is left as it is.
func Truncate(s string) string {
	if len(s) <= maxValueBytes || len(s) <= maxValueBytes+32 && strings.HasSuffix(s, " bytes)") && strings.Contains(s[maxValueBytes-3:], "…(") {
		return s
	}
	cut := maxValueBytes
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return fmt.Sprintf("%s…(%d bytes)", s[:cut], len(s))
}

// stringBytes sums the lengths of the strings in a record (string and
// []string fields), what holding it costs beyond its fixed size.
func stringBytes(v reflect.Value) int {
	n := 0
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			n += f.Len()
		case reflect.Slice:
			if f.Type().Elem().Kind() == reflect.String {
				for j := range f.Len() {
					n += 16 + f.Index(j).Len()
				}
			}
		}
	}
	return n
}

// sized is a source that knows what its last record weighs, so that
// Prefetch can bound its chunks by bytes, not only by records.
type sized interface{ lastBytes() int }
