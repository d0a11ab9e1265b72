package encode

import (
	"encoding/binary"
	"reflect"
	"unicode/utf8"
	"unsafe"

	"github.com/synthpipe/synthpipe/internal/domain/model"
)

// JSONEncoder renders records of T as compact JSON objects, keys in column
// order. Like CSVEncoder it settles once per column how to write it and
// where in T its value is, and writes each key, escaped once, with the
// opening quote of a string or date value.
type JSONEncoder[T any] struct {
	cols []jsonCol
}

// NewJSONEncoder prepares the objects of cols. Every column is read from
// the field of T its json tag names, which its accessor must return (it
// panics otherwise; see fieldsOf).
func NewJSONEncoder[T any](cols []model.Column[T]) *JSONEncoder[T] {
	fields := fieldsOf(cols)
	e := &JSONEncoder[T]{cols: make([]jsonCol, len(cols))}
	for i := range cols {
		c := &cols[i]
		jc := jsonCol{op: jsonOpOf(c, fields[i].Type), null: c.Nullable, off: fields[i].Offset}
		sep := byte(',')
		if i == 0 {
			sep = '{'
		}
		key := append(JSONString([]byte{sep}, c.Name), ':')
		if jc.op == jsonString || jc.op == jsonDate {
			key = append(key, '"')
		}
		jc.key = string(key)
		if len(key) <= len(jc.head) {
			jc.keyLen = uint8(copy(jc.head[:], key))
		}
		e.cols[i] = jc
	}
	return e
}

// AppendObject appends r as a compact JSON object.
func (e *JSONEncoder[T]) AppendObject(dst []byte, r *T) []byte {
	return appendObject(dst, unsafe.Pointer(r), e.cols)
}

// AppendObjects appends rows[from:], each after sep, until dst holds at
// least limit bytes or the rows run out, and returns the index of the
// first row not appended: a writer fills a buffer of about limit bytes
// per call.
func (e *JSONEncoder[T]) AppendObjects(dst []byte, rows []T, from, limit int, sep string) ([]byte, int) {
	i := from
	for ; i < len(rows) && len(dst) < limit; i++ {
		dst = append(dst, sep...)
		dst = appendObject(dst, unsafe.Pointer(&rows[i]), e.cols)
	}
	return dst, i
}

// jsonCol is a column as the encoder writes it.
type jsonCol struct {
	op   jsonOp
	null bool    // an empty string or NoDate is written null
	off  uintptr // of the column's field in the record
	// key is `{"name":` for the first column, `,"name":` for the others,
	// with '"' after it for a string or date; head holds it, for a copy
	// of 32 bytes, when keyLen, its length, is not 0.
	key    string
	keyLen uint8
	head   [32]byte
}

// jsonOp is how a column's values are written.
type jsonOp uint8

const (
	jsonNone   jsonOp = iota // a kind without a JSON form: the key alone
	jsonString               // a string, escaped
	jsonInt32                // decimal, of an int32 field
	jsonInt64                // decimal, of an int64 field
	jsonDate                 // "YYYY-MM-DD"
	jsonList                 // an array of strings
)

// jsonOpOf is how column c, whose field has type t, is written.
func jsonOpOf[T any](c *model.Column[T], t reflect.Type) jsonOp {
	switch c.Kind {
	case model.KindString, model.KindEnum:
		return jsonString
	case model.KindInt:
		if t.Size() == 4 {
			return jsonInt32
		}
		return jsonInt64
	case model.KindDate:
		return jsonDate
	case model.KindStringList:
		return jsonList
	}
	return jsonNone
}

// jsonRoom is the room in dst that lets a value be written by fixed-size
// stores: a key of 32 bytes, and a string of 32 and its quote or a date.
const jsonRoom = 32 + 33

