package mcptools_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/synthpipe/synthpipe/internal/mcptools"
	"github.com/synthpipe/synthpipe/internal/service"
)

// fakeAPI is a service.API small enough to reason about: two entities,
// records that are a pure function of the request, one snapshot.
type fakeAPI struct {
	lastGenerate service.GenerateRequest
	generated    int64 // bytes Generate wrote before it stopped
}

var entities = []string{"persons", "vehicles"}

const recordCap = 1_000_000

func (f *fakeAPI) Entities() []string { return slices.Clone(entities) }

func (f *fakeAPI) MaxRecords() int64 { return recordCap }

func (f *fakeAPI) CheckGenerate(req service.GenerateRequest) error {
	if req.Entity != service.Dataset && !slices.Contains(entities, req.Entity) {
		return &service.NotFound{What: "entity", Value: req.Entity}
	}
	if req.Records < 1 || req.Records > recordCap {
		return &service.BadInput{Param: "records", Value: strconv.FormatInt(req.Records, 10), Allowed: fmt.Sprintf("1 to %d", recordCap)}
	}
	if req.Offset < 0 {
		return &service.BadInput{Param: "offset", Value: strconv.FormatInt(req.Offset, 10), Allowed: "0 or more"}
	}
	switch req.Format {
	case service.FormatJSON, service.FormatNDJSON, service.FormatCSV, service.FormatParquet:
	default:
		return &service.BadInput{Param: "format", Value: req.Format, Allowed: "json, ndjson, csv or parquet"}
	}
	return nil
}

// Generate writes one ~100-byte record a person, in ndjson or csv (json is
// ndjson inside brackets: enough to check the tool passes it through).
func (f *fakeAPI) Generate(ctx context.Context, req service.GenerateRequest, w io.Writer) (service.Served, error) {
	if err := f.generate(ctx, req, w); err != nil {
		return nil, err
	}
	return service.Served{req.Entity: req.Records}, nil // as many as asked for
}

func (f *fakeAPI) generate(ctx context.Context, req service.GenerateRequest, w io.Writer) error {
	if err := f.CheckGenerate(req); err != nil {
		return err
	}
	f.lastGenerate = req
	seed := int64(42)
	if req.Seed != nil {
		seed = *req.Seed
	}
	write := func(s string) error {
		n, err := io.WriteString(w, s)
		f.generated += int64(n)
		return err
	}
	if req.Format == service.FormatCSV {
		if err := write("id,seed\n"); err != nil {
			return err
		}
	}
	if req.Format == service.FormatJSON {
		if err := write("["); err != nil {
			return err
		}
	}
	for i := req.Offset; i < req.Offset+req.Records; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		var line string
		switch req.Format {
		case service.FormatCSV:
			line = fmt.Sprintf("PER-%010d,%d\n", i+1, seed)
		default:
			line = fmt.Sprintf(`{"id":"PER-%010d","seed":%d,"padding":"%s"}`, i+1, seed, strings.Repeat("x", 50))
			if req.Format == service.FormatJSON && i > req.Offset {
				line = "," + line
			}
			if req.Format == service.FormatNDJSON {
				line += "\n"
			}
		}
		if err := write(line); err != nil {
			return err
		}
	}
	if req.Format == service.FormatJSON {
		return write("]")
	}
	return nil
}

func (f *fakeAPI) Record(_ context.Context, req service.RecordRequest) (service.Record, error) {
	if !slices.Contains(entities, req.Entity) {
		return service.Record{}, &service.NotFound{What: "entity", Value: req.Entity}
	}
	if req.ID != "PER-0000000001" {
		return service.Record{}, &service.NotFound{What: "id", Value: req.ID}
	}
	rec := service.Record{Entity: req.Entity, Record: json.RawMessage(`{"id":"` + req.ID + `","first_name":"Ada"}`)}
	for _, inc := range req.Include {
		if inc != "vehicles" {
			return service.Record{}, &service.BadInput{Param: "include", Value: inc, Allowed: "vehicles"}
		}
		rec.Linked = map[string][]json.RawMessage{"vehicles": {json.RawMessage(`{"id":"VEH-0000000001"}`)}}
	}
	return rec, nil
}

