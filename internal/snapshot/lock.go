package snapshot

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/formats/layout"
)

var (
	errLocked              = errors.New("locked by another process")
	errExchangeUnsupported = errors.New("atomic exchange (renameat2 RENAME_EXCHANGE) unsupported")
)

// lockWaitPoll is how often a waiting run retries the target's lock; a
// poll rather than a blocking flock lets a signal end the wait.
const lockWaitPoll = 50 * time.Millisecond

// lockPath is the target's lock file, beside it: <parent>/.<name>.lock.
func lockPath(target string) string {
	return filepath.Join(filepath.Dir(target), layout.LockFile(filepath.Base(target)))
}

// targetLock is a held lock on a target folder.
type targetLock struct {
	f    *os.File
	path string
}

// lockTarget takes the target's lock, waiting while another run holds it
// (saying so once, with that run's pid); ctx ends the wait.
func lockTarget(ctx context.Context, target string, log zerolog.Logger) (*targetLock, error) {
	path := lockPath(target)
	said := false
	for {
		f, err := openLockFile(path)
		if err != nil {
			return nil, err
		}
		err = flockFile(f, false)
		if err == nil && !sameFile(f, path) {
			f.Close() // its last holder removed it on release: lock the new one
			continue
		}
		if err == nil {
			// The pid only tells a waiting run whom it waits for.
			_ = f.Truncate(0)
			_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
			return &targetLock{f: f, path: path}, nil
		}
		if !errors.Is(err, errLocked) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if !said {
			// Read from the file already opened (checked regular, never a
			// link), and only what a pid takes.
			buf := make([]byte, 32)
			n, _ := f.ReadAt(buf, 0)
			log.Warn().Str("target", target).Str("pid", strings.TrimSpace(string(buf[:n]))).Str("lock", path).
				Msg("waiting for another run writing " + target + " to finish")
			said = true
		}
		f.Close()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(lockWaitPoll):
		}
	}
}

// unlock removes the lock file while still holding it, so none is left
// behind; a run that opened it meanwhile sees it is gone and retries.
func (l *targetLock) unlock() {
	os.Remove(l.path)
	l.f.Close()
}

// openLockFile opens (or creates) the lock file, never through a symlink
// nor onto a FIFO or device: the pid written into it must not land in
// whatever a link points to.
func openLockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0o644)
	if errors.Is(err, syscall.ELOOP) {
		return nil, &config.Error{Err: fmt.Errorf("lock %s is a symbolic link: remove it (a lock is never taken through a link)", path)}
	}
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, &config.Error{Err: fmt.Errorf("lock %s is not a regular file: remove it", path)}
	}
	return f, nil
}
