package samples

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strings"

	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/formats/layout"
	"github.com/synthpipe/synthpipe/internal/formats/readback"
	"github.com/synthpipe/synthpipe/internal/formats/safeio"
	"github.com/synthpipe/synthpipe/internal/verify"
	"github.com/synthpipe/synthpipe/stages/generators/incident"
)

// Source is the snapshot the samples were taken from: its identity, as
// every sample file and the index state it.
type Source struct {
	DatasetName     string          `json:"dataset_name"`
	SnapshotVersion string          `json:"snapshot_version"`
	SchemaVersion   string          `json:"schema_version"`
	Generator       model.Generator `json:"generator"`
	Seed            uint64          `json:"seed"`
	ReferenceDate   string          `json:"reference_date"`
	ConfigSHA256    string          `json:"config_sha256"`
	// ManifestSHA256 pins the snapshot's files: the manifest lists the
	// SHA-256 of each.
	ManifestSHA256 string `json:"manifest_sha256"`
}

// ArgError is a folder samples cannot take samples from: not a snapshot
// folder, or one of an earlier contract (the CLI exits 2).
type ArgError struct{ Err error }

func (e *ArgError) Error() string { return e.Err.Error() }
func (e *ArgError) Unwrap() error { return e.Err }

// InvalidError is a snapshot folder that breaks its manifest or the
// contract: samples are only taken from a valid one (the CLI exits 3).
type InvalidError struct {
	Dir        string
	Violations int64
	Rules      []string // the rules broken, most broken first
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("%s is not a valid snapshot (%d violation(s) of %s): samples are only taken from a snapshot that passes `synthpipe validate %s`", e.Dir, e.Violations, strings.Join(e.Rules, ", "), e.Dir)
}

// Select proves dir a valid snapshot of this contract (synthpipe validate:
// manifest, sizes, SHA-256, every record rule, formats agreeing), then reads
// its CSV files household by household and picks one per scenario. Every
// file read is hashed as it is read and must be the one the manifest lists,
// so what was validated is what is sampled.
func Select(dir string, scenarios []Scenario) (Source, []Pick, error) {
	src, files, err := openValid(dir)
	if err != nil {
		return Source{}, nil, err
	}
	sel := NewSelector(scenarios)
	if err := files.households(sel.Add); err != nil {
		return Source{}, nil, err
	}
	picks, err := sel.Picks()
	return src, picks, err
}

// openValid validates dir and reads its manifest and metadata.
func openValid(dir string) (Source, snapshotFiles, error) {
	rep, err := verify.Run(context.Background(), dir) // Select takes no context: it runs to the end
	if err != nil {
		if verify.IsUnusable(err) {
			return Source{}, snapshotFiles{}, &ArgError{err}
		}
		return Source{}, snapshotFiles{}, err
	}
	if !rep.Clean() {
		ie := &InvalidError{Dir: dir, Violations: rep.Violations}
		for i, r := range rep.ByRule {
			if i == 5 {
				ie.Rules = append(ie.Rules, fmt.Sprintf("%d more rules", len(rep.ByRule)-i))
				break
			}
			ie.Rules = append(ie.Rules, string(r.Rule))
		}
		return Source{}, snapshotFiles{}, ie
	}
	suffix := layout.Suffix(rep.SnapshotVersion)
	manRaw, err := safeio.ReadSmall(dir, layout.ManifestFile(suffix), layout.MaxManifestBytes)
	if err != nil {
		return Source{}, snapshotFiles{}, fmt.Errorf("%s: manifest: %w", dir, err)
	}
	var man layout.Manifest
	if err := json.Unmarshal(manRaw, &man); err != nil {
		return Source{}, snapshotFiles{}, fmt.Errorf("%s: manifest: %w", dir, err)
	}
	files := snapshotFiles{dir: dir, suffix: suffix, listed: map[string]manifestEntry{}}
	for _, f := range man.Files {
		files.listed[f.Name] = manifestEntry{bytes: f.Bytes, sha256: f.SHA256}
	}
	meta, err := files.metadata(layout.MetadataFile(suffix))
	if err != nil {
		return Source{}, snapshotFiles{}, err
	}
	if meta.SchemaVersion != model.ContractVersion {
		return Source{}, snapshotFiles{}, &ArgError{fmt.Errorf("%s is a contract %s snapshot: samples are taken from contract %s snapshots (such as data/snapshots/v%s), whose columns the scenarios read", dir, meta.SchemaVersion, model.ContractVersion, model.ContractVersion)}
	}
	sum := sha256.Sum256(manRaw)
	return Source{
		DatasetName: meta.DatasetName, SnapshotVersion: meta.SnapshotVersion, SchemaVersion: meta.SchemaVersion,
		Generator: meta.Generator, Seed: meta.Seed, ReferenceDate: meta.ReferenceDate, ConfigSHA256: meta.ConfigSHA256,
		ManifestSHA256: hex.EncodeToString(sum[:]),
	}, files, nil
}

