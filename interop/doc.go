// Package interop proves that analysts' tools read synthpipe snapshots: it
// opens the governed snapshot with DuckDB (read_parquet, read_csv,
// read_json) and checks row counts, types and joins, and runs every SQL
// query of docs/analysts.md. It is a separate module so the main module
// needs no cgo; .ci/run runs it.
package interop
