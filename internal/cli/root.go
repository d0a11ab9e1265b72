// Package cli is synthpipe's command line: one cobra command per file.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/synthpipe/synthpipe/internal/progress"
)

// Exit codes.
const (
	ExitOK         = 0
	ExitFailure    = 1
	ExitUsage      = 2
	ExitValidation = 3
)

type rootOptions struct {
	quiet    bool
	logLevel string
	level    zerolog.Level // logLevel, checked before any command runs
	cpuProf  string
	stopProf func()
}

func newRoot(out, errOut io.Writer) (*cobra.Command, *rootOptions) {
	opts := &rootOptions{}
	root := &cobra.Command{
		Use:           "synthpipe",
		Short:         "Enterprise Synthetic Data Hub: governed, reproducible, privacy-safe test data",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(out)
	root.SetErr(errOut)
	root.PersistentFlags().StringVar(&opts.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	root.PersistentFlags().BoolVarP(&opts.quiet, "quiet", "q", false, "no progress bar or progress log lines")
	root.PersistentFlags().StringVar(&opts.cpuProf, "cpuprofile", "", "write a CPU profile (pprof) of the command to this file")
	// The global flags are checked here, once for every command, whether
	// or not it logs.
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		lvl, err := zerolog.ParseLevel(opts.logLevel)
		if err != nil || opts.logLevel == "" {
			return &usageError{fmt.Errorf("--log-level %q: allowed: debug, info, warn, error", opts.logLevel)}
		}
		opts.level = lvl
		if opts.cpuProf == "" {
			return nil
		}
		f, err := os.Create(opts.cpuProf)
		if err != nil {
			return &usageError{fmt.Errorf("--cpuprofile: %w", err)}
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		opts.stopProf = func() { pprof.StopCPUProfile(); f.Close() }
		return nil
	}
	root.AddCommand(newRunCmd(opts), newGenerateSnapshotCmd(opts), newVersionCmd(), newDocsCmd(), newSchemaCmd(), newValidateCmd(), newRulesCmd(), newMergeCmd(opts), newMCPCmd(opts), newPreviewCmd(opts), newServeCmd(opts))
	root.AddCommand(newContractCmd(), newSamplesCmd())
	usageErrors(root)
	return root, opts
}

// usageErrors makes every way of calling synthpipe wrongly a usage error
// (exit 2): a flag that does not parse or does not exist, wrong arguments,
// an unknown command. Cobra returns plain errors for them, which exited 1.
func usageErrors(root *cobra.Command) {
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		if cmd.HasParent() {
			err = fmt.Errorf("%s: %w", cmd.Name(), err) // Execute prefixes "synthpipe: "
		}
		return &usageError{fmt.Errorf("%w (see %s --help)", err, cmd.CommandPath())}
	})
	for _, c := range root.Commands() {
		if c.Args == nil {
			continue
		}
		check := c.Args
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return &usageError{fmt.Errorf("%s: %w (usage: %s)", cmd.Name(), err, cmd.UseLine())}
			}
			return nil
		}
	}
	// A root that runs (showing help) validates its arguments: without this
	// cobra's own unknown-command error was a plain error (exit 1).
	root.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		var names []string
		for _, c := range cmd.Commands() {
			if c.IsAvailableCommand() {
				names = append(names, c.Name())
			}
		}
		hint := ""
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			hint = fmt.Sprintf(" (did you mean %s?)", strings.Join(s, " or "))
		}
		return &usageError{fmt.Errorf("unknown command %q%s (commands: %s)", args[0], hint, strings.Join(names, ", "))}
	}
	root.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	root.SuggestionsMinimumDistance = 2
}

// logger logs to w at --log-level (checked by the root's pre-run).
func (o *rootOptions) logger(w io.Writer) zerolog.Logger {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: "15:04:05"}
	}
	return zerolog.New(w).Level(o.level).With().Timestamp().Logger()
}

// progress starts a progress reporter for total persons on w (stderr): a
// bar on a terminal, log lines every 5 s otherwise, nothing with --quiet.
func (o *rootOptions) progress(w io.Writer, log zerolog.Logger, total int64) (*progress.Reporter, func(int64)) {
	if o.quiet {
		return nil, nil
	}
	var bar io.Writer
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		bar = w
	}
	r := progress.Start(total, "persons", bar, log, 5*time.Second)
	return r, r.Add
}

// Execute runs the CLI and returns the process exit code.
func Execute(args []string, out, errOut io.Writer) int {
	root, opts := newRoot(out, errOut)
	root.SetArgs(args)
	err := root.Execute()
	if opts.stopProf != nil {
		opts.stopProf() // also after a failed command: profile what failed
	}
	if err == nil {
		return ExitOK
	}
	fmt.Fprintln(errOut, "synthpipe:", err)
	return ExitCode(err)
}

// ExitCoder is an error that carries its process exit code (config.Error 2,
// validate.Error 3, an interrupted run 130 or 143). ExitCode honours it
// before any other mapping.
type ExitCoder interface{ ExitCode() int }

// ExitCode maps an error to the documented exit codes (docs/exit-codes.md).
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ec ExitCoder
	if errors.As(err, &ec) {
		return ec.ExitCode()
	}
	return ExitFailure
}

// usageError is a wrong call of the command line: a bad flag, argument or
// option value.
type usageError struct{ err error }

func (u *usageError) Error() string { return u.err.Error() }
func (u *usageError) Unwrap() error { return u.err }
func (u *usageError) ExitCode() int { return ExitUsage }