// appendObject appends the record at p as a JSON object of cols. Every
// value is read as the type fieldsOf checked its field has. When dst has
// jsonRoom left, the key and a short value are written by fixed-size
// stores (the key's are 32 bytes whatever its length, the bytes past it
// overwritten or left beyond len(dst)); else, or for a longer value, they
// are appended.
func appendObject(dst []byte, p unsafe.Pointer, cols []jsonCol) []byte {
	if len(cols) == 0 {
		return append(dst, "{}"...)
	}
	for i := range cols {
		c := &cols[i]
		f, at := unsafe.Add(p, c.off), len(dst)
		if c.keyLen == 0 || cap(dst)-at < jsonRoom {
			dst = appendJSONValue(append(dst, c.key...), c, f)
			continue
		}
		w := dst[at : at+jsonRoom]
		*(*[32]byte)(w) = c.head
		k := int(c.keyLen)
		switch c.op {
		case jsonString:
			s := *(*string)(f)
			n := len(s)
			if n > 32 {
				break
			}
			if n == 0 && c.null {
				binary.LittleEndian.PutUint32(w[k-1:], jsonNull) // over the key's quote
				dst = dst[:at+k+3]
				continue
			}
			// Copied as two or four words, overlapping, or as three
			// bytes, and tested from them; a value to escape is then
			// written again over its copy.
			v := w[k : k+33]
			var bad uint64
			switch {
			case n > 16:
				h0, h1, t0, t1 := load8(s), load8(s[8:]), load8(s[n-16:]), load8(s[n-8:])
				binary.LittleEndian.PutUint64(v, h0)
				binary.LittleEndian.PutUint64(v[8:], h1)
				binary.LittleEndian.PutUint64(v[n-16:], t0)
				binary.LittleEndian.PutUint64(v[n-8:], t1)
				bad = jsonBad(h0) | jsonBad(h1) | jsonBad(t0) | jsonBad(t1)
			case n >= 8:
				head, tail := load8(s), load8(s[n-8:])
				binary.LittleEndian.PutUint64(v, head)
				binary.LittleEndian.PutUint64(v[n-8:], tail)
				bad = jsonBad(head) | jsonBad(tail)
			case n >= 4:
				head, tail := load4(s), load4(s[n-4:])
				binary.LittleEndian.PutUint32(v, uint32(head))
				binary.LittleEndian.PutUint32(v[n-4:], uint32(tail))
				bad = jsonBad(head | tail<<32)
			case n > 0:
				a, b, z := s[0], s[n/2], s[n-1] // 1 to 3 bytes: all of them
				v[0], v[n/2], v[n-1] = a, b, z
				if !jsonPlain[a] || !jsonPlain[b] || !jsonPlain[z] {
					bad = highs
				}
			}
			if bad&highs != 0 {
				break
			}
			v[n] = '"'
			dst = dst[:at+k+n+1]
			continue
		case jsonDate:
			d := *(*model.Date)(f)
			if d == model.NoDate && c.null {
				binary.LittleEndian.PutUint32(w[k-1:], jsonNull)
				dst = dst[:at+k+3]
				continue
			}
			if putISODate(w[k:k+13], d) {
				w[k+10] = '"' // over putISODate's comma
				dst = dst[:at+k+11]
				continue
			}
		case jsonInt32:
			if v := *(*int32)(f); uint32(v) < 10 { // most counts
				w[k] = byte('0' + v)
				dst = dst[:at+k+1]
				continue
			}
		}
		dst = appendJSONValue(dst[:at+k], c, f)
	}
	return append(dst, '}')
}

// jsonNull is "null" as a little-endian word.
const jsonNull = 'n' | 'u'<<8 | 'l'<<16 | 'l'<<24

// appendJSONValue appends the value of column c at f, after its key.
func appendJSONValue(dst []byte, c *jsonCol, f unsafe.Pointer) []byte {
	switch c.op {
	case jsonString:
		if s := *(*string)(f); s != "" || !c.null {
			return appendJSONRest(dst, s)
		}
		return append(dst[:len(dst)-1], "null"...) // over the key's quote
	case jsonInt32:
		return appendInt(dst, int64(*(*int32)(f)))
	case jsonInt64:
		return appendInt(dst, *(*int64)(f))
	case jsonDate:
		if d := *(*model.Date)(f); d != model.NoDate || !c.null {
			return append(d.AppendISO(dst), '"')
		}
		return append(dst[:len(dst)-1], "null"...)
	case jsonList:
		dst = append(dst, '[')
		for j, s := range *(*[]string)(f) {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = JSONString(dst, s)
		}
		return append(dst, ']')
	}
	return dst
}

const hexDigits = "0123456789abcdef"

// jsonPlain marks the bytes JSONString copies as they are: printable
// ASCII but '"' and '\'.
var jsonPlain = func() (t [256]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// JSONString appends s as a JSON string literal: '"' and '\' escaped with a
// backslash, control bytes as \u00XX, each byte of invalid UTF-8 as \ufffd,
// everything else (U+2028 and U+2029 too) as it is.
func JSONString(dst []byte, s string) []byte {
	return appendJSONRest(append(dst, '"'), s)
}

// appendJSONRest appends s as JSONString does, after its opening quote.
func appendJSONRest(dst []byte, s string) []byte {
	if allJSONPlain(s) { // most values: copied whole
		dst = append(dst, s...)
		return append(dst, '"')
	}
	run := 0 // s[run:i] is kept as it is, not yet appended
	for i := 0; i < len(s); {
		c := s[i]
		if jsonPlain[c] {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			if r, size := utf8.DecodeRuneInString(s[i:]); r != utf8.RuneError || size > 1 {
				i += size
				continue
			}
		}
		dst = append(dst, s[run:i]...)
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < ' ':
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			dst = append(dst, `\ufffd`...)
		}
		i++
		run = i
	}
	dst = append(dst, s[run:]...)
	return append(dst, '"')
}

// allJSONPlain reports whether every byte of s is jsonPlain, testing a word
// at a time (the last one overlapping the one before), or a byte at a time
// below 4 bytes.
func allJSONPlain(s string) bool {
	n := len(s)
	switch {
	case n < 4:
		for i := range n {
			if !jsonPlain[s[i]] {
				return false
			}
		}
		return true
	case n < 8:
		// Two halves, overlapping unless n is 8, make a word.
		return jsonBad(load4(s)|load4(s[n-4:])<<32)&highs == 0
	}
	for i := 0; i < n-8; i += 8 {
		if jsonBad(load8(s[i:]))&highs != 0 {
			return false
		}
	}
	return jsonBad(load8(s[n-8:]))&highs == 0
}

// jsonBad has the high bit of some byte set iff a byte of x is not
// jsonPlain: has its high bit set (non-ASCII), is below ' ' (x-' '*ones
// borrows into its high bit), or is '"' or '\' (a zero byte after the xor;
// see quoteIn). Words are tested together by or-ing theirs.
func jsonBad(x uint64) uint64 {
	q, b := x^('"'*ones), x^('\\'*ones)
	return x | (x - ' '*ones) | (q-ones)&^q | (b-ones)&^b
}
