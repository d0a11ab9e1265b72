package verify

// The snapshot's files are those of the entities the binary declares: the
// tests see the same set as synthpipe does.
import _ "github.com/synthpipe/synthpipe/stages"
