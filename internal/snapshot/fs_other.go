//go:build !unix

package snapshot

import "os"

// Without flock there is no lock: runs into one folder must not overlap.
func flockFile(*os.File, bool) error { return nil }

func sameFile(f *os.File, path string) bool {
	a, err1 := f.Stat()
	b, err2 := os.Stat(path)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

func signalName(s os.Signal) string { return s.String() }

func writable(string) error { return nil }
