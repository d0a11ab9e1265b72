package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/synthpipe/synthpipe/internal/entity/schema"
)

func newSchemaCmd() *cobra.Command {
	return &cobra.Command{
		Use:       "schema [entity]",
		Short:     "Print the JSON Schema of a declared entity (person, vehicle, profile …), metadata or manifest (all, without an entity)",
		Args:      cobra.MaximumNArgs(1),
		ValidArgs: schema.Entities(),
		RunE: func(cmd *cobra.Command, args []string) error {
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
}
