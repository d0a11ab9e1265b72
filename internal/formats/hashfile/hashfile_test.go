package hashfile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Whatever the sizes of the writes (below, at and above the buffer, with
// and without bytes gathered), the file holds them in order and its size
// and hash are theirs.
func TestWritesInOrder(t *testing.T) {
	for _, m := range modes(t) {
		t.Run(m.name, func(t *testing.T) { testWritesInOrder(t, m.create) })
	}
}

func testWritesInOrder(t *testing.T, create func(string, string) (*File, error)) {
	rng := rand.New(rand.NewPCG(3, 4))
	sizes := []int{0, 1, 100, BufferSize - 1, BufferSize, BufferSize + 1, 3*BufferSize + 7, 1000, BufferSize / 2, BufferSize/2 + 1}
	for range 40 {
		sizes = append(sizes, rng.IntN(2*BufferSize))
	}
	dir := t.TempDir()
	f, err := create(dir, "x.csv")
	require.NoError(t, err)
	var want bytes.Buffer
	for i, n := range sizes {
		p := make([]byte, n)
		for j := range p {
			p[j] = byte(rng.IntN(256))
		}
		want.Write(p)
		var k int
		if i%3 == 0 {
			k, err = f.WriteString(string(p))
		} else {
			k, err = f.Write(p)
		}
		require.NoError(t, err)
		require.Equal(t, n, k)
	}
	n, sum, err := f.Close()
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join(dir, "x.csv"))
	require.NoError(t, err)
	require.True(t, bytes.Equal(want.Bytes(), got))
	h := sha256.Sum256(want.Bytes())
	require.Equal(t, int64(want.Len()), n)
	require.Equal(t, hex.EncodeToString(h[:]), sum)

	n2, sum2, err := f.Close()
	require.NoError(t, err, "closing twice is a no-op")
	require.Equal(t, n, n2)
	require.Equal(t, sum, sum2)
}

// A write the file refuses is reported, then by every later write and Close.
func TestWriteError(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(dir, "x.csv")
	require.NoError(t, err)
	require.NoError(t, f.f.Close()) // the file is gone from under the writer
	_, err = f.Write([]byte("gathered"))
	require.NoError(t, err, "nothing written yet")
	_, err = f.Write(make([]byte, BufferSize))
	require.Error(t, err)
	_, err = f.WriteString("x")
	require.Error(t, err)
	_, _, err = f.Close()
	require.ErrorContains(t, err, "write x.csv")
}

// AppendFile appends the whole of a file, whatever its file offset, between
// buffered writes: the file holds every byte in order, its size and hash
// are theirs, and the appended files are left as they were.
func TestAppendFile(t *testing.T) {
	for _, m := range modes(t) {
		t.Run(m.name, func(t *testing.T) { testAppendFile(t, m.create) })
	}
}

func testAppendFile(t *testing.T, create func(string, string) (*File, error)) {
	rng := rand.New(rand.NewPCG(5, 6))
	dir := t.TempDir()
	f, err := create(dir, "x.json")
	require.NoError(t, err)
	var want bytes.Buffer
	write := func(s string) {
		want.WriteString(s)
		_, err := f.WriteString(s)
		require.NoError(t, err)
	}
	// Sizes below a buffer, of two buffers exactly, none, and of more
	// blocks than are ever in flight, past writebackChunk.
	for i, n := range []int{100, 2 * BufferSize, 0, writebackChunk + BufferSize + 3} {
		write("part " + string(rune('a'+i)) + ":")
		p := make([]byte, n)
		for j := range p {
			p[j] = byte(rng.IntN(256))
		}
		src, err := os.CreateTemp(dir, "spool")
		require.NoError(t, err)
		_, err = src.Write(p) // leaves the offset at the end
		require.NoError(t, err)
		require.NoError(t, f.AppendFile(t.Context(), src))
		require.Equal(t, takesDirect(t, dir), f.direct, "appended files are written direct where the file system takes it")
		want.Write(p)
		back, err := os.ReadFile(src.Name())
		require.NoError(t, err)
		require.True(t, bytes.Equal(p, back))
		require.NoError(t, src.Close())
	}
	write("end\n")
	n, sum, err := f.Close()
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join(dir, "x.json"))
	require.NoError(t, err)
	require.True(t, bytes.Equal(want.Bytes(), got))
	h := sha256.Sum256(want.Bytes())
	require.Equal(t, int64(want.Len()), n)
	require.Equal(t, hex.EncodeToString(h[:]), sum)
}

