package readback

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"

	"github.com/klauspost/compress/snappy"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// Limits a Parquet file must keep before parquet-go reads its pages. A
// corrupt length field would otherwise make it allocate tens of gigabytes
// and kill the process, which no recover can catch. synthpipe's own files
// are far inside these limits (row groups of at most 2^24 rows, pages of
// at most ~256 KiB: parquet-go's default page buffer). parquet-go holds
// one page per column while it reads, so the page limit also bounds
// validate's memory.
const (
	maxRowGroupRows = 1 << 24
	maxPageBytes    = 1 << 20
	headerWindow    = 64 << 10
	// snappy expands at most about 21x; allow more for safety
	maxExpansion = 64
	// maxListItems bounds the values of one row in one repeated column
	// (synthpipe's lists hold a handful of ids or tags).
	maxListItems = 1024
)

// checkPages walks every page header of every column chunk and checks that
// offsets, sizes and value counts are consistent with the file.
func checkPages(r io.ReaderAt, size int64, md *format.FileMetaData) error {
	proto := &thrift.CompactProtocol{}
	buf := make([]byte, headerWindow)
	reps, defs, err := maxLevels(md.Schema)
	if err != nil {
		return err
	}
	var lv levelReader
	for gi, rg := range md.RowGroups {
		if len(rg.Columns) != len(reps) {
			return fmt.Errorf("row group %d has %d columns, the schema %d", gi, len(rg.Columns), len(reps))
		}
		if rg.NumRows < 0 || rg.NumRows > maxRowGroupRows {
			return fmt.Errorf("row group %d claims %d rows", gi, rg.NumRows)
		}
		for ci, cc := range rg.Columns {
			m := &cc.MetaData
			start := m.DataPageOffset
			if m.DictionaryPageOffset > 0 && m.DictionaryPageOffset < start {
				start = m.DictionaryPageOffset
			}
			end := start + m.TotalCompressedSize
			if start < 4 || m.TotalCompressedSize <= 0 || end > size || end < start {
				return fmt.Errorf("row group %d column %d: chunk [%d, %d) outside the file of %d bytes", gi, ci, start, end, size)
			}
			if m.NumValues < 0 || m.NumValues > 64*rg.NumRows+1024 {
				return fmt.Errorf("row group %d column %d claims %d values for %d rows", gi, ci, m.NumValues, rg.NumRows)
			}
			var values int64
			for pos := start; pos < end; {
				n := min(int64(headerWindow), end-pos)
				if _, err := r.ReadAt(buf[:n], pos); err != nil && err != io.EOF {
					return err
				}
				if _, err := scanThrift(buf[:n]); err != nil {
					return fmt.Errorf("row group %d column %d: page header at %d: %w", gi, ci, pos, err)
				}
				rd := proto.NewReaderFromBytes(buf[:n])
				var h format.PageHeader
				if err := thrift.NewDecoder(rd).Decode(&h); err != nil {
					return fmt.Errorf("row group %d column %d: page header at %d: %w", gi, ci, pos, err)
				}
				comp, unc := int64(h.CompressedPageSize), int64(h.UncompressedPageSize)
				body := pos + int64(rd.BytesRead())
				if comp < 0 || unc < 0 || body+comp > end || unc > maxPageBytes || unc > maxExpansion*comp+headerWindow {
					return fmt.Errorf("row group %d column %d: page at %d claims %d bytes (%d compressed) in a chunk ending at %d", gi, ci, pos, unc, comp, end)
				}
				var pageValues int64
				switch {
				case h.DataPageHeader.Valid:
					pageValues = int64(h.DataPageHeader.V.NumValues)
				case h.DataPageHeaderV2.Valid:
					pageValues = int64(h.DataPageHeaderV2.V.NumValues)
				case h.DictionaryPageHeader.Valid:
					if reps[ci] > 0 {
						return fmt.Errorf("row group %d column %d: a list column with a dictionary (each item would copy its entry: synthpipe never writes one)", gi, ci)
					}
					nv := int64(h.DictionaryPageHeader.V.NumValues)
					if nv < 0 || nv > unc+1 {
						return fmt.Errorf("row group %d column %d: dictionary claims %d values in %d bytes", gi, ci, nv, unc)
					}
					if unc > nv*MaxFieldBytes+headerWindow {
						return fmt.Errorf("row group %d column %d: dictionary of %d bytes holds %d values (more than %d bytes each)", gi, ci, unc, nv, MaxFieldBytes)
					}
				}
				// RLE packs long runs into few bytes, hence the margin.
				if pageValues < 0 || pageValues > 8*unc+1<<20 {
					return fmt.Errorf("row group %d column %d: page claims %d values", gi, ci, pageValues)
				}
				// A few huge values per page would let one batch of rows
				// hold a page per row: values must average MaxFieldBytes.
				if (h.DataPageHeader.Valid || h.DataPageHeaderV2.Valid) && unc > pageValues*MaxFieldBytes+headerWindow {
					return fmt.Errorf("row group %d column %d: page of %d bytes holds %d values (more than %d bytes each)", gi, ci, unc, pageValues, MaxFieldBytes)
				}
				if h.DataPageHeader.Valid || h.DataPageHeaderV2.Valid {
					enc := h.DataPageHeader.V.Encoding
					if h.DataPageHeaderV2.Valid {
						enc = h.DataPageHeaderV2.V.Encoding
					}
					// Each value must be its own bytes of the page, or a
					// row could hold far more than the page: DELTA_BYTE_ARRAY
					// repeats prefixes, and a list item copies its dictionary
					// entry. synthpipe writes neither.
					if enc == format.DeltaByteArray || reps[ci] > 0 && enc != format.Plain && enc != format.DeltaLengthByteArray {
						return fmt.Errorf("row group %d column %d: page at %d: values in %v encoding (not read in this column)", gi, ci, pos, enc)
					}
				}
				if (reps[ci] > 0 || defs[ci] > 0) && (h.DataPageHeader.Valid || h.DataPageHeaderV2.Valid) {
					if err := lv.check(r, body, &h, m.Codec, reps[ci], defs[ci], pageValues); err != nil {
						return fmt.Errorf("row group %d column %d: page at %d: %w", gi, ci, pos, err)
					}
				}
				values += pageValues
				if values > m.NumValues {
					return fmt.Errorf("row group %d column %d: pages hold more than the chunk's %d values", gi, ci, m.NumValues)
				}
				pos = body + comp
			}
		}
	}
	return nil
}

