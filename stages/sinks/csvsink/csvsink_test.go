package csvsink_test

import (
	"testing"

	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/internal/testkit"
)

var sink []byte

// BenchmarkEncode renders a generated batch of every entity as CSV rows, in
// buffers of the sink's size: the sink's work without hashing and writing.
func BenchmarkEncode(b *testing.B) {
	mb := testkit.Batch(testkit.Run(2000, 7), "profile")
	buf := make([]byte, 0, 1<<17)
	for b.Loop() {
		for _, e := range entity.All() {
			for i, n := 0, e.Len(mb); i < n; {
				buf, i = e.AppendCSVRows(buf[:0], mb, i, 1<<16)
			}
		}
	}
	sink = buf
}
