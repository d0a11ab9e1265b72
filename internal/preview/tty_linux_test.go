package preview

import (
	"fmt"
	"os"
	"syscall"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal: what the program writes to tty, a
// terminal shows.
func openPTY(t *testing.T, cols uint16) (tty *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	require.NoError(t, unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0))
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	require.NoError(t, err)
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	require.NoError(t, unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: cols}))
	return s
}

func TestForOnATerminal(t *testing.T) {
	tty := openPTY(t, 120)
	for _, c := range []struct {
		env    []string
		colour bool
	}{
		{[]string{"TERM=xterm-256color"}, true},
		{[]string{"TERM=xterm"}, true},
		{[]string{"TERM=xterm-256color", "NO_COLOR="}, true}, // empty: unset, as no-color.org says
		{[]string{"TERM=xterm-256color", "NO_COLOR=1"}, false},
		{[]string{"TERM=xterm-256color", "NO_COLOR=false"}, false}, // any value
		{[]string{"TERM=dumb"}, false},
		{nil, false}, // no TERM: nothing says it can show colour
	} {
		opt := For(tty, c.env)
		require.Equal(t, c.colour, opt.colour(), "%v: %v", c.env, opt.Profile)
		require.Equal(t, MaxWidth, opt.Width, "a wide terminal still gets 80 columns")
	}
	require.Equal(t, colorprofile.ANSI256, For(tty, []string{"TERM=xterm-256color"}).Profile)

	require.Equal(t, 60, For(openPTY(t, 60), nil).Width, "a narrower terminal")
	require.Equal(t, MinWidth, For(openPTY(t, 20), nil).Width, "never below MinWidth")
}
