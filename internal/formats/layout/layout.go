// Package layout owns the names of a snapshot's files and folders: every
// writer, reader and check takes them from here, so a name is spelled once.
//
//	<output.dir>/<version>/                 the snapshot (v0.1)
//	  <entity>_<suffix>.csv | .parquet      one per declared entity (persons_v0_1.csv)
//	  dataset_<suffix>.json                 metadata and every entity
//	  metadata_<suffix>.json
//	  snapshot_manifest_<suffix>.json
//	<output.dir>/<version>.parts/part-KKKK-of-NNNN/   a sharded run's parts
package layout

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/synthpipe/synthpipe/pipeline"
)

// Manifest lists every other file of a snapshot, sorted by name, as the
// sinks saw them while writing.
type Manifest struct {
	SnapshotVersion string              `json:"snapshot_version"`
	Files           []pipeline.FileInfo `json:"files"`
}

// Formats of the per-entity data files, and of the JSON documents.
const (
	CSV     = "csv"
	Parquet = "parquet"
	JSON    = "json"
)

// Entities of the files that are not an entity's rows, as the manifest names them.
const (
	DatasetEntity  = "dataset"
	MetadataEntity = "metadata"
	ManifestEntity = "manifest"
)

// Suffix is a snapshot version as file names carry it: v0.1 -> v0_1.
func Suffix(version string) string { return strings.ReplaceAll(version, ".", "_") }

// Version is the snapshot version of a file-name suffix: v0_1 -> v0.1.
func Version(suffix string) string { return strings.ReplaceAll(suffix, "_", ".") }

// DataFile names an entity's file in a format: persons_v0_1.csv.
func DataFile(entity, suffix, format string) string { return entity + "_" + suffix + "." + format }

// DatasetFile names the combined JSON document: dataset_v0_1.json.
func DatasetFile(suffix string) string { return "dataset_" + suffix + ".json" }

// MetadataFile names the metadata document: metadata_v0_1.json.
func MetadataFile(suffix string) string { return "metadata_" + suffix + ".json" }

// ManifestPrefix starts the manifest's name; ManifestFile gives it whole.
const ManifestPrefix = "snapshot_manifest_"

// ManifestFile names the manifest: snapshot_manifest_v0_1.json.
func ManifestFile(suffix string) string { return ManifestPrefix + suffix + ".json" }

// Bounds of a manifest and a metadata document read from a folder that may
// be hostile: a real manifest is about 2 KiB and a real metadata document
// about 2 KiB, so anything near these is refused, not read whole.
const (
	MaxManifestBytes = 4 << 20
	MaxMetadataBytes = 1 << 20
)

// Beside a target folder <name> (a snapshot or a part), a run keeps
// hidden working names: its lock, its staging folders and, where a replace
// cannot be one atomic exchange, the old snapshot moved aside.
func LockFile(name string) string       { return "." + name + ".lock" }
func StagingPrefix(name string) string  { return "." + name + ".staging-" }
func ReplacedFolder(name string) string { return "." + name + ".replaced" }

// PartsDir names the folder of a sharded run's parts: v0.1.parts.
func PartsDir(version string) string { return version + ".parts" }

// Part names part k of n: part-0002-of-0016.
func Part(k, n int) string { return fmt.Sprintf("part-%04d-of-%04d", k, n) }

// ParsePart reads a part folder's name back: part k of n, and whether name
// is one.
func ParsePart(name string) (k, n int, ok bool) {
	m := partRE.FindStringSubmatch(name)
	if m == nil {
		return 0, 0, false
	}
	k, _ = strconv.Atoi(m[1])
	n, _ = strconv.Atoi(m[2])
	return k, n, true
}

var partRE = regexp.MustCompile(`^part-([0-9]+)-of-([0-9]+)$`)