type manifestEntry struct {
	bytes  int64
	sha256 string
}

// snapshotFiles opens the files of a validated snapshot folder, each
// checked against its manifest entry.
type snapshotFiles struct {
	dir, suffix string
	listed      map[string]manifestEntry
}

// checkedFile is a listed file read through a SHA-256, at most to its
// listed size+1, so a file that changed since validation is caught.
type checkedFile struct {
	name string
	f    *os.File
	seen digest
	want manifestEntry
	r    io.Reader
}

// digest hashes and counts the bytes written to it.
type digest struct {
	h hash.Hash
	n int64
}

func (d *digest) Write(p []byte) (int, error) { d.n += int64(len(p)); return d.h.Write(p) }

func (s snapshotFiles) open(name string) (*checkedFile, error) {
	want, ok := s.listed[name]
	if !ok {
		return nil, &ArgError{fmt.Errorf("%s has no %s: samples reads a snapshot's CSV files of persons, vehicles, profiles and incidents", s.dir, name)}
	}
	f, _, err := safeio.OpenRegular(s.dir, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.dir, err)
	}
	c := &checkedFile{name: name, f: f, seen: digest{h: sha256.New()}, want: want}
	c.r = io.TeeReader(io.LimitReader(f, want.bytes+1), &c.seen)
	return c, nil
}

func (c *checkedFile) Read(p []byte) (int, error) { return c.r.Read(p) }
func (c *checkedFile) Close() error               { return c.f.Close() }

// finish reads what is left of the file and compares it with the manifest.
func (c *checkedFile) finish() error {
	if _, err := io.Copy(io.Discard, c.r); err != nil {
		return fmt.Errorf("%s: %w", c.name, err)
	}
	if sum := hex.EncodeToString(c.seen.h.Sum(nil)); c.seen.n != c.want.bytes || sum != c.want.sha256 {
		return fmt.Errorf("%s changed after it was validated (%d bytes, SHA-256 %s; the manifest lists %d bytes, %s): take the samples again from a snapshot nothing writes to", c.name, c.seen.n, sum, c.want.bytes, c.want.sha256)
	}
	return nil
}

// metadata reads and checks metadata_<v>.json.
func (s snapshotFiles) metadata(name string) (model.Metadata, error) {
	var meta model.Metadata
	c, err := s.open(name)
	if err != nil {
		return meta, err
	}
	defer c.Close()
	raw, err := io.ReadAll(c)
	if err != nil {
		return meta, fmt.Errorf("%s: %w", name, err)
	}
	if err := c.finish(); err != nil {
		return meta, err
	}
	if err := json.Unmarshal(raw, &meta); err != nil {
		return meta, fmt.Errorf("%s: %w", name, err)
	}
	return meta, nil
}

