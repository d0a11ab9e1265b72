package testrun

import (
	"os"
	"path/filepath"
	"testing"
)

// CopyFiles copies the files directly in src into dst (made if missing):
// tests damage a copy of a committed snapshot, never the snapshot.
func CopyFiles(t testing.TB, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// CopyFolder copies the files of a folder into a new temporary one and
// returns it.
func CopyFolder(t testing.TB, src string) string {
	t.Helper()
	dir := t.TempDir()
	CopyFiles(t, src, dir)
	return dir
}

// Names returns the names of the entries of dir, sorted.
func Names(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}
