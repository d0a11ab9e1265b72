package encode

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/model"
)

// rec has a column of every kind and way of writing.
type rec struct {
	Free   string     `json:"free"`
	Safe   string     `json:"safe"`
	Unsafe string     `json:"unsafe"`
	Enum   string     `json:"enum"`
	N      int64      `json:"n"`
	D      model.Date `json:"d"`
	ND     model.Date `json:"nd"`
	L      []string   `json:"l"`
	M      int32      `json:"m"`
}

var recCols = []model.Column[rec]{
	{Name: "free", Kind: model.KindString, Nullable: true, Str: func(r *rec) string { return r.Free }},
	{Name: "safe", Kind: model.KindString, Pattern: `^[A-Z]{2}$`, Str: func(r *rec) string { return r.Safe }},
	{Name: "unsafe", Kind: model.KindString, Pattern: `^[^,]*$`, Str: func(r *rec) string { return r.Unsafe }},
	{Name: "enum", Kind: model.KindEnum, Str: func(r *rec) string { return r.Enum }},
	{Name: "n", Kind: model.KindInt, Int: func(r *rec) int64 { return r.N }},
	{Name: "d", Kind: model.KindDate, Date: func(r *rec) model.Date { return r.D }},
	{Name: "nd", Kind: model.KindDate, Nullable: true, Date: func(r *rec) model.Date { return r.ND }},
	{Name: "l", Kind: model.KindStringList, List: func(r *rec) []string { return r.L }},
	{Name: "m", Kind: model.KindInt, Int: func(r *rec) int64 { return int64(r.M) }},
	{Name: "odd", Kind: model.Kind(99)},
}

