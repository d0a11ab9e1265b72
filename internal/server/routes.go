package server

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/synthpipe/synthpipe/internal/service"
)

// optInt64 is an optional integer query parameter: huma has no pointer
// parameters, so it records whether the client set it.
type optInt64 struct {
	Value int64
	Set   bool
}

func (o *optInt64) Receiver() reflect.Value      { return reflect.ValueOf(o).Elem().Field(0) }
func (o *optInt64) OnParamSet(isSet bool, _ any) { o.Set = isSet }

// boundRecords gives /generate's records parameter its maximum, the
// service's cap (--max-records): a tag cannot hold a value known only at
// start, so it is set on the schema huma documents and validates the
// parameter by (one pointer), with its messages made again.
func (s *Server) boundRecords() {
	for _, p := range s.huma.OpenAPI().Paths["/generate/{entity}"].Get.Parameters {
		if p.In == "query" && p.Name == "records" {
			p.Schema.Maximum = new(float64(s.api.MaxRecords()))
			p.Schema.PrecomputeMessages()
			return
		}
	}
	panic("server: /generate has no records parameter")
}

// Schema documents the parameter as the integer it is, not its wrapper.
func (optInt64) Schema(r huma.Registry) *huma.Schema {
	return r.Schema(reflect.TypeFor[int64](), true, "")
}

type healthOutput struct {
	Body struct {
		Status string `json:"status" example:"ok"`
	}
}

type generateInput struct {
	Entity  string   `path:"entity" doc:"an entity the config makes, or dataset for all of them (see the description)"`
	Records int64    `query:"records" default:"10" minimum:"1" doc:"persons to generate, 1 to the server's cap (--max-records); each brings what belongs to it"`
	Seed    optInt64 `query:"seed" doc:"seed of the run; default: the config's seed"`
	Offset  int64    `query:"offset" default:"0" minimum:"0" doc:"persons to skip: records [offset, offset+records) of the run"`
	Format  string   `query:"format" default:"json" enum:"json,ndjson,csv,parquet" doc:"json: one array (dataset: one object of arrays); ndjson: one object a line; csv and parquet: as the snapshot's files (the service refuses a format an entity cannot take)"`
}

type recordInput struct {
	ID      string   `path:"id" doc:"the record's id, e.g. PER-0000001234 or INC-0000001234-01; one that breaks the entity's id pattern is refused with 400"`
	Include []string `query:"include,explode" doc:"other entities to include, those of the persons the record is about: include=vehicles,profiles or include=vehicles&include=profiles"`
}

type recordOutput struct {
	Body service.Record
}

type snapshotItem struct {
	service.Snapshot
	ManifestURL string `json:"manifest_url" doc:"where to get its manifest"`
	FilesURL    string `json:"files_url" doc:"append a file name the manifest lists"`
}

type snapshotsOutput struct {
	Body struct {
		Snapshots []snapshotItem `json:"snapshots"`
	}
}

// snapshotInput names a snapshot: {version} is the folder's last element
// and dir the folders above it, so nested snapshots need no slash in a
// path segment (a %2F would reach the service decoded, and proxies
// disagree about it).
type snapshotInput struct {
	Version string `path:"version" doc:"the snapshot folder, e.g. v0.1"`
	Dir     string `query:"dir" doc:"the folders above it under the snapshots root, for nested snapshots: variants/clean-licences for variants/clean-licences/v0.1; empty for the governed top-level snapshots"`
}

// fileInput repeats snapshotInput's fields: huma does not read
// parameters from an embedded struct.
type fileInput struct {
	Version string `path:"version" doc:"the snapshot folder, e.g. v0.1"`
	Dir     string `query:"dir" doc:"the folders above it under the snapshots root, for nested snapshots: variants/clean-licences for variants/clean-licences/v0.1; empty for the governed top-level snapshots"`
	Name    string `path:"name" doc:"a file the manifest lists, e.g. persons_v0_1.csv"`
}

const snapshotScheme = "A snapshot at <snapshots root>/<dir>/<version> is addressed as /snapshots/{version}/… with ?dir=<dir> " +
	"(e.g. /snapshots/v0.1/manifest?dir=variants/clean-licences); top-level snapshots need no dir. " +
	"GET /snapshots lists each snapshot with its URLs."

var generateFormats = []string{service.FormatJSON, service.FormatNDJSON, service.FormatCSV, service.FormatParquet}

