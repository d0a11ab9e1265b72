package schema_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/entity/schema"
	_ "github.com/synthpipe/synthpipe/stages" // every entity the binary declares
)

// docs/schemas/*.json are generated from the Go types and must be current.
func TestCommittedSchemasAreCurrent(t *testing.T) {
	for _, e := range schema.Entities() {
		want, err := schema.Document(e)
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join("../../..", "docs", "schemas", e+".schema.json"))
		require.NoError(t, err, "run `go tool -modfile=tools/go.mod task docs`")
		require.Equal(t, string(want), string(got), "docs/schemas/%s.schema.json is stale: run `go tool -modfile=tools/go.mod task docs`", e)
	}
}
