// Package mcptools serves synthpipe's data as MCP tools (Model Context
// Protocol): generate, get_record, describe_schema, list_snapshots and
// validate_snapshot. Every tool only calls service.API, so an agent gets
// exactly what the HTTP API serves, checked by the same code.
//
// A refused parameter (*service.BadInput, *service.NotFound) comes back as a
// tool result with IsError set and the service's message, which names the
// parameter and what is allowed: the model can read it and correct its call,
// where a protocol error would only tell the client that the call failed.
//
// Parquet is not among generate's formats (its input schema's enum, so the
// SDK refuses it naming format and json, ndjson, csv; the description says
// why): it is binary, a model cannot read it, and base64 in a text result
// would cost a third more of the output cap for nothing an agent can use.
// The HTTP API (/generate/{entity}?format=parquet) and the snapshots' files
// serve it.
//
// Arguments the input schema refuses (an entity the config does not make, a
// format not listed, a missing required field) come back the same way, with
// the SDK's message naming the property and the allowed values; the rest
// (records, offset, seed, id, include, path) is the service's to check.
package mcptools

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/synthpipe/synthpipe/internal/service"
)

// MaxOutput caps the text generate returns: a tool result is held whole in
// the client's memory and usually in the model's context, so a request the
// service would stream happily (up to its record cap) is refused here past
// this size rather than sent.
const MaxOutput = 4 << 20

// GenerateInput is the generate tool's arguments. The names are the
// service's parameter names, so its refusals name them.
type GenerateInput struct {
	Entity  string `json:"entity" jsonschema:"what to generate: an entity the config makes, or dataset for every entity"`
	Records int64  `json:"records" jsonschema:"persons to generate (the records of other entities are those that belong to them); 1 to the service's cap"`
	Seed    *int64 `json:"seed,omitempty" jsonschema:"seed of the run; omitted: the config's seed. The same seed, offset and records always give the same data"`
	Offset  int64  `json:"offset,omitempty" jsonschema:"persons to skip before the first one returned, 0 or more (default 0): page through a run with offset and records"`
	Format  string `json:"format,omitempty" jsonschema:"text format: json (one array, or for dataset one object of arrays), ndjson (one object a line) or csv (with a header row); default json. Parquet is binary and not served here: use the HTTP API or a snapshot's files"`
}

// RecordInput is the get_record tool's arguments.
type RecordInput struct {
	Entity  string   `json:"entity" jsonschema:"the entity of the record: persons, vehicles, profiles, incidents …"`
	ID      string   `json:"id" jsonschema:"the record's id, e.g. PER-0000001234 or INC-0000001234-01 (describe_schema gives each entity's id pattern)"`
	Include []string `json:"include,omitempty" jsonschema:"other entities to return with it, those of the persons the record is about (a person itself, a vehicle's owner and primary driver, a profile's or an incident's person)"`
}

// DescribeInput is the describe_schema tool's arguments.
type DescribeInput struct {
	Entity string `json:"entity" jsonschema:"the entity to describe: its columns, their types and the rules that check it"`
}

// ValidateInput is the validate_snapshot tool's arguments.
type ValidateInput struct {
	Path string `json:"path" jsonschema:"the snapshot's path relative to the snapshots root, as list_snapshots gives it (e.g. v0.1)"`
}

// NoInput is the arguments of a tool that takes none.
type NoInput struct{}

// SnapshotList is list_snapshots' result: an object, not a bare array, as
// clients before structured arrays expect.
type SnapshotList struct {
	Snapshots []service.Snapshot `json:"snapshots" jsonschema:"the governed snapshots under the snapshots root"`
}

// ValidateResult is validate_snapshot's result. A snapshot with violations
// is a successful call with Clean false, not a tool error: the tool did its
// work and the report is the answer.
type ValidateResult struct {
	Path   string `json:"path" jsonschema:"the snapshot validated"`
	Clean  bool   `json:"clean" jsonschema:"true when every check passed"`
	Report any    `json:"report" jsonschema:"the report of synthpipe validate --format json"`
}

