// Package manifest writes snapshot_manifest_<v>.json after every sink has
// closed: each other file's name, entity, format, records, bytes and
// SHA-256, as the sinks computed them while writing, sorted by name.
package manifest

import (
	"context"
	_ "embed"
	"encoding/json"
	"sort"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/formats/hashfile"
	"github.com/synthpipe/synthpipe/internal/formats/layout"
	"github.com/synthpipe/synthpipe/pipeline"
)

// example is the YAML fragment the config reference shows (a test loads it).
//
//go:embed example.yaml
var example string

// Type is the registered type name.
const Type = "manifest"

func init() {
	component.RegisterFinalizer(pipeline.Spec{
		Type:     Type,
		Provides: []string{model.PartManifest},
		Summary:  "Writes snapshot_manifest_<v>.json listing every other file with records, bytes and SHA-256.",
		Example:  example,
	}, func(_ pipeline.Conf, env *component.Env) (component.Finalizer, error) {
		run := env.Shared
		return &Finalizer{dir: env.Dir, run: run}, nil
	})
}

// Finalizer writes the manifest.
type Finalizer struct {
	dir string
	run *model.Run
}

// Finish writes the manifest of files.
func (f *Finalizer) Finish(_ context.Context, files []pipeline.FileInfo) ([]pipeline.FileInfo, error) {
	m := layout.Manifest{SnapshotVersion: f.run.SnapshotVersion, Files: append([]pipeline.FileInfo(nil), files...)}
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Name < m.Files[j].Name })
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	name := layout.ManifestFile(layout.Suffix(f.run.SnapshotVersion))
	out, err := hashfile.Create(f.dir, name)
	if err != nil {
		return nil, err
	}
	out.Write(body)
	out.WriteString("\n")
	n, sum, err := out.Close()
	if err != nil {
		return nil, err
	}
	return []pipeline.FileInfo{{Name: name, Entity: "manifest", Format: "json", Records: int64(len(m.Files)), Bytes: n, SHA256: sum}}, nil
}
