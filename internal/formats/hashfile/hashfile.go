// Package hashfile writes a file through a buffer while counting its bytes
// and hashing it with SHA-256, so the manifest never reads a file twice.
//
// A file written while the run goes on goes through the page cache: the
// writer's goroutine returns at once and the run keeps its cores. A large
// file appended at close (AppendFile: the JSON dataset's spools), where
// nothing else runs, is written with direct I/O where the file system takes
// it (Linux ext4, XFS, btrfs …): whole blocks go from the buffer to the
// disk without being copied into the page cache, whose new pages cost more
// than the disk's time on a virtual machine.
package hashfile

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"unsafe"
)

// BufferSize is the block a File gathers before it hashes it and writes it
// out. Once direct, every write but the last is one whole block of it or of
// appendBlock, at an offset that is a multiple of it, as direct I/O
// requires.
const BufferSize = 256 << 10

// blockAlign is the memory alignment of a block: a page, at least what any
// file system asks of direct I/O (statx reports 512 or 4096).
const blockAlign = 4096

// writebackChunk is how many bytes written through the page cache a File
// lets gather before it has the kernel start writing them to disk: Close's
// fsync then finds little left to write, and a large file's dirty pages do
// not pile up towards where the kernel throttles the writers.
const writebackChunk = 8 << 20

// File is a file being written.
type File struct {
	f        *os.File
	buf      []byte // the block being filled: gathered, not yet hashed and written
	sum      hash.Hash
	n        int64
	started  int64 // bytes whose writeback was started
	err      error // the first write error, returned by every later write
	name     string
	close    bool
	direct   bool // whole blocks are written with O_DIRECT
	noDirect bool // a direct write was refused: never again
}

// Create creates name in dir.
func Create(dir, name string) (*File, error) {
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	return &File{f: f, sum: sha256.New(), name: name}, nil
}

// newBlock returns an empty block of size bytes' capacity (a multiple of
// BufferSize), aligned for direct I/O.
func newBlock(size int) []byte {
	b := make([]byte, size+blockAlign)
	off := int(-uintptr(unsafe.Pointer(&b[0])) & (blockAlign - 1))
	return b[off : off : off+size]
}

// out hashes p and writes it to the file.
func (h *File) out(p []byte) {
	if h.err != nil || len(p) == 0 {
		return
	}
	h.sum.Write(p)
	h.put(p)
}

// put writes p, hashed already, to the file. A direct write the file
// refuses as misaligned (a file system that claimed more than it takes) is
// written again through the page cache, as is every later one.
func (h *File) put(p []byte) {
	n, err := h.f.Write(p)
	if err != nil && h.direct && isInvalid(err) && !setDirect(h.f, false) {
		h.direct, h.noDirect = false, true
		var m int
		m, err = h.f.Write(p[n:]) // after a short direct write too
		n += m
	}
	h.wrote(int64(n))
	h.err = err
}

// wrote counts n bytes written and, through the page cache, starts the
// writeback of the bytes written since the last start once they make a
// writebackChunk.
func (h *File) wrote(n int64) {
	h.n += n
	if !h.direct && h.n-h.started >= writebackChunk {
		startWriteback(h.f, h.started, h.n-h.started)
		h.started = h.n
	}
}

// Write buffers p.
func (h *File) Write(p []byte) (int, error) { return write(h, p) }

// WriteString buffers s.
func (h *File) WriteString(s string) (int, error) { return write(h, s) }

func write[S string | []byte](h *File, p S) (int, error) {
	if !h.direct && len(h.buf) == 0 && len(p) >= BufferSize {
		// A whole buffer or more, nothing gathered: hashed and written
		// from the caller's slice, not copied (the CSV sink hands over
		// whole buffers). A direct write could not take it: it is not
		// aligned.
		h.out([]byte(p)) // no copy for a []byte; a string this long is rare
		if h.err != nil {
			return 0, h.err
		}
		return len(p), nil
	}
	done := 0
	for h.err == nil && len(p) > 0 {
		if h.buf == nil {
			h.buf = newBlock(BufferSize) // made on the first write: an empty file needs none
		}
		k := copy(h.buf[len(h.buf):cap(h.buf)], p)
		h.buf = h.buf[:len(h.buf)+k]
		done += k
		p = p[k:]
		if len(h.buf) == cap(h.buf) {
			h.out(h.buf)
			h.buf = h.buf[:0]
		}
	}
	return done, h.err
}

