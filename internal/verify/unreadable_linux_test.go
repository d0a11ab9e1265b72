package verify

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/synthpipe/synthpipe/internal/testkit/testrun"
)

// unopenable makes path a regular file that validate cannot open, even as
// root (which no permission stops): a write lease held on it makes every
// open with O_NONBLOCK, as safeio.OpenRegular's, fail with EAGAIN until the
// lease is let go, or the kernel breaks it (fs.lease-break-time, 45 s).
func unopenable(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	if _, _, errno := syscall.Syscall(syscall.SYS_FCNTL, f.Fd(), syscall.F_SETLEASE, syscall.F_WRLCK); errno != 0 {
		t.Skipf("no lease on %s: %v", path, errno)
	}
}

// deepFolder moves the folder src to a path so long that opening its
// manifest fails with ENAMETOOLONG (testrun.LongPath), while the folder can
// be listed. It returns the path.
func deepFolder(t *testing.T, src string) string {
	t.Helper()
	dir := testrun.LongPath(t, len("/"+manifestFile))
	require.NoError(t, os.Rename(src, dir))
	return dir
}

// A file that cannot be opened is named by its name within the folder, in
// one violation (checkFiles's, not again when its records are read), with
// no count of records read and no count violation following from it.
func TestUnreadableFileIsReportedOnceByItsName(t *testing.T) {
	const incidents = "incidents_v0_2.csv"
	for _, tc := range []struct {
		name, rule, value string
		damage            func(t *testing.T, path string)
	}{
		{"unopenable", "file_readable", "open " + incidents + ": resource temporarily unavailable", unopenable},
		{"FIFO", "file_regular", "not a regular file (fifo): never followed or read", func(t *testing.T, path string) {
			require.NoError(t, os.Remove(path))
			require.NoError(t, syscall.Mkfifo(path, 0o644))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copySnapshot(t)
			tc.damage(t, filepath.Join(dir, incidents))
			rep, err := runPromptly(t, dir)
			require.NoError(t, err)
			rep.Dir = "snap" // as the service names it: the folder's path is then nowhere
			text := reportText(t, rep)
			require.Equal(t, []string{tc.rule}, ruleOrder(text), text)
			require.EqualValues(t, 1, rep.Violations, text)
			require.Equal(t, incidents+"  * "+tc.value, violation(t, rep, tc.rule))
			require.Equal(t, "  BAD    incidents_v0_2.csv               incidents csv           1533 records", fileLine(t, text, incidents))
			for _, f := range rep.Files {
				switch f.Name {
				case incidents:
					require.Nil(t, f.RecordsRead, "its records were not read")
				case "incidents_v0_2.parquet", "dataset_v0_2.json":
					require.NotNil(t, f.RecordsRead, f.Name)
				}
			}
			require.NotContains(t, text, dir)
		})
	}
}

// An unusable folder is named once, first: the error never names a file by
// its path again.
func TestUnusableFolderIsNamedOnce(t *testing.T) {
	dir := deepFolder(t, copySnapshot(t))
	_, err := Run(t.Context(), dir)
	require.True(t, IsUnusable(err), "%v", err)
	require.Equal(t, dir+": not a snapshot folder: manifest open "+manifestFile+": file name too long", err.Error())
}

// inFolder names a file by its name within the folder, drops the folder's
// own path, and keeps what the error is.
func TestInFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "snap")
	_, inside := os.Open(filepath.Join(dir, "x.csv"))
	_, itself := os.Open(dir)
	for _, tc := range []struct {
		dir  string
		err  error
		want string
	}{
		{dir, inside, "open x.csv: no such file or directory"},
		{dir, fmt.Errorf("read x.csv: %w", inside), "read x.csv: open x.csv: no such file or directory"},
		{dir, itself, "no such file or directory"},
		{dir + "/", itself, "no such file or directory"},
		{filepath.Join(dir, "other"), inside, "no such file or directory"},                                      // not within it: no path at all
		{dir, &fs.PathError{Op: "open", Path: "x.csv", Err: fs.ErrNotExist}, "open x.csv: file does not exist"}, // safeio's: named within the folder already
	} {
		got := inFolder(tc.dir, tc.err)
		require.EqualError(t, got, tc.want)
		require.ErrorIs(t, got, fs.ErrNotExist)
		var pe *fs.PathError
		require.True(t, errors.As(got, &pe))
	}
	plain := errors.New("no path")
	require.Same(t, plain, inFolder(dir, plain))

	rel := filepath.Join("no-such-folder", "x.csv")
	_, err := os.Open(rel)
	require.EqualError(t, inFolder("no-such-folder", err), "open x.csv: no such file or directory")
}
