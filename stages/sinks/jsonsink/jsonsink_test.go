package jsonsink

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/internal/testkit"
)

// A spool holds its rows as the array's lines, a comma before each but the
// first, whatever the batches (an empty one first) and however many times
// its buffer is written to the file on the way.
func TestSpoolRows(t *testing.T) {
	mb := testkit.Batch(testkit.Run(300, 5), "profile")
	batches := []*model.Batch{entity.NewBatch(), mb, mb, entity.NewBatch(), mb}
	for _, e := range entity.All() {
		f, err := os.CreateTemp(t.TempDir(), "spool")
		require.NoError(t, err)
		// A small buffer, for the rows to be written in many chunks.
		sp := &spool{e: e, f: f, buf: make([]byte, 0, 64)}
		var want []byte
		for _, b := range batches {
			require.NoError(t, sp.add(b))
			for i := range e.Len(b) {
				if len(want) > 0 {
					want = append(want, ',')
				}
				want = e.AppendJSONRow(append(want, "\n    "...), b, i)
			}
		}
		require.NoError(t, sp.flush())
		got, err := os.ReadFile(f.Name())
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), e.Name())
		require.Equal(t, int64(3*e.Len(mb)), sp.rows)
		f.Close()
	}
}

// BenchmarkEncode spools a generated batch of every entity as the sink
// does, to /dev/null: the sink's work without hashing and joining.
func BenchmarkEncode(b *testing.B) {
	mb := testkit.Batch(testkit.Run(2000, 7), "profile")
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var spools []*spool
	for _, e := range entity.All() {
		spools = append(spools, &spool{e: e, f: f, buf: make([]byte, 0, spoolChunk+spoolChunk/8)})
	}
	for b.Loop() {
		for _, sp := range spools {
			if err := sp.add(mb); err != nil {
				b.Fatal(err)
			}
		}
	}
}
