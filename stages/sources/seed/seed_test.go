package seed

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/model"
)

func TestBatchesHoldWholeHouseholdsAndExactRecordCount(t *testing.T) {
	for _, batch := range []int{1, 7, 1000} {
		run := &model.Run{Seed: 3, Records: 1000, BatchSize: batch}
		src := New(run)
		b := &component.Batch{Payload: src.NewPayload()}
		var persons, vehicles, households int64
		for {
			more, err := src.Next(context.Background(), b)
			require.NoError(t, err)
			if !more {
				break
			}
			for _, h := range b.Payload.Households {
				require.Equal(t, households, h.Index)
				require.Equal(t, persons, h.FirstPerson)
				require.Equal(t, vehicles, h.FirstVehicle)
				require.True(t, h.Size >= 1 && h.Size <= model.MaxHouseholdSize, "size %d", h.Size)
				require.True(t, h.Vehicles >= 0 && h.Vehicles <= model.MaxHouseholdVehicles)
				require.LessOrEqual(t, 1+boolToInt(h.Spouse)+h.Children, h.Size)
				households++
				persons += int64(h.Size)
				vehicles += int64(h.Vehicles)
			}
		}
		require.Equal(t, int64(1000), persons, "batch size %d", batch)
	}
}

func boolToInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestPlanDependsOnlyOnSeedAndIndex(t *testing.T) {
	require.Equal(t, Plan(1, 42, 10), Plan(1, 42, 10))
	differs := false
	for i := int64(0); i < 50; i++ {
		differs = differs || Plan(1, i, 10) != Plan(2, i, 10)
	}
	require.True(t, differs, "the seed changes plans")
	for i := int64(0); i < 50; i++ {
		require.LessOrEqual(t, Plan(1, i, 2).Size, 2, "last household is cut to fit")
	}
}

func TestPartsTileTheRun(t *testing.T) {
	const records = 5000
	whole := collect(t, &model.Run{Seed: 9, Records: records, BatchSize: 100})
	for _, n := range []int{1, 2, 3, 4, 7} {
		var joined []model.Household
		for k := 1; k <= n; k++ {
			joined = append(joined, collect(t, &model.Run{Seed: 9, Records: records, BatchSize: 64, Shard: k, Shards: n})...)
		}
		require.Equal(t, whole, joined, "%d parts", n)
	}
}

func collect(t *testing.T, run *model.Run) []model.Household {
	src := New(run)
	b := &component.Batch{Payload: src.NewPayload()}
	var out []model.Household
	for {
		more, err := src.Next(context.Background(), b)
		require.NoError(t, err)
		if !more {
			return out
		}
		out = append(out, b.Payload.Households...)
	}
}

// Seeking from a checkpoint of a walk over a longer run finds what a walk
// from the start finds, for any shorter run that still holds the target.
func TestSeekFromCheckpoint(t *testing.T) {
	const seedv, long = 9, 10_000
	ch, cp, cv := Seek(seedv, long, 4000) // a household start of the long run
	for _, records := range []int64{long, 6000, 4003, cp + 1} {
		for _, person := range []int64{cp, cp + 1, cp + 7, records - 1} {
			h, p, v := Seek(seedv, records, person)
			h2, p2, v2 := SeekFrom(seedv, records, person, ch, cp, cv)
			require.Equal(t, [3]int64{h, p, v}, [3]int64{h2, p2, v2}, "records %d person %d", records, person)
		}
	}
}
