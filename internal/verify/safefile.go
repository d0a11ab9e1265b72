package verify

import (
	"regexp"

	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/internal/formats/layout"
	"github.com/synthpipe/synthpipe/internal/formats/safeio"
)

// Limits on what validate reads: a snapshot folder comes from elsewhere, so
// no file may make it read, hold or print more than these.
const (
	maxManifestFiles = 1024    // the contract defines 8 names per version
	maxJSONDepth     = 32      // manifest and metadata nest 3 deep
	maxJSONTokens    = 1 << 16 // values, keys and delimiters of one document
)

// checkJSONShape refuses a document nested deeper than maxJSONDepth or made
// of more than maxJSONTokens tokens, before any decoder or schema
// validator builds it in memory. It scans bytes only; syntax is left to the
// decoder.
func checkJSONShape(raw []byte) error {
	depth, tokens := 0, 0
	inString, escaped, inScalar := false, false, false
	for _, c := range raw {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		isScalar := false
		switch c {
		case '{', '[':
			depth++
			tokens++
			if depth > maxJSONDepth {
				return safeio.OverLimit("nested deeper than %d levels", maxJSONDepth)
			}
		case '}', ']':
			depth--
		case '"':
			inString = true
			tokens++
		case ' ', '\t', '\n', '\r', ',', ':':
		default:
			isScalar = true
			if !inScalar {
				tokens++
			}
		}
		inScalar = isScalar
		if tokens > maxJSONTokens {
			return safeio.OverLimit("more than %d JSON tokens", maxJSONTokens)
		}
	}
	return nil
}

// snapshotFiles returns the file names, with entity and format, that the
// contract defines for a snapshot whose file-name suffix is suffix (v0_1).
func snapshotFiles(suffix string) map[string][2]string {
	out := map[string][2]string{
		layout.DatasetFile(suffix):  {layout.DatasetEntity, layout.JSON},
		layout.MetadataFile(suffix): {layout.MetadataEntity, layout.JSON},
	}
	for _, e := range entity.All() {
		for _, f := range []string{layout.CSV, layout.Parquet} {
			out[layout.DataFile(e.Name(), suffix, f)] = [2]string{e.Name(), f}
		}
	}
	return out
}

// manifestName matches the manifest's name; its suffix is the version with
// '.' as '_' (snapshot version v0.1 -> snapshot_manifest_v0_1.json).
var manifestName = regexp.MustCompile(`^` + layout.ManifestPrefix + `(v[0-9]{1,6}(?:_[0-9]{1,6}){1,3})\.json$`)
