// Package encode turns records into CSV rows and JSON objects from the
// column tables of package model, without reflection or fmt, so every
// writer renders a value the same way: dates YYYY-MM-DD, lists joined with
// '|' in CSV and as arrays in JSON, empty nullable strings as empty CSV
// fields and JSON null.
package encode

import (
	"strconv"
	"unicode/utf8"

	"github.com/synthpipe/synthpipe/internal/domain/model"
)

// CSVHeader appends the header row.
func CSVHeader[T any](dst []byte, cols []model.Column[T]) []byte {
	for i, c := range cols {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendCSVField(dst, c.Name)
	}
	return append(dst, '\n')
}

// CSVRow appends one record as an RFC 4180 row ending in \n. A writer of
// many rows uses a CSVEncoder, which settles per column once what CSVRow
// settles per row.
func CSVRow[T any](dst []byte, cols []model.Column[T], r *T) []byte {
	for i := range cols {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendCSVValue(dst, &cols[i], csvOpOf(&cols[i]), r)
	}
	return append(dst, '\n')
}

// CSVEncoder renders records of T as CSV rows, the bytes CSVRow writes.
type CSVEncoder[T any] struct {
	cols []model.Column[T]
	ops  []csvOp
}

// NewCSVEncoder prepares the rows of cols; the encoder keeps cols.
func NewCSVEncoder[T any](cols []model.Column[T]) *CSVEncoder[T] {
	e := &CSVEncoder[T]{cols: cols, ops: make([]csvOp, len(cols))}
	for i := range cols {
		e.ops[i] = csvOpOf(&cols[i])
	}
	return e
}

// AppendRow appends r as a CSV row ending in \n.
func (e *CSVEncoder[T]) AppendRow(dst []byte, r *T) []byte {
	ops := e.ops[:len(e.cols)]
	for i := range e.cols {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendCSVValue(dst, &e.cols[i], ops[i], r)
	}
	return append(dst, '\n')
}

// AppendRows appends rows[from:] until dst holds at least limit bytes or the
// rows run out, and returns the index of the first row not appended: a
// writer fills a buffer of about limit bytes per call.
func (e *CSVEncoder[T]) AppendRows(dst []byte, rows []T, from, limit int) ([]byte, int) {
	i := from
	for ; i < len(rows) && len(dst) < limit; i++ {
		dst = e.AppendRow(dst, &rows[i])
	}
	return dst, i
}

// csvOp is how a column's values are written.
type csvOp uint8

const (
	opField    csvOp = iota // a string that may need quotes
	opRaw                   // a string that never needs quotes
	opInt                   // decimal
	opDate                  // YYYY-MM-DD
	opDateNull              // YYYY-MM-DD, or empty for NoDate
	opList                  // values joined with '|', quoted as one field
	opNone                  // a kind without a CSV form: an empty field
)

func csvOpOf[T any](c *model.Column[T]) csvOp {
	switch c.Kind {
	case model.KindEnum:
		return opRaw // enum values never need quotes
	case model.KindString:
		if c.Pattern != "" && !patternAllowsQuote(c.Pattern) {
			return opRaw
		}
		return opField
	case model.KindInt:
		return opInt
	case model.KindDate:
		if c.Nullable {
			return opDateNull
		}
		return opDate
	case model.KindStringList:
		return opList
	}
	return opNone
}

func appendCSVValue[T any](dst []byte, c *model.Column[T], op csvOp, r *T) []byte {
	switch op {
	case opRaw:
		return append(dst, c.Str(r)...)
	case opField:
		return appendCSVField(dst, c.Str(r))
	case opInt:
		return appendInt(dst, c.Int(r))
	case opDate:
		return appendDate(dst, c.Date(r))
	case opDateNull:
		if d := c.Date(r); d != model.NoDate {
			return appendDate(dst, d)
		}
		return dst
	case opList:
		start, quote := len(dst), false
		for j, s := range c.List(r) {
			if j > 0 {
				dst = append(dst, '|')
			}
			dst = append(dst, s...)
			quote = quote || needsQuote(s) // '|' needs no quotes
		}
		if quote {
			// Rare: quote the joined values, copied off the bytes rewritten.
			return appendCSVField(dst[:start], string(dst[start:]))
		}
		return dst
	}
	return dst
}

