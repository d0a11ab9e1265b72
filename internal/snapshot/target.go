package snapshot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/rs/zerolog"

	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/formats/layout"
	"github.com/synthpipe/synthpipe/internal/formats/safeio"
	"github.com/synthpipe/synthpipe/pipeline"
)

// replacedPath is where the two-step replace parks the old snapshot.
func replacedPath(target string) string {
	return filepath.Join(filepath.Dir(target), layout.ReplacedFolder(filepath.Base(target)))
}

// recoverTarget, under the target's lock, finishes what dead runs left:
// an old snapshot parked by an interrupted two-step replace is put back if
// the target is missing (else removed), and every staging folder of the
// target that no live run holds is removed.
func recoverTarget(parent, target string, log zerolog.Logger) error {
	parked := []string{replacedPath(target)}
	// <target>.replaced is where versions before the lock parked it; they
	// wrote only <version> and part folders, so a folder of another name
	// (one generate-snapshot --output-dir names) has no such leftover, and
	// a user's own <name>.replaced beside it is never touched.
	if base := filepath.Base(target); versionName.MatchString(base) || isPart(base) {
		parked = append(parked, target+".replaced")
	}
	for _, old := range parked {
		if st, err := os.Lstat(old); err != nil || !st.IsDir() {
			continue
		}
		if _, err := os.Lstat(target); errors.Is(err, os.ErrNotExist) {
			if err := os.Rename(old, target); err != nil {
				return fmt.Errorf("restore %s from an interrupted replace: %w", target, err)
			}
			log.Warn().Str("dir", target).Str("from", old).Msg("restored the snapshot an interrupted replace had moved aside")
			continue
		}
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("remove %s left by an interrupted replace: %w", old, err)
		}
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		return fmt.Errorf("output folder %s: %w", parent, err)
	}
	prefix := layout.StagingPrefix(filepath.Base(target))
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		dir := filepath.Join(parent, e.Name())
		f, err := os.Open(dir)
		if err != nil {
			continue
		}
		// Locked means a live run is writing into it.
		if flockFile(f, false) == nil {
			if err := os.RemoveAll(dir); err != nil {
				f.Close()
				return fmt.Errorf("remove stale staging folder %s: %w", dir, err)
			}
			log.Info().Str("dir", dir).Msg("removed the staging folder of a run that died")
		}
		f.Close()
	}
	return nil
}

// versionName is a snapshot folder's name as older versions wrote it.
var versionName = regexp.MustCompile(`^v[0-9]+\.[0-9]+$`)

func isPart(name string) bool {
	_, _, ok := layout.ParsePart(name)
	return ok
}

// checkTarget refuses, before any work (and, forced, again right before
// the commit), a target the run must not touch:
// a symbolic link, something other than a folder, a mount point, a
// non-empty folder that holds no snapshot, or without force a snapshot
// made from another config or of another version.
func checkTarget(target string, run *model.Run, force bool) error {
	st, err := os.Lstat(target)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("snapshot folder %s: %w", target, err)
	case st.Mode()&os.ModeSymlink != 0:
		return &config.Error{Err: fmt.Errorf("%s is a symbolic link, not a snapshot folder; move it away (a snapshot is never written through a link)", target)}
	case !st.IsDir():
		return &config.Error{Err: fmt.Errorf("%s exists and is not a snapshot folder; move it away", target)}
	}
	if !sameDevice(target, filepath.Dir(target)) {
		return &config.Error{Err: fmt.Errorf("%s is a mount point (another file system than the folder it is in): a snapshot is committed by renaming a staging folder beside it, which cannot cross file systems; name a folder inside it, e.g. %s", target, filepath.Join(target, run.SnapshotVersion))}
	}
	suffix := layout.Suffix(run.SnapshotVersion)
	manName, metaName := layout.ManifestFile(suffix), layout.MetadataFile(suffix)
	_, manErr := os.Lstat(filepath.Join(target, manName))
	_, metaErr := os.Lstat(filepath.Join(target, metaName))
	if manErr != nil && metaErr != nil && !isEmptyDir(target) {
		other := otherManifest(target)
		if other == "" {
			return &config.Error{Err: fmt.Errorf("%s exists and is not a snapshot folder (no %s); move it away (a snapshot is written into a new or empty folder, or over a snapshot)", target, manName)}
		}
		if !force {
			return fmt.Errorf("%s: %w: it holds the snapshot of another version (%s), this run makes %s: name another folder, or use --force to replace it", target, ErrExists, other, run.SnapshotVersion)
		}
	}
	if force {
		return nil
	}
	var meta model.Metadata
	if raw, err := safeio.ReadSmall(target, metaName, layout.MaxMetadataBytes); err == nil && json.Unmarshal(raw, &meta) == nil &&
		meta.ConfigSHA256 != "" && meta.ConfigSHA256 != run.ConfigSHA256 {
		return fmt.Errorf("%s: %w: it was made from another config (config_sha256 %s, this run's %s; config, records or seed differ): use --force to replace it", target, ErrExists, short(meta.ConfigSHA256), short(run.ConfigSHA256))
	}
	return nil
}

