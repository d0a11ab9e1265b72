// Package pipeline is synthpipe's engine: it moves batches from a source
// through an ordered chain of stages to every sink, and knows nothing of what
// the batches hold.
//
// The engine is generic over the batch payload P and the run context S that
// components are built with (Env[S].Shared); it imports nothing of the
// application. An application instantiates one Registry[P, S] and its
// components register into it from init with RegisterSource, RegisterStage,
// RegisterSink or RegisterFinalizer, each with a build func that returns the
// kind's interface, so a built component needs no type assertion. Run wires
// the parts of a run, each in its own function: source, stage (a worker pool
// per stage), reorder, sink, then finalize, or abortSinks after a failure.
//
// Lifecycle, and who closes what:
//
//   - The runner pre-allocates Window batches into a free list. The source
//     goroutine takes a batch from the free list (blocking when all are in
//     flight, which bounds memory), fills it, stamps its sequence number and
//     sends it on; at the end it closes its out channel (defer).
//   - Each stage has Workers goroutines, each with its own stage instance, so
//     a stage needs no locks. When the last worker of a stage returns, the
//     stage's out channel is closed (the owner of a channel closes it).
//   - The reorder goroutine restores sequence order, because workers finish
//     out of order, and hands every batch, in order, to one goroutine per
//     sink. It closes the sinks' channels when its input is drained.
//   - Each sink goroutine writes every batch in order. The last sink to finish
//     with a batch reports it (Plan.Written, for progress) and returns it to
//     the free list. Once it has written the last batch, the goroutine closes
//     its sink (Close: flush, join, fsync), side by side with the others.
//   - After every goroutine has returned without error, the runner collects
//     the files the sinks wrote (in config order) and runs the finalizers
//     (the manifest) with that list.
//
// Every channel send selects on ctx.Done(). The first error, or the
// caller's cancel, cancels the context; every goroutine then returns,
// errgroup.Wait reports the first error, and the runner aborts every sink
// not closed yet (Abort: its files are released and removed unfinished, so
// no file handle leaks and no work is spent on output that is thrown
// away). The caller discards the partial output (see package snapshot).
package pipeline