// maxLevels returns the maximum repetition and definition levels of each
// leaf column of a flattened schema, in column order.
func maxLevels(s []format.SchemaElement) (reps, defs []int, err error) {
	if len(s) == 0 {
		return nil, nil, fmt.Errorf("empty schema")
	}
	type group struct{ left, rep, def int }
	stack := []group{{int(s[0].NumChildren.V), 0, 0}}
	for i := 1; i < len(s); i++ {
		for len(stack) > 0 && stack[len(stack)-1].left <= 0 {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			return nil, nil, fmt.Errorf("schema element %d lies outside the tree", i)
		}
		stack[len(stack)-1].left--
		rep, def := stack[len(stack)-1].rep, stack[len(stack)-1].def
		if t := s[i].RepetitionType; t.Valid && t.V == format.Repeated {
			rep++
			def++
		} else if t.Valid && t.V == format.Optional {
			def++
		}
		n := int(s[i].NumChildren.V)
		switch {
		case n < 0 || n > len(s):
			return nil, nil, fmt.Errorf("schema element %d claims %d children", i, n)
		case n == 0:
			reps, defs = append(reps, rep), append(defs, def)
		case len(stack) >= maxThriftDepth:
			return nil, nil, fmt.Errorf("schema nested deeper than %d levels", maxThriftDepth)
		default:
			stack = append(stack, group{n, rep, def})
		}
	}
	return reps, defs, nil
}

