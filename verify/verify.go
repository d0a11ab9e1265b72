// Package verify proves that a snapshot folder is whole, correct and
// privacy-safe: every file is the one its manifest describes (size, SHA-256,
// record count, nothing missing or extra), and every record read back from
// the CSV, Parquet and JSON files keeps data contract v0.1 — with the same
// rule code as the validate stage (package contract). The three formats
// must agree record for record. Everything streams: memory does not grow
// with the snapshot.
package verify

import (
	"github.com/synthpipe/synthpipe/readback"

	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/synthpipe/synthpipe/contract"
	"github.com/synthpipe/synthpipe/model"
	"github.com/synthpipe/synthpipe/pipeline"
	"github.com/synthpipe/synthpipe/refdata"
	"github.com/synthpipe/synthpipe/schema"
)

// FileRules are the rules about files, checked beside the record rules of
// package contract.
var FileRules = []contract.Rule{
	{Name: "file_present", Description: "every file in the manifest exists"},
	{Name: "no_unexpected_files", Description: "the folder holds no file the manifest does not list"},
	{Name: "bytes_match_manifest", Description: "a file's size is the manifest's"},
	{Name: "sha256_match_manifest", Description: "a file's SHA-256 is the manifest's"},
	{Name: "records_match_manifest", Description: "a file holds the manifest's record count"},
	{Name: "metadata_counts_match_manifest", Description: "metadata record counts equal the manifest's"},
	{Name: "metadata_consistent", Description: "metadata_<v>.json equals the dataset's metadata"},
	{Name: "columns_match_contract", Description: "CSV header and Parquet schema have the contract's columns, order and types"},
	{Name: "column_type", Description: "every CSV value parses as its column's type"},
	{Name: "json_schema", Description: "every JSON document and record validates against its schema (docs/schemas)"},
	{Name: "file_readable", Description: "a data file can be read to its end"},
	{Name: "formats_agree", Description: "CSV, Parquet and JSON hold the same records in the same order"},
}

// UnusableError means the input is not a snapshot that can be checked at
// all (exit code 2), as opposed to a snapshot that breaks rules (exit 3).
type UnusableError struct{ Err error }

func (e *UnusableError) Error() string { return e.Err.Error() }
func (e *UnusableError) Unwrap() error { return e.Err }

// IsUnusable reports whether err is an UnusableError.
func IsUnusable(err error) bool {
	var u *UnusableError
	return errors.As(err, &u)
}

func unusable(format string, args ...any) error {
	return &UnusableError{Err: fmt.Errorf(format, args...)}
}

