package snapshot

import "context"

// SetBeforeCommit installs f as the hook between generating and
// committing, until the returned restore is called.
func SetBeforeCommit(f func(context.Context)) (restore func()) {
	old := beforeCommit
	beforeCommit = f
	return func() { beforeCommit = old }
}

// DisableExchange makes replace take its two-rename fallback, as on a file
// system without RENAME_EXCHANGE.
func DisableExchange() (restore func()) {
	old := exchangeFn
	exchangeFn = func(string, string) error { return errExchangeUnsupported }
	return func() { exchangeFn = old }
}

// RenameDir is the commit's rename of a staging folder onto a new or empty
// target.
var RenameDir = renameDir
