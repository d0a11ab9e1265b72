package verify

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"

	"github.com/synthpipe/synthpipe/internal/formats/readback"
)

// Limits on what validate reads: a snapshot folder comes from elsewhere, so
// no file may make it read, hold or print more than these.
const (
	maxManifestBytes = 4 << 20 // a real manifest is ~2 KB
	maxMetadataBytes = 1 << 20 // a real metadata file is ~1.3 KB
	maxManifestFiles = 1024    // the contract defines 8 names per version
	maxJSONDepth     = 32      // manifest and metadata nest 3 deep
	maxJSONTokens    = 1 << 16 // values, keys and delimiters of one document
)

// NotRegularError is a name in the folder that is not a regular file
// directly inside it: a symlink, FIFO, device, folder, or a path that
// leaves the folder. It is never followed or read.
type NotRegularError struct {
	Name string
	Kind string // symlink, fifo, device, folder, socket, path outside the folder …
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s: not a regular file (%s)", quoteName(e.Name), e.Kind)
}

// limitError is input over one of validate's limits.
type limitError struct{ msg string }

func (e *limitError) Error() string { return e.msg }

func overLimit(format string, args ...any) error {
	return &limitError{fmt.Sprintf(format, args...)}
}

// quoteName renders a name from the folder or manifest for a message:
// bounded, and quoted when it holds anything unusual.
func quoteName(name string) string {
	name = readback.Truncate(name)
	if strings.ContainsFunc(name, func(r rune) bool { return r < 0x21 || r == 0x7f || r == '"' }) {
		return fmt.Sprintf("%q", name)
	}
	return name
}

// plainName reports why name is not a plain file name inside the folder,
// or "" when it is one.
func plainName(name string) string {
	switch {
	case name == "":
		return "empty name"
	case filepath.IsAbs(name) || strings.HasPrefix(name, "/"):
		return "absolute path"
	case name == "." || name == ".." || strings.HasPrefix(name, "../") || strings.Contains(name, "/../") || strings.HasSuffix(name, "/.."):
		return "path outside the folder"
	case strings.ContainsAny(name, `/\`):
		return "path with a folder"
	case strings.ContainsRune(name, 0):
		return "name with a NUL byte"
	}
	return ""
}

// openRegular opens name inside dir for reading, only if it is a regular
// file there. O_NOFOLLOW refuses a symlink in the last component, and
// O_NONBLOCK keeps a FIFO from blocking the open; the kind is then taken
// from the opened descriptor (fstat), so nothing can be swapped between the
// check and the read.
func openRegular(dir, name string) (*os.File, fs.FileInfo, error) {
	if why := plainName(name); why != "" {
		return nil, nil, &NotRegularError{Name: name, Kind: why}
	}
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.EMLINK) {
			return nil, nil, &NotRegularError{Name: name, Kind: "symlink"}
		}
		if errors.Is(err, syscall.ENXIO) { // what opening a Unix socket gives
			return nil, nil, &NotRegularError{Name: name, Kind: "socket"}
		}
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, nil, &NotRegularError{Name: name, Kind: kindOf(st.Mode())}
	}
	return f, st, nil
}

func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symlink"
	case m&fs.ModeNamedPipe != 0:
		return "fifo"
	case m&fs.ModeDevice != 0 || m&fs.ModeCharDevice != 0:
		return "device"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m.IsDir():
		return "folder"
	}
	return "irregular file"
}

// readSmall reads a whole small file of the folder, refusing one larger
// than limit before reading it (and reading at most limit+1 bytes should it
// grow meanwhile).
func readSmall(dir, name string, limit int64) ([]byte, error) {
	f, st, err := openRegular(dir, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st.Size() > limit {
		return nil, overLimit("%s is %d bytes, more than the %s limit", name, st.Size(), sizeText(limit))
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, overLimit("%s grew past the %s limit while read", name, sizeText(limit))
	}
	return b, nil
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// checkJSONShape refuses a document nested deeper than maxJSONDepth or made
// of more than maxJSONTokens tokens, before any decoder or schema
// validator builds it in memory. It scans bytes only; syntax is left to the
// decoder.
func checkJSONShape(raw []byte) error {
	depth, tokens := 0, 0
	inString, escaped, inScalar := false, false, false
	for _, c := range raw {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		isScalar := false
		switch c {
		case '{', '[':
			depth++
			tokens++
			if depth > maxJSONDepth {
				return overLimit("nested deeper than %d levels", maxJSONDepth)
			}
		case '}', ']':
			depth--
		case '"':
			inString = true
			tokens++
		case ' ', '\t', '\n', '\r', ',', ':':
		default:
			isScalar = true
			if !inScalar {
				tokens++
			}
		}
		inScalar = isScalar
		if tokens > maxJSONTokens {
			return overLimit("more than %d JSON tokens", maxJSONTokens)
		}
	}
	return nil
}

// snapshotFiles returns the file names, with entity and format, that the
// contract defines for a snapshot whose file-name suffix is suffix (v0_1).
func snapshotFiles(suffix string) map[string][2]string {
	out := map[string][2]string{
		"dataset_" + suffix + ".json":  {"dataset", "json"},
		"metadata_" + suffix + ".json": {"metadata", "json"},
	}
	for _, e := range []string{"persons", "vehicles", "profiles"} {
		for _, f := range []string{"csv", "parquet"} {
			out[e+"_"+suffix+"."+f] = [2]string{e, f}
		}
	}
	return out
}

// manifestName matches the manifest's name; its suffix is the version with
// '.' as '_' (snapshot version v0.1 -> snapshot_manifest_v0_1.json).
var manifestName = regexp.MustCompile(`^snapshot_manifest_(v[0-9]{1,6}(?:_[0-9]{1,6}){1,3})\.json$`)

// versionOf turns a file-name suffix back into its snapshot version.
func versionOf(suffix string) string { return strings.ReplaceAll(suffix, "_", ".") }
