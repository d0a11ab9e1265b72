package stages_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/pipeline"
)

// kindOfFolder maps stages/<kind>/ to the kind of component it holds.
var kindOfFolder = map[string]pipeline.Kind{
	"sources":    pipeline.KindSource,
	"generators": pipeline.KindStage,
	"checks":     pipeline.KindStage,
	"sinks":      pipeline.KindSink,
	"finalizers": pipeline.KindFinalizer,
}

// Every component folder has a doc comment and an example.yaml fragment
// that its spec accepts, and every registered component has its folder.
func TestEveryComponentHasAnExample(t *testing.T) {
	found := map[pipeline.Kind]map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "example.yaml" {
			return err
		}
		parts := strings.Split(filepath.ToSlash(path), "/")
		require.Len(t, parts, 3, "%s: want stages/<kind>/<name>/example.yaml", path)
		kind, ok := kindOfFolder[parts[0]]
		require.True(t, ok, "%s: stages/%s is not a kind folder", path, parts[0])
		raw, err := os.ReadFile(path)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, yaml.Unmarshal(raw, &m), path)
		typ, _ := m["type"].(string)
		spec, ok := component.Registry.Lookup(kind, typ)
		require.True(t, ok, "%s: no %s of type %q is registered", path, kind, typ)
		require.Equal(t, string(raw), spec.Example, "%s: the spec embeds its example", path)
		_, err = spec.Check(m, path)
		require.NoError(t, err, "%s: the spec refuses its own example", path)
		require.True(t, strings.HasPrefix(string(raw), "# "), "%s: say in a comment what the fragment does", path)
		doc, err := os.ReadFile(filepath.Join(filepath.Dir(path), parts[1]+".go"))
		require.NoError(t, err, "%s: the component's file is %s.go", path, parts[1])
		require.Contains(t, string(doc), "// Package "+parts[1]+" ", "%s.go: a package doc comment", parts[1])
		if found[kind] == nil {
			found[kind] = map[string]bool{}
		}
		found[kind][typ] = true
		return nil
	})
	require.NoError(t, err)
	for _, kind := range []pipeline.Kind{pipeline.KindSource, pipeline.KindStage, pipeline.KindSink, pipeline.KindFinalizer} {
		for _, typ := range component.Registry.Types(kind) {
			require.True(t, found[kind][typ], "%s %q has no stages/<kind>/<name>/example.yaml", kind, typ)
		}
	}
}
