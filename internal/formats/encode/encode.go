// Package encode turns records into CSV rows and JSON objects from the
// column tables of package model, with no reflection or fmt per record, so
// every writer renders a value the same way: dates YYYY-MM-DD, lists joined
// with '|' in CSV and as arrays in JSON, empty nullable strings as empty CSV
// fields and JSON null.
package encode

import (
	"encoding/binary"
	"reflect"
	"strconv"
	"unsafe"

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

// CSVEncoder renders records of T as RFC 4180 rows ending in \n, settling
// once per column how to write it (quoting, numbers, dates, lists) and
// where in T its value is: a row is one loop over the columns reading
// fields, with no call per value.
type CSVEncoder[T any] struct {
	cols []csvCol
}

// NewCSVEncoder prepares the rows of cols. Every column is read from the
// field of T its json tag names, which its accessor must return (it panics
// otherwise; see fieldsOf).
func NewCSVEncoder[T any](cols []model.Column[T]) *CSVEncoder[T] {
	fields := fieldsOf(cols)
	e := &CSVEncoder[T]{cols: make([]csvCol, len(cols))}
	for i := range cols {
		e.cols[i] = csvCol{op: csvOpOf(&cols[i], fields[i].Type), off: fields[i].Offset}
	}
	return e
}

// AppendRow appends r as a CSV row ending in \n.
func (e *CSVEncoder[T]) AppendRow(dst []byte, r *T) []byte {
	return appendRow(dst, unsafe.Pointer(r), e.cols)
}

// AppendRows appends rows[from:] until dst holds at least limit bytes or the
// rows run out, and returns the index of the first row not appended: a
// writer fills a buffer of about limit bytes per call.
func (e *CSVEncoder[T]) AppendRows(dst []byte, rows []T, from, limit int) ([]byte, int) {
	i := from
	for ; i < len(rows) && len(dst) < limit; i++ {
		dst = appendRow(dst, unsafe.Pointer(&rows[i]), e.cols)
	}
	return dst, i
}

// csvCol is a column as the encoder writes it: how, and from where.
type csvCol struct {
	op  csvOp
	off uintptr // of the column's field in the record
}

// csvOp is how a column's values are written.
type csvOp uint8

const (
	opNone     csvOp = iota // a kind without a CSV form: an empty field
	opField                 // a string that may need quotes
	opRaw                   // a string that never needs quotes
	opInt32                 // decimal, of an int32 field
	opInt64                 // decimal, of an int64 field
	opDate                  // YYYY-MM-DD
	opDateNull              // YYYY-MM-DD, or empty for NoDate
	opList                  // values joined with '|', quoted as one field
)

// csvOpOf is how column c, whose field has type t, is written.
func csvOpOf[T any](c *model.Column[T], t reflect.Type) csvOp {
	switch c.Kind {
	case model.KindEnum:
		return opRaw // enum values never need quotes
	case model.KindString:
		if c.Pattern != "" && !patternAllowsQuote(c.Pattern) {
			return opRaw
		}
		return opField
	case model.KindInt:
		if t.Size() == 4 {
			return opInt32
		}
		return opInt64
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

// appendRow appends the record at p as a CSV row of cols. Every value is
// read as the type fieldsOf checked its field has. Short values are
// written by fixed-size stores into the room dst has (checked once per
// value), each with the comma after it.
func appendRow(dst []byte, p unsafe.Pointer, cols []csvCol) []byte {
	if len(cols) == 0 {
		return append(dst, '\n')
	}
	for _, c := range cols {
		f, at := unsafe.Add(p, c.off), len(dst)
		switch c.op {
		case opRaw, opField:
			s := *(*string)(f)
			n := len(s)
			if n > 16 || cap(dst)-at < 17 {
				if c.op == opField {
					dst = appendCSVField(dst, s)
				} else {
					dst = append(dst, s...)
				}
				break
			}
			// Copied as two words, overlapping, or as three bytes, and
			// tested from them; a value to quote is then written again
			// over its copy.
			w := dst[at : at+17]
			var quote bool
			switch {
			case n >= 8:
				head, tail := load8(s), load8(s[n-8:])
				binary.LittleEndian.PutUint64(w, head)
				binary.LittleEndian.PutUint64(w[n-8:], tail)
				quote = c.op == opField && (quoteIn(head) || quoteIn(tail))
			case n >= 4:
				// The halves make one word: a zero upper half would pass
				// for bytes below '-' and take quoteIn's slow test.
				head, tail := load4(s), load4(s[n-4:])
				binary.LittleEndian.PutUint32(w, uint32(head))
				binary.LittleEndian.PutUint32(w[n-4:], uint32(tail))
				quote = c.op == opField && quoteIn(head|tail<<32)
			case n > 0:
				a, b, z := s[0], s[n/2], s[n-1] // 1 to 3 bytes: all of them
				w[0], w[n/2], w[n-1] = a, b, z
				quote = c.op == opField && (quoteChars[a] || quoteChars[b] || quoteChars[z])
			}
			if quote {
				dst = appendCSVField(dst, s)
				break
			}
			w[n] = ','
			dst = dst[:at+n+1]
			continue
		case opInt32:
			v := *(*int32)(f)
			if uint32(v) < 10 && cap(dst)-at >= 2 { // most counts
				w := dst[at : at+2]
				w[0], w[1] = byte('0'+v), ','
				dst = dst[:at+2]
				continue
			}
			dst = appendInt(dst, int64(v))
		case opInt64:
			dst = appendInt(dst, *(*int64)(f))
		case opDate, opDateNull:
			d := *(*model.Date)(f)
			if d == model.NoDate && c.op == opDateNull {
				break
			}
			if cap(dst)-at >= 13 && putISODate(dst[at:at+13], d) {
				dst = dst[:at+11]
				continue
			}
			dst = d.AppendISO(dst)
		case opList:
			dst = appendList(dst, *(*[]string)(f))
		}
		dst = append(dst, ',')
	}
	dst[len(dst)-1] = '\n' // the last column's comma ends the row
	return dst
}

// appendList appends list joined with '|' as one field.
func appendList(dst []byte, list []string) []byte {
	start := len(dst)
	for j, s := range list {
		if j > 0 {
			dst = append(dst, '|')
		}
		dst = append(dst, s...)
	}
	if needsQuote(dst[start:]) {
		// Rare: quote the joined values, copied off the bytes rewritten.
		return appendCSVField(dst[:start], string(dst[start:]))
	}
	return dst
}

// appendInt is strconv.AppendInt, values below 10,000 (most of them)
// written by table.
func appendInt(dst []byte, v int64) []byte {
	switch u := uint64(v); {
	case u < 10:
		return append(dst, byte('0'+u))
	case u < 100:
		return append(dst, model.DigitPairs[2*u], model.DigitPairs[2*u+1])
	case u < 1000:
		hi, lo := u/100, u%100
		return append(dst, byte('0'+hi), model.DigitPairs[2*lo], model.DigitPairs[2*lo+1])
	case u < 10000:
		hi, lo := u/100, u%100
		return append(dst, model.DigitPairs[2*hi], model.DigitPairs[2*hi+1], model.DigitPairs[2*lo], model.DigitPairs[2*lo+1])
	}
	return strconv.AppendInt(dst, v, 10)
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

// needsQuote reports whether s holds a byte of quoteChars. Most values are
// short and hold none: they are tested as one or two words, longer ones a
// word at a time.
func needsQuote[S string | []byte](s S) bool {
	n := len(s)
	switch {
	case n > 16:
		for i := 0; i < n-8; i += 8 {
			if quoteIn(load8(s[i:])) {
				return true
			}
		}
		return quoteIn(load8(s[n-8:])) // overlaps the last word tested
	case n >= 8:
		// Two words, overlapping unless n is 16.
		return quoteIn(load8(s)) || quoteIn(load8(s[n-8:]))
	case n >= 4:
		// Two halves, overlapping unless n is 8, make a word.
		return quoteIn(load4(s) | load4(s[n-4:])<<32)
	}
	for i := 0; i < n; i++ {
		if quoteChars[s[i]] {
			return true
		}
	}
	return false
}

// load8 is the little-endian word of s[:8]; the compiler makes it one load.
func load8[S string | []byte](s S) uint64 {
	s = s[:8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// load4 is the little-endian word of s[:4].
func load4[S string | []byte](s S) uint64 {
	s = s[:4]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24
}

// quoteIn reports whether a byte of x is in quoteChars. Those are all below
// '-' and most words hold no such byte: (x-'-'*ones)&^x has the high bit of
// some byte set iff x has a byte below '-' (a borrow only reaches bytes
// above one that is, so it is never wrong about whether there is one).
// Else y = x^(c*ones) has a zero byte where x has c, and (y-ones)&^y finds
// it the same way; the four are masked together.
func quoteIn(x uint64) bool {
	if (x-'-'*ones)&^x&highs == 0 {
		return false
	}
	a, b, c, d := x^(','*ones), x^('"'*ones), x^('\n'*ones), x^('\r'*ones)
	return ((a-ones)&^a|(b-ones)&^b|(c-ones)&^c|(d-ones)&^d)&highs != 0
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
