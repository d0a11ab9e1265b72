package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// docs/exit-codes.md is the promise scripts rely on: every code in its table
// is one the CLI uses, every code the CLI uses is in it, and every example of
// codes 0-3 exits with its code when run.
func TestExitCodesDoc(t *testing.T) {
	doc, err := os.ReadFile("../../docs/exit-codes.md")
	require.NoError(t, err)
	rows := exitCodeRows(t, string(doc))

	// The shell's convention for a process ended by a signal: 128 + its number.
	uses := map[int]string{ExitOK: "`ExitOK`", ExitFailure: "`ExitFailure`", ExitUsage: "`ExitUsage`", ExitValidation: "`ExitValidation`",
		128 + int(syscall.SIGINT): "128 + SIGINT", 128 + int(syscall.SIGTERM): "128 + SIGTERM"}
	documented := map[int]bool{}
	for _, r := range rows {
		name, ok := uses[r.code]
		require.True(t, ok, "exit code %d is documented but the CLI never uses it", r.code)
		require.Equal(t, name, r.name, "exit code %d", r.code)
		documented[r.code] = true
	}
	for code := range uses {
		require.True(t, documented[code], "exit code %d is used but not documented", code)
	}

	t.Chdir("../..") // the examples use paths from the repository root
	for _, r := range rows {
		if r.code > ExitValidation {
			continue // signals: the snapshot package's tests send them
		}
		require.NotEmpty(t, r.examples, "exit code %d has no example", r.code)
		for _, ex := range r.examples {
			t.Run(strconv.Itoa(r.code)+" "+strings.Join(ex, " then "), func(t *testing.T) {
				out := filepath.Join(t.TempDir(), "out")
				for i, step := range ex {
					code, errOut := runStep(t, step, out)
					want := ExitOK
					if i == len(ex)-1 {
						want = r.code
					}
					require.Equal(t, want, code, "%s\n%s", step, errOut)
				}
				if r.code == ExitUsage {
					_, err := os.Stat(out)
					require.True(t, os.IsNotExist(err), "a usage error creates no folder")
				}
			})
		}
	}
}

type exitCodeRow struct {
	code     int
	name     string
	examples [][]string // each example's steps, in order
}

var backticked = regexp.MustCompile("`([^`]+)`")

// exitCodeRows parses the first table of the doc: code | in code | meaning |
// what was done | examples (separated by <br>, steps are the backticked
// synthpipe, touch or VAR=value commands).
func exitCodeRows(t *testing.T, doc string) []exitCodeRow {
	var rows []exitCodeRow
	in := false
	for _, line := range strings.Split(doc, "\n") {
		switch {
		case strings.HasPrefix(line, "| code |"):
			in = true
			continue
		case in && strings.HasPrefix(line, "|---"):
			continue
		case in && !strings.HasPrefix(line, "|"):
			return rows
		case !in:
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		require.Len(t, cells, 5, line)
		code, err := strconv.Atoi(strings.TrimSpace(cells[0]))
		require.NoError(t, err, line)
		r := exitCodeRow{code: code, name: strings.TrimSpace(cells[1])}
		for _, ex := range strings.Split(cells[4], "<br>") {
			var steps []string
			for _, m := range backticked.FindAllStringSubmatch(ex, -1) {
				if isCommand(m[1]) {
					steps = append(steps, m[1])
				}
			}
			if len(steps) > 0 {
				r.examples = append(r.examples, steps)
			}
		}
		rows = append(rows, r)
	}
	return rows
}

func isCommand(s string) bool {
	f := strings.Fields(s)
	for len(f) > 0 && strings.Contains(f[0], "=") && !strings.HasPrefix(f[0], "-") {
		f = f[1:]
	}
	return len(f) > 1 && (f[0] == "synthpipe" || f[0] == "touch") || len(f) == 1 && f[0] == "synthpipe"
}

// runStep runs one step in-process, with the doc's folder out mapped to out.
func runStep(t *testing.T, step, out string) (int, string) {
	f := strings.Fields(step)
	for strings.Contains(f[0], "=") {
		k, v, _ := strings.Cut(f[0], "=")
		t.Setenv(k, v)
		f = f[1:]
	}
	for i, a := range f {
		if a == "out" || strings.HasPrefix(a, "out/") {
			f[i] = filepath.Join(out, strings.TrimPrefix(a, "out"))
		}
	}
	if f[0] == "touch" {
		require.NoError(t, os.WriteFile(f[1], nil, 0o644))
		return ExitOK, ""
	}
	var stdout, stderr bytes.Buffer
	return Execute(append(f[1:], "--log-level", "error", "-q"), &stdout, &stderr), stderr.String()
}
