// Command synthpipe generates governed, reproducible, privacy-safe synthetic
// insurance test data. See README.md.
package main

import (
	"os"

	"github.com/synthpipe/synthpipe/internal/cli"
)

func main() {
	os.Exit(cli.Execute(os.Args[1:], os.Stdout, os.Stderr))
}