func (f *fakeAPI) Describe(entity string) (service.EntitySchema, error) {
	if !slices.Contains(entities, entity) {
		return service.EntitySchema{}, &service.NotFound{What: "entity", Value: entity}
	}
	return service.EntitySchema{
		Entity: entity, Singular: strings.TrimSuffix(entity, "s"), IDPrefix: "PER",
		Columns:    []service.Column{{Name: "id", Type: "string", Pattern: `^PER-\d{10}$`}, {Name: "gender", Type: "enum", Enum: []string{"F", "M", "X"}}},
		Rules:      []service.Rule{{Name: "id_format", Description: "ids are PER- and ten digits"}},
		JSONSchema: map[string]any{"type": "object"},
	}, nil
}

func (f *fakeAPI) Snapshots() ([]service.Snapshot, error) {
	return []service.Snapshot{{Version: "v0.2", Path: "v0.2", ManifestSHA: "abc", Files: 7, Records: 100}}, nil
}

func (f *fakeAPI) Manifest(string) ([]byte, string, error) { return nil, "", errors.New("unused") }

func (f *fakeAPI) OpenFile(string, string) (service.File, error) { return nil, errors.New("unused") }

func (f *fakeAPI) Validate(_ context.Context, path string) ([]byte, bool, error) {
	switch path {
	case "v0.2":
		return []byte(`{"violations":0,"checks":12}`), true, nil
	case "broken":
		return []byte(`{"violations":3,"checks":12}`), false, nil
	case "../etc":
		return nil, false, &service.BadInput{Param: "path", Value: path, Allowed: "a snapshot folder under the snapshots root, as list_snapshots gives it"}
	}
	return nil, false, &service.NotFound{What: "snapshot", Value: path}
}

func (f *fakeAPI) Ready() error { return nil }

// transports runs every test over both ways a client reaches the tools.
var transports = map[string]func(t *testing.T, api service.API) *mcp.ClientSession{
	"memory": connectInMemory,
	"http":   connectHTTP,
}

func connectInMemory(t *testing.T, api service.API) *mcp.ClientSession {
	t.Helper()
	ctx := t.Context()
	st, ct := mcp.NewInMemoryTransports()
	ss, err := mcptools.NewServer(api, "test").Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// connectHTTP mounts NewHTTPHandler at /mcp on a loopback httptest server,
// as the HTTP server does, and connects over streamable HTTP with the
// client's defaults (its standalone SSE stream too, which a stateless
// handler refuses and the client must take).
func connectHTTP(t *testing.T, api service.API) *mcp.ClientSession {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/mcp", mcptools.NewHTTPHandler(api, "test"))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(t.Context(),
		&mcp.StreamableClientTransport{Endpoint: srv.URL + "/mcp", MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

func eachTransport(t *testing.T, test func(t *testing.T, cs *mcp.ClientSession, api *fakeAPI)) {
	for name, connect := range transports {
		t.Run(name, func(t *testing.T) {
			api := &fakeAPI{}
			test(t, connect(t, api), api)
		})
	}
}

func call(t *testing.T, cs *mcp.ClientSession, tool string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("%s: protocol error (want a tool result): %v", tool, err)
	}
	return res
}

func text(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	if len(res.Content) != 1 {
		t.Fatalf("content: %d blocks, want 1", len(res.Content))
	}
	tc, ok := res.Content[0].(*mcp.TextContent)
	if !ok {
		t.Fatalf("content is %T, want text", res.Content[0])
	}
	return tc.Text
}

func wantOK(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	s := text(t, res)
	if res.IsError {
		t.Fatalf("tool error: %s", s)
	}
	return s
}

// wantToolError checks the call failed as a tool result whose message
// contains every one of want (the parameter and what is allowed).
func wantToolError(t *testing.T, res *mcp.CallToolResult, want ...string) {
	t.Helper()
	s := text(t, res)
	if !res.IsError {
		t.Fatalf("IsError false, want a tool error; content: %.200s", s)
	}
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("error %q does not contain %q", s, w)
		}
	}
}