// levelReader reads the levels of data pages, reusing its buffers.
type levelReader struct{ raw, dec []byte }

// check reads the repetition and definition levels of one data page of a
// column whose maximum levels are maxRep and maxDef (one is above 0).
//
// parquet-go decodes a page's whole level sections before it trims them to
// the page's value count, so a run of 2^31 levels in a few bytes would make
// it allocate gigabytes: each section must hold at most the page's values
// (and the padding of a packed group).
//
// For a repeated (list) column it enforces what bounds a row parquet-go
// materialises: the page starts a row (so no row spans pages, and a row's
// strings lie in one page of at most maxPageBytes), no row holds more than
// maxListItems values, and the page's rows average at most MaxLineBytes (so
// the rows of one read do not gather many large pages).
func (lv *levelReader) check(r io.ReaderAt, body int64, h *format.PageHeader, codec format.CompressionCodec, maxRep, maxDef int, values int64) error {
	comp, unc := int64(h.CompressedPageSize), int64(h.UncompressedPageSize)
	var rep, def []byte
	if v2 := h.DataPageHeaderV2; v2.Valid {
		// levels are stored uncompressed before the values
		n, d := int64(v2.V.RepetitionLevelsByteLength), int64(v2.V.DefinitionLevelsByteLength)
		if n < 0 || d < 0 || n+d > comp || n+d > unc {
			return fmt.Errorf("levels of %d+%d bytes in a page of %d", n, d, comp)
		}
		b, err := lv.read(r, body, n+d)
		if err != nil {
			return err
		}
		rep, def = b[:n], b[n:]
	} else {
		v1 := h.DataPageHeader.V
		if maxRep > 0 && v1.RepetitionLevelEncoding != format.RLE || maxDef > 0 && v1.DefinitionLevelEncoding != format.RLE {
			return fmt.Errorf("levels in %v/%v encoding (want RLE)", v1.RepetitionLevelEncoding, v1.DefinitionLevelEncoding)
		}
		// levels are inside the (compressed) page, each after a 4-byte length
		if comp > 2*maxPageBytes {
			return fmt.Errorf("page of %d compressed bytes", comp)
		}
		raw, err := lv.read(r, body, comp)
		if err != nil {
			return err
		}
		page := raw
		switch codec {
		case format.Uncompressed:
		case format.Snappy:
			n, err := snappy.DecodedLen(raw)
			if err != nil || int64(n) != unc {
				return fmt.Errorf("snappy page of %d bytes, its header claims %d (%v)", n, unc, err)
			}
			if cap(lv.dec) < n {
				lv.dec = make([]byte, n)
			}
			if page, err = snappy.Decode(lv.dec[:n], raw); err != nil {
				return fmt.Errorf("snappy: %w", err)
			}
		default:
			return fmt.Errorf("v1 page of a list or optional column compressed with %v: only uncompressed and snappy ones are read", codec)
		}
		section := func() ([]byte, error) {
			if len(page) < 4 {
				return nil, fmt.Errorf("levels missing from a page of %d bytes", unc)
			}
			n := int64(binary.LittleEndian.Uint32(page))
			if n > int64(len(page)-4) {
				return nil, fmt.Errorf("levels of %d bytes in a page of %d", n, unc)
			}
			b := page[4 : 4+n]
			page = page[4+n:]
			return b, nil
		}
		if maxRep > 0 {
			if rep, err = section(); err != nil {
				return err
			}
		}
		if maxDef > 0 {
			if def, err = section(); err != nil {
				return err
			}
		}
	}
	if maxDef > 0 {
		if _, err := countRows(def, bits.Len(uint(maxDef)), values, false); err != nil {
			return fmt.Errorf("definition %w", err)
		}
	}
	if maxRep == 0 {
		return nil
	}
	rows, err := countRows(rep, bits.Len(uint(maxRep)), values, true)
	if err != nil {
		return fmt.Errorf("repetition %w", err)
	}
	if v2 := h.DataPageHeaderV2; v2.Valid && int64(v2.V.NumRows) != rows {
		return fmt.Errorf("page claims %d rows, its repetition levels hold %d", v2.V.NumRows, rows)
	}
	if unc > rows*MaxLineBytes+headerWindow {
		return fmt.Errorf("page of %d bytes holds %d rows (more than %d bytes each)", unc, rows, MaxLineBytes)
	}
	return nil
}

