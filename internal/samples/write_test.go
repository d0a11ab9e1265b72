package samples

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func actions(changes []Change) map[string]string {
	m := map[string]string{}
	for _, c := range changes {
		m[c.Name] = c.Action
	}
	return m
}

func TestWriteKeepsTheFolderExactlyTheSamples(t *testing.T) {
	s := governedSamples(t)
	out := filepath.Join(t.TempDir(), "demo", "v0.2")

	changes, err := Write(out, s.files)
	require.NoError(t, err)
	require.Len(t, changes, len(s.files))
	for _, c := range changes {
		require.Equal(t, Written, c.Action, c.Name)
	}
	require.Equal(t, IndexName, changes[len(changes)-1].Name, "changes are listed in file order")
	st, err := os.Stat(filepath.Join(out, s.files[0].Name))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o644), st.Mode().Perm())
	left, err := Check(out, s.files)
	require.NoError(t, err)
	require.Empty(t, left)

	changes, err = Write(out, s.files)
	require.NoError(t, err)
	for _, c := range changes {
		require.Equal(t, Unchanged, c.Action, c.Name)
	}

	// A changed sample is rewritten, a sample of a scenario that is gone
	// and a killed run's temporary file are removed.
	edited := filepath.Join(out, s.files[1].Name)
	require.NoError(t, os.WriteFile(edited, []byte("{}\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(out, "retired-scenario.json"), []byte("{}\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(out, tmpPrefix+"123.tmp"), []byte("{"), 0o644))
	left, err = Check(out, s.files)
	require.NoError(t, err)
	require.Equal(t, map[string]string{s.files[1].Name: Differs, "retired-scenario.json": Stale, tmpPrefix + "123.tmp": Stale}, actions(left))
	changes, err = Write(out, s.files)
	require.NoError(t, err)
	got := actions(changes)
	require.Equal(t, Written, got[s.files[1].Name])
	require.Equal(t, Unchanged, got[s.files[0].Name])
	require.Equal(t, Removed, got["retired-scenario.json"])
	require.NotContains(t, got, tmpPrefix+"123.tmp")
	left, err = Check(out, s.files)
	require.NoError(t, err)
	require.Empty(t, left)

	// Fewer scenarios: the others' files go, the index is rewritten.
	fewer, err := Render(s.src, s.picks[:2])
	require.NoError(t, err)
	changes, err = Write(out, fewer)
	require.NoError(t, err)
	got = actions(changes)
	require.Equal(t, Written, got[IndexName])
	require.Equal(t, Removed, got[s.files[2].Name])
	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	require.Len(t, entries, 3)
	left, err = Check(out, s.files)
	require.NoError(t, err)
	require.Equal(t, Missing, actions(left)[s.files[2].Name])
}

func TestWriteRefusesAFolderItDidNotWrite(t *testing.T) {
	s := governedSamples(t)
	cases := map[string]func(dir string) string{
		"a file of another kind": func(dir string) string {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644))
			return "notes.txt"
		},
		"another README": func(dir string) string {
			require.NoError(t, os.WriteFile(filepath.Join(dir, IndexName), []byte("# My project\n"), 0o644))
			return IndexName
		},
		"JSON files without the index": func(dir string) string {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "data.json"), []byte("{}"), 0o644))
			return "data.json"
		},
		"a folder": func(dir string) string {
			require.NoError(t, os.Mkdir(filepath.Join(dir, "sub.json"), 0o755))
			return "sub.json"
		},
	}
	for name, setup := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			named := setup(dir)
			before, err := os.ReadDir(dir)
			require.NoError(t, err)
			_, err = Write(dir, s.files)
			var ae *ArgError
			require.True(t, errors.As(err, &ae), "%v", err)
			require.ErrorContains(t, err, "holds files synthpipe samples did not write ("+named)
			// Check refuses it alike: its files are not stale samples.
			changes, cerr := Check(dir, s.files)
			require.Nil(t, changes)
			require.Equal(t, err, cerr)
			after, err := os.ReadDir(dir)
			require.NoError(t, err)
			require.Equal(t, len(before), len(after), "nothing written")
		})
	}

	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	_, err := Write(file, s.files)
	require.ErrorContains(t, err, "is not a folder")

	link := filepath.Join(t.TempDir(), "link")
	require.NoError(t, os.Symlink(t.TempDir(), link))
	_, err = Write(link, s.files)
	var ae *ArgError
	require.True(t, errors.As(err, &ae), "%v", err)
	require.ErrorContains(t, err, "is a symbolic link")
}