// NewServer returns an MCP server whose tools call api.
func NewServer(api service.API, version string) *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: "synthpipe", Title: "synthpipe synthetic insurance test data", Version: version}, &mcp.ServerOptions{
		Instructions: "Deterministic synthetic insurance test data. describe_schema tells what an entity holds; " +
			"generate returns records (the same seed, offset and records always give the same data); " +
			"get_record fetches one record by id with what is linked to it; list_snapshots and validate_snapshot " +
			"cover the governed snapshots on disk.",
		// No logging capability: nothing is logged to the client, and the
		// SDK's default would advertise it.
		Capabilities: &mcp.ServerCapabilities{},
	})
	t := &tools{api: api}
	entities := api.Entities()

	mcp.AddTool(s, &mcp.Tool{
		Name:        "generate",
		Title:       "Generate records",
		Description: fmt.Sprintf("Generate the records of persons [offset, offset+records) of the configured run, and what belongs to them, as json, ndjson or csv text (at most %d MiB; ask for fewer records, or page with offset).", MaxOutput>>20),
		InputSchema: withEnums[GenerateInput](map[string][]string{
			"entity": append(slices.Clone(entities), service.Dataset),
			"format": {service.FormatJSON, service.FormatNDJSON, service.FormatCSV},
		}),
		Annotations: readOnly(),
	}, t.generate)
	mcp.AddTool(s, &mcp.Tool{
		Name:        "get_record",
		Title:       "Get a record by id",
		Description: "One record of the configured dataset by its id, with the records linked to it that include asks for.",
		InputSchema: withEnums[RecordInput](map[string][]string{"entity": entities, "include": entities}),
		Annotations: readOnly(),
	}, t.record)
	mcp.AddTool(s, &mcp.Tool{
		Name:        "describe_schema",
		Title:       "Describe an entity",
		Description: "An entity's columns (name, type, nullability, allowed values, pattern), the rules of the data contract that check it, and its JSON Schema.",
		InputSchema: withEnums[DescribeInput](map[string][]string{"entity": entities}),
		Annotations: readOnly(),
	}, t.describe)
	mcp.AddTool(s, &mcp.Tool{
		Name:        "list_snapshots",
		Title:       "List snapshots",
		Description: "The governed snapshots on disk: version, path, manifest SHA-256, files and persons.",
		Annotations: readOnly(),
	}, t.snapshots)
	mcp.AddTool(s, &mcp.Tool{
		Name:        "validate_snapshot",
		Title:       "Validate a snapshot",
		Description: "Run synthpipe validate on a snapshot: manifest, sizes, SHA-256, counts and every rule of the contract. Returns the report and whether it is clean.",
		InputSchema: withEnums[ValidateInput](nil),
		Annotations: readOnly(),
	}, t.validate)
	return s
}

// NewHTTPHandler serves the tools over streamable HTTP, for mounting at /mcp.
//
// Stateless: every tool is a pure call on the service and none asks the
// client anything back, so a session would only be state to keep — the
// SDK's sessions live until the client deletes them, which a crashed client
// never does — and would tie a client to one replica behind a load balancer.
// A client's request ending cancels its call (on protocols that allow it), so
// a disconnected agent does not keep a generation running.
func NewHTTPHandler(api service.API, version string) http.Handler {
	s := NewServer(api, version)
	return mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s },
		&mcp.StreamableHTTPOptions{Stateless: true, PropagateRequestCancellation: true})
}

func readOnly() *mcp.ToolAnnotations {
	f := false
	return &mcp.ToolAnnotations{ReadOnlyHint: true, IdempotentHint: true, OpenWorldHint: &f}
}

// withEnums infers T's input schema and lists the allowed values of the
// named properties (of the items, for an array): they come from the config,
// so no struct tag can hold them, and a model that sees them calls right
// the first time.
func withEnums[T any](enums map[string][]string) *jsonschema.Schema {
	s, err := jsonschema.For[T](nil)
	if err != nil {
		panic(fmt.Sprintf("mcptools: input schema of %T: %v", *new(T), err)) // a programming error, found by any test
	}
	for name, values := range enums {
		p := s.Properties[name]
		if p.Items != nil {
			p = p.Items
		}
		for _, v := range values {
			p.Enum = append(p.Enum, v)
		}
	}
	return s
}

type tools struct{ api service.API }

