//go:build !linux

package snapshot

// exchange needs Linux's renameat2; elsewhere replace falls back to two
// renames.
func exchange(a, b string) error { return errExchangeUnsupported }
