package hashfile

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// setDirect turns O_DIRECT on or off for f and reports whether it is on.
// It is turned on only where statx says the file system takes direct I/O
// at offsets and addresses that BufferSize and blockAlign are multiples of.
func setDirect(f *os.File, on bool) bool {
	fd := int(f.Fd())
	if on {
		var st unix.Statx_t
		if unix.Statx(fd, "", unix.AT_EMPTY_PATH, unix.STATX_DIOALIGN, &st) != nil || st.Mask&unix.STATX_DIOALIGN == 0 ||
			st.Dio_offset_align == 0 || BufferSize%st.Dio_offset_align != 0 ||
			st.Dio_mem_align == 0 || blockAlign%st.Dio_mem_align != 0 {
			return false
		}
	}
	flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		return !on
	}
	want := flags &^ unix.O_DIRECT
	if on {
		want |= unix.O_DIRECT
	}
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFL, want); err != nil {
		return !on
	}
	return on
}

// isInvalid reports whether err is EINVAL, what a misaligned direct write
// gets.
func isInvalid(err error) bool { return errors.Is(err, unix.EINVAL) }

// startWriteback has the kernel start writing n bytes of f from off to
// disk, without waiting for them (sync_file_range SYNC_FILE_RANGE_WRITE).
// It is only a head start for Close's fsync, which still makes the file
// durable and reports any write error, so its own error is not needed.
func startWriteback(f *os.File, off, n int64) {
	_ = unix.SyncFileRange(int(f.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE)
}