// refCSVRow is the CSV row encoder as it was before it was made fast: the bytes every
// CSV file has been written with.
func refCSVRow[T any](dst []byte, cols []model.Column[T], r *T) []byte {
	refNeedsQuote := func(s string) bool { return strings.ContainsAny(s, ",\"\n\r") }
	refField := func(dst []byte, s string) []byte {
		if !refNeedsQuote(s) {
			return append(dst, s...)
		}
		return append(append(append(dst, '"'), strings.ReplaceAll(s, `"`, `""`)...), '"')
	}
	for i := range cols {
		c := &cols[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		switch c.Kind {
		case model.KindEnum:
			dst = append(dst, c.Str(r)...)
		case model.KindString:
			if c.Pattern != "" && !refNeedsQuote(c.Pattern) {
				dst = append(dst, c.Str(r)...)
			} else {
				dst = refField(dst, c.Str(r))
			}
		case model.KindInt:
			dst = strconv.AppendInt(dst, c.Int(r), 10)
		case model.KindDate:
			if d := c.Date(r); d != model.NoDate || !c.Nullable {
				dst = d.AppendISO(dst)
			}
		case model.KindStringList:
			dst = refField(dst, strings.Join(c.List(r), "|"))
		}
	}
	return append(dst, '\n')
}

// randText is mostly plain text, at times with the bytes CSV quotes, at
// any position and length (a word scan has a head, words and a tail).
func randText(rng *rand.Rand) string {
	const plain = "abcXYZ019 -.|'\t"
	const special = ",\"\n\r"
	b := make([]byte, rng.IntN(40))
	for i := range b {
		b[i] = plain[rng.IntN(len(plain))]
		if rng.IntN(30) == 0 {
			b[i] = special[rng.IntN(len(special))]
		}
		if rng.IntN(50) == 0 {
			b[i] = byte(rng.IntN(256))
		}
	}
	return string(b)
}

func randInt(rng *rand.Rand) int64 {
	switch rng.IntN(4) {
	case 0:
		return int64(rng.IntN(200)) - 50
	case 1:
		return []int64{0, 9, 10, 99, 100, -1, -9, -10, -99, -100, math.MaxInt64, math.MinInt64}[rng.IntN(12)]
	}
	return rng.Int64() >> rng.IntN(64)
}

func randDate(rng *rand.Rand) model.Date {
	if rng.IntN(10) == 0 {
		return model.Date(rng.Int32()) // far past and future: years outside 0 … 9999
	}
	return model.Date(rng.IntN(200*366) - 100*366)
}

// The encoder writes the bytes the encoder before it wrote, whatever room
// dst has left (short values are copied a word at a time when it has room
// for them and their comma, and appended when not); values of columns that
// never need quotes are written as they are, even holding bytes to quote.
func TestCSVRowUnchanged(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	enc := NewCSVEncoder(recCols)
	var rows []rec
	for range 20000 {
		r := rec{Free: randText(rng), Safe: randText(rng), Unsafe: randText(rng), Enum: randText(rng), N: randInt(rng), D: randDate(rng), ND: randDate(rng), M: int32(randInt(rng))}
		if rng.IntN(5) == 0 {
			r.ND = model.NoDate
		}
		for range rng.IntN(4) {
			r.L = append(r.L, randText(rng))
		}
		rows = append(rows, r)
		want := refCSVRow(nil, recCols, &r)
		dst := make([]byte, 1, 1+rng.IntN(200))
		require.Equal(t, string(want), string(enc.AppendRow(dst, &r)[1:]), "%+v", r)
	}

	var want []byte
	for i := range rows {
		want = refCSVRow(want, recCols, &rows[i])
	}
	var got []byte
	for i, calls := 0, 0; i < len(rows); calls++ {
		before := i
		got, i = enc.AppendRows(got, rows, i, len(got)+4096)
		require.Greater(t, i, before, "a call appends a row at least")
		require.Less(t, calls, len(rows))
	}
	require.Equal(t, string(want), string(got))
	got, i := enc.AppendRows(nil, rows, len(rows), 1<<20)
	require.Empty(t, got)
	require.Equal(t, len(rows), i)
}

func TestNeedsQuote(t *testing.T) {
	for n := range 40 {
		plain := []byte(strings.Repeat("aZ9 |-.'", 5)[:n])
		require.False(t, needsQuote(string(plain)))
		require.False(t, needsQuote(plain))
		for i := range n {
			for c := range 256 {
				b := append([]byte(nil), plain...)
				b[i] = byte(c)
				want := strings.ContainsAny(string(b), ",\"\n\r")
				require.Equal(t, want, needsQuote(string(b)), "%q", b)
				require.Equal(t, want, needsQuote(b), "%q", b)
			}
		}
	}
}

func TestAppendIntAndDate(t *testing.T) {
	for v := int64(-1000); v <= 100000; v++ {
		require.Equal(t, strconv.FormatInt(v, 10), string(appendInt(nil, v)))
	}
	for _, v := range []int64{math.MaxInt64, math.MinInt64, math.MinInt64 + 1} {
		require.Equal(t, strconv.FormatInt(v, 10), string(appendInt(nil, v)))
	}
}

var sink []byte

func BenchmarkNeedsQuote(b *testing.B) {
	s := "license=1.2|mileage=0.85|territory=1.1|credit=1.05|insurance=0.95|multi_vehicle=0.95"
	for b.Loop() {
		if needsQuote(s) {
			b.Fatal(s)
		}
	}
}

// benchRows are the encoders' benchmark records: typical values, a few
// needing quotes or escapes.
func benchRows() []rec {
	rng := rand.New(rand.NewPCG(1, 2))
	rows := make([]rec, 1000)
	for i := range rows {
		rows[i] = rec{Free: "Douglas County", Safe: "NE", Unsafe: "942 7th St", Enum: "married", N: randInt(rng) % 1000, D: randDate(rng) % 30000, ND: randDate(rng) % 30000,
			L: []string{"license=1.2", "mileage=0.85", "territory=1.1"}}
	}
	return rows
}

func BenchmarkCSVEncoder(b *testing.B) {
	rows := benchRows()
	enc := NewCSVEncoder(recCols[:8])
	for b.Loop() {
		sink = sink[:0]
		for i := range rows {
			sink = enc.AppendRow(sink, &rows[i])
		}
	}
}

// The encoder reads a column's field only where the column's accessor
// returns that field of its json tag, of the kind's type.
func TestCSVEncoderNeedsTheAccessorsField(t *testing.T) {
	type two struct {
		A string `json:"a"`
		B string `json:"b"`
		C int    `json:"c"`
	}
	str := func(name string, f func(*two) string) model.Column[two] {
		return model.Column[two]{Name: name, Kind: model.KindString, Str: f}
	}
	a := func(r *two) string { return r.A }
	b := func(r *two) string { return r.B }
	require.NotPanics(t, func() { NewCSVEncoder([]model.Column[two]{str("a", a), str("b", b)}) })
	require.PanicsWithValue(t, "encode: the accessor of column b of encode.two does not return its field B", func() {
		NewCSVEncoder([]model.Column[two]{str("a", a), str("b", a)})
	})
	require.PanicsWithValue(t, `encode: the accessor of column a of encode.two does not return its field A`, func() {
		NewCSVEncoder([]model.Column[two]{str("a", func(r *two) string { return strings.ToUpper(r.A) })})
	})
	require.PanicsWithValue(t, `encode: encode.two has no field of type string tagged json:"x"`, func() {
		NewCSVEncoder([]model.Column[two]{str("x", a)})
	})
	require.PanicsWithValue(t, `encode: encode.two has no field of type int tagged json:"c"`, func() {
		NewCSVEncoder([]model.Column[two]{{Name: "c", Kind: model.KindInt, Int: func(r *two) int64 { return int64(r.C) }}})
	})
	require.PanicsWithValue(t, `encode: the accessor of column a of encode.two does not return its field A`, func() {
		NewCSVEncoder([]model.Column[two]{{Name: "a", Kind: model.KindString}})
	})
}

// putISODate writes what Date.AppendISO writes, and a comma, on every day
// of its tables, and declines the days beyond them.
func TestPutISODate(t *testing.T) {
	first, end := model.DateOf(isoFirstYear, 1, 1), model.DateOf(isoFirstYear+isoYears, 1, 1)
	require.Equal(t, first, isoFirstDay)
	require.Equal(t, end-first, model.Date(isoDays))
	w := make([]byte, 13)
	for d := first - 1000; d < end+1000; d++ {
		clear(w)
		ok := putISODate(w, d)
		require.Equal(t, d >= first && d < end, ok, "%v", d)
		if ok {
			require.Equal(t, d.String()+",", string(w[:11]))
		} else {
			require.Equal(t, make([]byte, 13), w)
		}
	}
	for _, d := range []model.Date{math.MinInt32, math.MaxInt32, 0} {
		require.Equal(t, d >= first && d < end, putISODate(w, d))
	}
}
