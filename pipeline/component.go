package pipeline

import (
	"context"

	"github.com/rs/zerolog"
)

// Batch is the unit that flows through the pipeline. Payload P is the
// application's (the engine never looks inside); Seq orders batches.
type Batch[P any] struct {
	Seq     uint64
	Payload P
	pending int32 // sinks still to write it
}

// Source produces batches. NewPayload makes an empty payload for each batch
// the runner pre-allocates; Next fills b (whose payload it may reuse) and
// returns false when there is nothing more to produce.
type Source[P any] interface {
	NewPayload() P
	Next(ctx context.Context, b *Batch[P]) (bool, error)
}

// Stage transforms one batch in place. It is called by a single goroutine
// per instance, so it may keep scratch state.
type Stage[P any] interface {
	Process(ctx context.Context, b *Batch[P]) error
}

// Sink writes every batch, in sequence order, then is told how the run
// ended by exactly one of two calls. Close finishes its files (flush, join,
// fsync) and reports them, and releases its file handles even when it
// fails. It may stop unfinished when ctx ends (the JSON sink's join does);
// a Close that does not look at ctx (CSV, Parquet) runs its flush and fsync
// to the end. Abort, called
// instead after a failed or cancelled run, releases and removes what it
// holds without finishing anything: that output is thrown away, and
// finishing it could take longer than the run did.
type Sink[P any] interface {
	Write(ctx context.Context, b *Batch[P]) error
	Close(ctx context.Context) ([]FileInfo, error)
	Abort()
}

// Finalizer runs after every sink has closed, with the files they wrote, and
// may add files of its own (the manifest). It never sees a batch.
type Finalizer interface {
	Finish(ctx context.Context, files []FileInfo) ([]FileInfo, error)
}

// FileInfo is one written file as its writer saw it while writing.
type FileInfo struct {
	Name    string `json:"name"`
	Entity  string `json:"entity"`
	Format  string `json:"format"`
	Records int64  `json:"records"`
	Bytes   int64  `json:"bytes"`
	SHA256  string `json:"sha256"`
}

// Env is what components are built with: where to write, a logger, and the
// run's shared, read-only context S (its type is the application's).
type Env[S any] struct {
	Dir    string
	Logger zerolog.Logger
	Shared S
}
