package stages_test

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/synthpipe/synthpipe/stages/generators/incident"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/internal/formats/layout"
	"github.com/synthpipe/synthpipe/internal/testkit"
	"github.com/synthpipe/synthpipe/pipeline"
	"github.com/synthpipe/synthpipe/stages/finalizers/manifest"
	"github.com/synthpipe/synthpipe/stages/sinks/csvsink"
	"github.com/synthpipe/synthpipe/stages/sinks/jsonsink"
	"github.com/synthpipe/synthpipe/stages/sinks/metasink"
	"github.com/synthpipe/synthpipe/stages/sinks/parquetsink"
)

// writeAll writes two batches through a sink and closes it.
func writeAll(t *testing.T, s component.Sink, batches ...*model.Batch) []pipeline.FileInfo {
	t.Helper()
	for i, mb := range batches {
		require.NoError(t, s.Write(context.Background(), &component.Batch{Seq: uint64(i), Payload: mb}))
	}
	files, err := s.Close(context.Background())
	require.NoError(t, err)
	return files
}

func fileSHA(t *testing.T, path string) (int64, string) {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	s := sha256.Sum256(b)
	return int64(len(b)), hex.EncodeToString(s[:])
}

func TestCSVSinkWritesContractColumnsAndHashes(t *testing.T) {
	dir := t.TempDir()
	run := testkit.Run(80, 2)
	mb := testkit.Batch(run, "profile")
	s, err := csvsink.New(dir, "v0_2", entity.All()[:3])
	require.NoError(t, err)
	files := writeAll(t, s, mb)
	require.Len(t, files, 3)
	want := map[string]struct {
		header []string
		rows   int
	}{
		"persons_v0_2.csv":  {model.Names(model.PersonColumns), len(mb.Persons)},
		"vehicles_v0_2.csv": {model.Names(model.VehicleColumns), len(mb.Vehicles)},
		"profiles_v0_2.csv": {model.Names(model.ProfileColumns), len(mb.Profiles)},
	}
	for _, fi := range files {
		w := want[fi.Name]
		f, err := os.Open(filepath.Join(dir, fi.Name))
		require.NoError(t, err)
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		require.NoError(t, err)
		require.Equal(t, w.header, rows[0])
		require.Len(t, rows[1:], w.rows)
		require.Equal(t, int64(w.rows), fi.Records)
		n, sum := fileSHA(t, filepath.Join(dir, fi.Name))
		require.Equal(t, n, fi.Bytes)
		require.Equal(t, sum, fi.SHA256, "hash computed while writing")
	}
}

func TestJSONAndMetadataSinks(t *testing.T) {
	dir := t.TempDir()
	run := testkit.Run(60, 3)
	run.ConfigSHA256 = "abc"
	mb := testkit.Batch(run, "profile")
	js, err := jsonsink.New(dir, run)
	require.NoError(t, err)
	jf := writeAll(t, js, mb)
	raw, err := os.ReadFile(filepath.Join(dir, "dataset_v0_2.json"))
	require.NoError(t, err)
	var doc struct {
		Metadata model.Metadata    `json:"metadata"`
		Persons  []map[string]any  `json:"persons"`
		Vehicles []map[string]any  `json:"vehicles"`
		Profiles []json.RawMessage `json:"profiles"`
	}
	require.NoError(t, json.Unmarshal(raw, &doc))
	require.Len(t, doc.Persons, len(mb.Persons))
	require.Len(t, doc.Vehicles, len(mb.Vehicles))
	require.Len(t, doc.Profiles, len(mb.Profiles))
	require.Equal(t, int64(len(mb.Vehicles)), must(doc.Metadata.Count("vehicles")))
	require.Equal(t, "abc", doc.Metadata.ConfigSHA256)
	require.Equal(t, mb.Persons[0].DateOfBirth.String(), doc.Persons[0]["date_of_birth"])
	for i, v := range mb.Vehicles {
		if v.Lienholder == "" {
			require.Nil(t, doc.Vehicles[i]["lienholder"], "owned: null lienholder")
		}
	}
	n, sum := fileSHA(t, filepath.Join(dir, "dataset_v0_2.json"))
	require.Equal(t, pipeline.FileInfo{Name: "dataset_v0_2.json", Entity: "dataset", Format: "json",
		Records: int64(len(mb.Persons) + len(mb.Vehicles) + len(mb.Profiles) + len(*incident.Incidents.Rows(mb))), Bytes: n, SHA256: sum}, jf[0])
	spools, _ := filepath.Glob(filepath.Join(dir, ".spool-*"))
	require.Empty(t, spools, "spool files removed")

	// The metadata file holds the same object as the dataset's metadata.
	built, err := component.Registry.BuildSink(metasink.Type, pipeline.Conf{}, &component.Env{Dir: dir, Shared: run})
	require.NoError(t, err)
	writeAll(t, built, mb)
	metaRaw, err := os.ReadFile(filepath.Join(dir, "metadata_v0_2.json"))
	require.NoError(t, err)
	var meta model.Metadata
	require.NoError(t, json.Unmarshal(metaRaw, &meta))
	require.Equal(t, doc.Metadata, meta)
	require.NotContains(t, string(metaRaw), "time", "no wall-clock timestamp")
}

