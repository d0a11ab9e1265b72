package snapshot

import (
	"context"
	"fmt"
	"os"
	"strings"
	"syscall"
)

// InterruptedError is returned when a signal (SIGINT, SIGTERM) stopped a
// run before its commit: the staging folder is removed and the target is as
// it was. The CLI cancels its context with this error as the cause.
type InterruptedError struct{ Signal os.Signal }

func (e *InterruptedError) Error() string {
	return "interrupted by " + signalName(e.Signal) + ": nothing was written, no staging left behind"
}

// ExitCode is the shell's convention for death by a signal: 128 + its
// number (130 for SIGINT, 143 for SIGTERM).
func (e *InterruptedError) ExitCode() int {
	if s, ok := e.Signal.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

// Is makes an interruption a cancellation for callers that only know
// context.Canceled.
func (e *InterruptedError) Is(target error) bool { return target == context.Canceled }

// DamagedError is returned when a snapshot folder's files no longer match
// its manifest: the target of a run that made the same snapshot (--force
// replaces it), or a part that merge would read.
type DamagedError struct {
	Dir      string
	Problems []string // one per file: "persons_v0_1.csv: size 120, manifest says 100"
	Fix      string   // what repairs it; "" is the target's "use --force to replace it"
}

// maxProblemsShown bounds the message: a folder may hold any number of
// stray files.
const maxProblemsShown = 10

func (e *DamagedError) Error() string {
	shown := e.Problems
	more := ""
	if len(shown) > maxProblemsShown {
		shown, more = shown[:maxProblemsShown], fmt.Sprintf("; and %d more", len(e.Problems)-maxProblemsShown)
	}
	fix := e.Fix
	if fix == "" {
		fix = "use --force to replace it"
	}
	return fmt.Sprintf("%s: snapshot is damaged, its files do not match its manifest: %s%s (%s)", e.Dir, strings.Join(shown, "; "), more, fix)
}

// ExitCode is the documented code for failed validation.
func (e *DamagedError) ExitCode() int { return 3 }
