package encode

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/model"
)

// JSONString writes what encoding/json reads back as the same string, for
// plain ASCII (copied whole), escapes after a plain run, control bytes,
// multi-byte runes and invalid UTF-8 (as U+FFFD).
func TestJSONStringReadsBack(t *testing.T) {
	for _, s := range []string{"", "plain", "O'Brien", `say "hi"`, `back\slash`, "tab\there", "new\nline", "café", "日本", "Jos\xe9", "\x01", `plain then "quote" then more`} {
		got := JSONString(nil, s)
		var back string
		require.NoError(t, json.Unmarshal(got, &back), "%q -> %s", s, got)
		want := s
		if s == "Jos\xe9" {
			want = "Jos\ufffd"
		}
		require.Equal(t, want, back, "%q -> %s", s, got)
	}
}

// refJSONString is JSONString as its doc states it, a rune at a time: the
// bytes every JSON file has been written with.
func refJSONString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
		case r < ' ':
			b.WriteString(`\u00` + hexDigits[r>>4:r>>4+1] + hexDigits[r&0xf:r&0xf+1])
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\ufffd`)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
	return b.String()
}

// JSONString writes the bytes of the reference for every byte at every
// position of plain strings of 0 to 40 bytes (the word scan's head, words
// and overlapping last word), and for random strings of runes valid and
// not (U+2028, U+FFFD itself, surrogates, cut sequences, stray bytes).
func TestJSONStringUnchanged(t *testing.T) {
	for n := range 41 {
		plain := []byte(strings.Repeat("aZ9 ~-.'", 6)[:n])
		require.Equal(t, refJSONString(string(plain)), string(JSONString(nil, string(plain))))
		for i := range n {
			for c := range 256 {
				b := append([]byte(nil), plain...)
				b[i] = byte(c)
				want := refJSONString(string(b))
				if got := JSONString([]byte("x"), string(b)); want != string(got[1:]) {
					require.Equal(t, want, string(got[1:]), "%q", b)
				}
			}
		}
	}
	pieces := []string{"a", "Zz", " ", "~", "\x7f", `"`, `\`, "\x00", "\x1f", "\n", "é", "日", "🙂", "\u2028", "\u2029",
		"\ufffd", "\xed\xa0\x80", "\xe6\x97", "\xf0\x9f\x99", "\x80", "\xbf", "\xc0\xaf", "\xff", "\xf5\x80\x80\x80"}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(30) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		require.Equal(t, refJSONString(s), string(JSONString(nil, s)), "%q", s)
	}
}

// The encoder writes the objects the encoder before it wrote: keys in
// column order, null for an empty nullable string or NoDate, lists as
// arrays, and a key alone for a kind without a JSON form.
func TestJSONEncoderAppendObject(t *testing.T) {
	r := rec{Free: "", Safe: "NE", Unsafe: `a "b"`, Enum: "x_y", N: -12, D: model.DateOf(2024, 2, 29), ND: model.NoDate, L: []string{"p", "q\n"}}
	want := `{"free":null,"safe":"NE","unsafe":"a \"b\"","enum":"x_y","n":-12,"d":"2024-02-29","nd":null,"l":["p","q\u000a"],"m":0,"odd":}`
	require.Equal(t, want, string(NewJSONEncoder(recCols).AppendObject([]byte("x"), &r)[1:]))
	require.Equal(t, want, string(NewJSONEncoder(recCols).AppendObject(nil, &r)))
	r.Free, r.ND, r.L = "f", model.DateOf(1, 1, 1), nil
	require.Equal(t, `{"free":"f","nd":"0001-01-01","l":[]}`, string(NewJSONEncoder([]model.Column[rec]{recCols[0], recCols[6], recCols[7]}).AppendObject(nil, &r)))
	require.Equal(t, `{}`, string(NewJSONEncoder[rec](nil).AppendObject(nil, &r)))
}

// refJSONObject is the JSON object encoder as it was before it read
// fields: the bytes every JSON file has been written with.
func refJSONObject[T any](dst []byte, cols []model.Column[T], r *T) []byte {
	if len(cols) == 0 {
		return append(dst, "{}"...)
	}
	for i := range cols {
		c := &cols[i]
		dst = append(dst, ',')
		if i == 0 {
			dst[len(dst)-1] = '{'
		}
		dst = append(append(dst, refJSONString(c.Name)...), ':')
		switch c.Kind {
		case model.KindString, model.KindEnum:
			if s := c.Str(r); s == "" && c.Nullable {
				dst = append(dst, "null"...)
			} else {
				dst = append(dst, refJSONString(s)...)
			}
		case model.KindInt:
			dst = strconv.AppendInt(dst, c.Int(r), 10)
		case model.KindDate:
			if d := c.Date(r); d == model.NoDate && c.Nullable {
				dst = append(dst, "null"...)
			} else {
				dst = append(append(append(dst, '"'), d.AppendISO(nil)...), '"')
			}
		case model.KindStringList:
			dst = append(dst, '[')
			for j, s := range c.List(r) {
				if j > 0 {
					dst = append(dst, ',')
				}
				dst = append(dst, refJSONString(s)...)
			}
			dst = append(dst, ']')
		}
	}
	return append(dst, '}')
}

