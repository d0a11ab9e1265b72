// Package verify proves that a snapshot folder is whole, correct and
// privacy-safe: every file is the one its manifest describes (size, SHA-256,
// record count, nothing missing or extra), and every record read back from
// the CSV, Parquet and JSON files keeps data contract v0.1 — with the same
// rule code as the validate stage (package contract). The three formats
// must agree record for record. Every declared entity's rules are applied
// too: on each row, and those across a household's records (incidents
// against their persons, vehicles and profiles) to batches of whole
// households read in step from all the entities' files, as the validate
// stage applies them to the batches it checks.
//
// # A folder from elsewhere is hostile
//
// Only regular files directly inside the folder are read, and only those
// whose names the contract defines for the manifest's version: for version
// vX.Y, persons_, vehicles_ and profiles_vX_Y.csv and .parquet,
// dataset_vX_Y.json and metadata_vX_Y.json, beside snapshot_manifest_vX_Y.json.
// A listed name that is anything else (a path, "..", evil.sh) is reported
// and never opened; a file is opened with O_NOFOLLOW|O_NONBLOCK and its kind
// taken from the opened descriptor, so a symlink, FIFO or device is
// reported, never followed, waited on or read. Every read is bounded: the
// manifest (4 MiB, 65536 JSON tokens, 32 levels, 1024 entries), metadata
// (1 MiB), a CSV or JSON record (64 KiB), a CSV value (4 KiB), a Parquet
// page (readback's guard); a data file is read at most to its listed size+1,
// and one whose size differs from the manifest's is not hashed. A value
// quoted in a report is cut to 200 bytes and its length.
//
// Memory: validate uses at most ~512 MB whatever the input (each format's
// readers hold a few chunks of at most 256 KiB of records; a checked batch
// — persons, vehicles, profiles and incidents together — at most 16384
// records or 8 MiB; Parquet one page of at most 1 MiB per
// column, values averaging at most 4 KiB, 256 rows at a time). On real
// snapshots of any size it stays near 100 MB, on the hostile inputs of the
// tests under 40 MB. A crafted Parquet list that packs a row group's items
// into one row is refused before parquet-go builds it: readback's guard
// reads every list page's repetition levels, and a row must lie in one page,
// hold at most 1024 items taken from that page's own bytes (no dictionary),
// and a page's rows average at most 64 KiB, so one read of 256 rows holds
// at most 34 MiB of a list column's text (two 1 MiB edge pages and pages of
// at most 128 KiB a row) in at most 1024 items a row.
//
// # Unusable input or violations
//
// Run returns an *UnusableError (synthpipe validate exits 2) when there is
// no snapshot to check: the path is empty or not a folder; it holds no or
// several snapshot_manifest_* files, or one not named
// snapshot_manifest_vX_Y.json; the manifest is a symlink, FIFO or anything
// but a regular file, is larger than its limit, is not JSON or breaks its
// depth, token or entry limits; or no readable metadata gives the seed and
// reference date. Its message starts with the folder's path, and names
// the folder's files, as a report does, by their names within it. Everything
// else is a violation of a named rule in the report (exit 3): an extra
// file (no_unexpected_files), a listed file that is a symlink, FIFO, device
// or folder (file_regular), a name the contract does not define or an
// entity/format that is not its name's (file_name_contract), a duplicate
// entry (manifest_entry_unique), an oversized record or value
// (size_limits), besides the size, hash, count and record rules.
package verify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/synthpipe/synthpipe/internal/domain/contract"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/internal/entity/schema"
	"github.com/synthpipe/synthpipe/internal/formats/layout"
	"github.com/synthpipe/synthpipe/internal/formats/readback"
	"github.com/synthpipe/synthpipe/internal/formats/safeio"
	"github.com/synthpipe/synthpipe/pipeline"
)

