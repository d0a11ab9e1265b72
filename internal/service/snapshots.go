package service

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/formats/layout"
	"github.com/synthpipe/synthpipe/internal/formats/safeio"
	"github.com/synthpipe/synthpipe/internal/verify"
	"github.com/synthpipe/synthpipe/pipeline"
)

const (
	// maxDepth bounds the walk for snapshot folders: v0.1 is depth 1,
	// variants/clean-licences/v0.1 depth 3.
	maxDepth = 3
	// maxEntries bounds the folders one listing looks at, so a hostile
	// snapshots root cannot make a listing unbounded.
	maxEntries = 10000
)

// snapshotDir is one snapshot folder found by the walk.
type snapshotDir struct {
	rel      string // slash path under the root
	manifest string // snapshot_manifest_<suffix>.json
}

// walk finds the folders under the root that hold a manifest, to maxDepth,
// never following a symlink and skipping hidden names (a run's staging and
// lock files). Folders are read a chunk of names at a time, so it stops
// within a chunk of maxEntries however many names they hold.
func (s *Service) walk() ([]snapshotDir, error) {
	var out []snapshotDir
	seen := 0
	var visit func(rel string, depth int) error
	visit = func(rel string, depth int) error {
		return safeio.EachEntry(filepath.Join(s.opt.SnapshotsDir, filepath.FromSlash(rel)), func(de fs.DirEntry) error {
			if seen++; seen > maxEntries {
				return fmt.Errorf("%s holds more than %d names to its depth of %d folders, the limit of a listing: keep only snapshot folders there", s.opt.SnapshotsDir, maxEntries, maxDepth)
			}
			name := de.Name()
			if rel != "" && de.Type().IsRegular() && strings.HasPrefix(name, layout.ManifestPrefix) && strings.HasSuffix(name, ".json") {
				out = append(out, snapshotDir{rel: rel, manifest: name})
			}
			if de.IsDir() && de.Type()&fs.ModeSymlink == 0 && !strings.HasPrefix(name, ".") && depth < maxDepth {
				return visit(path.Join(rel, name), depth+1)
			}
			return nil
		})
	}
	if err := visit("", 0); err != nil {
		return nil, fmt.Errorf("snapshots: %w", err)
	}
	// Folders are read in their own order: sort, so a listing is stable.
	slices.SortFunc(out, func(a, b snapshotDir) int {
		return cmp.Or(strings.Compare(a.rel, b.rel), strings.Compare(a.manifest, b.manifest))
	})
	return out, nil
}

// Snapshots lists the snapshot folders under the root.
func (s *Service) Snapshots() ([]Snapshot, error) {
	dirs, err := s.walk()
	if err != nil {
		return nil, err
	}
	out := []Snapshot{}
	for _, d := range dirs {
		_, sum, man, err := s.readManifest(d)
		if err != nil {
			s.log.Warn().Str("snapshot", d.rel).Err(err).Msg("snapshot skipped: unreadable manifest")
			continue
		}
		snap := Snapshot{Version: man.SnapshotVersion, Path: d.rel, ManifestSHA: sum, Files: len(man.Files)}
		suffix := strings.TrimSuffix(strings.TrimPrefix(d.manifest, layout.ManifestPrefix), ".json")
		if mraw, err := safeio.ReadSmall(s.abs(d.rel), layout.MetadataFile(suffix), layout.MaxMetadataBytes); err == nil {
			var md model.Metadata
			if json.Unmarshal(mraw, &md) == nil {
				snap.Records, _ = md.Count(model.Persons)
			}
		}
		out = append(out, snap)
	}
	return out, nil
}

func (s *Service) abs(rel string) string {
	return filepath.Join(s.opt.SnapshotsDir, filepath.FromSlash(rel))
}

