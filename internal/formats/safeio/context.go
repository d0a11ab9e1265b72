package safeio

import (
	"context"
	"io"
)

// ContextReader reads r until ctx ends, then fails every read with ctx's
// error: hashing a file of gigabytes stops with a cancelled run instead of
// reading to its end.
func ContextReader(ctx context.Context, r io.Reader) io.Reader {
	return ctxReader{ctx, r}
}

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
