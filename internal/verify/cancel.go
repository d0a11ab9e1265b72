package verify

import "context"

// lookEvery is how many records a stream reads between looks at the
// context of Run: often enough to stop within milliseconds of a
// cancellation, rarely enough to cost nothing beside checking a record. A
// test looks more often, so that records outnumber the looks of hashing.
var lookEvery = 1024

// cancellation stops a record stream once the context of Run ends.
type cancellation struct {
	ctx   context.Context
	reads int
}

// ended reports the context's error, looking at it once every lookEvery
// calls.
func (c *cancellation) ended() error {
	if c.reads++; c.reads%lookEvery != 0 {
		return nil
	}
	return c.ctx.Err()
}
