//go:build !linux

package hashfile

import "os"

// setDirect leaves f written through the page cache: direct I/O is used
// on Linux only.
func setDirect(*os.File, bool) bool { return false }

// isInvalid is never asked: no write is direct here.
func isInvalid(error) bool { return false }

// startWriteback does nothing where sync_file_range is missing: Close's
// fsync writes everything.
func startWriteback(*os.File, int64, int64) {}