// structured decodes a result's structured content into v.
func structured(t *testing.T, res *mcp.CallToolResult, v any) {
	t.Helper()
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("structured content %s: %v", b, err)
	}
}

func TestListTools(t *testing.T) {
	eachTransport(t, func(t *testing.T, cs *mcp.ClientSession, _ *fakeAPI) {
		res, err := cs.ListTools(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][]string{ // tool: its properties
			"generate":          {"entity", "records", "seed", "offset", "format"},
			"get_record":        {"entity", "id", "include"},
			"describe_schema":   {"entity"},
			"list_snapshots":    {},
			"validate_snapshot": {"path"},
		}
		var got []string
		for _, tool := range res.Tools {
			got = append(got, tool.Name)
			props, ok := want[tool.Name]
			if !ok {
				t.Errorf("unexpected tool %q", tool.Name)
				continue
			}
			if tool.Description == "" {
				t.Errorf("%s: no description", tool.Name)
			}
			if tool.Annotations == nil || !tool.Annotations.ReadOnlyHint {
				t.Errorf("%s: not marked read-only", tool.Name)
			}
			var schema struct {
				Type       string `json:"type"`
				Properties map[string]struct {
					Description string `json:"description"`
					Enum        []string
					Items       struct{ Enum []string }
				} `json:"properties"`
				Required []string `json:"required"`
			}
			b, _ := json.Marshal(tool.InputSchema)
			if err := json.Unmarshal(b, &schema); err != nil {
				t.Fatalf("%s: input schema %s: %v", tool.Name, b, err)
			}
			if schema.Type != "object" {
				t.Errorf("%s: input schema type %q", tool.Name, schema.Type)
			}
			for _, p := range props {
				prop, ok := schema.Properties[p]
				if !ok {
					t.Errorf("%s: no property %q in %s", tool.Name, p, b)
					continue
				}
				if prop.Description == "" {
					t.Errorf("%s.%s: no description", tool.Name, p)
				}
			}
			if len(schema.Properties) != len(props) {
				t.Errorf("%s: properties %s, want %v", tool.Name, b, props)
			}
			switch tool.Name {
			case "generate":
				assertEqual(t, "generate.entity enum", schema.Properties["entity"].Enum, []string{"persons", "vehicles", "dataset"})
				assertEqual(t, "generate.format enum", schema.Properties["format"].Enum, []string{"json", "ndjson", "csv"})
				assertEqual(t, "generate required", schema.Required, []string{"entity", "records"})
			case "get_record":
				assertEqual(t, "get_record.entity enum", schema.Properties["entity"].Enum, entities)
				assertEqual(t, "get_record.include items enum", schema.Properties["include"].Items.Enum, entities)
				assertEqual(t, "get_record required", schema.Required, []string{"entity", "id"})
			case "describe_schema":
				assertEqual(t, "describe_schema.entity enum", schema.Properties["entity"].Enum, entities)
			}
		}
		slices.Sort(got)
		assertEqual(t, "tools", got, []string{"describe_schema", "generate", "get_record", "list_snapshots", "validate_snapshot"})
	})
}

func assertEqual[T comparable](t *testing.T, what string, got, want []T) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