// Run validates the snapshot folder dir.
func Run(dir string) (*Report, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, unusable("%s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, unusable("%s is not a folder (want a snapshot folder such as data/snapshots/v0.1)", dir)
	}
	manifests, _ := filepath.Glob(filepath.Join(dir, "snapshot_manifest_*.json"))
	if len(manifests) != 1 {
		return nil, unusable("%s is not a snapshot folder: want exactly one snapshot_manifest_<version>.json, found %d", dir, len(manifests))
	}
	schemas, err := schema.Compile()
	if err != nil {
		return nil, err
	}
	rep := newReport(dir)
	rep.RulesChecked = len(contract.Rules) + len(FileRules)

	manName := filepath.Base(manifests[0])
	manRaw, err := os.ReadFile(manifests[0])
	if err != nil {
		return nil, unusable("%s: %w", manName, err)
	}
	var man model.Manifest
	if err := json.Unmarshal(manRaw, &man); err != nil {
		return nil, unusable("%s is not a manifest: %w", manName, err)
	}
	if err := schemas.Validate("manifest", manRaw); err != nil {
		rep.add(contract.Violation{File: manName, Entity: "manifest", Column: "*", Rule: "json_schema", Value: err.Error()})
	}
	rep.SnapshotVersion = man.SnapshotVersion
	suffix := strings.TrimSuffix(strings.TrimPrefix(manName, "snapshot_manifest_"), ".json")

	listed := map[string]pipeline.FileInfo{}
	for _, f := range man.Files {
		listed[f.Name] = f
		rep.Files = append(rep.Files, FileResult{Name: f.Name, Entity: f.Entity, Format: f.Format, Records: f.Records, Bytes: f.Bytes})
	}
	checkFiles(dir, manName, man, rep)

	meta, err := readMetadata(dir, suffix, listed, schemas, rep)
	if err != nil {
		return nil, err
	}
	ref, err := refdata.Default()
	if err != nil {
		return nil, err
	}
	refDate, err := model.ParseDate(meta.ReferenceDate)
	if err != nil {
		return nil, unusable("metadata reference_date: %w", err)
	}
	counts := map[string]int64{}
	digs := map[string]map[string]*digests{} // format -> entity -> digests
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, format := range []string{"csv", "parquet", "json"} {
		wg.Go(func() {
			c := map[string]int64{}
			d := checkRecords(dir, suffix, format, listed, schemas, &contract.Checker{Seed: meta.Seed, RefDate: refDate, Ref: ref}, rep, c)
			mu.Lock()
			defer mu.Unlock()
			maps.Copy(counts, c)
			if d != nil {
				digs[format] = d
			}
		})
	}
	wg.Wait()
	for name, n := range counts {
		if f, ok := listed[name]; ok && f.Records != n {
			rep.add(contract.Violation{File: name, Entity: entityOf(name), Column: "*", Rule: "records_match_manifest", Value: fmt.Sprintf("%d records, manifest says %d", n, f.Records)})
		}
	}
	for entity, want := range map[string]int64{"persons": meta.RecordCountPersons, "vehicles": meta.RecordCountVehicles, "profiles": meta.RecordCountProfiles} {
		for _, ext := range []string{"csv", "parquet"} {
			name := entity + "_" + suffix + "." + ext
			if f, ok := listed[name]; ok && f.Records != want {
				rep.add(contract.Violation{File: "metadata_" + suffix + ".json", Entity: "metadata", Column: "record_count_" + entity, Rule: "metadata_counts_match_manifest", Value: fmt.Sprintf("%d, manifest lists %d in %s", want, f.Records, name)})
			}
		}
	}
	compareFormats(digs, suffix, rep)
	rep.finish()
	return rep, nil
}

// checkFiles compares the folder with the manifest: presence, size, SHA-256,
// and nothing unexpected.
func checkFiles(dir, manName string, man model.Manifest, rep *Report) {
	for _, f := range man.Files {
		path := filepath.Join(dir, f.Name)
		fh, err := os.Open(path)
		if err != nil {
			rep.add(contract.Violation{File: f.Name, Entity: f.Entity, Column: "*", Rule: "file_present", Value: "missing"})
			continue
		}
		h := sha256.New()
		n, err := io.Copy(h, fh)
		fh.Close()
		if err != nil {
			rep.add(contract.Violation{File: f.Name, Entity: f.Entity, Column: "*", Rule: "file_readable", Value: err.Error()})
			continue
		}
		if n != f.Bytes {
			rep.add(contract.Violation{File: f.Name, Entity: f.Entity, Column: "*", Rule: "bytes_match_manifest", Value: fmt.Sprintf("%d bytes, manifest says %d", n, f.Bytes)})
		}
		if sum := hex.EncodeToString(h.Sum(nil)); sum != f.SHA256 {
			rep.add(contract.Violation{File: f.Name, Entity: f.Entity, Column: "*", Rule: "sha256_match_manifest", Value: sum})
		}
	}
	entries, _ := os.ReadDir(dir)
	var extra []string
	for _, e := range entries {
		if e.Name() == manName {
			continue
		}
		found := false
		for _, f := range man.Files {
			found = found || f.Name == e.Name()
		}
		if !found {
			extra = append(extra, e.Name())
		}
	}
	sort.Strings(extra)
	for _, name := range extra {
		rep.add(contract.Violation{File: name, Entity: "file", Column: "*", Rule: "no_unexpected_files", Value: "not in the manifest"})
	}
}

