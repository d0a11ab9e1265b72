// Package readback reads snapshot files back into records: CSV, Parquet
// and the combined JSON, streamed, with every corrupt-input path ending in
// an error, never a panic or a runaway allocation (fuzz-tested). validate and
// merge read snapshots through it. A record is bounded (MaxLineBytes,
// MaxFieldBytes, the Parquet page guard), so memory is too, whatever the
// file holds.
package readback

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/synthpipe/synthpipe/internal/domain/model"
)

// Source streams the records of one entity from one file.
type Source[T any] interface {
	// Next returns the next record, or io.EOF. Any other error means the
	// file cannot be read further; it never panics on corrupt input.
	Next() (*T, error)
	// Row is the 1-based record number of the last record returned.
	Row() int64
	Close() error
}

// ---- CSV ----

type csvSource[T any] struct {
	f      io.Closer
	win    *window
	r      *csv.Reader
	bytes  int
	cols   []model.Column[T]
	fields []int // struct field of each column
	row    int64
	rec    T
}

// NewCSV checks the header against cols and streams typed rows. A record
// longer than MaxLineBytes ends the reading with a *LimitError, a value
// longer than MaxFieldBytes is a *CellError.
func NewCSV[T any](r io.Reader, closer io.Closer, cols []model.Column[T]) (Source[T], error) {
	// csv.Reader keeps reading a line until its end: the window under it
	// stops a line that has none.
	win := newWindow(bufio.NewReaderSize(r, 256<<10), "CSV record", MaxLineBytes+readAhead)
	cr := csv.NewReader(win)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = len(cols)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	want := model.Names(cols)
	if strings.Join(header, ",") != strings.Join(want, ",") {
		got := make([]string, len(header))
		for i, h := range header {
			got[i] = Truncate(h)
		}
		return nil, &HeaderError{got: got, want: want}
	}
	return &csvSource[T]{f: closer, win: win, r: cr, cols: cols, fields: fieldIndexes[T](cols)}, nil
}

type HeaderError struct{ got, want []string }

func (e *HeaderError) Error() string {
	return fmt.Sprintf("columns %s, want %s (names and order are binding)", strings.Join(e.got, ","), strings.Join(e.want, ","))
}

// fieldIndexes maps each column to the struct field whose json tag names it.
func fieldIndexes[T any](cols []model.Column[T]) []int {
	t := reflect.TypeFor[T]()
	byName := map[string]int{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		byName[name] = i
	}
	out := make([]int, len(cols))
	for i, c := range cols {
		idx, ok := byName[c.Name]
		if !ok {
			panic("verify: no field for column " + c.Name) // model defect, caught by tests
		}
		out[i] = idx
	}
	return out
}

// CellError is a CSV value that does not parse as its column's type, or
// is longer than MaxFieldBytes (TooLong). Value is truncated.
type CellError struct {
	Column, Value, Want string
	TooLong             bool
}

func (e *CellError) Error() string {
	return fmt.Sprintf("column %s: %q is not %s", e.Column, e.Value, e.Want)
}

func (s *csvSource[T]) Next() (*T, error) {
	s.win.reset()
	rec, err := s.r.Read()
	if err != nil {
		return nil, err
	}
	s.row++
	var zero T
	s.rec = zero
	s.bytes = 0
	v := reflect.ValueOf(&s.rec).Elem()
	for i, c := range s.cols {
		f := v.Field(s.fields[i])
		cell := rec[i]
		s.bytes += len(cell)
		if len(cell) > MaxFieldBytes {
			return &s.rec, &CellError{c.Name, Truncate(cell), fmt.Sprintf("a value of at most %d bytes", MaxFieldBytes), true}
		}
		switch c.Kind {
		case model.KindString, model.KindEnum:
			f.SetString(strings.Clone(cell))
		case model.KindInt:
			n, err := strconv.ParseInt(cell, 10, 32)
			if err != nil {
				return &s.rec, &CellError{Column: c.Name, Value: Truncate(cell), Want: "an integer"}
			}
			f.SetInt(n)
		case model.KindDate:
			if cell == "" && c.Nullable {
				f.SetInt(int64(model.NoDate))
				continue
			}
			d, err := model.ParseDate(cell)
			if err != nil {
				return &s.rec, &CellError{Column: c.Name, Value: Truncate(cell), Want: "a YYYY-MM-DD date"}
			}
			f.SetInt(int64(d))
		case model.KindStringList:
			list := []string{}
			if cell != "" {
				list = strings.Split(strings.Clone(cell), "|")
			}
			f.Set(reflect.ValueOf(list))
		}
	}
	return &s.rec, nil
}