func TestGenerate(t *testing.T) {
	eachTransport(t, func(t *testing.T, cs *mcp.ClientSession, api *fakeAPI) {
		t.Run("json default", func(t *testing.T) {
			out := wantOK(t, call(t, cs, "generate", map[string]any{"entity": "persons", "records": 3}))
			var recs []map[string]any
			if err := json.Unmarshal([]byte(out), &recs); err != nil {
				t.Fatalf("json output %q: %v", out, err)
			}
			if len(recs) != 3 || recs[0]["id"] != "PER-0000000001" || recs[0]["seed"] != 42.0 {
				t.Errorf("records %v", recs)
			}
			if api.lastGenerate.Format != service.FormatJSON || api.lastGenerate.Seed != nil {
				t.Errorf("request %+v: want format json and the config's seed", api.lastGenerate)
			}
		})
		t.Run("csv seed offset", func(t *testing.T) {
			out := wantOK(t, call(t, cs, "generate", map[string]any{"entity": "dataset", "records": 2, "seed": 7, "offset": 10, "format": "csv"}))
			if want := "id,seed\nPER-0000000011,7\nPER-0000000012,7\n"; out != want {
				t.Errorf("csv %q, want %q", out, want)
			}
		})
		t.Run("ndjson", func(t *testing.T) {
			out := wantOK(t, call(t, cs, "generate", map[string]any{"entity": "vehicles", "records": 4, "format": "ndjson"}))
			if n := strings.Count(out, "\n"); n != 4 {
				t.Errorf("%d lines, want 4", n)
			}
		})
	})
}

func TestGenerateBadInput(t *testing.T) {
	eachTransport(t, func(t *testing.T, cs *mcp.ClientSession, _ *fakeAPI) {
		for name, tc := range map[string]struct {
			args map[string]any
			want []string
		}{
			// Refused by the input schema, before the service: the SDK's
			// message names the property and the allowed values.
			"unknown entity": {map[string]any{"entity": "boats", "records": 1}, []string{"entity", "persons", "vehicles", "dataset"}},
			"no records":     {map[string]any{"entity": "persons"}, []string{"records"}},
			"bad format":     {map[string]any{"entity": "persons", "records": 1, "format": "xml"}, []string{"format", "json", "ndjson", "csv"}},
			// Parquet is a service format, not a tool one: not in the enum.
			"parquet": {map[string]any{"entity": "persons", "records": 1, "format": "parquet"}, []string{"format", "parquet", "json ndjson csv"}},
			// Refused by the service, its message passed on.
			"zero records":    {map[string]any{"entity": "persons", "records": 0}, []string{`records "0" is not allowed`, "1 to 1000000"}},
			"too many":        {map[string]any{"entity": "persons", "records": recordCap + 1}, []string{"records", "1 to 1000000"}},
			"negative offset": {map[string]any{"entity": "persons", "records": 1, "offset": -1}, []string{`offset "-1" is not allowed`, "0 or more"}},
		} {
			t.Run(name, func(t *testing.T) {
				wantToolError(t, call(t, cs, "generate", tc.args), tc.want...)
			})
		}
	})
}

func TestGenerateCapped(t *testing.T) {
	eachTransport(t, func(t *testing.T, cs *mcp.ClientSession, api *fakeAPI) {
		// ~100 bytes a record: 100,000 records pass the 4 MiB cap.
		wantToolError(t, call(t, cs, "generate", map[string]any{"entity": "persons", "records": 100_000}),
			`records "100000" is not allowed`, "4 MiB", "offset")
		if api.generated > mcptools.MaxOutput {
			t.Errorf("generate wrote %d bytes, more than the cap %d: the overflow did not stop it", api.generated, mcptools.MaxOutput)
		}
		// Just under the cap is served whole.
		out := wantOK(t, call(t, cs, "generate", map[string]any{"entity": "persons", "records": 40_000, "format": "ndjson"}))
		if n := strings.Count(out, "\n"); n != 40_000 {
			t.Errorf("%d lines, want 40000", n)
		}
	})
}