// FileRules are the rules about files, checked beside the record rules of
// package contract.
var FileRules = []contract.Rule{
	{Name: contract.RuleFilePresent, Description: "every file in the manifest exists"},
	{Name: contract.RuleGovernedSnapshotPinned, Description: "a snapshot of an earlier contract that names a governed dataset (synthpipe-core v0.1) has the published manifest, byte for byte"},
	{Name: contract.RuleContractVersionKnown, Description: "metadata schema_version is this generator's contract (records checked) or an earlier one it proves by integrity (files, sizes, SHA-256)"},
	{Name: contract.RuleFileNameContract, Description: "the manifest lists only names the contract defines for its version (<entity>_<vX_Y>.csv and .parquet for each entity of the metadata — persons, vehicles, profiles, incidents —, dataset_ and metadata_<vX_Y>.json), each with its name's entity and format, and its snapshot_version matches its own file name; any other name is never opened"},
	{Name: contract.RuleManifestEntryUnique, Description: "the manifest lists each file once"},
	{Name: contract.RuleFileRegular, Description: "a listed file is a regular file directly inside the folder: a symlink, FIFO, device or folder is never followed or read"},
	{Name: contract.RuleNoUnexpectedFiles, Description: "the folder holds no file the manifest does not list"},
	{Name: contract.RuleBytesMatchManifest, Description: "a file's size is the manifest's"},
	{Name: contract.RuleSHA256MatchManifest, Description: "a file's SHA-256 is the manifest's"},
	{Name: contract.RuleRecordsMatchManifest, Description: "a file holds the manifest's record count"},
	{Name: contract.RuleMetadataCountsMatchManifest, Description: "metadata record counts equal the manifest's"},
	{Name: contract.RuleMetadataConsistent, Description: "metadata_<v>.json equals the dataset's metadata"},
	{Name: contract.RuleColumnsMatchContract, Description: "CSV header and Parquet schema have the contract's columns, order and types"},
	{Name: contract.RuleColumnType, Description: "every CSV value parses as its column's type"},
	{Name: contract.RuleJSONSchema, Description: "every JSON document and record validates against its schema (docs/schemas)"},
	{Name: contract.RuleFileReadable, Description: "a data file can be read to its end"},
	{Name: contract.RuleSizeLimits, Description: "a CSV record or JSON record is at most 64 KiB, a CSV value at most 4 KiB, a Parquet row at most 64 KiB of text; metadata_<vX_Y>.json at most 1 MiB"},
	{Name: contract.RuleFormatsAgree, Description: "CSV, Parquet and JSON hold the same records in the same order"},
}

// PlanRule reports whether a record rule is about the seed's plan, which
// only the pipeline's validate stage checks: a folder holds no plan.
func PlanRule(name contract.RuleName) bool {
	return name == contract.RulePlannedPersonMissing || name == contract.RulePlannedPersonCount
}

// RecordRulesChecked counts the record rules validate applies: the
// contract's, less the two about the seed's plan (the validate stage's
// alone: a folder holds no plan), and those of every declared entity — its
// rules across a batch's entities (Rule.Across) when its rows carry their
// household, so that they are read in step with the persons, vehicles and
// profiles (placed).
func RecordRulesChecked() int {
	n := 0
	for _, r := range contract.Rules {
		if !PlanRule(r.Name) {
			n++
		}
	}
	for _, e := range entity.All() {
		for _, r := range e.Rules() {
			if ChecksEntityRule(e, r) {
				n++
			}
		}
	}
	return n
}

// ChecksEntityRule reports whether validate applies a declared entity's
// rule: every row rule, and a rule across a batch's entities when the
// entity's rows carry their household (placed).
func ChecksEntityRule(e entity.Entity, r entity.Rule) bool { return !r.Across || placed(e) }

// UnusableError means the input is not a snapshot that can be checked at
// all (exit code 2), as opposed to a snapshot that breaks rules (exit 3).
// Its message starts with the folder's path, so whoever reads it knows
// which folder it is about; the rest names no path (inFolder).
type UnusableError struct {
	dir string
	Err error
}

func (e *UnusableError) Error() string {
	if e.dir == "" {
		return e.Err.Error() // no path to name: the message says so
	}
	return e.dir + ": " + e.Err.Error()
}
func (e *UnusableError) Unwrap() error { return e.Err }

// IsUnusable reports whether err is an UnusableError.
func IsUnusable(err error) bool {
	var u *UnusableError
	return errors.As(err, &u)
}