// A sink aborted after writing leaves nothing in its folder: the JSON sink
// joins no dataset file and removes its spools, the CSV and Parquet sinks
// remove their unfinished files, the metadata sink never makes its file.
func TestAbortedSinksLeaveNothing(t *testing.T) {
	run := testkit.Run(60, 3)
	mb := testkit.Batch(run, "profile")
	entities := entity.Of(run.Entities)
	for name, newSink := range map[string]func(dir string) (component.Sink, error){
		"json":     func(dir string) (component.Sink, error) { return jsonsink.New(dir, run) },
		"csv":      func(dir string) (component.Sink, error) { return csvsink.New(dir, "v0_2", entities) },
		"parquet":  func(dir string) (component.Sink, error) { return parquetsink.New(dir, "v0_2", entities, 131072) },
		"metadata": func(dir string) (component.Sink, error) { return metasink.New(dir, run), nil },
	} {
		dir := t.TempDir()
		s, err := newSink(dir)
		require.NoError(t, err)
		for i := range 3 {
			require.NoError(t, s.Write(context.Background(), &component.Batch{Seq: uint64(i), Payload: mb}), name)
		}
		if name != "metadata" {
			require.NotEmpty(t, testkit.FileHashes(t, dir), "%s: files open while writing", name)
		}
		s.Abort()
		require.Empty(t, testkit.FileHashes(t, dir), "%s: nothing left after Abort", name)
	}
}

// The JSON sink's Close stops joining when its context has ended: no
// dataset file is left, nor any spool.
func TestJSONSinkCloseStopsWhenCancelled(t *testing.T) {
	dir := t.TempDir()
	run := testkit.Run(60, 3)
	s, err := jsonsink.New(dir, run)
	require.NoError(t, err)
	require.NoError(t, s.Write(context.Background(), &component.Batch{Payload: testkit.Batch(run, "profile")}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = s.Close(ctx)
	require.ErrorIs(t, err, context.Canceled)
	require.Empty(t, testkit.FileHashes(t, dir), "no dataset file, no spool")
}

func TestManifestListsFilesSortedByName(t *testing.T) {
	dir := t.TempDir()
	run := testkit.Run(1, 1)
	built, err := component.Registry.BuildFinalizer(manifest.Type, pipeline.Conf{}, &component.Env{Dir: dir, Shared: run})
	require.NoError(t, err)
	in := []pipeline.FileInfo{{Name: "b.csv", Records: 2}, {Name: "a.csv", Records: 1}}
	out, err := built.Finish(context.Background(), in)
	require.NoError(t, err)
	require.Equal(t, "snapshot_manifest_v0_2.json", out[0].Name)
	var m layout.Manifest
	raw, _ := os.ReadFile(filepath.Join(dir, out[0].Name))
	require.NoError(t, json.Unmarshal(raw, &m))
	require.Equal(t, "v0.2", m.SnapshotVersion)
	require.Equal(t, "a.csv", m.Files[0].Name)
	require.Equal(t, "b.csv", m.Files[1].Name)
}

func must(n int64, ok bool) int64 {
	if !ok {
		panic("no such count")
	}
	return n
}
