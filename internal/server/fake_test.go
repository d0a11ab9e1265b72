package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/synthpipe/synthpipe/internal/service"
)

// fakeAPI is an in-memory service.API: it refuses what the real service
// refuses (by the same error types) and lets a test hold Generate open.
type fakeAPI struct {
	mu       sync.Mutex
	notReady error
	// started receives once per Generate call after its first chunk is
	// written; release, when set, holds each call until it is closed.
	started chan struct{}
	release chan struct{}
	chunks  int           // chunks of chunkSize bytes a Generate writes; default 1
	pace    time.Duration // the wait before each chunk after the first
	fail    error
	calls   []string // snapshot paths and names that reached the service
	files   map[string]map[string][]byte
}

const chunkSize = 64 << 10

func newFake() *fakeAPI {
	return &fakeAPI{files: map[string]map[string][]byte{
		"v0.2":                         {"persons_v0_2.csv": []byte("person_id,name\nPER-0000000001,Ada\n"), "manifest.json": nil},
		"variants/clean-licences/v0.2": {"persons_v0_2.csv": []byte("person_id,name\nPER-0000000001,Bea\n"), "manifest.json": nil},
	}}
}

func (f *fakeAPI) Entities() []string { return []string{"persons", "vehicles", "profiles"} }

func (f *fakeAPI) MaxRecords() int64 { return 1000 }

func (f *fakeAPI) CheckGenerate(req service.GenerateRequest) error {
	if req.Entity != service.Dataset && !slices.Contains(f.Entities(), req.Entity) {
		return &service.NotFound{What: "entity", Value: req.Entity}
	}
	if req.Records < 1 || req.Records > f.MaxRecords() {
		return &service.BadInput{Param: "records", Value: fmt.Sprint(req.Records), Allowed: "1 to 1000"}
	}
	if req.Offset < 0 {
		return &service.BadInput{Param: "offset", Value: fmt.Sprint(req.Offset), Allowed: "0 or more"}
	}
	switch req.Format {
	case service.FormatJSON, service.FormatNDJSON, service.FormatCSV, service.FormatParquet:
	default:
		return &service.BadInput{Param: "format", Value: req.Format, Allowed: "json, ndjson, csv, parquet"}
	}
	if req.Entity == service.Dataset && (req.Format == service.FormatCSV || req.Format == service.FormatParquet) {
		return &service.BadInput{Param: "format", Value: req.Format, Allowed: "json or ndjson for the dataset"}
	}
	return nil
}

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
	if f.fail != nil {
		return f.fail
	}
	seed := int64(-1)
	if req.Seed != nil {
		seed = *req.Seed
	}
	head := fmt.Sprintf("entity=%s records=%d seed=%d offset=%d format=%s\n", req.Entity, req.Records, seed, req.Offset, req.Format)
	if _, err := io.WriteString(w, head); err != nil {
		return err
	}
	n := f.chunks
	if n == 0 {
		n = 1
	}
	chunk := bytes.Repeat([]byte("x"), chunkSize)
	for i := range n {
		if i > 0 && f.pace > 0 {
			select {
			case <-time.After(f.pace):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if _, err := w.Write(chunk); err != nil {
			return err
		}
		if i == 0 && f.started != nil {
			f.started <- struct{}{}
		}
		if i == 0 && f.release != nil {
			select {
			case <-f.release:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return nil
}

func (f *fakeAPI) Record(_ context.Context, req service.RecordRequest) (service.Record, error) {
	if !slices.Contains(f.Entities(), req.Entity) {
		return service.Record{}, &service.NotFound{What: "entity", Value: req.Entity}
	}
	if !strings.HasPrefix(req.ID, "PER-") || len(req.ID) != 14 {
		return service.Record{}, &service.BadInput{Param: "id", Value: req.ID, Allowed: "PER- and 10 digits"}
	}
	if req.ID != "PER-0000000001" {
		return service.Record{}, &service.NotFound{What: "persons id", Value: req.ID}
	}
	rec := service.Record{Entity: req.Entity, Record: json.RawMessage(`{"person_id":"` + req.ID + `","name":"Ada"}`)}
	for _, inc := range req.Include {
		if inc != "vehicles" && inc != "profiles" {
			return service.Record{}, &service.BadInput{Param: "include", Value: inc, Allowed: "vehicles, profiles"}
		}
		if rec.Linked == nil {
			rec.Linked = map[string][]json.RawMessage{}
		}
		rec.Linked[inc] = []json.RawMessage{json.RawMessage(`{"person_id":"` + req.ID + `"}`)}
	}
	return rec, nil
}

func (f *fakeAPI) Describe(entity string) (service.EntitySchema, error) {
	return service.EntitySchema{Entity: entity}, nil
}

func (f *fakeAPI) Snapshots() ([]service.Snapshot, error) {
	var out []service.Snapshot
	for _, p := range []string{"v0.2", "variants/clean-licences/v0.2"} {
		raw, sha, _ := f.Manifest(p)
		_ = raw
		out = append(out, service.Snapshot{Version: "v0.2", Path: p, ManifestSHA: sha, Files: 1, Records: 1})
	}
	return out, nil
}

func (f *fakeAPI) record(call string) {
	f.mu.Lock()
	f.calls = append(f.calls, call)
	f.mu.Unlock()
}

func (f *fakeAPI) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// Manifest refuses, like the service, any path that is not a snapshot it has.
func (f *fakeAPI) Manifest(path string) ([]byte, string, error) {
	f.record("manifest " + path)
	files, ok := f.files[path]
	if !ok {
		if strings.Contains(path, "..") || strings.HasPrefix(path, "/") {
			return nil, "", &service.BadInput{Param: "path", Value: path, Allowed: "a snapshot under the snapshots root"}
		}
		return nil, "", &service.NotFound{What: "snapshot", Value: path}
	}
	var b strings.Builder
	b.WriteString(`{"files":[`)
	for name, data := range files {
		if data != nil {
			fmt.Fprintf(&b, `{"name":%q,"sha256":%q}`, name, sum(data))
		}
	}
	b.WriteString("]}")
	return []byte(b.String()), sum([]byte(b.String())), nil
}

func (f *fakeAPI) OpenFile(path, name string) (service.File, error) {
	f.record("file " + path + " " + name)
	files, ok := f.files[path]
	if !ok {
		return nil, &service.NotFound{What: "snapshot", Value: path}
	}
	data, ok := files[name]
	if !ok || data == nil {
		return nil, &service.NotFound{What: "file", Value: name}
	}
	return &fakeFile{Reader: bytes.NewReader(data), name: name, size: int64(len(data)), sha: sum(data)}, nil
}

func (f *fakeAPI) Validate(context.Context, string) ([]byte, bool, error) {
	return []byte("{}"), true, nil
}

func (f *fakeAPI) Ready() error { return f.notReady }

type fakeFile struct {
	*bytes.Reader
	name string
	size int64
	sha  string
}

func (f *fakeFile) Close() error        { return nil }
func (f *fakeFile) Size() int64         { return f.size }
func (f *fakeFile) Name() string        { return f.name }
func (f *fakeFile) ContentType() string { return "text/csv; charset=utf-8" }
func (f *fakeFile) ETag() string        { return f.sha }

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