func TestGetRecord(t *testing.T) {
	eachTransport(t, func(t *testing.T, cs *mcp.ClientSession, _ *fakeAPI) {
		res := call(t, cs, "get_record", map[string]any{"entity": "persons", "id": "PER-0000000001", "include": []string{"vehicles"}})
		wantOK(t, res)
		var rec mcptools.RecordResult
		structured(t, res, &rec)
		if rec.Entity != "persons" || rec.Record["first_name"] != "Ada" || len(rec.Linked["vehicles"]) != 1 {
			t.Errorf("record %+v", rec)
		}
		if got, want := text(t, res), `{"entity":"persons","record":{"id":"PER-0000000001","first_name":"Ada"},"linked":{"vehicles":[{"id":"VEH-0000000001"}]}}`; got != want {
			t.Errorf("text %s, want the record with its columns in order: %s", got, want)
		}
		for name, tc := range map[string]struct {
			args map[string]any
			want []string
		}{
			"unknown id":      {map[string]any{"entity": "persons", "id": "PER-9"}, []string{"id", "PER-9", "not found"}},
			"unknown entity":  {map[string]any{"entity": "boats", "id": "PER-0000000001"}, []string{"entity", "persons", "vehicles"}},
			"no id":           {map[string]any{"entity": "persons"}, []string{"id"}},
			"bad include":     {map[string]any{"entity": "persons", "id": "PER-0000000001", "include": []string{"boats"}}, []string{"include", "persons", "vehicles"}},
			"service refused": {map[string]any{"entity": "persons", "id": "PER-0000000001", "include": []string{"persons"}}, []string{`include "persons" is not allowed`, "vehicles"}},
		} {
			t.Run(name, func(t *testing.T) {
				wantToolError(t, call(t, cs, "get_record", tc.args), tc.want...)
			})
		}
	})
}

func TestDescribeSchema(t *testing.T) {
	eachTransport(t, func(t *testing.T, cs *mcp.ClientSession, _ *fakeAPI) {
		res := call(t, cs, "describe_schema", map[string]any{"entity": "persons"})
		wantOK(t, res)
		var s service.EntitySchema
		structured(t, res, &s)
		if s.Entity != "persons" || len(s.Columns) != 2 || s.Columns[1].Enum[2] != "X" || s.Rules[0].Name != "id_format" {
			t.Errorf("schema %+v", s)
		}
		wantToolError(t, call(t, cs, "describe_schema", map[string]any{"entity": "boats"}), "entity", "persons", "vehicles")
		wantToolError(t, call(t, cs, "describe_schema", nil), "entity")
	})
}

func TestListSnapshots(t *testing.T) {
	eachTransport(t, func(t *testing.T, cs *mcp.ClientSession, _ *fakeAPI) {
		res := call(t, cs, "list_snapshots", nil)
		wantOK(t, res)
		var l mcptools.SnapshotList
		structured(t, res, &l)
		if len(l.Snapshots) != 1 || l.Snapshots[0].Path != "v0.2" || l.Snapshots[0].Records != 100 {
			t.Errorf("snapshots %+v", l)
		}
	})
}

func TestValidateSnapshot(t *testing.T) {
	eachTransport(t, func(t *testing.T, cs *mcp.ClientSession, _ *fakeAPI) {
		for path, clean := range map[string]bool{"v0.2": true, "broken": false} {
			res := call(t, cs, "validate_snapshot", map[string]any{"path": path})
			wantOK(t, res) // violations are an answer, not a failed call
			var v mcptools.ValidateResult
			structured(t, res, &v)
			if v.Path != path || v.Clean != clean || v.Report.(map[string]any)["checks"] != 12.0 {
				t.Errorf("%s: %+v", path, v)
			}
		}
		wantToolError(t, call(t, cs, "validate_snapshot", map[string]any{"path": "v9"}), "snapshot", "v9", "not found")
		wantToolError(t, call(t, cs, "validate_snapshot", map[string]any{"path": "../etc"}), `path "../etc" is not allowed`, "snapshots root")
		wantToolError(t, call(t, cs, "validate_snapshot", map[string]any{}), "path")
	})
}
