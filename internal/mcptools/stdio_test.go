package mcptools

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/rs/zerolog"
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
	tr := &drained{inner: &lines{in: strings.NewReader(oneShot), out: out, log: zerolog.Nop()}, timeout: timeout}
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

// A line that is not JSON is answered with a parse error, and JSON that is
// no JSON-RPC message with an invalid-request error (its id kept when it has
// one), and the session goes on: the requests before and after them are all
// answered, and Run returns no error (the SDK's transport alone ended the
// session there, go-sdk #1209).
func TestStdioAnswersAroundALineThatIsNotJSON(t *testing.T) {
	s := mcp.NewServer(&mcp.Implementation{Name: "t", Version: "1"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "echo"}, func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "done"}}}, nil, nil
	})
	call := func(id int) string {
		return fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"echo","arguments":{}}}`, id)
	}
	in := []string{strings.SplitN(oneShot, "\n", 3)[0], strings.SplitN(oneShot, "\n", 3)[1]} // initialize (id 1), initialized
	for id := 2; id <= 8; id++ {
		in = append(in, call(id))
	}
	in = append(in, "not json", "", `{"foo":1}`, `{"jsonrpc":"1.0","id":77,"method":"ping"}`, "42", "[]", call(9), call(10)+"\r")
	out := &closingBuffer{}
	var logs testkit.SyncBuffer
	tr := &drained{inner: &lines{in: strings.NewReader(strings.Join(in, "\n")), out: out, log: zerolog.New(&logs)}, timeout: time.Minute}
	require.NoError(t, s.Run(t.Context(), tr))

	answered := map[string]bool{}
	var parseErrors, invalid []string
	for l := range strings.Lines(out.String()) {
		var m struct {
			ID    json.RawMessage
			Error *struct {
				Code    int
				Message string
			}
		}
		require.NoError(t, json.Unmarshal([]byte(l), &m), "every output line is one JSON message: %q", l)
		switch {
		case m.Error != nil && m.Error.Code == -32700:
			require.Equal(t, "null", string(m.ID))
			parseErrors = append(parseErrors, m.Error.Message)
		case m.Error != nil && m.Error.Code == -32600:
			invalid = append(invalid, string(m.ID))
		case m.Error == nil:
			answered[string(m.ID)] = true
		}
	}
	require.Len(t, answered, 10, "every request is answered: %s", out.String())
	for id := 1; id <= 10; id++ {
		require.True(t, answered[strconv.Itoa(id)], "id %d", id)
	}
	require.Equal(t, []string{"Parse error: invalid character 'o' in literal null (expecting 'u')"}, parseErrors)
	require.Equal(t, []string{"null", "77", "null", "null"}, invalid, "ids of the invalid requests, in order")
	require.Equal(t, 5, strings.Count(logs.String(), "not a JSON-RPC message"), "each bad line is logged")
}

// A line longer than the SDK's frame limit is refused whole, and the next
// line is read as the next message; a last line without a newline is long
// all the same.
func TestReadLineTooLong(t *testing.T) {
	r := bufio.NewReaderSize(strings.NewReader(strings.Repeat("x", 100)+"\n{}\n"+strings.Repeat("y", 100)), 16)
	line, long, err := readLine(r, 40)
	require.NoError(t, err)
	require.True(t, long)
	require.Len(t, line, 40)
	line, long, err = readLine(r, 40)
	require.NoError(t, err)
	require.False(t, long)
	require.Equal(t, "{}", string(line))
	line, long, err = readLine(r, 40)
	require.ErrorIs(t, err, io.EOF)
	require.True(t, long)
	require.Equal(t, strings.Repeat("y", 40), string(line))
	_, long, err = readLine(r, 40)
	require.ErrorIs(t, err, io.EOF)
	require.False(t, long)
}

// A last line over the size limit, without a newline, is answered with the
// size limit's parse error and the session ends as at the end of input,
// whether it is not JSON or a message whose cut-off text would parse (a
// ping followed by spaces past the limit): that one never reaches the SDK.
func TestStdioRefusesALastLineTooLong(t *testing.T) {
	start := strings.Join(strings.SplitN(oneShot, "\n", 3)[:2], "\n") + "\n" // initialize (id 1), initialized
	for name, last := range map[string]string{
		"not JSON":         strings.Repeat("x", mcp.DefaultMaxLineLength+1),
		"message + spaces": `{"jsonrpc":"2.0","id":5,"method":"ping"}` + strings.Repeat(" ", mcp.DefaultMaxLineLength),
	} {
		t.Run(name, func(t *testing.T) {
			s := mcp.NewServer(&mcp.Implementation{Name: "t", Version: "1"}, nil)
			out := &closingBuffer{}
			tr := &drained{inner: &lines{in: strings.NewReader(start + last), out: out, log: zerolog.Nop()}, timeout: time.Minute}
			require.NoError(t, s.Run(t.Context(), tr))
			var answers []string
			for l := range strings.Lines(out.String()) {
				var m struct {
					ID    json.RawMessage
					Error *struct{ Message string }
				}
				require.NoError(t, json.Unmarshal([]byte(l), &m), "%q", l)
				a := string(m.ID)
				if m.Error != nil {
					a += " " + m.Error.Message
				}
				answers = append(answers, a)
			}
			require.Equal(t, []string{"1", fmt.Sprintf("null Parse error: a line is at most %d bytes", mcp.DefaultMaxLineLength)}, answers)
		})
	}
}
