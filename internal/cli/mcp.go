package cli

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/synthpipe/synthpipe/internal/mcptools"
	"github.com/synthpipe/synthpipe/internal/service"
	"github.com/synthpipe/synthpipe/internal/version"
)

func newMCPCmd(root *rootOptions) *cobra.Command {
	var flags configFlags
	var snapshots string
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve the data as MCP tools on stdio, for an AI agent",
		Long: "Serve generate, get_record, describe_schema, list_snapshots and validate_snapshot as Model Context Protocol tools\n" +
			"on stdin/stdout, for an MCP client (an IDE, a desktop assistant) that starts synthpipe itself.\n" +
			"The tools make the records of the configured run, as `synthpipe run` would. Settings come from the config file,\n" +
			"then SYNTHPIPE_* environment variables, then flags (strongest). Logs go to stderr: stdout is the protocol.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, cfg, err := flags.prepare(cmd, root) // logs to stderr
			if err != nil {
				return err
			}
			if snapshots == "" {
				snapshots = cfg.OutputDir
			}
			svc, err := service.New(cfg, service.Options{SnapshotsDir: snapshots, Logger: log})
			if err != nil {
				return err
			}
			// A signal is how a client or a terminal stops a server: a
			// clean end (exit 0), not an interrupted run.
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			log.Info().Str("config", cfg.File).Int64("records", cfg.Records).Uint64("seed", cfg.Seed).Str("snapshots", snapshots).Msg("serving MCP tools on stdio")
			err = mcptools.NewServer(svc, version.Version).Run(ctx, mcptools.Stdio(log))
			if ctx.Err() != nil {
				return nil
			}
			if err != nil {
				return fmt.Errorf("mcp: %w", err)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&flags.file, "config", "c", "configs/v0.2.yaml", "YAML config file")
	fs.Var(&intFlag{&flags.records, "records"}, "records", "persons of the configured dataset get_record looks up (overrides records)")
	fs.Var(&intFlag{&flags.seed, "seed"}, "seed", "seed of the configured dataset, and of generate when it is given none (overrides seed)")
	fs.StringVar(&snapshots, "snapshots", "", "folder of snapshot folders that list_snapshots and validate_snapshot serve (default: the config's output.dir)")
	return cmd
}