// A file AppendFile cannot read, or a write it makes that fails, is
// reported, then by every later write and Close.
func TestAppendFileError(t *testing.T) {
	dir := t.TempDir()
	unread, err := os.CreateTemp(dir, "spool")
	require.NoError(t, err)
	require.NoError(t, unread.Close())
	big, err := os.CreateTemp(dir, "spool")
	require.NoError(t, err)
	_, err = big.Write(make([]byte, 3*appendBlocks*appendBlock))
	require.NoError(t, err)

	for name, fail := range map[string]func(*File) error{
		"read":  func(f *File) error { return f.AppendFile(t.Context(), unread) },
		"write": func(f *File) error { require.NoError(t, f.f.Close()); return f.AppendFile(t.Context(), big) },
	} {
		f, err := Create(dir, name+".json")
		require.NoError(t, err)
		require.Error(t, fail(f), name)
		_, err = f.WriteString("x")
		require.Error(t, err, name)
		_, _, err = f.Close()
		require.ErrorContains(t, err, "write "+name+".json")
	}
}

// mode is a way files are written: through the page cache until
// AppendFile, or with direct I/O from the start where the test's temporary
// file system takes it.
type mode struct {
	name   string
	create func(dir, name string) (*File, error)
}

func modes(t *testing.T) []mode {
	ms := []mode{{"page cache", Create}}
	direct := func(dir, name string) (*File, error) {
		f, err := Create(dir, name)
		if err == nil {
			f.direct = setDirect(f.f, true)
		}
		return f, err
	}
	f, err := direct(t.TempDir(), "probe")
	require.NoError(t, err)
	if f.direct {
		ms = append(ms, mode{"direct", direct})
	} else {
		t.Logf("%s takes no direct I/O: only the page cache is tried", os.TempDir())
	}
	_, _, err = f.Close()
	require.NoError(t, err)
	return ms
}

// A direct write the file system refuses as misaligned is written through
// the page cache instead, and so is every later one: nothing is lost.
func TestDirectFallsBack(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(dir, "x.csv")
	require.NoError(t, err)
	if f.direct = setDirect(f.f, true); !f.direct {
		t.Skipf("%s takes no direct I/O", dir)
	}
	// A whole block at an aligned offset, from a misaligned address:
	// O_DIRECT refuses it, and the offset after it would take the next.
	odd := bytes.Repeat([]byte("o"), BufferSize+1)[1:]
	f.out(odd)
	require.NoError(t, f.err)
	require.False(t, f.direct)
	rest := bytes.Repeat([]byte("x"), BufferSize) // the offset stays aligned
	_, err = f.Write(rest)
	require.NoError(t, err)
	src, err := os.CreateTemp(dir, "spool")
	require.NoError(t, err)
	appended := bytes.Repeat([]byte("a"), appendBlock+3)
	_, err = src.Write(appended)
	require.NoError(t, err)
	require.NoError(t, f.AppendFile(t.Context(), src))
	require.False(t, f.direct, "a file system that refused a direct write is not asked again")
	require.NoError(t, src.Close())
	rest = append(rest, appended...)
	n, sum, err := f.Close()
	require.NoError(t, err)
	want := append(odd, rest...)
	got, err := os.ReadFile(filepath.Join(dir, "x.csv"))
	require.NoError(t, err)
	require.True(t, bytes.Equal(want, got))
	h := sha256.Sum256(want)
	require.Equal(t, int64(len(want)), n)
	require.Equal(t, hex.EncodeToString(h[:]), sum)
}

