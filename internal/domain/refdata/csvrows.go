package refdata

import (
	"bytes"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// eachCSV calls fn with every row of an embedded CSV table after its
// header, each row of cols fields; errors name the table and the line.
func eachCSV(fsys embed.FS, name string, cols int, fn func([]string) error) error {
	raw, err := fsys.ReadFile(name)
	if err != nil {
		return fmt.Errorf("refdata: %w", err)
	}
	table := strings.TrimPrefix(name, "data/")
	r := csv.NewReader(bytes.NewReader(raw))
	r.FieldsPerRecord = cols
	if _, err := r.Read(); err != nil { // header
		return fmt.Errorf("refdata: %s: %w", table, err)
	}
	for line := 2; ; line++ {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("refdata: %s: %w", table, err)
		}
		if err := fn(row); err != nil {
			return fmt.Errorf("refdata: %s line %d: %w", table, line, err)
		}
	}
}
