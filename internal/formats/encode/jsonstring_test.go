package encode

import (
	"encoding/json"
	"math/rand/v2"
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
