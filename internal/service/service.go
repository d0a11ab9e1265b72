// Package service is synthpipe's data as a service: the operations the HTTP
// API (internal/server) and the MCP tools share, so both take the same code
// path — records generated on demand by the configured pipeline (its stages
// and validate stage, exactly as `synthpipe run`), one record by id in
// constant time, schemas and rules, and the governed snapshots on disk.
//
// Everything a caller passes is checked here and refused with a *BadInput
// (which parameter, what is allowed) or a *NotFound; handlers map those to
// 400 and 404.
//
// What a generate request returns: of the served dataset — the config's
// records, with the request's seed, else the config's — the households whose
// first person falls in [Offset, Offset+Records), which is what a part of a
// sharded `synthpipe run` makes (seed.PartBounds, seed.Seek). Households stay
// whole, so a page may start a few persons after Offset, and consecutive
// pages join up exactly. Asking for the whole dataset (Offset 0, Records =
// the config's records) gives the CLI's files of `run --seed S` byte for
// byte: CSV and Parquet equal <entity>_<v>.csv and .parquet, the dataset's
// JSON equals dataset_<v>.json; an entity's JSON is an array of the rows of
// its section there (one a line), NDJSON one row a line, and the dataset's
// NDJSON {"entity":…,"record":…} lines grouped by entity in declaration
// order. An entity's records are written as they are made; the dataset,
// grouped by entity, waits in temporary files: its JSON is written whole
// once the run has passed, its NDJSON the first entity's lines as they are
// made and the others' after the run. The validate stage runs as in the
// CLI: a violation fails the request (some bytes may already be written,
// except of the dataset's JSON).
//
// Record serves the configured dataset (the config's records and seed,
// after overrides) in constant time: the id's household is found from a
// checkpoint table built once at New and generated alone by the config's
// stages. Every entity the config makes whose ids carry a number the
// household can be found from is served so, from its declaration (its id
// pattern and the parent whose number its ids carry: a profile's and an
// incident's person); one whose ids count only its own rows is not looked
// up by id, and Record says why. Includes come from the record's household,
// through the persons the record is about — a person itself, a vehicle's
// owner and then its primary driver (if another person), a profile's or an
// incident's person — and are those persons' records: the persons, the
// vehicles they are primary driver of (a profile's vehicle_ids), their
// profiles and their incidents.
package service

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
)

// Formats a generated stream can take.
const (
	FormatJSON    = "json"    // one JSON array (or, for the dataset, one object of arrays)
	FormatNDJSON  = "ndjson"  // one JSON object a line (the dataset's lines carry "entity")
	FormatCSV     = "csv"     // RFC 4180 with a header row, as the snapshot's CSV files
	FormatParquet = "parquet" // as the snapshot's Parquet files
)

// mediaTypes are the media types of the formats, by format name, which is
// also the extension of a snapshot file of that format.
var mediaTypes = map[string]string{
	FormatJSON:    "application/json",
	FormatNDJSON:  "application/x-ndjson",
	FormatCSV:     "text/csv; charset=utf-8",
	FormatParquet: "application/vnd.apache.parquet",
}

// MediaType is the media type of a format ("" for an unknown one).
func MediaType(format string) string { return mediaTypes[format] }

// Dataset, in place of an entity name, asks for every entity the config makes.
const Dataset = "dataset"

// GenerateRequest asks for the households of persons [Offset, Offset+Records)
// of the run the config (with Seed) describes, and what belongs to them.
type GenerateRequest struct {
	Entity  string // an entity the config makes (persons, vehicles, profiles …) or Dataset
	Records int64  // persons, 1 to the service's cap
	Seed    *int64 // nil: the config's seed
	Offset  int64  // persons to skip, 0 or more
	Format  string // FormatJSON, FormatNDJSON, FormatCSV or FormatParquet
}

// RecordRequest asks for one record of the configured dataset by its id,
// with the records linked to it.
type RecordRequest struct {
	Entity  string   // persons, vehicles, profiles, incidents …
	ID      string   // PER-0000001234, INC-0000001234-01
	Include []string // any other entities the config makes: those of the persons the record is about
}