// randJSONText is mostly plain text, at times with bytes JSON escapes or
// multi-byte runes valid and not, of 0 to 40 bytes: every way putJSONString
// copies and tests a value, and the longer ones it leaves to the loop.
func randJSONText(rng *rand.Rand) string {
	const plain = "abcXYZ019 -.|',~"
	special := []string{`"`, `\`, "\x00", "\n", "\x1f", "\x7f", "é", "\u2028", "\xff", "\xe6\x97"}
	var b strings.Builder
	for n := rng.IntN(41); b.Len() < n; {
		if rng.IntN(40) == 0 {
			b.WriteString(special[rng.IntN(len(special))])
		} else {
			b.WriteByte(plain[rng.IntN(len(plain))])
		}
	}
	return b.String()
}

// The encoder writes the objects of the reference for random records,
// whatever room dst has left (short values and keys are stored as words
// when it has room for them, and appended when not), long keys included,
// a row at a time and by AppendObjects. Keys of 32 bytes, the longest
// stored as words, and longer are tested by TestJSONObjectLongKeys.
func TestJSONObjectUnchanged(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	cols := recCols
	enc := NewJSONEncoder(cols)
	var rows []rec
	for range 20000 {
		r := rec{Free: randJSONText(rng), Safe: randJSONText(rng), Unsafe: randJSONText(rng), Enum: randJSONText(rng), N: randInt(rng), D: randDate(rng), ND: randDate(rng), M: int32(randInt(rng))}
		if rng.IntN(5) == 0 {
			r.Free, r.ND = "", model.NoDate
		}
		for range rng.IntN(4) {
			r.L = append(r.L, randJSONText(rng))
		}
		rows = append(rows, r)
		want := refJSONObject(nil, cols, &r)
		dst := make([]byte, 1, 1+rng.IntN(300))
		require.Equal(t, string(want), string(enc.AppendObject(dst, &r)[1:]), "%+v", r)
	}

	var want []byte
	for i := range rows {
		want = refJSONObject(append(want, ",\n"...), cols, &rows[i])
	}
	var got []byte
	for i, calls := 0, 0; i < len(rows); calls++ {
		before := i
		got, i = enc.AppendObjects(got, rows, i, len(got)+4096, ",\n")
		require.Greater(t, i, before, "a call appends a row at least")
		require.Less(t, calls, len(rows))
	}
	require.Equal(t, string(want), string(got))
	got, i := enc.AppendObjects(nil, rows, len(rows), 1<<20, ",")
	require.Empty(t, got)
	require.Equal(t, len(rows), i)
}

// wide has keys of 31 to 34 bytes with a string value's quote: stored as
// words up to 32, appended beyond.
type wide struct {
	A string     `json:"aaaaaaaaaaaaaaaaaaaaaaaaaa"`
	B string     `json:"bbbbbbbbbbbbbbbbbbbbbbbbbbb"`
	C model.Date `json:"cccccccccccccccccccccccccccc"`
	D string     `json:"ddddddddddddddddddddddddddddd"`
}

func TestJSONObjectLongKeys(t *testing.T) {
	cols := []model.Column[wide]{
		{Name: "aaaaaaaaaaaaaaaaaaaaaaaaaa", Kind: model.KindString, Str: func(r *wide) string { return r.A }},
		{Name: "bbbbbbbbbbbbbbbbbbbbbbbbbbb", Kind: model.KindString, Nullable: true, Str: func(r *wide) string { return r.B }},
		{Name: "cccccccccccccccccccccccccccc", Kind: model.KindDate, Nullable: true, Date: func(r *wide) model.Date { return r.C }},
		{Name: "ddddddddddddddddddddddddddddd", Kind: model.KindString, Nullable: true, Str: func(r *wide) string { return r.D }},
	}
	enc := NewJSONEncoder(cols)
	rng := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		r := wide{A: randJSONText(rng), B: randJSONText(rng), C: randDate(rng), D: randJSONText(rng)}
		if rng.IntN(3) == 0 {
			r.B, r.C, r.D = "", model.NoDate, ""
		}
		want := refJSONObject(nil, cols, &r)
		dst := make([]byte, 1, 1+rng.IntN(300))
		require.Equal(t, string(want), string(enc.AppendObject(dst, &r)[1:]), "%+v", r)
	}
}

func BenchmarkJSONEncoder(b *testing.B) {
	rows := benchRows()
	enc := NewJSONEncoder(recCols[:8])
	for b.Loop() {
		sink = sink[:0]
		for i := range rows {
			sink = enc.AppendObject(sink, &rows[i])
		}
	}
}

func BenchmarkJSONString(b *testing.B) {
	values := []string{"PER-0000000001", "Israel", "Meeks", "israel.meeks1@example.com", "402-555-0188", "942 7th St", "Omaha", "NE", "married", "Douglas County", "license=1.2|mileage=0.85"}
	for b.Loop() {
		sink = sink[:0]
		for _, s := range values {
			sink = JSONString(sink, s)
		}
	}
}