// AppendFile appends the whole of src, from its start, after the bytes
// written so far, and writes it and every later block with direct I/O where
// the file system takes it. src is read once, into whole blocks, by one
// goroutine; each block is hashed here while another goroutine writes the
// blocks before it (it alone touches the file and its counts meanwhile),
// so reading, hashing and writing a large file overlap (2 GB in 1.7 s
// here, 2.1 s with reading and hashing in one goroutine). The last partial
// block stays gathered. When ctx ends, it stops before the next block and
// fails with ctx's error: src may be gigabytes, for a cancelled run.
func (h *File) AppendFile(ctx context.Context, src *os.File) error {
	if h.err != nil {
		return h.err
	}
	if !h.direct && !h.noDirect && h.n%BufferSize == 0 { // else a caller's whole buffer left it unaligned
		h.direct = setDirect(h.f, true)
	}
	if h.buf == nil {
		h.buf = newBlock(BufferSize)
	}
	free := make(chan []byte, appendBlocks)
	for range appendBlocks - 1 {
		free <- newBlock(appendBlock)
	}
	full := make(chan []byte, appendBlocks)
	failed := make(chan struct{}) // closed on the first write error
	written := make(chan error, 1)
	go func() {
		for b := range full {
			if h.err == nil {
				h.put(b)
				if h.err != nil {
					close(failed)
				}
			}
			free <- b[:0]
		}
		written <- h.err
	}()
	read := make(chan []byte, appendBlocks) // never full: appendBlocks blocks exist
	var rerr error
	stop := make(chan struct{})
	go func() {
		defer close(read)
		b := h.buf // the gathered bytes start the first block
		for off := int64(0); ; {
			n, err := src.ReadAt(b[len(b):cap(b)], off)
			off += int64(n)
			b = b[:len(b)+n]
			if err != nil && err != io.EOF {
				rerr = err
				return
			}
			read <- b
			if len(b) < cap(b) { // the end of src (ReadAt fills b before then)
				return
			}
			select {
			case b = <-free:
			case <-stop:
				return
			}
		}
	}()
	var last []byte // the partial block src ends with
	var cerr error
hash:
	for b := range read {
		if cerr = ctx.Err(); cerr != nil {
			close(stop)
			break
		}
		if len(b) < cap(b) {
			last = b
			break
		}
		h.sum.Write(b)
		full <- b
		select {
		case <-failed:
			close(stop)
			break hash
		default:
		}
	}
	for range read { // until the reader has returned
	}
	close(full)
	werr := <-written // the writer has returned: h is the caller's again
	if last == nil {
		last = newBlock(BufferSize)
	}
	h.buf = last
	h.err = cmp.Or(werr, rerr, cerr)
	return h.err
}

// AppendFile reads and writes appendBlock bytes at a time (the disk here
// takes 2 GB of direct writes in 1.0 s in 1 MiB blocks, 1.5 s in 256 KiB
// ones) and has at most appendBlocks of them read and not yet written. A
// multiple of BufferSize, so the offsets stay aligned and the last partial
// block may be the File's buffer.
const (
	appendBlock  = 4 * BufferSize
	appendBlocks = 4
)

// Name returns the file's base name.
func (h *File) Name() string { return h.name }

// Close writes the last partial block through the page cache (direct I/O
// takes whole blocks only), syncs and closes the file and returns its size
// and SHA-256. Closing twice is a no-op.
func (h *File) Close() (int64, string, error) {
	if h.close {
		return h.n, hex.EncodeToString(h.sum.Sum(nil)), nil
	}
	h.close = true
	if h.direct && len(h.buf) > 0 && h.err == nil && !setDirect(h.f, false) {
		h.direct = false
	}
	h.out(h.buf)
	h.buf = nil
	err := h.err
	if err == nil {
		err = fsync(h.f)
	}
	if cerr := h.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, "", fmt.Errorf("write %s: %w", h.name, err)
	}
	return h.n, hex.EncodeToString(h.sum.Sum(nil)), nil
}

// Abort closes and removes the file unfinished, for a run that failed or
// was cancelled: the gathered bytes are not written and nothing is synced,
// as the file is thrown away. After Close it does nothing; after it, the
// File is not used again.
func (h *File) Abort() {
	if h.close {
		return
	}
	h.close = true
	h.buf = nil
	h.f.Close()
	os.Remove(h.f.Name())
}

// fsync makes f durable; a variable so that a test can count the calls.
var fsync = (*os.File).Sync
