package cli

import (
	"encoding/json"
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

// noReport is what validate --format json prints instead of a report when
// it has none to print: the folder, whether it was one to check (false:
// exit 2), the error it also prints on stderr, and the exit code.
type noReport struct {
	Dir      string `json:"dir"`
	Usable   bool   `json:"usable"`
	Error    string `json:"error"`
	ExitCode int    `json:"exit_code"`
}

func newValidateCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "validate SNAPSHOT_DIR",
		Short: "Prove a snapshot folder is whole (manifest, sizes, SHA-256, counts) and every record keeps the contract",
		Long: "Reads the files themselves — CSV, Parquet and the combined JSON — and checks every rule of data contract v" + model.ContractVersion + ",\n" +
			"that they match the manifest, and that the three formats agree record for record. A snapshot of an earlier\n" +
			"contract (v0.1) is proven by its files' integrity: manifest, names, sizes and SHA-256.\n" +
			"Exit codes: 0 clean, 3 violations, 2 unusable input (not a snapshot folder, no metadata).\n" +
			"--format json prints the report, or, when there is none, {\"dir\", \"usable\", \"error\", \"exit_code\"}.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return &usageError{fmt.Errorf("--format %q: allowed: text, json", format)}
			}
			out := cmd.OutOrStdout()
			rep, err := verify.Run(cmd.Context(), args[0])
			if err != nil {
				if verify.IsUnusable(err) {
					err = &usageError{err} // not a snapshot folder: a wrong argument
				}
				if format == "json" {
					// A script reads stdout: it gets JSON there too, saying why
					// there is no report.
					enc := json.NewEncoder(out)
					enc.SetIndent("", "  ") // as the report
					if werr := enc.Encode(noReport{Dir: args[0], Usable: !verify.IsUnusable(err), Error: err.Error(), ExitCode: ExitCode(err)}); werr != nil {
						return werr
					}
				}
				return err
			}
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