func (s *csvSource[T]) Row() int64     { return s.row }
func (s *csvSource[T]) Close() error   { return s.f.Close() }
func (s *csvSource[T]) lastBytes() int { return s.bytes + 16*len(s.cols) }

// ---- Parquet ----

// parquetBatch is how many rows one read decodes; with the page guard it
// bounds what a read may hold (rows × values of at most ~4 KiB average).
const parquetBatch = 256

type parquetSource[T any] struct {
	f     io.Closer
	r     *parquet.GenericReader[T]
	buf   []T
	pos   int
	row   int64
	bytes int
}

// SchemaError is a Parquet file whose columns are not the contract's.
type SchemaError struct{ got, want string }

func (e *SchemaError) Error() string {
	return fmt.Sprintf("schema differs from the contract:\n got  %s\n want %s", e.got, e.want)
}

// NewParquet opens a Parquet file, checks its schema against T's and
// streams its rows. parquet-go can panic on corrupt input; that is turned
// into an error here, so a damaged file is reported, never a crash.
func NewParquet[T any](r io.ReaderAt, size int64, closer io.Closer) (src Source[T], err error) {
	defer func() {
		if p := recover(); p != nil {
			src, err = nil, fmt.Errorf("corrupt parquet: %v", p)
		}
	}()
	if err := checkFooter(r, size); err != nil {
		return nil, fmt.Errorf("corrupt parquet: %w", err)
	}
	pf, err := parquet.OpenFile(r, size)
	if err != nil {
		return nil, fmt.Errorf("corrupt parquet: %w", err)
	}
	if err := checkPages(r, size, pf.Metadata()); err != nil {
		return nil, fmt.Errorf("corrupt parquet: %w", err)
	}
	want := parquet.SchemaOf(new(T))
	if got := pf.Schema(); !sameSchema(got, want) {
		return nil, &SchemaError{got: schemaLine(got), want: schemaLine(want)}
	}
	return &parquetSource[T]{f: closer, r: parquet.NewGenericReader[T](pf), buf: make([]T, parquetBatch)}, nil
}

func sameSchema(a, b *parquet.Schema) bool { return schemaLine(a) == schemaLine(b) }

// schemaLine renders a schema's leaf columns with their types, in order.
func schemaLine(s *parquet.Schema) string {
	var parts []string
	for _, path := range s.Columns() {
		leaf, _ := s.Lookup(path...)
		parts = append(parts, strings.Join(path, ".")+":"+leaf.Node.Type().String()+optional(leaf.Node))
	}
	return strings.Join(parts, " ")
}

func optional(n parquet.Node) string {
	if n.Optional() {
		return "?"
	}
	return ""
}

