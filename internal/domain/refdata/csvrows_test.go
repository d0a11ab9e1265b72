package refdata

import (
	"bytes"
	"embed"
	"encoding/csv"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

// Every embedded table reads as encoding/csv reads it.
func TestEachCSVReadsAsEncodingCSV(t *testing.T) {
	tables := 0
	for _, fsys := range []embed.FS{files, v02, fleetFS, historyFiles} {
		require.NoError(t, fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || !strings.HasSuffix(name, ".csv") {
				return err
			}
			raw, err := fsys.ReadFile(name)
			require.NoError(t, err)
			want, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
			require.NoError(t, err, name)
			var got [][]string
			require.NoError(t, eachCSV(fsys, name, len(want[0]), func(row []string) error {
				got = append(got, row)
				return nil
			}), name)
			require.Equal(t, want[1:], got, name)
			tables++
			return nil
		}), "tables")
	}
	require.Greater(t, tables, 25, "tables read")
}

// Lines with quotes, doubled quotes, empty and trailing fields split as
// encoding/csv splits them; malformed ones are refused.
func TestSplitCSV(t *testing.T) {
	for _, l := range []string{`a,b,c`, `a,,c`, `,`, `a,b,`, `"x, y",z`, `"say ""hi""",2`, `"",""`, `"a",`, `1,"q"`, `"""",x`, ` a , b `} {
		want, err := csv.NewReader(strings.NewReader(l)).Read()
		require.NoError(t, err, l)
		got, err := splitCSV(nil, l)
		require.NoError(t, err, l)
		require.Equal(t, want, got, l)
	}
	for _, l := range []string{`a"b,c`, `"open,c`, `"x"y,z`} {
		_, err := splitCSV(nil, l)
		require.Error(t, err, l)
	}
}

// Errors name the line of the file, blank lines counted, and the header is
// the first line that is not blank.
func TestEachCSVLines(t *testing.T) {
	fsys := fstest.MapFS{"data/t.csv": {Data: []byte("\nname,n\r\n\nann,1\nbob\n")}}
	var rows [][]string
	err := eachCSV(fsys, "data/t.csv", 2, func(row []string) error {
		rows = append(rows, row)
		return nil
	})
	require.EqualError(t, err, "refdata: t.csv line 5: 1 fields, want 2")
	require.Equal(t, [][]string{{"ann", "1"}}, rows)
}
