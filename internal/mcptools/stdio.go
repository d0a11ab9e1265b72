package mcptools

import (
	"context"
	"io"
	"os"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// DrainTimeout bounds how long a closed stdin waits for the answers to
// requests already read: a generate call capped at MaxOutput takes seconds.
const DrainTimeout = 2 * time.Minute

// Stdio is the stdio transport for `synthpipe mcp`, with two changes:
//
//   - when stdin ends, the requests already read are answered before the
//     session closes. The SDK's own transport ends the session at once and
//     drops them (go-sdk issue #1061), so `printf '...' | synthpipe mcp`
//     printed nothing. The wait suits tools that ask the client nothing
//     (synthpipe's send no sampling or roots requests): an answer from a
//     client whose input has ended could never arrive.
//   - a line of stdin that is not JSON is answered with a JSON-RPC parse
//     error (-32700) and the session goes on (see lines).
func Stdio(log zerolog.Logger) mcp.Transport {
	return &drained{inner: &lines{in: os.Stdin, out: os.Stdout, log: log}, timeout: DrainTimeout}
}

// drained wraps a transport's connections so that the end of input waits
// for the answers owed.
type drained struct {
	inner   mcp.Transport
	timeout time.Duration
}

func (d *drained) Connect(ctx context.Context) (mcp.Connection, error) {
	c, err := d.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &drainConn{Connection: c, timeout: d.timeout, closed: make(chan struct{})}, nil
}

// drainConn counts the answers owed: requests read less responses written
// (the server answers only requests it read here).
type drainConn struct {
	mcp.Connection
	timeout time.Duration

	mu        sync.Mutex
	owed      int
	answered  chan struct{} // closed when owed falls to 0 while waiting
	closed    chan struct{}
	closeOnce sync.Once
}

func (c *drainConn) Read(ctx context.Context) (jsonrpc.Message, error) {
	msg, err := c.Connection.Read(ctx)
	if req, ok := msg.(*jsonrpc.Request); ok && err == nil && req.ID.IsValid() {
		c.mu.Lock()
		c.owed++
		c.mu.Unlock()
	}
	if err == io.EOF {
		c.wait(ctx)
	}
	return msg, err
}

// wait blocks until nothing is owed, the connection closes, ctx ends or the
// timeout passes.
func (c *drainConn) wait(ctx context.Context) {
	c.mu.Lock()
	if c.owed == 0 {
		c.mu.Unlock()
		return
	}
	c.answered = make(chan struct{})
	done := c.answered
	c.mu.Unlock()
	t := time.NewTimer(c.timeout)
	defer t.Stop()
	select {
	case <-done:
	case <-c.closed:
	case <-ctx.Done():
	case <-t.C:
	}
}

func (c *drainConn) Write(ctx context.Context, msg jsonrpc.Message) error {
	err := c.Connection.Write(ctx, msg)
	if res, ok := msg.(*jsonrpc.Response); ok && res.ID.IsValid() {
		c.mu.Lock()
		if c.owed > 0 {
			if c.owed--; c.owed == 0 && c.answered != nil {
				close(c.answered)
				c.answered = nil
			}
		}
		c.mu.Unlock()
	}
	return err
}

func (c *drainConn) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return c.Connection.Close()
}