func (s *parquetSource[T]) Next() (rec *T, err error) {
	if s.pos == len(s.buf) || s.pos == 0 && s.row == 0 {
		defer func() {
			if p := recover(); p != nil {
				rec, err = nil, fmt.Errorf("corrupt parquet: %v", p)
			}
		}()
		n, rerr := s.r.Read(s.buf[:cap(s.buf)])
		s.buf, s.pos = s.buf[:n], 0
		if n == 0 {
			if rerr == nil || errors.Is(rerr, io.EOF) {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("corrupt parquet: %w", rerr)
		}
	}
	s.row++
	s.pos++
	rec = &s.buf[s.pos-1]
	// A page may hold megabytes of one value: such a row is refused here,
	// so that no reader ahead of the checks holds many of them.
	if s.bytes = stringBytes(reflect.ValueOf(rec).Elem()); s.bytes > MaxLineBytes {
		return rec, &CellError{Column: "*", Value: fmt.Sprintf("%d bytes of text in one row", s.bytes), Want: fmt.Sprintf("a row of at most %d bytes", MaxLineBytes), TooLong: true}
	}
	return rec, nil
}

func (s *parquetSource[T]) Row() int64     { return s.row }
func (s *parquetSource[T]) lastBytes() int { return s.bytes }
func (s *parquetSource[T]) Close() error {
	s.r.Close()
	return s.f.Close()
}

// ---- JSON (one section of the dataset document) ----

type jsonSource[T any] struct {
	f   io.Closer
	win *window
	dec *json.Decoder
	row int64
	raw json.RawMessage
	rec T
	// check validates one raw record (the JSON Schema); may be nil.
	check func(raw []byte) error
}

// RecordError is a JSON record that breaks its schema or type.
type RecordError struct{ err error }

func (e *RecordError) Error() string { return e.err.Error() }

// NewJSON positions a decoder at the array under key in the top-level
// object of the dataset document read from r. Every token and record gets
// a window of MaxLineBytes: a longer one ends the reading with a
// *LimitError.
func NewJSON[T any](r io.Reader, closer io.Closer, key string, check func([]byte) error) (Source[T], error) {
	win := newWindow(bufio.NewReaderSize(r, 256<<10), "JSON record", MaxLineBytes+readAhead)
	dec := json.NewDecoder(win)
	fail := func(err error) (Source[T], error) { closer.Close(); return nil, err }
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fail(fmt.Errorf("want a JSON object at the top (%v)", err))
	}
	for dec.More() {
		win.reset()
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		if tok == key {
			if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
				return fail(fmt.Errorf("%s: want an array (%v)", key, err))
			}
			return &jsonSource[T]{f: closer, win: win, dec: dec, check: check}, nil
		}
		if err := skipValue(dec, win, 0); err != nil {
			return fail(err)
		}
	}
	return fail(fmt.Errorf("no %q array in the document", Truncate(key)))
}

func (s *jsonSource[T]) Next() (*T, error) {
	s.win.reset()
	if !s.dec.More() {
		// More also says no on a read error: only a ']' is the end.
		if tok, err := s.dec.Token(); err != nil {
			return nil, err
		} else if tok != json.Delim(']') {
			return nil, fmt.Errorf("after record %d: want ',' or ']', got %s", s.row, Truncate(fmt.Sprint(tok)))
		}
		return nil, io.EOF
	}
	s.raw = s.raw[:0]
	if err := s.dec.Decode(&s.raw); err != nil {
		return nil, err
	}
	s.row++
	var zero T
	s.rec = zero
	if s.check != nil {
		if err := s.check(s.raw); err != nil {
			return &s.rec, &RecordError{err}
		}
	}
	if err := json.Unmarshal(s.raw, &s.rec); err != nil {
		return &s.rec, &RecordError{err}
	}
	return &s.rec, nil
}

func (s *jsonSource[T]) Row() int64     { return s.row }
func (s *jsonSource[T]) Close() error   { return s.f.Close() }
func (s *jsonSource[T]) lastBytes() int { return 2 * len(s.raw) }

// maxSkipDepth bounds the nesting of a section that is skipped.
const maxSkipDepth = 32

// skipValue skips the next value token by token, each in a fresh window,
// so that skipping a section of millions of records holds one at a time.
func skipValue(dec *json.Decoder, win *window, depth int) error {
	if depth > maxSkipDepth {
		return fmt.Errorf("nested deeper than %d levels", maxSkipDepth)
	}
	if !dec.More() {
		return fmt.Errorf("value missing")
	}
	win.reset()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil // a scalar: Token consumed it
	}
	var one json.RawMessage
	for d == '[' && dec.More() {
		// Elements (records) are skipped whole, each in its own window:
		// far faster than token by token.
		win.reset()
		one = one[:0]
		if err := dec.Decode(&one); err != nil {
			return err
		}
	}
	for dec.More() {
		if d == '{' {
			win.reset()
			if _, err := dec.Token(); err != nil { // the key
				return err
			}
		}
		if err := skipValue(dec, win, depth+1); err != nil {
			return err
		}
	}
	win.reset()
	_, err = dec.Token()
	return err
}
