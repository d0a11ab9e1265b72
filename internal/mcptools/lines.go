package mcptools

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/rs/zerolog"
)

// lines is the SDK's newline-delimited JSON transport behind a reader that
// keeps one bad line from ending the session. The SDK decodes its input
// with one streaming json.Decoder, which cannot resynchronise after a value
// that does not parse: a line `not json` ended `synthpipe mcp` with exit 1
// and lost the answers to the requests before it (go-sdk issue #1209, open;
// its fix, PR #1210, is not in v1.8.0). So stdin is read here line by line:
// a line that is a JSON value goes to the SDK's transport unchanged, through
// a pipe; one that is not is answered with a JSON-RPC parse error, as the
// spec asks, and logged. JSON that is no JSON-RPC message (`{"foo":1}`)
// ended the session the same way, so it is answered here too, with an
// invalid-request error. Drop this once the SDK we pin reads line by line
// and answers what it cannot decode (its #1209 closed), keeping the test
// that a bad line is answered.
type lines struct {
	in  io.Reader
	out io.Writer
	log zerolog.Logger
}

func (t *lines) Connect(ctx context.Context) (mcp.Connection, error) {
	pr, pw := io.Pipe()
	out := &lockedWriter{w: t.out}
	inner, err := (&mcp.IOTransport{Reader: pr, Writer: out}).Connect(ctx)
	if err != nil {
		return nil, err
	}
	go t.copy(pw, out)
	return inner, nil
}

// copy passes stdin's JSON lines to w and answers the others on out, until
// stdin ends (then w ends: the SDK reads io.EOF) or the session closes w.
func (t *lines) copy(w *io.PipeWriter, out *lockedWriter) {
	r := bufio.NewReader(t.in)
	for {
		line, long, err := readLine(r, mcp.DefaultMaxLineLength)
		if long || len(bytes.TrimSpace(line)) > 0 {
			if answer := refusal(line, long); answer != nil {
				t.log.Warn().Str("answer", string(bytes.TrimSpace(answer))).Msg("mcp: an input line is not a JSON-RPC message; answered with an error")
				if _, werr := out.Write(answer); werr != nil {
					w.CloseWithError(werr)
					return
				}
			} else if _, werr := w.Write(append(line, '\n')); werr != nil {
				return // the session closed its end
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			w.CloseWithError(err) // nil: io.EOF to the SDK
			return
		}
	}
}

// readLine returns the next line without its end of line, and whether it
// was longer than max: such a line is read to its end and returned cut.
// err is the reader's, whatever the line: io.EOF after a last line without
// a newline, long or not.
func readLine(r *bufio.Reader, max int) (line []byte, long bool, err error) {
	for {
		var part []byte
		part, err = r.ReadSlice('\n')
		if !long {
			line = append(line, part...)
			if len(line) > max {
				line, long = line[:max], true
			}
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return bytes.TrimRight(line, "\r\n"), long, err
		}
	}
}

// refusal returns the JSON-RPC error response, one line, that answers a
// line the SDK could not take, or nil when the line is for the SDK: a parse
// error for a line that is not JSON (or too long to read whole), an
// invalid request for JSON that is no JSON-RPC message or batch of them,
// with the line's id when it has a readable one.
func refusal(line []byte, long bool) []byte {
	switch {
	case long: // its cut-off text may parse, but it is not the line sent
		return errorLine(jsonrpc.CodeParseError, fmt.Sprintf("Parse error: a line is at most %d bytes", mcp.DefaultMaxLineLength), nil)
	case !json.Valid(line):
		var v json.RawMessage
		return errorLine(jsonrpc.CodeParseError, "Parse error: "+json.Unmarshal(line, &v).Error(), nil)
	}
	msgs := []json.RawMessage{line}
	if bytes.HasPrefix(bytes.TrimSpace(line), []byte("[")) {
		if json.Unmarshal(line, &msgs) != nil || len(msgs) == 0 {
			return errorLine(jsonrpc.CodeInvalidRequest, "Invalid Request: a batch is a non-empty array of messages", nil)
		}
	}
	for _, m := range msgs {
		if _, err := jsonrpc.DecodeMessage(m); err != nil {
			var withID struct {
				ID json.RawMessage `json:"id"`
			}
			_ = json.Unmarshal(m, &withID) // an object's id, if it has one
			return errorLine(jsonrpc.CodeInvalidRequest, "Invalid Request: "+err.Error(), withID.ID)
		}
	}
	return nil
}

// errorLine is a JSON-RPC 2.0 error response with id (null when nil), one
// line.
func errorLine(code int, message string, id json.RawMessage) []byte {
	type rpcError struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if !validID(id) {
		id = json.RawMessage("null")
	}
	b, _ := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   rpcError        `json:"error"`
	}{"2.0", id, rpcError{code, message}})
	return append(b, '\n')
}

// validID reports whether id is a JSON-RPC id: a string or a number.
func validID(id json.RawMessage) bool {
	var v any
	if json.Unmarshal(id, &v) != nil {
		return false
	}
	switch v.(type) {
	case string, float64:
		return true
	}
	return false
}

// lockedWriter serialises writes: the SDK writes each message as one Write
// of a whole line under its own lock, and parse errors are written from
// another goroutine, so a line is never cut by another.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Close leaves stdout open: the process owns it.
func (*lockedWriter) Close() error { return nil }
