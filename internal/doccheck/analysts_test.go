package doccheck

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/docscmd"
	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/internal/formats/layout"
	_ "github.com/synthpipe/synthpipe/stages" // every entity the binary declares
)

const snapshotDir = root + "/data/snapshots/v0.2"

// fencedBlocks returns the bodies of a Markdown text's ```lang blocks, as
// the documented-commands test reads blocks (docscmd.Parse).
func fencedBlocks(t *testing.T, file, text, lang string) []string {
	t.Helper()
	parsed, err := docscmd.Parse(file, text)
	require.NoError(t, err)
	var blocks []string
	for _, b := range parsed {
		if !b.Fenced || b.Info != lang {
			continue
		}
		var body strings.Builder
		for _, l := range b.Lines {
			body.WriteString(l.Text + "\n")
		}
		blocks = append(blocks, body.String())
	}
	return blocks
}

// pythonStrings returns the string literals of Python source (comments
// skipped, escapes kept as written): enough for the guide's snippets,
// which use no triple quotes.
func pythonStrings(src string) []string {
	var out []string
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case '"', '\'':
			j := i + 1
			for j < len(src) && src[j] != c && src[j] != '\n' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			out = append(out, src[i+1:min(j, len(src))])
			i = j
		}
	}
	return out
}

// fileSchema is what a snippet may name in a snapshot file: its columns
// (read from the file itself) and the values its enumerations allow.
type fileSchema struct {
	columns, values []string
}

// schemaOf reads the schema of a file the manifest lists: the Parquet
// schema, the CSV header, the JSON documents' keys.
func schemaOf(t *testing.T, name, entityName string) fileSchema {
	t.Helper()
	path := filepath.Join(snapshotDir, name)
	var s fileSchema
	values := func(es []entity.Entity) {
		for _, e := range es {
			for _, c := range e.Columns() {
				s.values = append(s.values, c.Enum...)
				if c.Name == "scenario_tags" {
					s.values = append(s.values, derive.Tags...)
				}
			}
		}
	}
	switch {
	case strings.HasSuffix(name, ".parquet"):
		f, err := os.Open(path)
		require.NoError(t, err)
		defer f.Close()
		st, err := f.Stat()
		require.NoError(t, err)
		pf, err := parquet.OpenFile(f, st.Size())
		require.NoError(t, err)
		for _, fl := range pf.Schema().Fields() {
			s.columns = append(s.columns, fl.Name())
		}
		values(entity.Of([]string{entityName}))
	case strings.HasSuffix(name, ".csv"):
		f, err := os.Open(path)
		require.NoError(t, err)
		defer f.Close()
		header, err := bufio.NewReader(f).ReadString('\n')
		require.NoError(t, err)
		s.columns = strings.Split(strings.TrimSpace(header), ",")
		values(entity.Of([]string{entityName}))
	case entityName == layout.DatasetEntity:
		// The dataset's sections, the metadata's keys and every entity's columns.
		var doc map[string]json.RawMessage
		raw, err := os.ReadFile(path)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(raw, &doc))
		for section, body := range doc {
			s.columns = append(s.columns, section)
			var records []map[string]any
			if json.Unmarshal(body, &records) == nil && len(records) > 0 {
				for k := range records[0] {
					s.columns = append(s.columns, k)
				}
			}
		}
		var meta map[string]any
		require.NoError(t, json.Unmarshal(doc[layout.MetadataEntity], &meta))
		for k := range meta {
			s.columns = append(s.columns, k)
		}
		values(entity.All())
	default: // metadata: its keys
		var doc map[string]any
		raw, err := os.ReadFile(path)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(raw, &doc))
		for k := range doc {
			s.columns = append(s.columns, k)
		}
	}
	return s
}

var (
	snapshotFile = regexp.MustCompile(`[a-z_]+_v0_[0-9]+\.(?:csv|parquet|json)`)
	identifier   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	// Names a snippet defines rather than reads: a Spark alias, a new
	// column from withColumn, a pandas column assigned.
	definitions = []*regexp.Regexp{
		regexp.MustCompile(`\.alias\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']`),
		regexp.MustCompile(`withColumn\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']`),
		regexp.MustCompile(`\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\]\s*=[^=]`),
	}
)

// apiWords are the quoted words of the snippets that are arguments of
// pandas or Spark, not names in the data (a join's type, a reader option).
var apiWords = []string{"left", "header", "multiLine"}

// The Python snippets of docs/analysts.md (pandas, pyarrow, PySpark) name
// only files the governed snapshot's manifest lists, and every quoted
// name is a column (or allowed value) of a file the snippet reads, a name
// it defines itself, or one of apiWords. A snippet that reads no file
// continues the one before it.
func TestAnalystsGuidePythonNamesExist(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(root, "docs", "analysts.md"))
	require.NoError(t, err)
	blocks := fencedBlocks(t, "docs/analysts.md", string(raw), "python")
	require.GreaterOrEqual(t, len(blocks), 5)
	var pandas, spark int
	for _, b := range blocks {
		if strings.Contains(b, "import pandas") {
			pandas++
		}
		if strings.Contains(b, "from pyspark") {
			spark++
		}
	}
	require.GreaterOrEqual(t, pandas, 2, "pandas snippets")
	require.GreaterOrEqual(t, spark, 2, "Spark snippets")

	manRaw, err := os.ReadFile(filepath.Join(snapshotDir, "snapshot_manifest_v0_2.json"))
	require.NoError(t, err)
	var man layout.Manifest
	require.NoError(t, json.Unmarshal(manRaw, &man))
	entityOf := map[string]string{}
	for _, f := range man.Files {
		entityOf[f.Name] = f.Entity
	}

	schemas := map[string]fileSchema{}
	var files []string
	checked := 0
	for i, b := range blocks {
		if named := snapshotFile.FindAllString(b, -1); len(named) > 0 {
			files = nil
			for _, n := range named {
				ent, ok := entityOf[n]
				require.True(t, ok, "python snippet %d: %s is not in the snapshot's manifest", i+1, n)
				if _, ok := schemas[n]; !ok {
					schemas[n] = schemaOf(t, n, ent)
				}
				if !slices.Contains(files, n) {
					files = append(files, n)
				}
			}
		}
		require.NotEmpty(t, files, "python snippet %d reads no snapshot file and follows none", i+1)
		allowed := slices.Clone(apiWords)
		for _, f := range files {
			allowed = append(allowed, schemas[f].columns...)
			allowed = append(allowed, schemas[f].values...)
		}
		for _, re := range definitions {
			for _, m := range re.FindAllStringSubmatch(b, -1) {
				allowed = append(allowed, m[1])
			}
		}
		for _, lit := range pythonStrings(b) {
			if strings.Contains(lit, "data/snapshots/") {
				_, err := os.Stat(filepath.Join(root, lit))
				require.NoError(t, err, "python snippet %d", i+1)
				continue
			}
			if !identifier.MatchString(lit) {
				continue
			}
			require.True(t, slices.Contains(allowed, lit), "python snippet %d quotes %q: not a column or value of %s", i+1, lit, strings.Join(files, ", "))
			checked++
		}
	}
	require.Greater(t, checked, 40, "quoted names checked")
}

// The scanner finds literals and skips comments, so the check above sees
// every quoted name.
func TestPythonStrings(t *testing.T) {
	src := `a = df["age"]  # a "comment"
b = F.split("tags", r"\|") + 'x\'y' + "z"`
	require.Equal(t, []string{"age", "tags", `\|`, `x\'y`, "z"}, pythonStrings(src))
}