// otherManifest returns the (quoted) name of a snapshot manifest in dir,
// one of another version than the run's, or "" if it holds none. It reads
// the folder in chunks: a foreign folder may hold any number of entries.
func otherManifest(dir string) string {
	f, err := os.Open(dir)
	if err != nil {
		return ""
	}
	defer f.Close()
	for {
		names, err := f.Readdirnames(256)
		for _, n := range names {
			if strings.HasPrefix(n, layout.ManifestPrefix) && strings.HasSuffix(n, ".json") {
				return safeio.QuoteName(n)
			}
		}
		if err != nil || len(names) == 0 {
			return ""
		}
	}
}

func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12] + "…"
	}
	return sum
}

func isEmptyDir(dir string) bool {
	f, err := os.Open(dir)
	if err != nil {
		return false
	}
	defer f.Close()
	names, err := f.Readdirnames(1)
	return len(names) == 0 && errors.Is(err, io.EOF)
}

// checkFiles compares the files of dir with its manifest m: each listed
// file present, regular and of its size, those named in hash (every one
// when hash is nil) also of its SHA-256, and nothing else there. It returns
// one problem per file, or nil when ctx ends.
func checkFiles(ctx context.Context, dir string, m layout.Manifest, manifestName string, hash map[string]bool) []string {
	var problems []string
	listed := map[string]bool{manifestName: true}
	for _, f := range m.Files {
		listed[f.Name] = true
		if p := fileProblem(ctx, dir, f, hash == nil || hash[f.Name]); p != "" {
			problems = append(problems, p)
		}
		if ctx.Err() != nil {
			return nil
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return append(problems, "folder unreadable: "+err.Error())
	}
	for _, e := range entries {
		if !listed[e.Name()] {
			problems = append(problems, safeio.QuoteName(e.Name())+": not in the manifest")
		}
	}
	return problems
}

// fileProblem checks one listed file: a regular file directly in dir (never
// followed through a symlink nor blocked on by a FIFO), of the manifest's
// size and, if hash, SHA-256, read no further than that size and no longer
// than ctx lasts.
func fileProblem(ctx context.Context, dir string, f pipeline.FileInfo, hash bool) string {
	fh, st, err := safeio.OpenRegular(dir, f.Name)
	if err != nil {
		return openProblem(f.Name, err)
	}
	defer fh.Close()
	if st.Size() != f.Bytes {
		return fmt.Sprintf("%s: %d bytes, manifest says %d", f.Name, st.Size(), f.Bytes)
	}
	if !hash {
		return ""
	}
	h := sha256.New()
	if _, err := io.Copy(h, safeio.ContextReader(ctx, io.LimitReader(fh, f.Bytes))); err != nil {
		return f.Name + ": unreadable: " + err.Error()
	}
	if hex.EncodeToString(h.Sum(nil)) != f.SHA256 {
		return f.Name + ": SHA-256 differs from the manifest's"
	}
	return ""
}

// openProblem says why safeio could not open or read a file of a snapshot
// folder, as one of its problems.
func openProblem(name string, err error) string {
	var nr *safeio.NotRegularError
	switch {
	case errors.As(err, &nr):
		return safeio.QuoteName(name) + ": " + nr.Kind
	case errors.Is(err, os.ErrNotExist):
		return safeio.QuoteName(name) + ": missing"
	}
	return safeio.QuoteName(name) + ": unreadable: " + err.Error()
}
