package preview

import (
	"io"
	"strings"

	"github.com/charmbracelet/colorprofile"
	"golang.org/x/term"
)

// Widths the layout keeps to: at most MaxWidth columns, fewer on a narrower
// terminal, never fewer than MinWidth (below that nothing reads well, and
// the terminal wraps).
const (
	MaxWidth = 80
	MinWidth = 40
)

// Options say how a Renderer lays out and colours its text.
type Options struct {
	// Width in terminal cells; 0 means MaxWidth. Clamped to MinWidth..MaxWidth.
	Width int
	// Profile is the colour the output shows: the zero value, NoTTY and
	// ASCII give plain text without a single escape sequence; ANSI, ANSI256
	// and TrueColor give colour (downsampled to the profile).
	Profile colorprofile.Profile
}

// For decides the Options for out with the environment environ (as
// os.Environ): colour only when out is a terminal, NO_COLOR is unset or
// empty (any other value means plain, as no-color.org asks) and TERM is
// set and not "dumb"; then as much colour as the terminal says it has. The
// width is MaxWidth, or a narrower terminal's width.
func For(out io.Writer, environ []string) Options {
	opt := Options{Width: MaxWidth, Profile: colorprofile.NoTTY}
	f, ok := out.(interface{ Fd() uintptr })
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return opt
	}
	if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 && w < MaxWidth {
		opt.Width = max(w, MinWidth)
	}
	if lookup(environ, "NO_COLOR") != "" {
		return opt
	}
	if t := lookup(environ, "TERM"); t == "" || t == "dumb" {
		return opt
	}
	opt.Profile = colorprofile.Detect(out, environ)
	return opt
}

// lookup is the last value of key in environ (as the C library reads it).
func lookup(environ []string, key string) string {
	v := ""
	for _, kv := range environ {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}

// colour reports whether opt asks for styled text.
func (o Options) colour() bool { return o.Profile > colorprofile.ASCII }

func (o Options) width() int {
	if o.Width == 0 {
		return MaxWidth
	}
	return min(max(o.Width, MinWidth), MaxWidth)
}
