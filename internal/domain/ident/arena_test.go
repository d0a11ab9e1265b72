package ident

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestArenaStringsStay makes strings of many lengths, some longer than the
// room Free leaves, over several blocks: each must read as it was made
// after all the others are.
func TestArenaStringsStay(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var a Arena
	var got, want []string
	for range 5000 {
		n := r.IntN(40)
		if r.IntN(50) == 0 {
			n = arenaRoom + r.IntN(2*arenaRoom) // outgrows the room
		}
		b := a.Free()
		require.Zero(t, len(b))
		for range n {
			b = append(b, byte('a'+r.IntN(26)))
		}
		got = append(got, a.String(b))
		want = append(want, string(b))
	}
	require.Equal(t, want, got)
}

// TestArenaIdentifiers makes a run's kinds of identifiers in one arena
// and holds them, once all are made, to the functions that return a string
// each.
func TestArenaIdentifiers(t *testing.T) {
	var a Arena
	ssns, vins := NewSSNs(7), NewVINs(7)
	plates := PlateSpace("@##-##@", "").Numbering(99)
	vds := VDS{'A', 'B', 'C', 'D', 'E'}
	var got, want []string
	for i := int64(0); i < 3000; i++ {
		j := i * 997
		serial := uint64(j) % 1_150_000 // the pattern's reserved span
		plate, err := plates.Append(a.Free(), serial)
		require.NoError(t, err)
		got = append(got, a.String(plate),
			a.String(ssns.Append(a.Free(), j)),
			a.String(AppendID(a.Free(), "PER-", j)),
			a.String(AppendPhone(a.Free(), "212", int(i%100))),
			a.String(AppendEmail(a.Free(), "Mary-Jo", "O'Neil", j, "example.org")),
			a.String(vins.Append(a.Free(), j, "1FA", vds, 2015)))
		p, err := PlateSpace("@##-##@", "").serial(serial, 99)
		require.NoError(t, err)
		want = append(want, p, SSN(7, j), ID("PER-", j), Phone("212", int(i%100)),
			Email("Mary-Jo", "O'Neil", j, "example.org"), VINv2(7, j, "1FA", vds, 2015))
	}
	require.Equal(t, want, got)
	require.Equal(t, "maryjo.oneil1@example.org", got[4])
}
