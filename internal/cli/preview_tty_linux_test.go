package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// previewOnATerminal runs preview with stdout on a pseudo-terminal 80
// columns wide and returns what the terminal got.
func previewOnATerminal(t *testing.T, args ...string) string {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer m.Close()
	require.NoError(t, unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0))
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	require.NoError(t, err)
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	require.NoError(t, err)
	require.NoError(t, unix.IoctlSetWinsize(int(tty.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 80}))
	// The terminal's buffer is small: read while the command writes.
	got := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(m) // ends with EIO once the terminal side is closed
		got <- b
	}()
	var errOut bytes.Buffer
	code := Execute(append([]string{"preview", "-c", previewConfig, "--log-level", "warn"}, args...), tty, &errOut)
	require.NoError(t, tty.Close())
	out := <-got
	require.Equal(t, 0, code, errOut.String())
	return strings.ReplaceAll(string(out), "\r\n", "\n") // the terminal's line discipline
}

func TestPreviewColourOnlyOnATerminal(t *testing.T) {
	t.Setenv("TERM", "xterm-256color")
	t.Setenv("NO_COLOR", "")
	colour := previewOnATerminal(t)
	require.Contains(t, colour, "\x1b[", "colour on a terminal")
	for _, line := range strings.Split(colour, "\n") {
		require.LessOrEqual(t, ansi.StringWidth(line), 80, "fits 80 columns: %q", line)
	}

	t.Setenv("NO_COLOR", "1")
	plain := previewOnATerminal(t)
	require.NotContains(t, plain, "\x1b", "NO_COLOR=1: not one escape sequence")
	require.Equal(t, ansi.Strip(colour), plain, "the same text")

	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "dumb")
	require.Equal(t, plain, previewOnATerminal(t), "TERM=dumb: plain")
}