// read returns n bytes at off in a reused buffer; n is at most 2 MiB.
func (lv *levelReader) read(r io.ReaderAt, off, n int64) ([]byte, error) {
	if n > 2*maxPageBytes {
		return nil, fmt.Errorf("%d bytes of levels", n)
	}
	if int64(cap(lv.raw)) < n {
		lv.raw = make([]byte, n)
	}
	b := lv.raw[:n]
	if _, err := r.ReadAt(b, off); err != nil && !(err == io.EOF && n == 0) {
		return nil, err
	}
	return b, nil
}

// countRows decodes one level section (RLE/bit-packed hybrid, width bits a
// level) of a page of n values. The section must hold n levels and at most
// 7 more (a packed group's padding). If repeated, the levels are
// repetition levels and it returns the rows they start, failing if the
// first does not start one or a row holds more than maxListItems values.
// It allocates nothing; its work is at most 8 levels per byte of b.
func countRows(b []byte, width int, n int64, repeated bool) (int64, error) {
	if width < 1 || width > 8 {
		return 0, fmt.Errorf("levels of %d bits", width)
	}
	var done, seen, rows, run int64 // run: values of the current row
	level := func(v uint64, k int64) error {
		if k <= 0 || !repeated {
			return nil // an empty run neither starts nor extends a row
		}
		if v == 0 {
			rows += k
			run = 1
		} else {
			if seen == 0 {
				return fmt.Errorf("levels: page starts inside a row (a row must lie in one page)")
			}
			run += k
		}
		seen += k
		if run > maxListItems {
			return fmt.Errorf("levels: a row holds more than %d values (the limit for one list)", maxListItems)
		}
		return nil
	}
	for pos := 0; pos < len(b); {
		hdr, k := binary.Uvarint(b[pos:])
		if k <= 0 {
			return 0, fmt.Errorf("levels: bad run header after %d of %d values", done, n)
		}
		pos += k
		var count int64
		if hdr&1 == 0 { // RLE run of one value
			vb := (width + 7) / 8
			if vb > len(b)-pos {
				return 0, fmt.Errorf("levels end inside a run")
			}
			var v uint64
			for i := range vb {
				v |= uint64(b[pos+i]) << (8 * i)
			}
			pos += vb
			count = int64(min(hdr>>1, uint64(n+8)))
			if err := level(v, min(count, n-done)); err != nil {
				return 0, err
			}
		} else {
			groups := hdr >> 1 // bit-packed, 8 levels a group
			if groups > uint64(len(b)-pos)/uint64(width) {
				return 0, fmt.Errorf("levels end inside %d packed groups", groups)
			}
			packed := b[pos : pos+int(groups)*width]
			pos += len(packed)
			count = int64(groups) * 8
			mask := uint16(1)<<width - 1
			for i := range min(count, n-done) {
				bit := int(i) * width
				w := uint16(packed[bit/8])
				if bit/8+1 < len(packed) {
					w |= uint16(packed[bit/8+1]) << 8
				}
				if err := level(uint64(w>>(bit%8)&mask), 1); err != nil {
					return 0, err
				}
			}
		}
		if done += count; done > n+7 {
			return 0, fmt.Errorf("levels hold more than the page's %d values", n)
		}
	}
	if done < n {
		return 0, fmt.Errorf("levels end after %d of %d values", done, n)
	}
	return rows, nil
}
