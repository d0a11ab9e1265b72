//go:build unix

package snapshot

import (
	"errors"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// flockFile takes an exclusive flock on f; with wait false it fails at
// once with errLocked if another open file holds it.
func flockFile(f *os.File, wait bool) error {
	how := unix.LOCK_EX
	if !wait {
		how |= unix.LOCK_NB
	}
	for {
		err := unix.Flock(int(f.Fd()), how)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EWOULDBLOCK):
			return errLocked
		}
		return err
	}
}

// sameFile reports whether path still names the file f has open: a lock
// file removed and recreated by its last holder is a different file.
func sameFile(f *os.File, path string) bool {
	a, err1 := f.Stat()
	b, err2 := os.Stat(path)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

func signalName(s os.Signal) string {
	if sig, ok := s.(syscall.Signal); ok {
		if name := unix.SignalName(sig); name != "" {
			return name
		}
	}
	return s.String()
}

// writable reports whether this process may create entries in dir (also
// false on a read-only file system).
func writable(dir string) error { return unix.Access(dir, unix.W_OK|unix.X_OK) }

// renameDir moves the folder src to dst, which must be absent or an empty
// folder: rename(2) replaces an empty folder in one step and fails with
// ENOTEMPTY or EEXIST on one that holds anything (os.Rename refuses any
// existing folder).
func renameDir(src, dst string) error {
	if err := unix.Rename(src, dst); err != nil {
		return &os.LinkError{Op: "rename", Old: src, New: dst, Err: err}
	}
	return nil
}

// sameDevice reports whether the folders a and b are on one file system:
// a rename between them is possible. It says yes when it cannot tell.
func sameDevice(a, b string) bool {
	var sa, sb unix.Stat_t
	if unix.Stat(a, &sa) != nil || unix.Stat(b, &sb) != nil {
		return true
	}
	return sa.Dev == sb.Dev
}
