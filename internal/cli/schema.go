package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/synthpipe/synthpipe/internal/entity/schema"
)

func newSchemaCmd() *cobra.Command {
	var list bool
	cmd := &cobra.Command{
		Use:       "schema [entity]",
		Short:     "Print the JSON Schema of a declared entity (person or persons, vehicle or vehicles …), metadata or manifest (all, without an entity)",
		Args:      cobra.MaximumNArgs(1),
		ValidArgs: schema.Entities(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if list {
				_, err := fmt.Fprintln(cmd.OutOrStdout(), strings.Join(schema.Entities(), "\n"))
				return err
			}
			names := schema.Entities()
			if len(args) == 1 {
				names = args // schema.Document takes an entity's name or singular
			}
			for _, n := range names {
				b, err := schema.Document(n)
				var unknown *schema.UnknownError
				if errors.As(err, &unknown) {
					return &usageError{err}
				}
				if err != nil {
					return err
				}
				if _, err := cmd.OutOrStdout().Write(b); err != nil {
					return fmt.Errorf("schema: %w", err)
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&list, "list", false, "print the names that have a schema, one a line")
	return cmd
}