// unusable says why the folder dir cannot be checked. An error among args
// names the folder's files by their names within it (inFolder).
func unusable(dir, format string, args ...any) error {
	for i, a := range args {
		if err, ok := a.(error); ok {
			args[i] = inFolder(dir, err)
		}
	}
	return &UnusableError{dir: dir, Err: fmt.Errorf(format, args...)}
}

// inFolder returns err with its *fs.PathError's path named within the
// folder dir: dir joined with a file's name becomes the name, and the
// path of dir itself goes, for every message validate writes names the
// folder first (UnusableError) or the file it is about (a violation). So
// no path is named twice, and a server's report never tells where its
// snapshots lie. The error still unwraps to err.
func inFolder(dir string, err error) error {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return err
	}
	named := pe.Err.Error()
	rel, rerr := filepath.Rel(dir, pe.Path)
	if rerr != nil || !filepath.IsLocal(rel) {
		rel = pe.Path // safeio names a file within its folder already
	}
	if rel != "." && filepath.IsLocal(rel) {
		named = pe.Op + " " + rel + ": " + named
	}
	return &inFolderError{msg: strings.Replace(err.Error(), pe.Error(), named, 1), err: err}
}

type inFolderError struct {
	msg string
	err error
}

func (e *inFolderError) Error() string { return e.msg }
func (e *inFolderError) Unwrap() error { return e.err }

