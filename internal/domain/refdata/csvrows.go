package refdata

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// eachCSV calls fn with every row of an embedded CSV table after its
// header, each row of cols fields; errors name the table and the line.
// The tables are CSV as encoding/csv reads them, a record to a line (a
// test holds every table to encoding/csv's reading). Fields are substrings
// of the table's one copy: one allocation for a table, not one per row, and tens of
// thousands fewer objects for the collector to mark in every cycle.
func eachCSV(fsys fs.ReadFileFS, name string, cols int, fn func([]string) error) error {
	raw, err := fsys.ReadFile(name)
	if err != nil {
		return fmt.Errorf("refdata: %w", err)
	}
	table := strings.TrimPrefix(name, "data/")
	text := string(raw)
	header := true
	for line := 1; text != ""; line++ {
		var l string
		l, text, _ = strings.Cut(text, "\n")
		if l = strings.TrimSuffix(l, "\r"); l == "" {
			continue // as encoding/csv, which skips empty lines
		}
		row, err := splitCSV(make([]string, 0, cols), l)
		if err == nil && len(row) != cols {
			err = fmt.Errorf("%d fields, want %d", len(row), cols)
		}
		if err != nil {
			return fmt.Errorf("refdata: %s line %d: %w", table, line, err)
		}
		if header {
			header = false
			continue
		}
		if err := fn(row); err != nil {
			return fmt.Errorf("refdata: %s line %d: %w", table, line, err)
		}
	}
	return nil
}

// splitCSV appends the fields of one CSV line to row: comma-separated, a
// field in double quotes holding commas and doubled quotes.
func splitCSV(row []string, l string) ([]string, error) {
	for {
		if l == "" || l[0] != '"' {
			f, rest, more := strings.Cut(l, ",")
			if strings.IndexByte(f, '"') >= 0 {
				return nil, fmt.Errorf("bare \" in field %q", f)
			}
			if row = append(row, f); !more {
				return row, nil
			}
			l = rest
			continue
		}
		var f []byte
		i := 1
		for {
			j := strings.IndexByte(l[i:], '"')
			if j < 0 {
				return nil, errors.New("quoted field not closed on its line")
			}
			f, i = append(f, l[i:i+j]...), i+j+1
			if i == len(l) || l[i] != '"' {
				break
			}
			f, i = append(f, '"'), i+1 // a doubled quote
		}
		row = append(row, string(f))
		switch l = l[i:]; {
		case l == "":
			return row, nil
		case l[0] != ',':
			return nil, fmt.Errorf("%q after a quoted field", l[0])
		}
		l = l[1:]
	}
}
