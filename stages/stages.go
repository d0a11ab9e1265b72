// Package stages registers every built-in component with the pipeline
// registry; import it for its side effect.
package stages

import (
	_ "github.com/synthpipe/synthpipe/stages/csvsink"
	_ "github.com/synthpipe/synthpipe/stages/jsonsink"
	_ "github.com/synthpipe/synthpipe/stages/manifest"
	_ "github.com/synthpipe/synthpipe/stages/metasink"
	_ "github.com/synthpipe/synthpipe/stages/parquetsink"
	_ "github.com/synthpipe/synthpipe/stages/person"
	_ "github.com/synthpipe/synthpipe/stages/profile"
	_ "github.com/synthpipe/synthpipe/stages/seed"
	_ "github.com/synthpipe/synthpipe/stages/validate"
	_ "github.com/synthpipe/synthpipe/stages/vehicle"
)
