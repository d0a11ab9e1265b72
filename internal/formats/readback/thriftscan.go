package readback

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// errThrift is a Thrift structure whose declared lengths cannot fit.
var errThrift = errors.New("malformed thrift")

// scanThrift walks one Thrift compact-protocol struct in b without
// allocating, and fails if any declared length or count exceeds the bytes
// left (every element takes at least one byte) or nesting is absurd. It
// returns the struct's length. parquet-go's decoder allocates what a length
// claims before reading it, so this runs first on untrusted bytes.
func scanThrift(b []byte) (int, error) {
	s := thriftScanner{b: b}
	if err := s.structure(0); err != nil {
		return 0, err
	}
	return s.pos, nil
}

type thriftScanner struct {
	b   []byte
	pos int
}

const maxThriftDepth = 32

func (s *thriftScanner) byte() (byte, error) {
	if s.pos >= len(s.b) {
		return 0, io.ErrUnexpectedEOF
	}
	c := s.b[s.pos]
	s.pos++
	return c, nil
}

func (s *thriftScanner) varint() (uint64, error) {
	v, n := binary.Uvarint(s.b[s.pos:])
	if n <= 0 {
		return 0, errThrift
	}
	s.pos += n
	return v, nil
}

func (s *thriftScanner) skip(n uint64) error {
	if n > uint64(len(s.b)-s.pos) {
		return fmt.Errorf("%w: length %d with %d bytes left", errThrift, n, len(s.b)-s.pos)
	}
	s.pos += int(n)
	return nil
}

func (s *thriftScanner) structure(depth int) error {
	if depth > maxThriftDepth {
		return fmt.Errorf("%w: nested too deep", errThrift)
	}
	for {
		h, err := s.byte()
		if err != nil {
			return err
		}
		if h == 0 { // stop
			return nil
		}
		if h>>4 == 0 { // long-form field id
			if _, err := s.varint(); err != nil {
				return err
			}
		}
		if err := s.value(h&0x0f, depth); err != nil {
			return err
		}
	}
}

func (s *thriftScanner) value(t byte, depth int) error {
	switch t {
	case 1, 2: // bool in a field header
		return nil
	case 3: // i8
		_, err := s.byte()
		return err
	case 4, 5, 6: // i16, i32, i64
		_, err := s.varint()
		return err
	case 7: // double
		return s.skip(8)
	case 8: // binary
		n, err := s.varint()
		if err != nil {
			return err
		}
		return s.skip(n)
	case 9, 10: // list, set
		h, err := s.byte()
		if err != nil {
			return err
		}
		n := uint64(h >> 4)
		if n == 15 {
			if n, err = s.varint(); err != nil {
				return err
			}
		}
		if n > uint64(len(s.b)-s.pos) {
			return fmt.Errorf("%w: list of %d with %d bytes left", errThrift, n, len(s.b)-s.pos)
		}
		et := h & 0x0f
		for i := uint64(0); i < n; i++ {
			if et == 1 || et == 2 { // bools in a list take a byte each
				if _, err := s.byte(); err != nil {
					return err
				}
				continue
			}
			if err := s.value(et, depth+1); err != nil {
				return err
			}
		}
		return nil
	case 11: // map
		n, err := s.varint()
		if err != nil || n == 0 {
			return err
		}
		kv, err := s.byte()
		if err != nil {
			return err
		}
		if n > uint64(len(s.b)-s.pos) {
			return fmt.Errorf("%w: map of %d with %d bytes left", errThrift, n, len(s.b)-s.pos)
		}
		for i := uint64(0); i < n; i++ {
			if err := s.value(kv>>4, depth+1); err != nil {
				return err
			}
			if err := s.value(kv&0x0f, depth+1); err != nil {
				return err
			}
		}
		return nil
	case 12: // struct
		return s.structure(depth + 1)
	}
	return fmt.Errorf("%w: unknown type %d", errThrift, t)
}

// checkFooter scans a Parquet file's footer before parquet-go decodes it.
func checkFooter(r io.ReaderAt, size int64) error {
	if size < 12 {
		return fmt.Errorf("%d bytes is too short for a parquet file", size)
	}
	var tail [8]byte
	if _, err := r.ReadAt(tail[:], size-8); err != nil {
		return err
	}
	if string(tail[4:]) != "PAR1" {
		return fmt.Errorf("no PAR1 magic at the end (truncated?)")
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	if n <= 0 || n > size-12 {
		return fmt.Errorf("footer of %d bytes in a file of %d", n, size)
	}
	footer := make([]byte, n)
	if _, err := r.ReadAt(footer, size-8-n); err != nil {
		return err
	}
	if _, err := scanThrift(footer); err != nil {
		return fmt.Errorf("footer: %w", err)
	}
	return nil
}
