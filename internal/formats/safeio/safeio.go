// Package safeio opens and reads files of folders that come from
// elsewhere (a snapshot to validate, a target a run is about to replace) as
// hostile: only regular files directly inside the folder, never through a
// symlink, never blocking on a FIFO, and never more than a stated size.
package safeio

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/synthpipe/synthpipe/internal/formats/readback"
)

// QuoteName renders a name from a folder or manifest for a message:
// bounded, and quoted when it holds anything unusual.
func QuoteName(name string) string {
	name = readback.Truncate(name)
	if strings.ContainsFunc(name, func(r rune) bool { return r < 0x21 || r == 0x7f || r == '"' }) {
		return fmt.Sprintf("%q", name)
	}
	return name
}

// NotRegularError is a name in the folder that is not a regular file
// directly inside it: a symlink, FIFO, device, folder, or a path that
// leaves the folder. It is never followed or read.
type NotRegularError struct {
	Name string
	Kind string // symlink, fifo, device, folder, socket, path outside the folder …
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s: not a regular file (%s)", QuoteName(e.Name), e.Kind)
}

// LimitError is input over one of validate's limits.
type LimitError struct{ msg string }

func (e *LimitError) Error() string { return e.msg }

func OverLimit(format string, args ...any) error {
	return &LimitError{fmt.Sprintf(format, args...)}
}

// PlainName reports why name is not a plain file name inside the folder,
// or "" when it is one.
func PlainName(name string) string {
	switch {
	case name == "":
		return "empty name"
	case filepath.IsAbs(name) || strings.HasPrefix(name, "/"):
		return "absolute path"
	case name == "." || name == ".." || strings.HasPrefix(name, "../") || strings.Contains(name, "/../") || strings.HasSuffix(name, "/.."):
		return "path outside the folder"
	case strings.ContainsAny(name, `/\`):
		return "path with a folder"
	case strings.ContainsRune(name, 0):
		return "name with a NUL byte"
	}
	return ""
}

// OpenRegular opens name inside dir for reading, only if it is a regular
// file there. O_NOFOLLOW refuses a symlink in the last component, and
// O_NONBLOCK keeps a FIFO from blocking the open; the kind is then taken
// from the opened descriptor (fstat), so nothing can be swapped between the
// check and the read.
func OpenRegular(dir, name string) (*os.File, fs.FileInfo, error) {
	if why := PlainName(name); why != "" {
		return nil, nil, &NotRegularError{Name: name, Kind: why}
	}
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.EMLINK) {
			return nil, nil, &NotRegularError{Name: name, Kind: "symlink"}
		}
		if errors.Is(err, syscall.ENXIO) { // what opening a Unix socket gives
			return nil, nil, &NotRegularError{Name: name, Kind: "socket"}
		}
		return nil, nil, named(err, name)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, named(err, name)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, nil, &NotRegularError{Name: name, Kind: KindOf(st.Mode())}
	}
	return f, st, nil
}

// named returns err with the path of its *fs.PathError (the folder joined
// with name) cut to name: the folder may be a server's, which a client
// must not learn, and a caller's message names the folder first anyway.
func named(err error, name string) error {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return err
	}
	return &fs.PathError{Op: pe.Op, Path: name, Err: pe.Err}
}

// KindOf names the kind of a file that is not regular.
func KindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symlink"
	case m&fs.ModeNamedPipe != 0:
		return "fifo"
	case m&fs.ModeDevice != 0 || m&fs.ModeCharDevice != 0:
		return "device"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m.IsDir():
		return "folder"
	}
	return "irregular file"
}

// ReadSmall reads a whole small file of the folder, refusing one larger
// than limit before reading it (and reading at most limit+1 bytes should it
// grow meanwhile).
func ReadSmall(dir, name string, limit int64) ([]byte, error) {
	f, st, err := OpenRegular(dir, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st.Size() > limit {
		return nil, OverLimit("%s is %d bytes, more than the %s limit", name, st.Size(), SizeText(limit))
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, named(err, name)
	}
	if int64(len(b)) > limit {
		return nil, OverLimit("%s grew past the %s limit while read", name, SizeText(limit))
	}
	return b, nil
}

func SizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