// takesDirect reports whether the file system of dir takes direct I/O.
func takesDirect(t *testing.T, dir string) bool {
	f, err := os.CreateTemp(dir, "probe")
	require.NoError(t, err)
	defer os.Remove(f.Name())
	defer f.Close()
	return setDirect(f, true)
}

// A caller's whole buffer, written from its slice, leaves the file at an
// offset direct I/O cannot take: AppendFile then stays with the page cache,
// and the file is still whole.
func TestAppendFileAfterUnalignedWrite(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(dir, "x.json")
	require.NoError(t, err)
	head := bytes.Repeat([]byte("h"), BufferSize+1)
	_, err = f.Write(head)
	require.NoError(t, err)
	body := bytes.Repeat([]byte("b"), 3*BufferSize+2)
	src, err := os.CreateTemp(dir, "spool")
	require.NoError(t, err)
	_, err = src.Write(body)
	require.NoError(t, err)
	require.NoError(t, f.AppendFile(t.Context(), src))
	require.False(t, f.direct)
	n, _, err := f.Close()
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join(dir, "x.json"))
	require.NoError(t, err)
	require.True(t, bytes.Equal(append(head, body...), got))
	require.Equal(t, int64(len(got)), n)
	require.NoError(t, src.Close())
}

// countSyncs counts the fsyncs made until the test ends.
func countSyncs(t *testing.T) *int {
	n := new(int)
	was := fsync
	fsync = func(f *os.File) error { *n++; return was(f) }
	t.Cleanup(func() { fsync = was })
	return n
}

// Abort throws a file away: its gathered bytes are not written, it is not
// synced, it is removed. Close, for comparison, syncs once.
func TestAbortNeitherWritesNorSyncs(t *testing.T) {
	syncs := countSyncs(t)
	dir := t.TempDir()
	f, err := Create(dir, "x.csv")
	require.NoError(t, err)
	_, err = f.Write(bytes.Repeat([]byte("w"), BufferSize+5)) // written from the slice, not gathered
	require.NoError(t, err)
	_, err = f.WriteString("gathered")
	require.NoError(t, err)
	f.Abort()
	require.Zero(t, *syncs, "an aborted file is not synced")
	require.NoFileExists(t, filepath.Join(dir, "x.csv"))
	f.Abort() // again: nothing

	done, err := Create(dir, "y.csv")
	require.NoError(t, err)
	_, err = done.WriteString("kept")
	require.NoError(t, err)
	_, _, err = done.Close()
	require.NoError(t, err)
	require.Equal(t, 1, *syncs, "Close syncs")
	done.Abort()
	got, err := os.ReadFile(filepath.Join(dir, "y.csv"))
	require.NoError(t, err)
	require.Equal(t, "kept", string(got), "Abort after Close leaves the file")
}

// AppendFile with its context ended appends nothing and fails with the
// context's error, as does the Close after it, which does not sync.
func TestAppendFileStopsWhenCancelled(t *testing.T) {
	syncs := countSyncs(t)
	dir := t.TempDir()
	src, err := os.CreateTemp(dir, "spool")
	require.NoError(t, err)
	defer src.Close()
	_, err = src.Write(make([]byte, 3*appendBlocks*appendBlock))
	require.NoError(t, err)
	for _, size := range []int64{3 * appendBlocks * appendBlock, 10} { // many blocks; one partial block
		require.NoError(t, src.Truncate(size))
		f, err := Create(dir, "x.json")
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		require.ErrorIs(t, f.AppendFile(ctx, src), context.Canceled)
		require.Zero(t, f.n, "nothing appended")
		_, _, err = f.Close()
		require.ErrorIs(t, err, context.Canceled)
		require.Zero(t, *syncs)
		require.NoError(t, os.Remove(filepath.Join(dir, "x.json")))
	}
}