// Record is one record and, by entity name, the records linked to it.
//
// Records are the JSON objects the dataset file holds, as rendered, columns
// in contract order: served without decoding them again.
type Record struct {
	Entity string                       `json:"entity"`
	Record json.RawMessage              `json:"record"`
	Linked map[string][]json.RawMessage `json:"linked,omitempty"`
}

// EntitySchema describes an entity: its columns, their types and the rules
// that check it.
type EntitySchema struct {
	Entity     string         `json:"entity"`
	Singular   string         `json:"singular"`
	IDPrefix   string         `json:"id_prefix"`
	Columns    []Column       `json:"columns"`
	Rules      []Rule         `json:"rules"`
	JSONSchema map[string]any `json:"json_schema"`
}

// Column is one column of an entity.
type Column struct {
	Name        string   `json:"name"`
	Type        string   `json:"type"` // string, enum, date, int, list<string>
	Nullable    bool     `json:"nullable,omitempty"`
	Enum        []string `json:"enum,omitempty"`
	Pattern     string   `json:"pattern,omitempty"`
	Description string   `json:"description,omitempty"`
}

// Rule is one rule of the contract.
type Rule struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Snapshot is one governed snapshot folder under the service's snapshots root.
type Snapshot struct {
	Version     string `json:"version"`         // v0.1
	Path        string `json:"path"`            // relative to the snapshots root: v0.1, variants/clean-licences/v0.1
	ManifestSHA string `json:"manifest_sha256"` // the ETag of its files
	Files       int    `json:"files"`
	Records     int64  `json:"records"` // persons, from its metadata
}

// Served is how many records of each entity a Generate wrote, by name.
type Served map[string]int64

// API is what the HTTP handlers and the MCP tools call.
type API interface {
	// Entities names what /generate/{entity} and /{entity}/{id} serve, in declaration order.
	Entities() []string
	// Generate streams the records to w in the requested format and
	// returns how many of each entity it wrote; Check runs first so a bad
	// request is refused before a byte is written.
	Generate(ctx context.Context, req GenerateRequest, w io.Writer) (Served, error)
	// CheckGenerate refuses a request that Generate would refuse.
	CheckGenerate(req GenerateRequest) error
	// MaxRecords is the most persons one Generate request may ask for
	// (from 1).
	MaxRecords() int64
	Record(ctx context.Context, req RecordRequest) (Record, error)
	Describe(entity string) (EntitySchema, error)
	Snapshots() ([]Snapshot, error)
	// Manifest returns a snapshot's manifest bytes and their SHA-256 (the ETag).
	Manifest(path string) (raw []byte, sha string, err error)
	// OpenFile opens one file a snapshot's manifest lists, never anything else
	// (no path outside the snapshot folder, no symlink, only listed names).
	OpenFile(path, name string) (File, error)
	// Validate runs `synthpipe validate` on a snapshot and returns its report as JSON.
	Validate(ctx context.Context, path string) ([]byte, bool, error)
	// Ready reports whether the config is loaded and the snapshots root readable.
	Ready() error
}

// File is an open snapshot file, served with Range and ETag.
type File interface {
	io.ReadSeekCloser
	Size() int64
	Name() string
	ContentType() string
	ETag() string // the manifest's SHA-256 of this file
}

// BadInput is a request parameter that is not allowed (HTTP 400).
type BadInput struct {
	Param   string // records, seed, offset, format, entity, include, id, path …
	Value   string
	Allowed string // what is allowed, in words
}

func (e *BadInput) Error() string {
	return fmt.Sprintf("%s %q is not allowed: %s", e.Param, e.Value, e.Allowed)
}

// NotFound is an entity, id, snapshot or file that does not exist (HTTP 404).
type NotFound struct {
	What, Value string
	Allowed     string // what exists, when it is short enough to list
}

func (e *NotFound) Error() string {
	if e.Allowed != "" {
		return fmt.Sprintf("%s %q not found (allowed: %s)", e.What, e.Value, e.Allowed)
	}
	return fmt.Sprintf("%s %q not found", e.What, e.Value)
}
