// Package version holds the generator's name and version. The version is
// written into every snapshot's metadata, so bumping it changes the bytes of
// every snapshot: bump it only with a decision-log entry.
package version

const (
	Name    = "synthpipe"
	Version = "0.2.1"
)