// find returns the listed snapshot folder p names. p must be a clean,
// relative slash path; anything else is refused before the disk is asked.
func (s *Service) find(p string) (snapshotDir, error) {
	bad := func(why string) error {
		return &BadInput{Param: "path", Value: clip(p), Allowed: "a snapshot path as listed, e.g. v0.1 or variants/clean-licences/v0.1 (" + why + ")"}
	}
	switch {
	case p == "":
		return snapshotDir{}, bad("empty")
	case strings.ContainsAny(p, "\\%\x00") || strings.HasPrefix(p, "/"):
		return snapshotDir{}, bad("absolute or escaped")
	case path.Clean(p) != p || slices.Contains(strings.Split(p, "/"), ".."):
		return snapshotDir{}, bad("not a clean path")
	}
	dirs, err := s.walk()
	if err != nil {
		return snapshotDir{}, err
	}
	for _, d := range dirs {
		if d.rel == p {
			return d, nil
		}
	}
	return snapshotDir{}, &NotFound{What: "snapshot", Value: clip(p)}
}

// readManifest reads and parses a manifest, bounded, regular file only.
func (s *Service) readManifest(d snapshotDir) ([]byte, string, layout.Manifest, error) {
	var man layout.Manifest
	raw, err := safeio.ReadSmall(s.abs(d.rel), d.manifest, layout.MaxManifestBytes)
	if err != nil {
		return nil, "", man, err
	}
	if err := json.Unmarshal(raw, &man); err != nil {
		return nil, "", man, fmt.Errorf("manifest %s: %w", d.rel, err)
	}
	sum := sha256.Sum256(raw)
	return raw, hex.EncodeToString(sum[:]), man, nil
}

// Manifest returns a listed snapshot's manifest and its SHA-256.
func (s *Service) Manifest(p string) ([]byte, string, error) {
	d, err := s.find(p)
	if err != nil {
		return nil, "", err
	}
	raw, sum, _, err := s.readManifest(d)
	return raw, sum, err
}

// OpenFile opens a file the snapshot's manifest lists, as a regular file
// (no symlink) whose size is the manifest's.
func (s *Service) OpenFile(p, name string) (File, error) {
	d, err := s.find(p)
	if err != nil {
		return nil, err
	}
	_, _, man, err := s.readManifest(d)
	if err != nil {
		return nil, err
	}
	var info *pipeline.FileInfo
	for i := range man.Files {
		if man.Files[i].Name == name {
			info = &man.Files[i]
		}
	}
	if info == nil || safeio.PlainName(name) != "" {
		return nil, &NotFound{What: "file of snapshot " + p, Value: clip(name)}
	}
	f, st, err := safeio.OpenRegular(s.abs(d.rel), name)
	if err != nil {
		var nr *safeio.NotRegularError
		if errors.As(err, &nr) || errors.Is(err, fs.ErrNotExist) {
			return nil, &NotFound{What: "file of snapshot " + p, Value: clip(name)}
		}
		return nil, err
	}
	if st.Size() != info.Bytes {
		f.Close()
		return nil, fmt.Errorf("snapshot %s: %s is %d bytes, its manifest says %d: the snapshot changed", p, name, st.Size(), info.Bytes)
	}
	return &file{File: f, size: st.Size(), name: name, etag: info.SHA256}, nil
}

type file struct {
	*os.File
	size       int64
	name, etag string
}

func (f *file) Size() int64  { return f.size }
func (f *file) Name() string { return f.name }
func (f *file) ETag() string { return f.etag }

func (f *file) ContentType() string {
	if t := MediaType(strings.TrimPrefix(path.Ext(f.name), ".")); t != "" {
		return t
	}
	return "application/octet-stream"
}

// Validate runs `synthpipe validate` on a listed snapshot.
func (s *Service) Validate(ctx context.Context, p string) ([]byte, bool, error) {
	d, err := s.find(p)
	if err != nil {
		return nil, false, err
	}
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	rep, err := verify.Run(ctx, s.abs(d.rel))
	// The report and its errors name the folder as the client did, not
	// where the snapshots root lies on the server's disk: an UnusableError
	// starts with the path Run was given (verify names the folder's files
	// within it), so it is rebuilt without it.
	var ue *verify.UnusableError
	if errors.As(err, &ue) {
		err = &verify.UnusableError{Err: ue.Err}
	}
	if err != nil {
		return nil, false, fmt.Errorf("validate %s: %w", p, err)
	}
	rep.Dir = p
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		return nil, false, err
	}
	return buf.Bytes(), rep.Clean(), nil
}
