package verify

import (
	"context"
	"io"
)

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

// ctxReader fails every read once ctx has ended, so hashing a large file
// stops too.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
