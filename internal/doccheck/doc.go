// Package doccheck tests the repository's Markdown as a reader meets it:
// every relative link resolves to a file inside the repository (and its
// anchor to a heading), and the Python snippets of docs/analysts.md name
// only files the governed snapshot's manifest lists and columns those files
// hold. The DuckDB snippets of the same guide run in interop/, which has
// cgo. The package has no code of its own: only its tests.
package doccheck