// cursor streams one entity's CSV file, holding the next record.
type cursor[T any] struct {
	file      *checkedFile
	src       readback.Source[T]
	household func(*T) string
	head      *T // nil at the end
}

func openCursor[T any](s snapshotFiles, name string, cols []model.Column[T], household func(*T) string) (*cursor[T], error) {
	c, err := s.open(name)
	if err != nil {
		return nil, err
	}
	src, err := readback.NewCSV(c, c, cols)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	cur := &cursor[T]{file: c, src: src, household: household}
	if err := cur.advance(); err != nil {
		c.Close()
		return nil, err
	}
	return cur, nil
}

func (c *cursor[T]) advance() error {
	rec, err := c.src.Next()
	if errors.Is(err, io.EOF) {
		c.head = nil
		return c.file.finish()
	}
	if err != nil {
		row := c.src.Row() + 1 // the record that could not be read
		var ce *readback.CellError
		if errors.As(err, &ce) {
			row = c.src.Row() // read, with a value that does not parse
		}
		return fmt.Errorf("%s row %d: %w", c.file.name, row, err)
	}
	v := *rec // the source reuses its record
	c.head = &v
	return nil
}

// take appends the records of household id, which must be next: the
// files are in household order.
func (c *cursor[T]) take(id string, dst []T) ([]T, error) {
	for c.head != nil && c.household(c.head) == id {
		dst = append(dst, *c.head)
		if err := c.advance(); err != nil {
			return dst, err
		}
	}
	if c.head != nil && c.household(c.head) < id {
		return dst, c.orphan()
	}
	return dst, nil
}

// orphan is the error for a head record of a household the persons do not
// have at this place.
func (c *cursor[T]) orphan() error {
	return fmt.Errorf("%s row %d: household %s is not where the persons have it: samples reads files in household order, as synthpipe writes them", c.file.name, c.src.Row(), c.household(c.head))
}

// households reads the four CSV files side by side, all in household
// order, and hands each whole household to add.
func (s snapshotFiles) households(add func(*Household)) error {
	suffix := s.suffix
	persons, err := openCursor(s, layout.DataFile(model.Persons, suffix, layout.CSV), model.PersonColumns, func(p *model.Person) string { return p.HouseholdID })
	if err != nil {
		return err
	}
	defer persons.file.Close()
	vehicles, err := openCursor(s, layout.DataFile(model.Vehicles, suffix, layout.CSV), model.VehicleColumns, func(v *model.Vehicle) string { return v.HouseholdID })
	if err != nil {
		return err
	}
	defer vehicles.file.Close()
	profiles, err := openCursor(s, layout.DataFile(model.Profiles, suffix, layout.CSV), model.ProfileColumns, func(p *model.Profile) string { return p.HouseholdID })
	if err != nil {
		return err
	}
	defer profiles.file.Close()
	incidents, err := openCursor(s, layout.DataFile(incident.Name, suffix, layout.CSV), incident.Columns, func(i *incident.Incident) string { return i.HouseholdID })
	if err != nil {
		return err
	}
	defer incidents.file.Close()

	prev := ""
	for persons.head != nil {
		id := persons.household(persons.head)
		if id <= prev {
			return persons.orphan()
		}
		prev = id
		h := &Household{ID: id}
		if h.Persons, err = persons.take(id, nil); err != nil {
			return err
		}
		if h.Vehicles, err = vehicles.take(id, nil); err != nil {
			return err
		}
		if h.Profiles, err = profiles.take(id, nil); err != nil {
			return err
		}
		if h.Incidents, err = incidents.take(id, nil); err != nil {
			return err
		}
		add(h)
	}
	for _, left := range []interface{ rest() error }{vehicles, profiles, incidents} {
		if err := left.rest(); err != nil {
			return err
		}
	}
	return nil
}

// rest fails when records are left after the last household.
func (c *cursor[T]) rest() error {
	if c.head != nil {
		return c.orphan()
	}
	return nil
}