// readMetadata reads metadata_<v>.json, or the dataset's metadata section
// when that file is missing; without either the rules cannot be applied.
func readMetadata(dir, suffix string, listed map[string]pipeline.FileInfo, schemas *schema.Set, rep *Report) (model.Metadata, error) {
	var meta, fromDataset model.Metadata
	name := "metadata_" + suffix + ".json"
	haveFile, haveDataset := false, false
	if raw, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
		if err := schemas.Validate("metadata", raw); err != nil {
			rep.add(contract.Violation{File: name, Entity: "metadata", Column: "*", Rule: "json_schema", Value: err.Error()})
		}
		haveFile = json.Unmarshal(raw, &meta) == nil
	} else if _, ok := listed[name]; !ok {
		rep.add(contract.Violation{File: name, Entity: "metadata", Column: "*", Rule: "file_present", Value: "missing"})
	}
	dataset := filepath.Join(dir, "dataset_"+suffix+".json")
	if raw, err := datasetMetadata(dataset); err == nil {
		if err := schemas.Validate("metadata", raw); err != nil {
			rep.add(contract.Violation{File: filepath.Base(dataset), Entity: "metadata", Column: "*", Rule: "json_schema", Value: err.Error()})
		}
		haveDataset = json.Unmarshal(raw, &fromDataset) == nil
	}
	switch {
	case haveFile && haveDataset && meta != fromDataset:
		rep.add(contract.Violation{File: filepath.Base(dataset), Entity: "metadata", Column: "metadata", Rule: "metadata_consistent", Value: "differs from " + name})
	case !haveFile && haveDataset:
		meta = fromDataset
	case !haveFile:
		return meta, unusable("no readable metadata (%s or the dataset's metadata): the seed and reference date are needed to check the rules", name)
	}
	return meta, nil
}

func datasetMetadata(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("not an object")
	}
	if tok, err := dec.Token(); err != nil || tok != "metadata" {
		return nil, fmt.Errorf("metadata is not the first key")
	}
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, err
	}
	return raw, nil
}

// entityOf names the entity of a file: persons_v0_1.csv -> person.
func entityOf(name string) string {
	base, _, _ := strings.Cut(name, "_")
	return strings.TrimSuffix(base, "s")
}

// compareFormats reports, per entity, the format whose records differ from
// the others (by majority of the three), at the first differing chunk.
func compareFormats(digs map[string]map[string]*digests, suffix string, rep *Report) {
	formats := []string{}
	for _, f := range []string{"csv", "parquet", "json"} {
		if digs[f] != nil {
			formats = append(formats, f)
		}
	}
	for _, entity := range []string{"persons", "vehicles", "profiles"} {
		differs := func(a, b string) int { return firstDiff(digs[a][entity], digs[b][entity]) }
		var odd []string
		switch len(formats) {
		case 2: // no majority: name both
			if differs(formats[0], formats[1]) >= 0 {
				odd = formats
			}
		case 3:
			ab, ac, bc := differs(formats[0], formats[1]) >= 0, differs(formats[0], formats[2]) >= 0, differs(formats[1], formats[2]) >= 0
			switch {
			case ab && ac && !bc:
				odd = formats[:1]
			case ab && bc && !ac:
				odd = formats[1:2]
			case ac && bc && !ab:
				odd = formats[2:]
			case ab && ac && bc:
				odd = formats
			}
		}
		for _, f := range odd {
			other := formats[0]
			if other == f {
				other = formats[1]
			}
			i := differs(f, other)
			d := digs[f][entity]
			first := ""
			if i < len(d.firsts) {
				first = d.firsts[i]
			}
			file := entity + "_" + suffix + "." + f
			if f == "json" {
				file = "dataset_" + suffix + ".json"
			}
			rep.add(contract.Violation{File: file, Row: int64(i)*digestChunk + 1, Entity: strings.TrimSuffix(entity, "s"), RecordID: first, Column: "*",
				Rule: "formats_agree", Value: fmt.Sprintf("records %d-%d differ from the other formats' %s", int64(i)*digestChunk+1, int64(i+1)*digestChunk, entity)})
		}
	}
}