func (s *Server) routes(entities []string) {
	huma.Register(s.huma, huma.Operation{
		OperationID: "healthz", Method: http.MethodGet, Path: "/healthz", Tags: []string{"health"},
		Summary:     "Liveness",
		Description: "200 while the process serves requests. Never needs the token.",
		Security:    []map[string][]string{},
	}, func(context.Context, *struct{}) (*healthOutput, error) {
		out := &healthOutput{}
		out.Body.Status = "ok"
		return out, nil
	})
	huma.Register(s.huma, huma.Operation{
		OperationID: "readyz", Method: http.MethodGet, Path: "/readyz", Tags: []string{"health"},
		Summary:     "Readiness",
		Description: "200 when the config is loaded and the snapshots root readable, else 503.",
		Errors:      []int{http.StatusServiceUnavailable},
	}, func(context.Context, *struct{}) (*healthOutput, error) {
		if err := s.api.Ready(); err != nil {
			return nil, problem(http.StatusServiceUnavailable, "", "", "not ready: "+err.Error())
		}
		out := &healthOutput{}
		out.Body.Status = "ready"
		return out, nil
	})

	streamed := map[string]*huma.MediaType{}
	for _, f := range generateFormats {
		streamed[service.MediaType(f)] = &huma.MediaType{}
	}
	huma.Register(s.huma, huma.Operation{
		OperationID: "generate", Method: http.MethodGet, Path: "/generate/{entity}", Tags: []string{"generate"},
		Summary: "Generate records",
		Description: "Streams the records of persons [offset, offset+records) of the configured run (with seed), made by the " +
			"configured pipeline exactly as `synthpipe run` makes them, in the requested format. entity: one of " +
			strings.Join(entities, ", ") + ", or dataset for every entity. An entity's records are sent as they are made. " +
			"The dataset is grouped by entity, so part of it waits in a temporary file (on disk, not in memory): in json the whole " +
			"document, sent once the run has passed its validate stage; in ndjson every entity's lines but the first's, sent after " +
			"the first's, which stream. A request refused is refused before a byte is sent; a run that fails after the first byte " +
			"ends the body without its final chunk, so it cannot pass for complete. When too many streams run at once the answer " +
			"is 429 with Retry-After.",
		Errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusTooManyRequests},
		Responses: map[string]*huma.Response{
			"200": {Description: "the records, streamed", Content: streamed},
		},
	}, s.generateHandler)
	s.boundRecords()

	for _, e := range entities {
		e := e
		huma.Register(s.huma, huma.Operation{
			OperationID: "get-" + e, Method: http.MethodGet, Path: "/" + e + "/{id}", Tags: []string{"records"},
			Summary:     "One of " + e + " by id",
			Description: "The record of " + e + " with this id in the configured dataset, found in constant time, with the linked records named by include.",
			Errors:      []int{http.StatusBadRequest, http.StatusNotFound},
		}, func(ctx context.Context, in *recordInput) (*recordOutput, error) {
			rec, err := s.api.Record(ctx, service.RecordRequest{Entity: e, ID: in.ID, Include: splitList(in.Include)})
			if err != nil {
				return nil, s.fromService(ctx, err)
			}
			s.metrics.served(e, 1)
			return &recordOutput{Body: rec}, nil
		})
	}

	huma.Register(s.huma, huma.Operation{
		OperationID: "list-snapshots", Method: http.MethodGet, Path: "/snapshots", Tags: []string{"snapshots"},
		Summary:     "The governed snapshots",
		Description: "Every snapshot under the server's snapshots root. " + snapshotScheme,
	}, func(ctx context.Context, _ *struct{}) (*snapshotsOutput, error) {
		snaps, err := s.api.Snapshots()
		if err != nil {
			return nil, s.fromService(ctx, err)
		}
		out := &snapshotsOutput{}
		out.Body.Snapshots = make([]snapshotItem, 0, len(snaps))
		for _, sn := range snaps {
			base := "/snapshots/" + path.Base(sn.Path)
			q := ""
			if d := path.Dir(sn.Path); d != "." {
				q = "?dir=" + strings.ReplaceAll(url.QueryEscape(d), "%2F", "/") // slashes are fine in a query and easier to read
			}
			out.Body.Snapshots = append(out.Body.Snapshots, snapshotItem{Snapshot: sn, ManifestURL: base + "/manifest" + q, FilesURL: base + "/files/{name}" + q})
		}
		return out, nil
	})
	huma.Register(s.huma, huma.Operation{
		OperationID: "get-manifest", Method: http.MethodGet, Path: "/snapshots/{version}/manifest", Tags: []string{"snapshots"},
		Summary: "A snapshot's manifest",
		Description: "The manifest as written, with ETag = its SHA-256 (quoted); If-None-Match answers 304. " + snapshotScheme +
			" A path that would leave the snapshots root (.., an absolute or encoded path) is refused with 400.",
		Errors: []int{http.StatusBadRequest, http.StatusNotFound},
		Responses: map[string]*huma.Response{
			"200": {Description: "the manifest", Content: map[string]*huma.MediaType{"application/json": {}},
				Headers: map[string]*huma.Param{"ETag": {Description: "the manifest's SHA-256, quoted", Schema: &huma.Schema{Type: "string"}}}},
			"304": {Description: "not modified"},
		},
	}, s.manifestHandler)
	huma.Register(s.huma, huma.Operation{
		OperationID: "get-snapshot-file", Method: http.MethodGet, Path: "/snapshots/{version}/files/{name}", Tags: []string{"snapshots"},
		Summary: "A file of a snapshot",
		Description: "A file the snapshot's manifest lists, nothing else: Range requests (206, 416), ETag = the file's SHA-256 " +
			"from the manifest, If-None-Match (304), Content-Length and the file's media type. " + snapshotScheme,
		Errors: []int{http.StatusBadRequest, http.StatusNotFound},
		Responses: map[string]*huma.Response{
			"200": {Description: "the file", Content: map[string]*huma.MediaType{"application/octet-stream": {}}},
			"206": {Description: "the requested range"},
			"304": {Description: "not modified"},
			"416": {Description: "range not satisfiable"},
		},
	}, s.fileHandler)
}

