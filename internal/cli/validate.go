package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/verify"
)

// violationsError makes validate exit 3 after it has printed its report.
type violationsError struct{ n int64 }

func (e *violationsError) Error() string {
	return fmt.Sprintf("validation failed: %d violation(s)", e.n)
}

func (e *violationsError) ExitCode() int { return ExitValidation }

func newValidateCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "validate SNAPSHOT_DIR",
		Short: "Prove a snapshot folder is whole (manifest, sizes, SHA-256, counts) and every record keeps the contract",
		Long: "Reads the files themselves — CSV, Parquet and the combined JSON — and checks every rule of data contract v" + model.ContractVersion + ",\n" +
			"that they match the manifest, and that the three formats agree record for record. A snapshot of an earlier\n" +
			"contract (v0.1) is proven by its files' integrity: manifest, names, sizes and SHA-256.\n" +
			"Exit codes: 0 clean, 3 violations, 2 unusable input (not a snapshot folder, no metadata).",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return &usageError{fmt.Errorf("--format %q: allowed: text, json", format)}
			}
			rep, err := verify.Run(cmd.Context(), args[0])
			if err != nil {
				if verify.IsUnusable(err) {
					return &usageError{err} // not a snapshot folder: a wrong argument
				}
				return err
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				err = rep.WriteJSON(out)
			} else {
				err = rep.WriteText(out)
			}
			if err != nil {
				return err
			}
			if !rep.Clean() {
				return &violationsError{n: rep.Violations}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "report format: text or json")
	return cmd
}
