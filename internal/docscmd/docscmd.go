// Package docscmd finds the shell commands that the project's Markdown shows,
// so that a test (docscmd_run_test.go) can run every one of them in a scratch
// copy of the repository and fail naming the file and line of any that does
// not work.
//
// # Which blocks hold commands
//
// Only code blocks are read; commands quoted inline in prose (`like this`)
// are not. A code block is either fenced (``` or ~~~) or indented (lines
// indented by 4 spaces or a tab, after a blank line, outside a fenced block).
//
//   - A fenced block labelled sh, bash or shell holds commands.
//   - A fenced block with any other label (text, json, yaml, go …) is data:
//     output to expect, a config, code. It is never run.
//   - An unlabelled fenced block or an indented block holds commands when
//     its first line that is not a comment starts with a command (after any
//     NAME=value assignments): one of [CommandWords], or a path that starts
//     with ./, bin/ or tools/. Otherwise it is data (the README's JSON
//     snippets and its pipeline diagram).
//
// Each line of a command block is one command, run from the repository's
// root as written; a line ending with a backslash goes on on the next line;
// blank lines and lines starting with # are skipped.
//
// # Markers
//
// Every command block runs unless an HTML comment right before it (only
// blank lines between) says otherwise:
//
//	<!-- docs-test: skip: REASON -->         not run (a usage synopsis with placeholders, the test command itself, minutes-long jobs)
//	<!-- docs-test: server -->               each line starts a long-running server; see below
//	<!-- docs-test: expect-fail: REASON -->  each line must exit non-zero (an error the text shows on purpose)
//
// A reason is required for skip and expect-fail, so a skipped block says why
// in the document itself. A marker that is not followed by a command block,
// or of an unknown kind, is an error: nothing is left unrun by accident.
//
// A server block's commands run in the background, each in its own process
// group, and must name their address (--addr 127.0.0.1:PORT or
// localhost:PORT). That port is replaced by a free one, and so is every
// localhost:PORT and 127.0.0.1:PORT in the later commands of the same file,
// so a run never collides with a server already on the machine. The test
// waits for GET /healthz to answer 200 before going on, and stops the servers
// (SIGTERM to the group, SIGKILL after 15 s) at the end of the file.
//
// # Where and how they run
//
// In a scratch copy of the working tree (uncommitted changes included,
// ignored files such as bin/ left out, as in a fresh clone) made a git
// repository of its own, so the real tree is never touched; the files one
// after the other, each command of a file in order, with bash -o pipefail,
// a timeout of 5 minutes, synthpipe (built once from the copy) first on
// PATH, no SYNTHPIPE_* variable from the caller, and a curlrc with --fail so
// an HTTP error fails the curl that got it. The first failure of a file ends
// it, naming file, line, command, exit status and the end of its output.
package docscmd

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// CommandWords are the commands that make an unlabelled block a command
// block when its first command starts with one of them.
var CommandWords = []string{
	"go", "synthpipe", "curl", "task", "git", "export", "cd", "mkdir", "rm", "cp", "mv",
	"cat", "head", "tail", "grep", "diff", "cmp", "sha256sum", "shasum", "echo", "open",
	"docker", "kubectl", "make", "bash", "sh", "env", "jq", "duckdb",
}

// Marker kinds.
const (
	Skip       = "skip"
	Server     = "server"
	ExpectFail = "expect-fail"
)

// Line is a line of a Markdown file, numbered from 1.
type Line struct {
	Num  int
	Text string
}

// Marker is a docs-test comment that applies to the block after it.
type Marker struct {
	Kind   string // Skip, Server or ExpectFail
	Reason string
	Line   int
}

// Block is a code block of a Markdown file.
type Block struct {
	File        string
	Line        int    // of its first content line
	Fenced      bool   // fenced, else indented
	Info        string // the fence's label (first word), "" when none or indented
	Lines       []Line // its content, indentation of an indented block removed
	HasCommands bool   // holds commands (see the package comment)
	Marker      *Marker
}

// Command is one command of a command block.
type Command struct {
	File string
	Line int // where it starts
	Text string
}

// Where is FILE:LINE of the command, as errors and logs name it.
func (c Command) Where() string { return fmt.Sprintf("%s:%d", c.File, c.Line) }

