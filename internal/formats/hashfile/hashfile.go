// Package hashfile writes a file through a buffer while counting its bytes
// and hashing it with SHA-256, so the manifest never reads a file twice.
package hashfile

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
)

// BufferSize is how many bytes a File gathers before it hashes them and
// writes them out. A Write of BufferSize bytes or more while nothing is
// gathered is hashed and written from the caller's slice, not copied: a
// writer that hands over whole buffers saves a copy of every byte.
const BufferSize = 256 << 10

// writebackChunk is how many written bytes a File lets gather before it
// has the kernel start writing them to disk: Close's fsync then finds
// little left to write, and a large file's dirty pages do not pile up
// towards where the kernel throttles the writers.
const writebackChunk = 8 << 20

// File is a file being written.
type File struct {
	f       *os.File
	buf     []byte // gathered, not yet hashed and written; cap BufferSize once made
	sum     hash.Hash
	n       int64
	started int64 // bytes whose writeback was started
	err     error // the first write error, returned by every later write
	name    string
	close   bool
}

// Create creates name in dir.
func Create(dir, name string) (*File, error) {
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	return &File{f: f, sum: sha256.New(), name: name}, nil
}

// out hashes p and writes it to the file.
func (h *File) out(p []byte) {
	if h.err != nil || len(p) == 0 {
		return
	}
	h.sum.Write(p)
	n, err := h.f.Write(p)
	h.wrote(int64(n))
	h.err = err
}

// wrote counts n bytes written and starts the writeback of the bytes
// written since the last start once they make a writebackChunk.
func (h *File) wrote(n int64) {
	h.n += n
	if h.n-h.started >= writebackChunk {
		startWriteback(h.f, h.started, h.n-h.started)
		h.started = h.n
	}
}

// Write buffers p.
func (h *File) Write(p []byte) (int, error) { return write(h, p) }

// WriteString buffers s.
func (h *File) WriteString(s string) (int, error) { return write(h, s) }

func write[S string | []byte](h *File, p S) (int, error) {
	done := 0
	for h.err == nil && len(h.buf)+len(p) >= BufferSize {
		if len(h.buf) == 0 {
			h.out([]byte(p)) // no copy for a []byte; a string this long is rare
			if h.err != nil {
				return done, h.err
			}
			return done + len(p), nil
		}
		// Top the buffer up and write it whole, as bufio does.
		k := BufferSize - len(h.buf)
		h.buf = append(h.buf, p[:k]...)
		done += k
		p = p[k:]
		h.out(h.buf)
		h.buf = h.buf[:0]
	}
	if h.err != nil {
		return done, h.err
	}
	if h.buf == nil && len(p) > 0 {
		// Made on the first short write: a writer of whole buffers needs none.
		h.buf = make([]byte, 0, BufferSize)
	}
	h.buf = append(h.buf, p...)
	return done + len(p), nil
}

// AppendFile appends the whole of src, from its start, after the bytes
// written so far. src is read once, a block at a time; each block is hashed
// here while another goroutine writes the blocks before it (it alone
// touches the file and its counts meanwhile), so hashing and writing a
// large file overlap.
func (h *File) AppendFile(src *os.File) error {
	h.out(h.buf)
	h.buf = h.buf[:0]
	if h.err != nil {
		return h.err
	}
	free := make(chan []byte, appendBlocks)
	for range appendBlocks {
		free <- make([]byte, appendBlock)
	}
	full := make(chan []byte, appendBlocks)
	failed := make(chan struct{}) // closed on the first write error
	written := make(chan error, 1)
	go func() {
		var err error
		for b := range full {
			if err == nil {
				var n int
				n, err = h.f.Write(b)
				h.wrote(int64(n))
				if err != nil {
					close(failed)
				}
			}
			free <- b[:cap(b)]
		}
		written <- err
	}()
	var err error
read:
	for off := int64(0); ; {
		var b []byte
		select {
		case b = <-free:
		case <-failed:
			break read
		}
		n, rerr := src.ReadAt(b, off)
		off += int64(n)
		h.sum.Write(b[:n])
		full <- b[:n]
		if rerr != nil {
			if rerr != io.EOF {
				err = rerr
			}
			break
		}
	}
	close(full)
	h.err = cmp.Or(<-written, err)
	return h.err
}

// AppendFile reads appendBlock bytes at a time and has at most
// appendBlocks of them read and not yet written.
const (
	appendBlock  = 1 << 20
	appendBlocks = 4
)

// Name returns the file's base name.
func (h *File) Name() string { return h.name }

// Close flushes, syncs and closes the file and returns its size and SHA-256.
// Closing twice is a no-op.
func (h *File) Close() (int64, string, error) {
	if h.close {
		return h.n, hex.EncodeToString(h.sum.Sum(nil)), nil
	}
	h.close = true
	h.out(h.buf)
	h.buf = nil
	err := h.err
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