// firstDiff returns the first chunk where a and b differ, or -1.
func firstDiff(a, b *digests) int {
	if a == nil || b == nil {
		return -1
	}
	for i := 0; i < max(len(a.chunks), len(b.chunks)); i++ {
		if i >= len(a.chunks) || i >= len(b.chunks) || a.chunks[i] != b.chunks[i] {
			return i
		}
	}
	if a.n != b.n {
		return len(a.chunks) - 1
	}
	return -1
}

// checkRecords reads one format's files and applies every record rule. It
// returns the digests of the records, or nil when the format is absent.
func checkRecords(dir, suffix, format string, listed map[string]pipeline.FileInfo, schemas *schema.Set, chk *contract.Checker, rep *Report, counts map[string]int64) map[string]*digests {
	names := map[string]string{}
	for _, e := range []string{"persons", "vehicles", "profiles"} {
		if format == "json" {
			names[e] = "dataset_" + suffix + ".json"
		} else {
			names[e] = e + "_" + suffix + "." + format
		}
		if _, ok := listed[names[e]]; !ok {
			return nil
		}
	}
	var closers []func() error
	defer func() {
		for _, c := range closers {
			c()
		}
	}()
	pSrc, err1 := open(dir, names["persons"], "persons", format, model.PersonColumns, schemas, "person")
	vSrc, err2 := open(dir, names["vehicles"], "vehicles", format, model.VehicleColumns, schemas, "vehicle")
	prSrc, err3 := open(dir, names["profiles"], "profiles", format, model.ProfileColumns, schemas, "profile")
	if err1 == nil {
		closers = append(closers, pSrc.Close)
	}
	if err2 == nil {
		closers = append(closers, vSrc.Close)
	}
	if err3 == nil {
		closers = append(closers, prSrc.Close)
	}
	bad := false
	for i, err := range []error{err1, err2, err3} {
		if err == nil {
			continue
		}
		bad = true
		name := names[[]string{"persons", "vehicles", "profiles"}[i]]
		var he *readback.HeaderError
		var se *readback.SchemaError
		rule := "file_readable"
		if errors.As(err, &he) || errors.As(err, &se) {
			rule = "columns_match_contract"
		}
		if os.IsNotExist(errors.Unwrap(err)) || os.IsNotExist(err) {
			continue // reported as file_present
		}
		rep.add(contract.Violation{File: name, Entity: entityOf(name), Column: "*", Rule: rule, Value: firstLine(err.Error())})
	}
	if bad {
		return nil
	}
	ps := newStream(pSrc, names["persons"], "person", model.PersonColumns, func(p *model.Person) string { return p.PersonID }, rep)
	vs := newStream(vSrc, names["vehicles"], "vehicle", model.VehicleColumns, func(v *model.Vehicle) string { return v.VehicleID }, rep)
	prs := newStream(prSrc, names["profiles"], "profile", model.ProfileColumns, func(p *model.Profile) string { return p.ProfileID }, rep)
	checkFormat(ps, vs, prs, chk, rep)
	if format == "json" {
		counts[names["persons"]] = pSrc.Row() + vSrc.Row() + prSrc.Row()
	} else {
		counts[names["persons"]], counts[names["vehicles"]], counts[names["profiles"]] = pSrc.Row(), vSrc.Row(), prSrc.Row()
	}
	return map[string]*digests{"persons": &ps.dig, "vehicles": &vs.dig, "profiles": &prs.dig}
}

// open makes the source of one entity of one format.
func open[T any](dir, name, section, format string, cols []model.Column[T], schemas *schema.Set, entity string) (readback.Source[T], error) {
	path := filepath.Join(dir, name)
	switch format {
	case "json":
		s, err := readback.NewJSON[T](path, section, func(raw []byte) error { return schemas.Validate(entity, raw) })
		if err != nil {
			return nil, err
		}
		return readback.Prefetch[T](s), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if format == "csv" {
		s, err := readback.NewCSV[T](f, f, cols)
		if err != nil {
			f.Close()
			return nil, err
		}
		return readback.Prefetch[T](s), nil
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	s, err := readback.NewParquet[T](f, st.Size(), f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return readback.Prefetch[T](s), nil
}
