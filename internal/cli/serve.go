package cli

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/mcptools"
	"github.com/synthpipe/synthpipe/internal/server"
	"github.com/synthpipe/synthpipe/internal/service"
	"github.com/synthpipe/synthpipe/internal/version"
)

// tokenEnv holds the API token: an environment variable rather than a
// flag value keeps it out of `ps` and shell history.
const tokenEnv = config.EnvAPIToken

func newServeCmd(root *rootOptions) *cobra.Command {
	var (
		flags                    configFlags
		addr, snapshots, token   string
		maxRecords, maxGenerates int64
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve generated records, records by id and the governed snapshots over HTTP",
		Long: "Serve the HTTP API: /generate/{entity} streams records made by the configured pipeline exactly as run makes them, " +
			"/{entity}/{id} returns one record, /snapshots serves the governed snapshots; /docs and /openapi.json describe it all.\n" +
			"The config is loaded as run loads it: the file, then SYNTHPIPE_* environment variables, then flags " +
			"(SYNTHPIPE_RECORDS=50000000 synthpipe serve serves 50M persons).\n" +
			"With a token (" + tokenEnv + " or --token) every route but /healthz needs Authorization: Bearer <token>.\n" +
			"SIGINT or SIGTERM stops accepting and gives in-flight requests " + server.DefaultShutdownTimeout.String() + " to finish, then exits 0; " +
			"requests still running then are cut off (their connections closed) and serve exits 1. A second signal ends it at once.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if maxRecords < 1 {
				return &usageError{fmt.Errorf("serve: --max-records %d: allowed: 1 or more", maxRecords)}
			}
			if maxGenerates < 0 {
				return &usageError{fmt.Errorf("serve: --max-concurrent-generate %d: allowed: 1 or more, 0 for 2×GOMAXPROCS", maxGenerates)}
			}
			if err := checkAddr(addr); err != nil {
				return err
			}
			from := "--token"
			if !cmd.Flags().Changed("token") {
				token, from = os.Getenv(tokenEnv), tokenEnv
			}
			if err := server.CheckToken(token); err != nil {
				return &usageError{fmt.Errorf("serve: %s: %w", from, err)}
			}
			log := root.logger(cmd.ErrOrStderr())
			cfg, err := flags.load(cmd)
			if err != nil {
				return err
			}
			for _, w := range cfg.Warnings {
				log.Warn().Msg(w)
			}
			svc, err := service.New(cfg, service.Options{SnapshotsDir: snapshots, MaxRecords: maxRecords, Logger: log.With().Str("component", "service").Logger()})
			if err != nil {
				return err
			}
			srv, err := server.New(svc, server.Options{
				Addr:                  addr,
				Token:                 token,
				MaxConcurrentGenerate: int(maxGenerates),
				Logger:                log.With().Str("component", "server").Logger(),
				MCP:                   mcptools.NewHTTPHandler(svc, version.Version),
			})
			if err != nil {
				return err
			}
			ctx, stop := interruptible(cmd.Context())
			defer stop()
			log.Info().Str("config", cfg.File).Int64("records", cfg.Records).Uint64("seed", cfg.Seed).Str("version", cfg.Version).
				Str("snapshots", snapshots).Int64("max_records", maxRecords).Msg("starting server")
			// A signal ends ctx: Serve then shuts down gracefully and returns
			// nil, so a clean stop exits 0.
			return srv.ListenAndServe(ctx)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&flags.file, "config", "c", "configs/v0.2.yaml", "YAML config file")
	fs.Var(&intFlag{&flags.records, "records"}, "records", "number of persons of the served dataset (overrides records)")
	fs.Var(&intFlag{&flags.seed, "seed"}, "seed", "seed (overrides seed); a request may ask for another")
	fs.StringVar(&addr, "addr", server.DefaultAddr, "address to listen on (host:port; port 0 picks a free one, logged)")
	fs.StringVar(&snapshots, "snapshots", "data/snapshots", "folder of the governed snapshots to serve")
	fs.StringVar(&token, "token", "", "bearer token every route but /healthz needs (prefer "+tokenEnv+": a flag shows in ps)")
	fs.Int64Var(&maxRecords, "max-records", 10000, "most persons one /generate request may ask for")
	fs.Int64Var(&maxGenerates, "max-concurrent-generate", 0, "most /generate streams at once, more get 429 (0: 2×GOMAXPROCS)")
	return cmd
}

// checkAddr refuses an --addr that is not host:port before any work: a
// wrong value is a usage error (2), while a listen that fails on a good
// one (the port is taken) stays a failure (1).
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		if _, perr := strconv.ParseUint(port, 10, 16); perr != nil {
			err = fmt.Errorf("port %q is not a port number", port)
		}
	}
	if err != nil {
		var ae *net.AddrError
		if errors.As(err, &ae) {
			err = errors.New(ae.Err) // without SplitHostPort's repeat of the address
		}
		return &usageError{fmt.Errorf("serve: --addr %q: %w (allowed: host:port with a port from 0 to 65535, e.g. 127.0.0.1:8080 or :8080; port 0 picks a free one)", addr, err)}
	}
	return nil
}
