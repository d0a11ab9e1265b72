package testrun

import (
	"os"
	"path/filepath"
	"strings"
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

// LongPath returns a path under a new temporary folder, its parent made and
// itself not, so long that the path with rest more bytes after it (say
// "/" and a file name) is one byte over Linux's PATH_MAX (4096 bytes with
// its NUL): opening that file fails with ENAMETOOLONG while the folder can
// still be made, renamed into place and listed. Even as root, which no
// permission stops, this makes an open fail for real.
func LongPath(t testing.TB, rest int) string {
	t.Helper()
	n := 4096 - rest // the path, then rest: 4097 bytes
	p := t.TempDir()
	for len(p) < n-256 {
		p = filepath.Join(p, strings.Repeat("d", 200))
	}
	p = filepath.Join(p, strings.Repeat("e", n-len(p)-1))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}
