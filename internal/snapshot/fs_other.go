//go:build !unix

package snapshot

import (
	"errors"
	"os"
)

// Without flock there is no lock: runs into one folder must not overlap.
func flockFile(*os.File, bool) error { return nil }

func sameFile(f *os.File, path string) bool {
	a, err1 := f.Stat()
	b, err2 := os.Stat(path)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

func signalName(s os.Signal) string { return s.String() }

func writable(string) error { return nil }

// renameDir moves the folder src to dst, which must be absent or an empty
// folder (os.Remove fails on one that holds anything). Two steps: without
// flock, runs into one folder must not overlap anyway.
func renameDir(src, dst string) error {
	if st, err := os.Lstat(dst); err == nil && st.IsDir() {
		if err := os.Remove(dst); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return os.Rename(src, dst)
}

// sameDevice cannot tell here; a rename across file systems fails at commit.
func sameDevice(string, string) bool { return true }
