package samples

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// What Write did to a file, or what Check found.
const (
	Written   = "written"
	Unchanged = "unchanged"
	Removed   = "removed" // a sample of a scenario that is no longer one
	Differs   = "differs"
	Missing   = "missing"
	Stale     = "stale" // in the folder, not among the samples
)

// Change is one file of the folder and what happened to it.
type Change struct {
	Name   string
	Action string
}

// tmpPrefix starts the temporary files Write renames into place; one left
// by a killed run is removed by the next.
const tmpPrefix = ".samples-"

// Write makes out hold exactly files, as Render makes them (the index
// last): each file is written to a temporary file and renamed over the old
// one (a reader sees the old or the new file, never part of one), a file
// with the same bytes is left alone, and the samples of scenarios that are
// no longer in files are removed. out must be absent, empty, or a folder
// samples wrote; anything else there is refused (*ArgError) before anything
// is written.
func Write(out string, files []File) ([]Change, error) {
	entries, err := folder(out)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, &ArgError{fmt.Errorf("--out %s: %w", out, err)}
	}
	// The index goes first: from then on the folder is marked as samples',
	// so a run killed midway can be repeated over it.
	order := append([]File{files[len(files)-1]}, files[:len(files)-1]...)
	done := map[string]string{}
	for _, f := range order {
		old, err := os.ReadFile(filepath.Join(out, f.Name))
		if err == nil && bytes.Equal(old, f.Data) {
			done[f.Name] = Unchanged
			continue
		}
		if err := replaceFile(out, f); err != nil {
			return nil, err
		}
		done[f.Name] = Written
	}
	changes := make([]Change, 0, len(files))
	for _, f := range files {
		changes = append(changes, Change{f.Name, done[f.Name]})
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, tmpPrefix):
			if err := os.Remove(filepath.Join(out, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return changes, err
			}
		case done[name] == "":
			if err := os.Remove(filepath.Join(out, name)); err != nil {
				return changes, err
			}
			changes = append(changes, Change{name, Removed})
		}
	}
	return changes, syncDir(out)
}

// CheckOut refuses, as Write and Check would, an out that samples may not
// write to: a caller checks it before the work of taking the samples.
func CheckOut(out string) error {
	_, err := folder(out)
	return err
}

// folder lists out, refusing a folder samples did not write. An absent out
// is an empty folder.
func folder(out string) ([]fs.DirEntry, error) {
	st, err := os.Lstat(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &ArgError{fmt.Errorf("--out %s: %w", out, err)}
	}
	if st.Mode()&fs.ModeSymlink != 0 {
		return nil, &ArgError{fmt.Errorf("--out %s is a symbolic link, which samples does not follow: give the folder itself", out)}
	}
	if !st.IsDir() {
		return nil, &ArgError{fmt.Errorf("--out %s is not a folder: give a folder for the samples (new, empty, or one synthpipe samples wrote)", out)}
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return nil, &ArgError{fmt.Errorf("--out %s: %w", out, err)}
	}
	ours := false
	var foreign []string
	for _, e := range entries {
		name := e.Name()
		switch {
		case !e.Type().IsRegular():
			foreign = append(foreign, name)
		case name == IndexName:
			head := make([]byte, len(IndexMarker))
			if f, err := os.Open(filepath.Join(out, name)); err == nil {
				n, _ := f.Read(head)
				f.Close()
				ours = n == len(head) && string(head) == IndexMarker
			}
			if !ours {
				foreign = append(foreign, name)
			}
		case strings.HasPrefix(name, tmpPrefix), strings.HasSuffix(name, ".json"):
		default:
			foreign = append(foreign, name)
		}
	}
	if len(foreign) == 0 && !ours {
		// Sample files without the index samples writes first: not ours.
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), tmpPrefix) {
				foreign = append(foreign, e.Name())
			}
		}
	}
	if len(foreign) > 0 {
		if len(foreign) > 3 {
			foreign = append(foreign[:3], fmt.Sprintf("and %d more", len(foreign)-3))
		}
		return nil, &ArgError{fmt.Errorf("--out %s holds files synthpipe samples did not write (%s): give a new or empty folder, or one samples wrote (its %s starts with %q)", out, strings.Join(foreign, ", "), IndexName, IndexMarker)}
	}
	return entries, nil
}

// replaceFile writes f beside its target and renames it into place.
func replaceFile(out string, f File) error {
	tmp, err := os.CreateTemp(out, tmpPrefix+"*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // gone after the rename; removes it on failure
	if _, err := tmp.Write(f.Data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(out, f.Name))
}

// syncDir makes the renames and removals durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Check compares out with files without writing: it returns every file
// that differs, is missing, or is in out without being one of files (none
// when out holds exactly files). A folder Write would refuse is refused
// (*ArgError) the same way: its files are not samples gone stale.
func Check(out string, files []File) ([]Change, error) {
	entries, err := folder(out)
	if err != nil {
		return nil, err
	}
	var changes []Change
	want := map[string]bool{}
	for _, f := range files {
		want[f.Name] = true
		old, err := os.ReadFile(filepath.Join(out, f.Name))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			changes = append(changes, Change{f.Name, Missing})
		case err != nil:
			return nil, err
		case !bytes.Equal(old, f.Data):
			changes = append(changes, Change{f.Name, Differs})
		}
	}
	for _, e := range entries {
		if !want[e.Name()] {
			changes = append(changes, Change{e.Name(), Stale})
		}
	}
	return changes, nil
}