func (t *tools) generate(ctx context.Context, _ *mcp.CallToolRequest, in GenerateInput) (*mcp.CallToolResult, any, error) {
	if in.Format == "" {
		in.Format = service.FormatJSON
	}
	req := service.GenerateRequest{Entity: in.Entity, Records: in.Records, Seed: in.Seed, Offset: in.Offset, Format: in.Format}
	if err := t.api.CheckGenerate(req); err != nil {
		return nil, nil, err
	}
	// Cancelling on overflow stops the generation at once rather than
	// letting it run to the end into a writer that refuses every byte.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	w := &cappedBuffer{max: MaxOutput, cancel: cancel}
	if _, err := t.api.Generate(ctx, req, w); err != nil {
		if w.over || errors.Is(context.Cause(ctx), errTooLarge) {
			return nil, nil, &service.BadInput{Param: "records", Value: strconv.FormatInt(in.Records, 10),
				Allowed: fmt.Sprintf("fewer records: the output passed %d MiB, the most a tool result carries; page with offset and records, or stream any size from the HTTP API /generate/{entity}", MaxOutput>>20)}
		}
		return nil, nil, err
	}
	// Text only, no structured content: the text is the data in the format
	// asked for, and structured content would repeat it up to the cap.
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: w.buf.String()}}}, nil, nil
}

var errTooLarge = errors.New("output too large")

// cappedBuffer holds up to max bytes and refuses the write that would pass
// it, cancelling the generation.
type cappedBuffer struct {
	buf    bytes.Buffer
	max    int
	over   bool
	cancel context.CancelCauseFunc
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if b.over || b.buf.Len()+len(p) > b.max {
		b.over = true
		b.cancel(errTooLarge)
		return 0, errTooLarge
	}
	return b.buf.Write(p)
}

// RecordResult is get_record's structured result: service.Record with its
// JSON objects as objects, so the tool's output schema describes them.
type RecordResult struct {
	Entity string                      `json:"entity"`
	Record map[string]any              `json:"record"`
	Linked map[string][]map[string]any `json:"linked,omitempty"`
}

func (t *tools) record(ctx context.Context, _ *mcp.CallToolRequest, in RecordInput) (*mcp.CallToolResult, RecordResult, error) {
	rec, err := t.api.Record(ctx, service.RecordRequest{Entity: in.Entity, ID: in.ID, Include: in.Include})
	if err != nil {
		return nil, RecordResult{}, err
	}
	out := RecordResult{Entity: rec.Entity}
	if err := json.Unmarshal(rec.Record, &out.Record); err != nil {
		return nil, RecordResult{}, fmt.Errorf("record %s: %w", in.ID, err)
	}
	for name, objs := range rec.Linked {
		if out.Linked == nil {
			out.Linked = map[string][]map[string]any{}
		}
		list := []map[string]any{}
		for _, o := range objs {
			var m map[string]any
			if err := json.Unmarshal(o, &m); err != nil {
				return nil, RecordResult{}, fmt.Errorf("record %s: %s: %w", in.ID, name, err)
			}
			list = append(list, m)
		}
		out.Linked[name] = list
	}
	// The text is the record as the service has it, columns in order; the
	// structured result, decoded into maps for its schema, would sort them.
	text, err := json.Marshal(rec)
	if err != nil {
		return nil, RecordResult{}, fmt.Errorf("record %s: %w", in.ID, err)
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: string(text)}}}, out, nil
}

func (t *tools) describe(_ context.Context, _ *mcp.CallToolRequest, in DescribeInput) (*mcp.CallToolResult, service.EntitySchema, error) {
	s, err := t.api.Describe(in.Entity)
	return nil, s, err
}

func (t *tools) snapshots(context.Context, *mcp.CallToolRequest, NoInput) (*mcp.CallToolResult, SnapshotList, error) {
	snaps, err := t.api.Snapshots()
	if snaps == nil {
		snaps = []service.Snapshot{} // [] not null: none is an answer, not a missing one
	}
	return nil, SnapshotList{Snapshots: snaps}, err
}

func (t *tools) validate(ctx context.Context, _ *mcp.CallToolRequest, in ValidateInput) (*mcp.CallToolResult, ValidateResult, error) {
	raw, clean, err := t.api.Validate(ctx, in.Path)
	if err != nil {
		return nil, ValidateResult{}, err
	}
	var report any
	if err := json.Unmarshal(raw, &report); err != nil {
		return nil, ValidateResult{}, fmt.Errorf("validate report of %s is not JSON: %w", in.Path, err)
	}
	return nil, ValidateResult{Path: in.Path, Clean: clean, Report: report}, nil
}
