package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/synthpipe/synthpipe/internal/entity/schema"
)

func newSchemaCmd() *cobra.Command {
	var list bool
	cmd := &cobra.Command{
		Use:       "schema [entity]",
		Short:     "Print the JSON Schema of a declared entity (person, vehicle, profile …), metadata or manifest (all, without an entity)",
		Args:      cobra.MaximumNArgs(1),
		ValidArgs: schema.Entities(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if list {
				_, err := fmt.Fprintln(cmd.OutOrStdout(), strings.Join(schema.Entities(), "\n"))
				return err
			}
			entities := schema.Entities()
			if len(args) == 1 {
				entities = args
			}
			for _, e := range entities {
				b, err := schema.Document(e)
				if err != nil {
					return &usageError{err}
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
