package readback

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
)

type listRow struct {
	ID   string   `parquet:"id"`
	Tags []string `parquet:"tags,list"`
}

func writeLists(t *testing.T, rows []listRow, opts ...parquet.WriterOption) []byte {
	t.Helper()
	var b bytes.Buffer
	w := parquet.NewGenericWriter[listRow](&b, opts...)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// formats are the page versions and codecs the guard reads list pages of.
var formats = []struct {
	name  string
	codec compress.Codec
	v     int
}{
	{"v2 snappy", &parquet.Snappy, 2},
	{"v1 snappy", &parquet.Snappy, 1},
	{"v1 uncompressed", &parquet.Uncompressed, 1},
	{"v2 uncompressed", &parquet.Uncompressed, 2},
}

// One row of a million list items in a row group of 20000 rows keeps the
// chunk limit (64 values a row of the group) and packs into pages of a few
// KiB, yet parquet-go would build the whole row: the guard refuses the
// page before parquet-go reads it, allocating next to nothing.
func TestParquetHugeListRowIsRefused(t *testing.T) {
	rows := make([]listRow, 20000)
	for i := range rows {
		rows[i].ID = fmt.Sprint(i)
		rows[i].Tags = []string{"t"}
	}
	huge := make([]string, 1_000_000) // empty items: DELTA_LENGTH_BYTE_ARRAY packs their lengths into a few bytes
	rows[7].Tags = huge
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			data := writeLists(t, rows, parquet.Compression(f.codec), parquet.DataPageVersion(f.v))
			if len(data) > 1<<20 {
				t.Fatalf("the crafted file is %d bytes; it should be small", len(data))
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := NewParquet[listRow](bytes.NewReader(data), int64(len(data)), io.NopCloser(nil))
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), "a row holds more than 1024 values") {
				t.Fatalf("want the page refused, got %v", err)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
				t.Fatalf("refusing the file allocated %d bytes", alloc)
			}
			t.Logf("%s (%d bytes): %v", f.name, len(data), err)
		})
	}
	// Without the guard parquet-go does build the row: the attack is real.
	data := writeLists(t, rows, parquet.Compression(&parquet.Snappy))
	pf, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	r := parquet.NewGenericReader[listRow](pf)
	got := make([]listRow, 8)
	if n, err := r.Read(got); n != 8 || len(got[7].Tags) != len(huge) {
		t.Fatalf("parquet-go read %d rows, row 8 with %d items (%v)", n, len(got[7].Tags), err)
	}
}

