package encode

import (
	"unicode/utf8"

	"github.com/synthpipe/synthpipe/internal/domain/model"
)

// JSONEncoder renders records of T as compact JSON objects, keys in column
// order, each key escaped once rather than for every record.
type JSONEncoder[T any] struct {
	cols []model.Column[T]
	keys []string // `{"name":` for the first column, `,"name":` for the others
}

// NewJSONEncoder prepares the objects of cols.
func NewJSONEncoder[T any](cols []model.Column[T]) *JSONEncoder[T] {
	e := &JSONEncoder[T]{cols: cols, keys: make([]string, len(cols))}
	for i := range cols {
		sep := byte(',')
		if i == 0 {
			sep = '{'
		}
		e.keys[i] = string(append(JSONString([]byte{sep}, cols[i].Name), ':'))
	}
	return e
}

// AppendObject appends r as a compact JSON object.
func (e *JSONEncoder[T]) AppendObject(dst []byte, r *T) []byte {
	if len(e.cols) == 0 {
		return append(dst, "{}"...)
	}
	for i := range e.cols {
		c := &e.cols[i]
		dst = append(dst, e.keys[i]...)
		switch c.Kind {
		case model.KindString, model.KindEnum:
			s := c.Str(r)
			if s == "" && c.Nullable {
				dst = append(dst, "null"...)
			} else {
				dst = JSONString(dst, s)
			}
		case model.KindInt:
			dst = appendInt(dst, c.Int(r))
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
	dst = append(dst, '"')
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
// at a time (the last one overlapping the one before).
func allJSONPlain(s string) bool {
	n := len(s)
	if n < 8 {
		for i := range n {
			if !jsonPlain[s[i]] {
				return false
			}
		}
		return true
	}
	for i := 0; i < n-8; i += 8 {
		if !jsonPlainWord(load8(s[i:])) {
			return false
		}
	}
	return jsonPlainWord(load8(s[n-8:]))
}

// jsonPlainWord reports whether every byte of x is jsonPlain: none has its
// high bit set (non-ASCII), is below ' ' (x-' '*ones borrows into its high
// bit), or is '"' or '\' (a zero byte after the xor; see quoteIn).
func jsonPlainWord(x uint64) bool {
	q, b := x^('"'*ones), x^('\\'*ones)
	return (x|(x-' '*ones)|(q-ones)&^q|(b-ones)&^b)&highs == 0
}
