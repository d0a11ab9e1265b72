package mcptools

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/testkit"
)

// closingBuffer is the server's stdout: written by the session, read by
// the test.
type closingBuffer struct{ testkit.SyncBuffer }

func (*closingBuffer) Close() error { return nil }

const oneShot = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"slow","arguments":{}}}
{"jsonrpc":"2.0","id":"three","method":"tools/call","params":{"name":"slow","arguments":{}}}
`

// serveOneShot runs a server with a tool that takes a while on input that
// ends right after its requests, as `printf ... | synthpipe mcp` does.
func serveOneShot(t *testing.T, timeout time.Duration, slow time.Duration) (string, time.Duration) {
	s := mcp.NewServer(&mcp.Implementation{Name: "t", Version: "1"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "slow"}, func(ctx context.Context, _ *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
		select {
		case <-time.After(slow):
		case <-ctx.Done():
		}
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "done"}}}, nil, nil
	})
	out := &closingBuffer{}
	tr := &drained{inner: &mcp.IOTransport{Reader: io.NopCloser(strings.NewReader(oneShot)), Writer: out}, timeout: timeout}
	start := time.Now()
	err := s.Run(t.Context(), tr)
	require.NoError(t, err)
	return out.String(), time.Since(start)
}

func TestStdioAnswersRequestsReadBeforeEndOfInput(t *testing.T) {
	out, _ := serveOneShot(t, time.Minute, 200*time.Millisecond)
	for _, id := range []string{`"id":1,"result"`, `"id":2,"result"`, `"id":"three","result"`} {
		require.Contains(t, out, id, "every request read is answered")
	}
	require.Equal(t, 2, strings.Count(out, `"text":"done"`))
}

func TestStdioDrainIsBounded(t *testing.T) {
	out, took := serveOneShot(t, 100*time.Millisecond, time.Hour)
	require.Less(t, took, time.Minute, "a request that never ends does not hold the session open")
	require.Contains(t, out, `"id":1,"result"`)
	require.NotContains(t, out, `"id":2,"result"`)
}
