// Package stages registers every built-in component with the pipeline
// registry; import it for its side effect.
package stages

import (
	_ "github.com/synthpipe/synthpipe/stages/checks/validate"
	_ "github.com/synthpipe/synthpipe/stages/finalizers/manifest"
	_ "github.com/synthpipe/synthpipe/stages/generators/incident"
	_ "github.com/synthpipe/synthpipe/stages/generators/person"
	_ "github.com/synthpipe/synthpipe/stages/generators/profile"
	_ "github.com/synthpipe/synthpipe/stages/generators/vehicle"
	_ "github.com/synthpipe/synthpipe/stages/sinks/csvsink"
	_ "github.com/synthpipe/synthpipe/stages/sinks/jsonsink"
	_ "github.com/synthpipe/synthpipe/stages/sinks/metasink"
	_ "github.com/synthpipe/synthpipe/stages/sinks/parquetsink"
	_ "github.com/synthpipe/synthpipe/stages/sources/seed"
)
