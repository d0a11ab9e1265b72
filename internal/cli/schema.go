package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/synthpipe/synthpipe/internal/entity"
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
			entities := schema.Entities()
			if len(args) == 1 {
				name, err := schemaName(args[0])
				if err != nil {
					return err
				}
				entities = []string{name}
			}
			for _, e := range entities {
				b, err := schema.Document(e)
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

// schemaName is the name schema.Document knows arg by. Schemas name an
// entity by its singular (person); /generate/persons and MCP's
// describe_schema by its name (persons): both are taken here.
func schemaName(arg string) (string, error) {
	names := map[string]string{} // singular → name
	for _, e := range entity.All() {
		names[e.Singular()] = e.Name()
	}
	var allowed []string
	for _, s := range schema.Entities() {
		n, isEntity := names[s]
		if arg == s || isEntity && arg == n {
			return s, nil
		}
		if isEntity {
			s += " or " + n
		}
		allowed = append(allowed, s)
	}
	return "", &usageError{fmt.Errorf("schema: unknown entity %q (allowed: %s)", arg, strings.Join(allowed, ", "))}
}
