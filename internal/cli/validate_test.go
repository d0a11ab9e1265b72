package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/testkit/testrun"
)

// A truncated file: exit 3, and the report names the file's own rules
// before the record rules its damage breaks elsewhere.
func TestValidateTruncatedFileCauseFirst(t *testing.T) {
	dir := testrun.CopyFolder(t, "../../data/snapshots/v0.2")
	require.NoError(t, os.Truncate(filepath.Join(dir, "persons_v0_2.csv"), 100_000))
	code, out, errOut := run("validate", dir)
	require.Equal(t, ExitValidation, code)
	require.Equal(t, "synthpipe: validation failed: 4071 violation(s)\n", errOut)
	i := strings.Index(out, "\nrule ")
	require.Positive(t, i, out)
	require.True(t, strings.HasPrefix(out[i+1:], "rule bytes_match_manifest: 1 violation(s)\n  persons_v0_2.csv  persons   column *  value \"100000 bytes, manifest says 533522\"\n"), out)
	require.Contains(t, out, "  intact vehicles_v0_2.csv ")
}