func (s *Server) generateHandler(ctx context.Context, in *generateInput) (*huma.StreamResponse, error) {
	req := service.GenerateRequest{Entity: in.Entity, Records: in.Records, Offset: in.Offset, Format: in.Format}
	if in.Seed.Set {
		seed := in.Seed.Value
		req.Seed = &seed
	}
	if err := s.api.CheckGenerate(req); err != nil {
		return nil, s.fromService(ctx, err)
	}
	return &huma.StreamResponse{Body: func(hctx huma.Context) {
		r, w := humago.Unwrap(hctx)
		release, ok := s.admit(w)
		if !ok {
			return
		}
		defer release()
		sw := &streamWriter{w: s.deadlineWriter(w), contentType: service.MediaType(req.Format)}
		if r.Method == http.MethodHead {
			sw.start() // the mux routes HEAD here: headers only, no pipeline run
			return
		}
		served, err := s.api.Generate(r.Context(), req, sw)
		if err == nil {
			if sw.n == 0 {
				sw.start() // an empty body is still a 200 with the right type
			}
			for e, n := range served {
				s.metrics.served(e, n)
			}
			return
		}
		if sw.n == 0 {
			s.writeServiceProblem(w, r, err) // nothing sent yet: the client still gets a proper problem
			return
		}
		// Mid-stream the status is sent: abort the connection so the client
		// sees a truncated body (no final chunk) rather than a short one
		// that looks complete.
		s.log.Error().Err(err).Str("request_id", requestIDFrom(r.Context())).Int64("bytes", sw.n).Msg("generate failed mid-stream")
		panic(http.ErrAbortHandler)
	}}, nil
}

// streamWriter sends the status and Content-Type with the first byte, so
// a Generate that fails before writing can still answer with a problem.
// It writes straight through to the connection's ResponseWriter (by way of
// a deadlineWriter): no layer between Generate and the socket holds more
// than net/http's own 4 KiB.
type streamWriter struct {
	w           http.ResponseWriter
	contentType string
	n           int64
}

func (sw *streamWriter) start() {
	sw.w.Header().Set("Content-Type", sw.contentType)
	sw.w.Header().Set("X-Content-Type-Options", "nosniff")
	sw.w.WriteHeader(http.StatusOK)
}

func (sw *streamWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if sw.n == 0 {
		sw.start()
	}
	n, err := sw.w.Write(p)
	sw.n += int64(n)
	return n, err
}

