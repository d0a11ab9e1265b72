package hashfile

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback has the kernel start writing n bytes of f from off to
// disk, without waiting for them (sync_file_range SYNC_FILE_RANGE_WRITE).
// It is only a head start for Close's fsync, which still makes the file
// durable and reports any write error, so its own error is not needed.
func startWriteback(f *os.File, off, n int64) {
	_ = unix.SyncFileRange(int(f.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE)
}