// Run validates the snapshot folder dir. When ctx ends first it stops
// reading within a file read or lookEvery records of each stream and
// returns ctx's error, with no report.
func Run(ctx context.Context, dir string) (*Report, error) {
	if dir == "" {
		return nil, unusable("", "the snapshot folder argument is empty (want a snapshot folder such as data/snapshots/v0.2)")
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, unusable(dir, "%w", err)
	}
	if !st.IsDir() {
		return nil, unusable(dir, "not a folder (want a snapshot folder such as data/snapshots/v0.2)")
	}
	manName, err := findManifest(dir)
	if err != nil {
		return nil, err
	}
	suffix := manifestName.FindStringSubmatch(manName)[1]
	manRaw, err := safeio.ReadSmall(dir, manName, layout.MaxManifestBytes)
	if err != nil {
		return nil, unusable(dir, "not a snapshot folder: manifest %w", err)
	}
	if err := checkJSONShape(manRaw); err != nil {
		return nil, unusable(dir, "%s is not a manifest: %w", manName, err)
	}
	var man layout.Manifest
	if err := json.Unmarshal(manRaw, &man); err != nil {
		return nil, unusable(dir, "%s is not a manifest: %s", manName, readback.Truncate(err.Error()))
	}
	if len(man.Files) > maxManifestFiles {
		return nil, unusable(dir, "%s is not a manifest: it lists %d files, more than the %d limit (the contract defines %d)", manName, len(man.Files), maxManifestFiles, len(snapshotFiles(suffix)))
	}
	schemas, err := schema.Compile()
	if err != nil {
		return nil, err
	}
	rep := newReport(dir)
	rep.RulesChecked = RecordRulesChecked() + len(FileRules)
	if err := schemas.Validate("manifest", manRaw); err != nil {
		rep.add(contract.Violation{File: manName, Entity: "manifest", Column: "*", Rule: contract.RuleJSONSchema, Value: firstLine(err.Error())})
	}
	rep.SnapshotVersion = readback.Truncate(man.SnapshotVersion)
	if want := layout.Version(suffix); man.SnapshotVersion != want {
		rep.add(contract.Violation{File: manName, Entity: "manifest", Column: "snapshot_version", Rule: contract.RuleFileNameContract, Value: fmt.Sprintf("%s, the file name says %s", man.SnapshotVersion, want)})
	}
	listed := acceptEntries(man, manName, suffix, rep)
	checkFiles(ctx, dir, manName, man, listed, rep)
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	meta, err := readMetadata(dir, suffix, listed, schemas, rep)
	if err != nil {
		return nil, err
	}
	if _, earlier := EarlierGenerators[meta.Generator.Version]; meta.SchemaVersion != model.ContractVersion || earlier {
		return integrityOnly(rep, meta, manName, manRaw), nil
	}
	refDate, err := model.ParseDate(meta.ReferenceDate)
	if err != nil {
		return nil, unusable(dir, "metadata reference_date: %s", readback.Truncate(err.Error()))
	}
	base, err := contract.New(meta.Seed, refDate, nil)
	if err != nil {
		return nil, err
	}
	// The run's settings the rules of declared entities read, as recorded.
	run := &model.Run{Seed: meta.Seed, ReferenceDate: refDate, LookbackYears: meta.LookbackYears}
	counts := map[string]int64{}
	digs := map[string]map[string]*digests{} // format -> entity -> digests
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, format := range []string{"csv", "parquet", "json"} {
		wg.Go(func() {
			c := map[string]int64{}
			chk := *base // one per format: each reports on its own
			extras := extraEntities(meta)
			streams := make([]*rowStream, len(extras))
			var placedStreams []*rowStream
			for i, e := range extras {
				streams[i] = openRows(ctx, dir, suffix, format, e, listed, schemas, rep)
				if streams[i] != nil && placed(e) {
					placedStreams = append(placedStreams, streams[i])
				}
			}
			d := checkRecords(ctx, dir, suffix, format, listed, schemas, &chk, run, placedStreams, rep, c)
			whole := true // every extra entity's records were read
			for i, e := range extras {
				if streams[i] == nil {
					whole = false // not listed, or not opened (reported): no count
					continue
				}
				ed, rows := streams[i].finish() // what checkRecords left: all of an entity not placed, or without the core
				if format == layout.JSON {
					c[layout.DatasetFile(suffix)] += rows
				} else {
					c[layout.DataFile(e.Name(), suffix, format)] = rows
				}
				if d != nil && ed != nil {
					d[e.Name()] = ed
				}
			}
			if format == layout.JSON && !whole {
				delete(c, layout.DatasetFile(suffix)) // the core's records alone are not the dataset's
			}
			mu.Lock()
			defer mu.Unlock()
			maps.Copy(counts, c)
			if d != nil {
				digs[format] = d
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err // the streams stopped early: the counts are partial
	}
	for name, n := range counts {
		if f, ok := listed[name]; ok && f.Records != n {
			rep.add(contract.Violation{File: name, Entity: entityOf(name), Column: "*", Rule: contract.RuleRecordsMatchManifest, Value: fmt.Sprintf("%d records, manifest says %d", n, f.Records)})
		}
	}
	for i := range rep.Files {
		if n, ok := counts[rep.Files[i].Name]; ok {
			rep.Files[i].RecordsRead = &n
		}
	}
	for _, c := range meta.Counts {
		entity, want := c.Entity, c.Records
		for _, ext := range []string{"csv", "parquet"} {
			name := layout.DataFile(entity, suffix, ext)
			if f, ok := listed[name]; ok && f.Records != want {
				rep.add(contract.Violation{File: layout.MetadataFile(suffix), Entity: layout.MetadataEntity, Column: model.CountKeyPrefix + entity, Rule: contract.RuleMetadataCountsMatchManifest, Value: fmt.Sprintf("%d, manifest lists %d in %s", want, f.Records, name)})
			}
		}
	}
	compareFormats(digs, suffix, rep)
	rep.finish()
	return rep, nil
}

// EarlierContracts are the contracts of snapshots this generator proves
// by integrity only, and the generator release that checks their records.
var EarlierContracts = map[string]string{"0.1": "synthpipe 0.1.x (git tag v0.1.0)"}

// EarlierGenerators are the releases of this contract whose records this
// generator's rules, tightened since (governance/decision-log.md), would
// fault: their snapshots are proven by integrity only, and the release
// that checks their records is named.
var EarlierGenerators = map[string]string{"0.2.0": "synthpipe 0.2.0 (git tag v0.2.0)"}

// governedEarlier pins the governed snapshots of earlier contracts, and of
// earlier releases of this one, by the SHA-256 of their manifest (which
// lists every file's SHA-256), keyed by dataset name, contract and release
// ("" for any release of an earlier contract): a folder that says it is
// one must be it byte for byte, so an edit with a recomputed manifest is
// caught.
var governedEarlier = map[[3]string]string{
	{"synthpipe-core", "0.1", ""}:      "67258411493050198202c96216ad8d599c2c18993bbcca96fb5dbf41ee57760e", // data/snapshots/v0.1
	{"synthpipe-core", "0.2", "0.2.0"}: "a7e9106d2136886c46f3e9fd59ac359914cfd9e79276b47f018c48a254b0f4c0", // data/snapshots/v0.2 at tag v0.2.0
}

// integrityOnly finishes the report of a snapshot of an earlier contract,
// or of an earlier release of this one (EarlierGenerators): the manifest,
// names, kinds, sizes and SHA-256 of its files were checked; its records
// follow rules this generator no longer makes, so they are left to the
// release that made them. An unknown contract is a violation.
func integrityOnly(rep *Report, meta model.Metadata, manName string, manRaw []byte) *Report {
	schemaVersion, release := meta.SchemaVersion, ""
	what := "contract " + schemaVersion
	by, ok := EarlierContracts[schemaVersion]
	if schemaVersion == model.ContractVersion {
		release, what = meta.Generator.Version, "generator "+meta.Generator.Version
		by, ok = EarlierGenerators[release]
	}
	if !ok {
		rep.add(contract.Violation{File: "", Entity: layout.MetadataEntity, Column: "schema_version", Rule: contract.RuleContractVersionKnown,
			Value: fmt.Sprintf("%s; this generator checks contract %s and proves the integrity of %s", schemaVersion, model.ContractVersion, strings.Join(slices.Sorted(maps.Keys(EarlierContracts)), ", "))})
	} else {
		rep.Scope = fmt.Sprintf("integrity only: %s records are checked by %s", what, by)
		if pin, governed := governedEarlier[[3]string{meta.DatasetName, schemaVersion, release}]; governed {
			if sum := sha256.Sum256(manRaw); hex.EncodeToString(sum[:]) != pin {
				rep.add(contract.Violation{File: manName, Entity: "manifest", Column: "*", Rule: contract.RuleGovernedSnapshotPinned,
					Value: fmt.Sprintf("%s says it is the governed %s %s snapshot, but its manifest is not the one published (SHA-256 %s)", manName, meta.DatasetName, what, pin[:12]+"…")})
			} else {
				rep.Scope += "; the governed snapshot, byte for byte"
			}
		}
	}
	rep.RulesChecked = len(FileRules)
	rep.finish()
	return rep
}

// findManifest returns the name of the folder's one manifest.
func findManifest(dir string) (string, error) {
	var found []string
	n := 0
	err := safeio.EachEntry(dir, func(e fs.DirEntry) error {
		if strings.HasPrefix(e.Name(), layout.ManifestPrefix) && strings.HasSuffix(e.Name(), ".json") {
			if n++; len(found) < 3 {
				found = append(found, safeio.QuoteName(e.Name()))
			}
		}
		return nil
	})
	if err != nil {
		return "", unusable(dir, "%w", err)
	}
	if n != 1 {
		names := ""
		if n > 0 {
			names = ": " + strings.Join(found, " ")
		}
		return "", unusable(dir, "not a snapshot folder: want exactly one snapshot_manifest_<version>.json, found %d%s", n, names)
	}
	if !manifestName.MatchString(found[0]) {
		return "", unusable(dir, "not a snapshot folder: manifest name %s is not snapshot_manifest_vX_Y.json", found[0])
	}
	return found[0], nil
}

// acceptEntries checks each manifest entry's name against the contract and
// returns the entries that may be opened, by name: only names the contract
// defines for the version, each once. Others are reported and never opened.
func acceptEntries(man layout.Manifest, manName, suffix string, rep *Report) map[string]pipeline.FileInfo {
	want := snapshotFiles(suffix)
	listed := map[string]pipeline.FileInfo{}
	seen := map[string]bool{}
	for i, f := range man.Files {
		rep.Files = append(rep.Files, FileResult{Name: safeio.QuoteName(f.Name), Entity: safeio.QuoteName(f.Entity), Format: safeio.QuoteName(f.Format), Records: f.Records, Bytes: f.Bytes})
		v := contract.Violation{File: manName, Row: int64(i) + 1, Entity: "manifest", RecordID: f.Name, Column: "name", Rule: contract.RuleFileNameContract}
		kind, ok := want[f.Name]
		switch {
		case seen[f.Name]:
			v.Rule, v.Value = contract.RuleManifestEntryUnique, fmt.Sprintf("listed again (entry %d)", i+1)
		case safeio.PlainName(f.Name) != "":
			v.Value = safeio.PlainName(f.Name) + ": never opened"
		case !ok:
			v.Value = "not a file of snapshot " + layout.Version(suffix) + ": never opened"
		case f.Entity != kind[0] || f.Format != kind[1]:
			// The name says what the file is: it is still checked as that.
			v.Column = "entity"
			v.Value = fmt.Sprintf("listed as %s/%s, the name is %s/%s", f.Entity, f.Format, kind[0], kind[1])
			f.Entity, f.Format = kind[0], kind[1]
			listed[f.Name] = f
		default:
			listed[f.Name] = f
		}
		seen[f.Name] = true
		if v.Value != "" {
			rep.add(v)
			rep.bad[safeio.QuoteName(f.Name)] = true
		}
	}
	return listed
}

// checkFiles compares the folder with the manifest: presence, kind, size,
// SHA-256, and nothing unexpected. A file is read only up to its listed
// size: one of another size is reported without reading it.
func checkFiles(ctx context.Context, dir, manName string, man layout.Manifest, listed map[string]pipeline.FileInfo, rep *Report) {
	hashed := map[string]bool{}
	for _, e := range man.Files { // in manifest order, for a stable report
		if ctx.Err() != nil {
			return // Run returns ctx's error
		}
		f, ok := listed[e.Name]
		if !ok || hashed[e.Name] {
			continue // not to be opened, or listed again
		}
		hashed[e.Name] = true
		fh, st, err := safeio.OpenRegular(dir, f.Name)
		if err != nil {
			rep.add(rep.fileProblem(f.Name, f.Entity, err))
			continue
		}
		if st.Size() != f.Bytes {
			fh.Close()
			rep.add(contract.Violation{File: f.Name, Entity: f.Entity, Column: "*", Rule: contract.RuleBytesMatchManifest, Value: fmt.Sprintf("%d bytes, manifest says %d", st.Size(), f.Bytes)})
			continue
		}
		h := sha256.New()
		n, err := io.Copy(h, safeio.ContextReader(ctx, io.LimitReader(fh, f.Bytes+1)))
		fh.Close()
		if err != nil {
			rep.add(contract.Violation{File: f.Name, Entity: f.Entity, Column: "*", Rule: contract.RuleFileReadable, Value: rep.problem(err)})
			continue
		}
		if n != f.Bytes {
			rep.add(contract.Violation{File: f.Name, Entity: f.Entity, Column: "*", Rule: contract.RuleBytesMatchManifest, Value: fmt.Sprintf("%d bytes read, manifest says %d", n, f.Bytes)})
			continue
		}
		if sum := hex.EncodeToString(h.Sum(nil)); sum != f.SHA256 {
			rep.add(contract.Violation{File: f.Name, Entity: f.Entity, Column: "*", Rule: contract.RuleSHA256MatchManifest, Value: sum})
			continue
		}
		rep.intact[f.Name] = true // checked one file at a time, before the records
	}
	all := make(map[string]bool, len(man.Files))
	for _, f := range man.Files {
		all[f.Name] = true
	}
	// The report names the first few extra files by name order; only
	// those are kept, so a folder of millions costs no memory.
	var first []contract.Violation
	extra := int64(0)
	err := safeio.EachEntry(dir, func(e fs.DirEntry) error {
		if e.Name() == manName || all[e.Name()] {
			return nil
		}
		extra++
		i, _ := slices.BinarySearchFunc(first, e.Name(), func(v contract.Violation, name string) int { return strings.Compare(v.File, name) })
		if i >= examplesPerRule {
			return nil
		}
		v := contract.Violation{File: e.Name(), Entity: "file", Column: "*", Rule: contract.RuleNoUnexpectedFiles, Value: "not in the manifest"}
		if !e.Type().IsRegular() {
			v.Value += " (" + safeio.KindOf(e.Type()) + ")"
		}
		first = slices.Insert(first, i, v)
		first = first[:min(len(first), examplesPerRule)]
		return nil
	})
	for _, v := range first {
		rep.add(v)
	}
	rep.addCount(contract.RuleNoUnexpectedFiles, extra-int64(len(first)))
	if err != nil {
		rep.add(contract.Violation{File: ".", Entity: "file", Column: "*", Rule: contract.RuleFileReadable, Value: rep.problem(err)})
	}
}

// fileProblem turns a failure to open a listed file into its violation.
func (r *Report) fileProblem(name, entity string, err error) contract.Violation {
	v := contract.Violation{File: name, Entity: entity, Column: "*", Rule: contract.RuleFileReadable, Value: r.problem(err)}
	var nr *safeio.NotRegularError
	switch {
	case errors.As(err, &nr):
		v.Rule, v.Value = contract.RuleFileRegular, "not a regular file ("+nr.Kind+"): never followed or read"
	case errors.Is(err, fs.ErrNotExist):
		v.Rule, v.Value = contract.RuleFilePresent, "missing"
	}
	return v
}

// readMetadata reads metadata_<v>.json, or the dataset's metadata section
// when that file is missing; without either the rules cannot be applied.
func readMetadata(dir, suffix string, listed map[string]pipeline.FileInfo, schemas *schema.Set, rep *Report) (model.Metadata, error) {
	var meta, fromDataset model.Metadata
	name := layout.MetadataFile(suffix)
	haveFile, haveDataset := false, false
	raw, err := safeio.ReadSmall(dir, name, layout.MaxMetadataBytes)
	if err == nil {
		err = checkJSONShape(raw)
	}
	var nr *safeio.NotRegularError
	switch {
	case err == nil:
		haveFile = json.Unmarshal(raw, &meta) == nil
		// An earlier contract's metadata has that contract's schema: it is
		// proven by its checksum (integrityOnly), not by this schema.
		if err := schemas.Validate("metadata", raw); err != nil && (!haveFile || meta.SchemaVersion == model.ContractVersion) {
			rep.add(contract.Violation{File: name, Entity: "metadata", Column: "*", Rule: contract.RuleJSONSchema, Value: firstLine(err.Error())})
		}
	case errors.Is(err, fs.ErrNotExist):
		if _, ok := listed[name]; !ok {
			rep.add(contract.Violation{File: name, Entity: "metadata", Column: "*", Rule: contract.RuleFilePresent, Value: "missing"})
		}
	case errors.As(err, &nr):
		// reported by checkFiles (listed) or as an unexpected file
	default:
		rule := contract.RuleFileReadable
		var le *safeio.LimitError
		if errors.As(err, &le) {
			rule = contract.RuleSizeLimits
		}
		rep.add(contract.Violation{File: name, Entity: "metadata", Column: "*", Rule: rule, Value: rep.problem(err)})
	}
	dataset := layout.DatasetFile(suffix)
	if raw, err := datasetMetadata(dir, dataset); err == nil {
		haveDataset = json.Unmarshal(raw, &fromDataset) == nil
		if err := schemas.Validate("metadata", raw); err != nil && (!haveDataset || fromDataset.SchemaVersion == model.ContractVersion) {
			rep.add(contract.Violation{File: dataset, Entity: "metadata", Column: "*", Rule: contract.RuleJSONSchema, Value: firstLine(err.Error())})
		}
	}
	switch {
	case haveFile && haveDataset && !reflect.DeepEqual(meta, fromDataset):
		rep.add(contract.Violation{File: dataset, Entity: "metadata", Column: "metadata", Rule: contract.RuleMetadataConsistent, Value: "differs from " + name})
	case !haveFile && haveDataset:
		meta = fromDataset
	case !haveFile:
		return meta, unusable(dir, "no readable metadata (%s or the dataset's metadata): the seed and reference date are needed to check the rules", name)
	}
	return meta, nil
}

// datasetMetadata returns the metadata section of the dataset document,
// reading no more of the file than the metadata size limit allows.
func datasetMetadata(dir, name string) ([]byte, error) {
	f, _, err := safeio.OpenRegular(dir, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := json.NewDecoder(io.LimitReader(f, layout.MaxMetadataBytes))
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
	if err := checkJSONShape(raw); err != nil {
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
	for _, name := range entity.Names(entity.All()) {
		differs := func(a, b string) int { return firstDiff(digs[a][name], digs[b][name]) }
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
			d := digs[f][name]
			first := ""
			if i < len(d.firsts) {
				first = d.firsts[i]
			}
			file := layout.DataFile(name, suffix, f)
			if f == layout.JSON {
				file = layout.DatasetFile(suffix)
			}
			rep.add(contract.Violation{File: file, Row: int64(i)*digestChunk + 1, Entity: strings.TrimSuffix(name, "s"), RecordID: first, Column: "*",
				Rule: contract.RuleFormatsAgree, Value: fmt.Sprintf("records %d-%d differ from the other formats' %s", int64(i)*digestChunk+1, int64(i+1)*digestChunk, name)})
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
// The rows of extras are taken into the batches of their households, so
// their rules across the batch are applied too.
func checkRecords(ctx context.Context, dir, suffix, format string, listed map[string]pipeline.FileInfo, schemas *schema.Set, chk *contract.Checker, run *model.Run, extras []*rowStream, rep *Report, counts map[string]int64) map[string]*digests {
	names := map[string]string{}
	for _, e := range []string{model.Persons, model.Vehicles, model.Profiles} {
		if format == "json" {
			names[e] = layout.DatasetFile(suffix)
		} else {
			names[e] = layout.DataFile(e, suffix, format)
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
	pSrc, err1 := open(dir, names["persons"], "persons", format, listed[names["persons"]], model.PersonColumns, schemas, "person")
	vSrc, err2 := open(dir, names["vehicles"], "vehicles", format, listed[names["vehicles"]], model.VehicleColumns, schemas, "vehicle")
	prSrc, err3 := open(dir, names["profiles"], "profiles", format, listed[names["profiles"]], model.ProfileColumns, schemas, "profile")
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
		if rep.reportedByCheckFiles(name, err) {
			continue
		}
		rep.add(contract.Violation{File: name, Entity: entityOf(name), Column: "*", Rule: readRule(err), Value: rep.problem(err)})
	}
	if bad {
		return nil
	}
	ps := newStream(ctx, pSrc, names["persons"], "person", model.PersonColumns, func(p *model.Person) string { return p.PersonID }, rep)
	vs := newStream(ctx, vSrc, names["vehicles"], "vehicle", model.VehicleColumns, func(v *model.Vehicle) string { return v.VehicleID }, rep)
	prs := newStream(ctx, prSrc, names["profiles"], "profile", model.ProfileColumns, func(p *model.Profile) string { return p.ProfileID }, rep)
	checkFormat(ps, vs, prs, extras, chk, run, rep)
	if format == "json" {
		counts[names["persons"]] = pSrc.Row() + vSrc.Row() + prSrc.Row()
	} else {
		counts[names["persons"]], counts[names["vehicles"]], counts[names["profiles"]] = pSrc.Row(), vSrc.Row(), prSrc.Row()
	}
	return map[string]*digests{"persons": &ps.dig, "vehicles": &vs.dig, "profiles": &prs.dig}
}

// open makes the source of one entity of one format. Only a regular file
// is opened, and a CSV or JSON file is read at most to its listed size+1.
func open[T any](dir, name, section, format string, listed pipeline.FileInfo, cols []model.Column[T], schemas *schema.Set, entity string) (readback.Source[T], error) {
	f, r, size, err := openListed(dir, name, listed)
	if err != nil {
		return nil, err
	}
	switch format {
	case "json":
		s, err := readback.NewJSON[T](r, f, section, func(raw []byte) error { return schemas.Validate(entity, raw) })
		if err != nil {
			return nil, err
		}
		return readback.Prefetch[T](s), nil
	case "csv":
		s, err := readback.NewCSV[T](r, f, cols)
		if err != nil {
			f.Close()
			return nil, err
		}
		return readback.Prefetch[T](s), nil
	}
	s, err := readback.NewParquet[T](f, size, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return readback.Prefetch[T](s), nil
}