// Commands are the block's commands: continuation lines joined, blank lines
// and comments dropped.
func (b Block) Commands() []Command {
	var out []Command
	var cur *Command
	for _, l := range b.Lines {
		text := strings.TrimSpace(l.Text)
		if cur == nil && (text == "" || strings.HasPrefix(text, "#")) {
			continue
		}
		if cur == nil {
			cur = &Command{File: b.File, Line: l.Num}
		} else {
			cur.Text += " "
		}
		if cont, ok := strings.CutSuffix(text, `\`); ok {
			cur.Text += strings.TrimSpace(cont)
			continue
		}
		cur.Text += text
		out = append(out, *cur)
		cur = nil
	}
	if cur != nil { // a backslash on the last line: the command ends there
		out = append(out, *cur)
	}
	return out
}

var (
	fence      = regexp.MustCompile("^( {0,3})(```+|~~~+)\\s*([^`\\s]*)")
	markerRe   = regexp.MustCompile(`^\s*<!--\s*docs-test:\s*([a-z-]+)\s*(?::\s*(.*?))?\s*-->\s*$`)
	assignment = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)
	shellInfo  = map[string]bool{"sh": true, "bash": true, "shell": true}
)

// Parse reads the code blocks of a Markdown file (named file in errors) and
// the markers that apply to them. Its error lists every misplaced or
// malformed marker, each with file and line.
func Parse(file, text string) ([]Block, error) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var (
		blocks  []Block
		errs    []error
		pending *Marker
	)
	orphan := func(m *Marker, why string) {
		errs = append(errs, fmt.Errorf("%s:%d: docs-test marker %q %s", file, m.Line, m.Kind, why))
	}
	attach := func(b Block) {
		b.File = file
		b.HasCommands = isCommandBlock(b)
		if pending != nil {
			if !b.HasCommands {
				orphan(pending, fmt.Sprintf("is followed by a block that holds no commands (line %d)", b.Line))
			} else {
				b.Marker = pending
			}
			pending = nil
		}
		blocks = append(blocks, b)
	}
	prevBlank := true
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if m := fence.FindStringSubmatch(line); m != nil {
			indent, marks, info := len(m[1]), m[2], strings.ToLower(m[3])
			b := Block{Line: i + 2, Fenced: true, Info: info}
			j := i + 1
			for ; j < len(lines); j++ {
				t := strings.TrimLeft(lines[j], " ")
				if len(lines[j])-len(t) <= 3 && strings.HasPrefix(t, marks) && strings.TrimSpace(strings.TrimLeft(t, marks[:1])) == "" {
					break
				}
				content := lines[j]
				for k := 0; k < indent && strings.HasPrefix(content, " "); k++ {
					content = content[1:]
				}
				b.Lines = append(b.Lines, Line{Num: j + 1, Text: content})
			}
			if j == len(lines) {
				errs = append(errs, fmt.Errorf("%s:%d: code fence %s is never closed", file, i+1, marks))
			}
			attach(b)
			i = j
			prevBlank = false
			continue
		}
		if isIndented(line) && prevBlank {
			b := Block{Line: i + 1}
			j := i
			for ; j < len(lines) && (isIndented(lines[j]) || strings.TrimSpace(lines[j]) == ""); j++ {
				b.Lines = append(b.Lines, Line{Num: j + 1, Text: unindent(lines[j])})
			}
			for len(b.Lines) > 0 && strings.TrimSpace(b.Lines[len(b.Lines)-1].Text) == "" {
				b.Lines = b.Lines[:len(b.Lines)-1]
			}
			attach(b)
			i = j - 1
			prevBlank = true // the run stopped at a blank line or at text after one
			continue
		}
		if m := markerRe.FindStringSubmatch(line); m != nil {
			if pending != nil {
				orphan(pending, "is followed by another marker, not by a code block")
			}
			mk := &Marker{Kind: m[1], Reason: strings.TrimSpace(m[2]), Line: i + 1}
			pending = mk
			switch mk.Kind {
			case Skip, ExpectFail:
				if mk.Reason == "" {
					errs = append(errs, fmt.Errorf("%s:%d: docs-test marker %q needs a reason: <!-- docs-test: %s: REASON -->", file, mk.Line, mk.Kind, mk.Kind))
				}
			case Server:
			default:
				errs = append(errs, fmt.Errorf("%s:%d: unknown docs-test marker %q (allowed: %s, %s, %s)", file, mk.Line, mk.Kind, Skip, Server, ExpectFail))
				pending = nil
			}
			prevBlank = true // a marker line stands in for the blank line a block needs
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(line), "<!--") && strings.Contains(line, "docs-test") {
			errs = append(errs, fmt.Errorf("%s:%d: malformed docs-test marker %q (want <!-- docs-test: KIND[: REASON] -->)", file, i+1, strings.TrimSpace(line)))
		}
		blank := strings.TrimSpace(line) == ""
		if !blank && pending != nil {
			orphan(pending, fmt.Sprintf("is followed by text (line %d), not by a code block", i+1))
			pending = nil
		}
		prevBlank = blank
	}
	if pending != nil {
		orphan(pending, "is at the end of the file, not before a code block")
	}
	return blocks, errors.Join(errs...)
}

func isIndented(line string) bool {
	return (strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "\t")) && strings.TrimSpace(line) != ""
}

func unindent(line string) string {
	if strings.HasPrefix(line, "\t") {
		return line[1:]
	}
	for k := 0; k < 4 && strings.HasPrefix(line, " "); k++ {
		line = line[1:]
	}
	return line
}

func isCommandBlock(b Block) bool {
	if b.Info != "" {
		return shellInfo[b.Info]
	}
	for _, l := range b.Lines {
		text := strings.TrimSpace(l.Text)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		return startsWithCommand(text)
	}
	return false
}

// startsWithCommand: the first word after any NAME=value assignments is a
// command word or a path into the repository's scripts or binaries.
func startsWithCommand(text string) bool {
	for _, w := range strings.Fields(text) {
		if assignment.MatchString(w) {
			continue
		}
		for _, c := range CommandWords {
			if w == c {
				return true
			}
		}
		return strings.HasPrefix(w, "./") || strings.HasPrefix(w, "bin/") || strings.HasPrefix(w, "tools/")
	}
	return false
}