// snapshotPath checks the parts of a snapshot address before the service
// (which checks again): one segment each for version and name, and dir a
// clean relative path; nothing that names a parent, the root or a hidden
// working folder.
func snapshotPath(r *http.Request, in snapshotInput, name *string) (string, error) {
	if strings.Contains(strings.ToLower(r.URL.EscapedPath()), "%2f") || strings.Contains(strings.ToLower(r.URL.EscapedPath()), "%5c") {
		return "", problem(http.StatusBadRequest, "path", r.URL.EscapedPath(), "encoded slashes are not allowed in a snapshot path")
	}
	seg := func(param, v string) error {
		if v == "" || v == "." || v == ".." || strings.ContainsAny(v, "/\\\x00") || strings.HasPrefix(v, ".") {
			return problem(http.StatusBadRequest, "path."+param, v, param+" must be one folder or file name (no slashes, no leading dot)")
		}
		return nil
	}
	if err := seg("version", in.Version); err != nil {
		return "", err
	}
	if name != nil {
		if err := seg("name", *name); err != nil {
			return "", err
		}
	}
	if in.Dir == "" {
		return in.Version, nil
	}
	for _, part := range strings.Split(in.Dir, "/") {
		if err := seg("dir", part); err != nil {
			return "", problem(http.StatusBadRequest, "query.dir", in.Dir, "dir must be a relative path of folder names under the snapshots root (no .., no leading slash, no leading dot)")
		}
	}
	return in.Dir + "/" + in.Version, nil
}

func (s *Server) manifestHandler(ctx context.Context, in *snapshotInput) (*huma.StreamResponse, error) {
	return &huma.StreamResponse{Body: func(hctx huma.Context) {
		r, w := humago.Unwrap(hctx)
		p, err := snapshotPath(r, *in, nil)
		if err != nil {
			writeProblem(w, err.(*huma.ErrorModel))
			return
		}
		raw, sha, err := s.api.Manifest(p)
		if err != nil {
			s.writeServiceProblem(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("ETag", `"`+sha+`"`)
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeContent(&rangeProblem{ResponseWriter: w}, r, "", time.Time{}, bytes.NewReader(raw))
	}}, nil
}

func (s *Server) fileHandler(ctx context.Context, in *fileInput) (*huma.StreamResponse, error) {
	return &huma.StreamResponse{Body: func(hctx huma.Context) {
		r, w := humago.Unwrap(hctx)
		p, err := snapshotPath(r, snapshotInput{Version: in.Version, Dir: in.Dir}, &in.Name)
		if err != nil {
			writeProblem(w, err.(*huma.ErrorModel))
			return
		}
		f, err := s.api.OpenFile(p, in.Name)
		if err != nil {
			s.writeServiceProblem(w, r, err)
			return
		}
		defer f.Close()
		w.Header().Set("Content-Type", f.ContentType())
		w.Header().Set("ETag", `"`+f.ETag()+`"`)
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		http.ServeContent(&rangeProblem{ResponseWriter: s.deadlineWriter(w)}, r, f.Name(), time.Time{}, f)
	}}, nil
}

// rangeProblem turns http.ServeContent's one error answer, 416 in plain
// text, into a problem like every other error (Content-Range kept).
type rangeProblem struct {
	http.ResponseWriter
	swallow bool
}

func (rp *rangeProblem) WriteHeader(code int) {
	if code == http.StatusRequestedRangeNotSatisfiable {
		rp.swallow = true
		writeProblem(rp.ResponseWriter, problem(code, "header.Range", "", "range not satisfiable: the file has "+
			strings.TrimPrefix(rp.Header().Get("Content-Range"), "bytes */")+" bytes"))
		return
	}
	rp.ResponseWriter.WriteHeader(code)
}

func (rp *rangeProblem) Write(p []byte) (int, error) {
	if rp.swallow {
		return len(p), nil
	}
	return rp.ResponseWriter.Write(p)
}

func (s *Server) writeServiceProblem(w http.ResponseWriter, r *http.Request, err error) {
	var em *huma.ErrorModel
	if !errors.As(s.fromService(r.Context(), err), &em) {
		em = problem(http.StatusInternalServerError, "", "", "internal error")
	}
	writeProblem(w, em)
}

// splitList flattens a repeated and comma-separated query list
// (include=a,b&include=c) into its items.
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}
