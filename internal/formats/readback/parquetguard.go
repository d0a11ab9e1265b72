package readback

import (
	"fmt"
	"io"

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
)

// checkPages walks every page header of every column chunk and checks that
// offsets, sizes and value counts are consistent with the file.
func checkPages(r io.ReaderAt, size int64, md *format.FileMetaData) error {
	proto := &thrift.CompactProtocol{}
	buf := make([]byte, headerWindow)
	for gi, rg := range md.RowGroups {
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
