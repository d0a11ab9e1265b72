package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/testkit/testrun"
)

func TestValidateEmptyFolderArgument(t *testing.T) {
	code, out, errOut := run("validate", "")
	require.Equal(t, ExitUsage, code)
	require.Empty(t, out)
	require.Equal(t, "synthpipe: the snapshot folder argument is empty (want a snapshot folder such as data/snapshots/v0.2)\n", errOut)
}

// With --format json, a folder that cannot be checked still gives JSON on
// stdout, naming the folder, beside the message on stderr.
func TestValidateUnusableFolderAsJSON(t *testing.T) {
	dir := testrun.CopyFolder(t, "../../data/snapshots/v0.2")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "snapshot_manifest_v0_2.json"), []byte("{"), 0o644))
	msg := dir + ": snapshot_manifest_v0_2.json is not a manifest: unexpected end of JSON input"

	code, out, errOut := run("validate", dir)
	require.Equal(t, ExitUsage, code)
	require.Empty(t, out)
	require.Equal(t, "synthpipe: "+msg+"\n", errOut)

	code, out, errOut = run("validate", "--format", "json", dir)
	require.Equal(t, ExitUsage, code)
	require.Equal(t, "synthpipe: "+msg+"\n", errOut)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	require.Equal(t, map[string]any{"dir": dir, "usable": false, "error": msg, "exit_code": 2.0}, got)
}

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
