// Package hashfile writes a file through a buffer while counting its bytes
// and hashing it with SHA-256, so the manifest never reads a file twice.
package hashfile

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"os"
	"path/filepath"
)

// File is a file being written.
type File struct {
	f     *os.File
	buf   *bufio.Writer
	sum   hash.Hash
	n     int64
	name  string
	close bool
}

// Create creates name in dir.
func Create(dir, name string) (*File, error) {
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	h := &File{f: f, sum: sha256.New(), name: name}
	h.buf = bufio.NewWriterSize(writerFunc(h.flush), 256<<10)
	return h, nil
}

type writerFunc func([]byte) (int, error)

func (w writerFunc) Write(p []byte) (int, error) { return w(p) }

func (h *File) flush(p []byte) (int, error) {
	h.sum.Write(p)
	n, err := h.f.Write(p)
	h.n += int64(n)
	return n, err
}

// Write buffers p.
func (h *File) Write(p []byte) (int, error) { return h.buf.Write(p) }

// WriteString buffers s.
func (h *File) WriteString(s string) (int, error) { return h.buf.WriteString(s) }

// Name returns the file's base name.
func (h *File) Name() string { return h.name }

// Close flushes, syncs and closes the file and returns its size and SHA-256.
// Closing twice is a no-op.
func (h *File) Close() (int64, string, error) {
	if h.close {
		return h.n, hex.EncodeToString(h.sum.Sum(nil)), nil
	}
	h.close = true
	err := h.buf.Flush()
	if err == nil {
		err = h.f.Sync()
	}
	if cerr := h.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, "", fmt.Errorf("write %s: %w", h.name, err)
	}
	return h.n, hex.EncodeToString(h.sum.Sum(nil)), nil
}