// Lists up to the limit read back whole, in every page format.
func TestParquetListsUpToTheLimitAreRead(t *testing.T) {
	rows := make([]listRow, 3000)
	for i := range rows {
		rows[i].ID = fmt.Sprint(i)
		for j := range i % 7 {
			rows[i].Tags = append(rows[i].Tags, fmt.Sprint(j))
		}
	}
	rows[100].Tags = make([]string, maxListItems)
	rows[2999].Tags = make([]string, maxListItems)
	for _, f := range formats {
		for _, extra := range []int{0, 1} {
			t.Run(fmt.Sprintf("%s +%d", f.name, extra), func(t *testing.T) {
				rows[100].Tags = make([]string, maxListItems+extra)
				data := writeLists(t, rows, parquet.Compression(f.codec), parquet.DataPageVersion(f.v), parquet.PageBufferSize(4<<10))
				s, err := NewParquet[listRow](bytes.NewReader(data), int64(len(data)), io.NopCloser(nil))
				if extra == 1 {
					if err == nil || !strings.Contains(err.Error(), "more than 1024 values") {
						t.Fatalf("want %d items refused, got %v", maxListItems+1, err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if pages := listPages(t, data); pages < 10 {
					t.Fatalf("want the lists spread over many pages, got %d", pages)
				}
				for i := range rows {
					rec, err := s.Next()
					if err != nil {
						t.Fatalf("row %d: %v", i+1, err)
					}
					if len(rec.Tags) != len(rows[i].Tags) {
						t.Fatalf("row %d: %d items, want %d", i+1, len(rec.Tags), len(rows[i].Tags))
					}
				}
				if _, err := s.Next(); err != io.EOF {
					t.Fatalf("want the end, got %v", err)
				}
			})
		}
	}
}

// listPages counts the data pages of the list column.
func listPages(t *testing.T, data []byte) int {
	pf, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, rg := range pf.RowGroups() {
		pages := rg.ColumnChunks()[1].Pages()
		for {
			p, err := pages.ReadPage()
			if err != nil {
				break
			}
			n++
			parquet.Release(p)
		}
		pages.Close()
	}
	return n
}

func TestParquetListCodecsTheGuardCannotRead(t *testing.T) {
	rows := []listRow{{ID: "a", Tags: []string{"x"}}}
	data := writeLists(t, rows, parquet.Compression(&parquet.Gzip), parquet.DataPageVersion(1))
	_, err := NewParquet[listRow](bytes.NewReader(data), int64(len(data)), io.NopCloser(nil))
	if err == nil || !strings.Contains(err.Error(), "only uncompressed and snappy ones are read") {
		t.Fatalf("want v1 gzip list pages refused, got %v", err)
	}
	// v2 pages keep their levels uncompressed: any codec will do
	data = writeLists(t, rows, parquet.Compression(&parquet.Gzip), parquet.DataPageVersion(2))
	if _, err := NewParquet[listRow](bytes.NewReader(data), int64(len(data)), io.NopCloser(nil)); err != nil {
		t.Fatal(err)
	}
}

// rle encodes an RLE run of count levels of value v (bit width 1).
func rle(count int, v byte) []byte {
	b := binaryUvarint(uint64(count) << 1)
	return append(b, v)
}

// packed encodes levels bit-packed (bit width 1), padded to groups of 8.
func packed(levels ...byte) []byte {
	groups := (len(levels) + 7) / 8
	b := binaryUvarint(uint64(groups)<<1 | 1)
	p := make([]byte, groups)
	for i, l := range levels {
		p[i/8] |= l << (i % 8)
	}
	return append(b, p...)
}

func binaryUvarint(x uint64) []byte {
	var b []byte
	for x >= 0x80 {
		b = append(b, byte(x)|0x80)
		x >>= 7
	}
	return append(b, byte(x))
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func TestCountRows(t *testing.T) {
	for _, tc := range []struct {
		name   string
		levels []byte
		n      int64
		rows   int64
		err    string
	}{
		{"runs", cat(rle(1, 0), rle(1023, 1), rle(5, 0)), 1029, 6, ""},
		{"packed", packed(0, 1, 1, 0, 0, 1, 0, 1, 1), 9, 4, ""},
		{"padding is not read", packed(0, 1), 2, 1, ""},
		{"row of 1025", cat(rle(1, 0), rle(1024, 1)), 1025, 0, "more than 1024"},
		{"row across runs", cat(rle(1, 0), rle(600, 1), packed(1, 1, 1, 1, 1, 1, 1, 1), rle(600, 1)), 1209, 0, "more than 1024"},
		{"empty run does not start a row", cat(rle(1, 0), rle(1000, 1), rle(0, 0), rle(1000, 1)), 2001, 0, "more than 1024"},
		{"page starts inside a row", cat(rle(3, 1), rle(1, 0)), 4, 0, "starts inside a row"},
		{"packed page starts inside a row", packed(1, 0), 2, 0, "starts inside a row"},
		{"levels end early", rle(3, 0), 4, 0, "end after 3 of 4"},
		{"a bad run header", []byte{0x80}, 4, 0, "bad run header"},
		{"run without its value", binaryUvarint(6), 3, 0, "end inside a run"},
		{"packed groups past the end", cat(binaryUvarint(1<<40|1), []byte{0}), 8, 0, "packed groups"},
		{"a run past the page's values", rle(1<<60, 0), 10, 0, "more than the page's 10 values"},
		{"runs past the page's values", cat(rle(10, 0), rle(8, 0)), 10, 0, "more than the page's 10 values"},
		{"a packed group past the page's values", cat(rle(10, 0), packed(0)), 10, 0, "more than the page's 10 values"},
		{"a packed group's padding", cat(rle(3, 0), packed(0, 1, 0)), 6, 5, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := countRows(tc.levels, 1, tc.n, true)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("want %q, got %v", tc.err, err)
				}
				return
			}
			if err != nil || rows != tc.rows {
				t.Fatalf("got %d rows (%v), want %d", rows, err, tc.rows)
			}
		})
	}
}

// A value must be its own bytes of the page: a list item taken from a
// dictionary, or a DELTA_BYTE_ARRAY value repeating its predecessor's
// prefix, would let a row outgrow its page. synthpipe writes neither.
func TestParquetEncodingsThatOutgrowThePageAreRefused(t *testing.T) {
	type dictList struct {
		Tags []string `parquet:"tags,list,dict"`
	}
	type deltaString struct {
		S string `parquet:"s,delta"`
	}
	write := func(rows any) []byte {
		var b bytes.Buffer
		var err error
		switch rows := rows.(type) {
		case []dictList:
			w := parquet.NewGenericWriter[dictList](&b)
			if _, err = w.Write(rows); err == nil {
				err = w.Close()
			}
		case []deltaString:
			w := parquet.NewGenericWriter[deltaString](&b)
			if _, err = w.Write(rows); err == nil {
				err = w.Close()
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	for _, tc := range []struct {
		name string
		data []byte
		err  string
	}{
		{"list with a dictionary", write([]dictList{{Tags: []string{"a", "a"}}}), "a list column with a dictionary"},
		{"DELTA_BYTE_ARRAY string", write([]deltaString{{"ab"}, {"abc"}}), "values in DELTA_BYTE_ARRAY encoding"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewParquet[listRow](bytes.NewReader(tc.data), int64(len(tc.data)), io.NopCloser(nil))
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("want %q, got %v", tc.err, err)
			}
		})
	}
}
