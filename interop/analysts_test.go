package interop

import (
	"database/sql"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// sqlBlocks returns the ```sql blocks of a Markdown file, in order.
func sqlBlocks(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var blocks []string
	var cur *strings.Builder
	for line := range strings.SplitSeq(string(raw), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && trimmed == "```sql":
			cur = &strings.Builder{}
		case cur != nil && trimmed == "```":
			blocks = append(blocks, cur.String())
			cur = nil
		case cur != nil:
			cur.WriteString(line + "\n")
		}
	}
	require.Nil(t, cur, "%s: a ```sql block is not closed", path)
	return blocks
}

// snapshotPath is how the guide names the governed snapshot: relative to
// the repository root, as an analyst in a checkout types it.
var snapshotPath = regexp.MustCompile(`'data/snapshots/v0\.2/[a-z_0-9]+\.(parquet|csv|json)'`)

// Every DuckDB query of docs/analysts.md runs against the committed
// snapshot and returns rows: the queries are read from the guide, not
// copied, so the guide cannot show a query that fails.
func TestAnalystsGuideQueriesRun(t *testing.T) {
	blocks := sqlBlocks(t, "../docs/analysts.md")
	require.GreaterOrEqual(t, len(blocks), 10, "the guide's DuckDB section lost its queries")
	t.Chdir("..") // the guide's paths are relative to the repository root
	d := db(t)
	for i, q := range blocks {
		require.Regexp(t, snapshotPath, q, "query %d reads no file of data/snapshots/v0.2", i+1)
		for _, p := range snapshotPath.FindAllString(q, -1) {
			_, err := os.Stat(strings.Trim(p, "'"))
			require.NoError(t, err, "query %d", i+1)
		}
		stmt := strings.TrimSpace(q)
		require.Equal(t, 1, strings.Count(stmt, ";"), "query %d: one statement a block, ending in ;", i+1)
		n := rowsOf(t, d, stmt)
		require.Positive(t, n, "query %d returned no rows:\n%s", i+1, q)
	}
}

// rowsOf runs q and counts its rows, scanning every value so a value
// DuckDB cannot convert fails the test too.
func rowsOf(t *testing.T, d *sql.DB, q string) int {
	t.Helper()
	rows, err := d.Query(q)
	require.NoError(t, err, q)
	defer rows.Close()
	cols, err := rows.Columns()
	require.NoError(t, err)
	n := 0
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...), q)
		n++
	}
	require.NoError(t, rows.Err(), q)
	return n
}
