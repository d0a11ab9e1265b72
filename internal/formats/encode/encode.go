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

// CSVRow appends one record as an RFC 4180 row ending in \n.
func CSVRow[T any](dst []byte, cols []model.Column[T], r *T) []byte {
	for i := range cols {
		c := &cols[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		switch c.Kind {
		case model.KindEnum:
			dst = append(dst, c.Str(r)...) // enum values never need quotes
		case model.KindString:
			if c.Pattern != "" && !patternAllowsQuote(c.Pattern) {
				dst = append(dst, c.Str(r)...)
			} else {
				dst = appendCSVField(dst, c.Str(r))
			}
		case model.KindInt:
			dst = strconv.AppendInt(dst, c.Int(r), 10)
		case model.KindDate:
			if d := c.Date(r); d != model.NoDate || !c.Nullable {
				dst = d.AppendISO(dst)
			}
		case model.KindStringList:
			list := c.List(r)
			start := len(dst)
			for j, s := range list {
				if j > 0 {
					dst = append(dst, '|')
				}
				dst = append(dst, s...)
			}
			if needsQuote(string(dst[start:])) {
				joined := string(dst[start:])
				dst = appendCSVField(dst[:start], joined)
			}
		}
	}
	return append(dst, '\n')
}

// patternAllowsQuote reports whether values of a column pattern could hold
// a character CSV must quote; the column patterns are plain character
// classes, so the characters written in the pattern are what can occur.
func patternAllowsQuote(pattern string) bool { return needsQuote(pattern) }

// quoteChars marks the bytes that make a CSV field need quotes.
var quoteChars = [256]bool{',': true, '"': true, '\n': true, '\r': true}

func needsQuote(s string) bool {
	for i := 0; i < len(s); i++ {
		if quoteChars[s[i]] {
			return true
		}
	}
	return false
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
