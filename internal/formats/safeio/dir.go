package safeio

import (
	"errors"
	"io"
	"io/fs"
	"os"
)

// dirChunk is how many names one read of a folder returns.
const dirChunk = 1024

// EachEntry calls fn with every entry of dir, in the folder's own order,
// reading a chunk of names at a time, so a folder of millions of names
// costs time, not memory; it stops at fn's first error and returns it, so a
// caller with a limit reads no further than the chunk that crossed it
// (os.ReadDir would read and sort the whole folder first).
func EachEntry(dir string, fn func(fs.DirEntry) error) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return eachEntry(d, fn)
}

func eachEntry(d interface {
	ReadDir(n int) ([]fs.DirEntry, error)
}, fn func(fs.DirEntry) error) error {
	for {
		entries, err := d.ReadDir(dirChunk)
		for _, e := range entries {
			if err := fn(e); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) || err == nil && len(entries) == 0 {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