// appendInt is strconv.AppendInt, the common one- and two-digit values
// written without its call.
func appendInt(dst []byte, v int64) []byte {
	if uint64(v) < 10 {
		return append(dst, byte('0'+v))
	}
	if uint64(v) < 100 {
		return append(dst, digits2[2*v], digits2[2*v+1])
	}
	return strconv.AppendInt(dst, v, 10)
}

// digits2 holds the two digits of 00 … 99.
const digits2 = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"

// appendDate is model.Date.AppendISO, with two digits per table look-up
// instead of a division per digit for the years 0 … 9999.
func appendDate(dst []byte, d model.Date) []byte {
	y, m, dd := d.Civil()
	if uint(y) > 9999 {
		return d.AppendISO(dst)
	}
	hi, lo := 2*(y/100), 2*(y%100)
	return append(dst, digits2[hi], digits2[hi+1], digits2[lo], digits2[lo+1], '-',
		digits2[2*m], digits2[2*m+1], '-', digits2[2*dd], digits2[2*dd+1])
}

// patternAllowsQuote reports whether values of a column pattern could hold
// a character CSV must quote; the column patterns are plain character
// classes, so the characters written in the pattern are what can occur.
func patternAllowsQuote(pattern string) bool { return needsQuote(pattern) }

// quoteChars marks the bytes that make a CSV field need quotes.
var quoteChars = [256]bool{',': true, '"': true, '\n': true, '\r': true}

// Bytes of a word, for testing 8 bytes of a field at once.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// hasByte is non-zero iff a byte of x is c: x^(c*ones) has a zero byte
// exactly there, and (y-ones)&^y&highs is non-zero iff y has a zero byte
// (a borrow only reaches bytes above a zero byte, so it is never wrong
// about whether there is one).
func hasByte(x uint64, c byte) uint64 {
	y := x ^ (uint64(c) * ones)
	return (y - ones) &^ y & highs
}

// needsQuote reports whether s holds a byte of quoteChars. Names, addresses
// and list values rarely do, so they are scanned a word at a time.
func needsQuote(s string) bool {
	if len(s) < 8 {
		for i := 0; i < len(s); i++ {
			if quoteChars[s[i]] {
				return true
			}
		}
		return false
	}
	last := len(s) - 8
	for i := 0; ; i += 8 {
		i = min(i, last) // the last word overlaps the one before: no byte-wise tail
		w := s[i : i+8]
		// One 8-byte load: the compiler merges these.
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		if hasByte(x, ',')|hasByte(x, '"')|hasByte(x, '\n')|hasByte(x, '\r') != 0 {
			return true
		}
		if i == last {
			return false
		}
	}
}

func appendCSVField(dst []byte, s string) []byte {
	if !needsQuote(s) {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}

// JSONObject appends one record as a compact JSON object, keys in column order.
func JSONObject[T any](dst []byte, cols []model.Column[T], r *T) []byte {
	dst = append(dst, '{')
	for i := range cols {
		c := &cols[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = JSONString(dst, c.Name)
		dst = append(dst, ':')
		switch c.Kind {
		case model.KindString, model.KindEnum:
			s := c.Str(r)
			if s == "" && c.Nullable {
				dst = append(dst, "null"...)
			} else {
				dst = JSONString(dst, s)
			}
		case model.KindInt:
			dst = strconv.AppendInt(dst, c.Int(r), 10)
		case model.KindDate:
			if d := c.Date(r); d == model.NoDate && c.Nullable {
				dst = append(dst, "null"...)
			} else {
				dst = append(dst, '"')
				dst = d.AppendISO(dst)
				dst = append(dst, '"')
			}
		case model.KindStringList:
			dst = append(dst, '[')
			for j, s := range c.List(r) {
				if j > 0 {
					dst = append(dst, ',')
				}
				dst = JSONString(dst, s)
			}
			dst = append(dst, ']')
		}
	}
	return append(dst, '}')
}

const hexDigits = "0123456789abcdef"

// JSONString appends s as a JSON string literal.
func JSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	// Most values are plain ASCII: copied whole, not byte by byte.
	plain := 0
	for plain < len(s) {
		c := s[plain]
		if c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			break
		}
		plain++
	}
	dst = append(dst, s[:plain]...)
	for i := plain; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, `\ufffd`...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
