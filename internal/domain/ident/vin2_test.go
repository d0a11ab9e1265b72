package ident

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

func TestVINv2RoundTrip(t *testing.T) {
	vds := DescriptorOf("Ford", "F-150", "truck", 2021)
	for _, tc := range []struct {
		seed uint64
		i    int64
	}{
		{1, 0}, {1, 1}, {1, 99_999}, {1, 100_000}, {7, 54_321_987},
		{7, VINv2Capacity - 1}, {0, VINv2Capacity / 2}, {^uint64(0), 12},
	} {
		v := VINv2(tc.seed, tc.i, "1FT", vds, 2021)
		require.Empty(t, VINv2Problem(v, 2021), v)
		require.Equal(t, "1FT", v[:3])
		require.Equal(t, string(vds[:]), v[3:8])
		require.Equal(t, YearCode(2021), v[9])
		for p := 12; p < 17; p++ {
			require.True(t, isDigitByte(v[p]), "position %d of %s", p+1, v)
		}
		got, ok := VINv2Index(tc.seed, v)
		require.True(t, ok, v)
		require.Equal(t, tc.i, got, v)
	}
}

func TestVINv2IndexRejects(t *testing.T) {
	v := VINv2(3, 42, "1FT", DescriptorOf("Ford", "F-150", "truck", 2021), 2021)
	for name, bad := range map[string]string{
		"short":            v[:16],
		"letter in 13-17":  v[:14] + "A" + v[15:],
		"I as plant code":  v[:10] + "I" + v[11:],
		"O in position 12": v[:11] + "O" + v[12:],
	} {
		_, ok := VINv2Index(3, bad)
		require.False(t, ok, name)
	}
	got, ok := VINv2Index(4, v)
	require.True(t, ok)
	require.NotEqual(t, int64(42), got, "another seed's key reads another index")
}

func TestVINv2Unique(t *testing.T) {
	vds := DescriptorOf("Toyota", "Camry", "car", 2018)
	seen := make(map[string]struct{}, 200_000)
	for i := int64(0); i < 200_000; i++ {
		v := VINv2(11, i, "4T1", vds, 2018)
		_, dup := seen[v]
		require.False(t, dup, "index %d repeats %s", i, v)
		seen[v] = struct{}{}
		require.Equal(t, VINCheckDigit([]byte(v)), v[8], v)
	}
}

func TestVINv2PanicsOutsideCapacity(t *testing.T) {
	vds := DescriptorOf("Ford", "F-150", "truck", 2021)
	require.Panics(t, func() { VINv2(1, VINv2Capacity, "1FT", vds, 2021) })
	require.Panics(t, func() { VINv2(1, -1, "1FT", vds, 2021) })
}

func TestDescriptorPosition7Cycle(t *testing.T) {
	for _, tc := range []struct {
		year   int
		letter bool
	}{
		{1980, false}, {1995, false}, {2009, false},
		{2010, true}, {2021, true}, {2039, true},
		{1979, false}, {2040, false}, // no rule outside 1980-2039: a digit
	} {
		for _, m := range [][3]string{{"Ford", "F-150", "truck"}, {"Honda", "Civic", "car"}, {"Harley-Davidson", "Sportster", "motorcycle"}} {
			d := DescriptorOf(m[0], m[1], m[2], tc.year)
			require.Equal(t, !tc.letter, isDigitByte(d[3]), "%v %d: %q", m, tc.year, d[:])
			require.GreaterOrEqual(t, indexByte(VINChars, d[3]), 0, "%v %d: %q", m, tc.year, d[:])
		}
	}
}

func TestDescriptorStable(t *testing.T) {
	a, b := DescriptorOf("Honda", "Civic", "car", 2012), DescriptorOf("Honda", "Civic", "car", 2024)
	require.Equal(t, a, b, "same model, same cycle")
	old, older := DescriptorOf("Honda", "Civic", "car", 1999), DescriptorOf("Honda", "Civic", "car", 1985)
	require.Equal(t, old, older, "same model, same cycle")
	require.NotEqual(t, a, old, "position 7 follows the cycle")
	for _, p := range []int{0, 1, 2, 4} {
		require.Equal(t, a[p], old[p], "position %d does not depend on the year", p+4)
	}
	require.NotEqual(t, DescriptorOf("Honda", "Civic", "car", 2020), DescriptorOf("Honda", "Civic", "truck", 2020))
	require.NotEqual(t, DescriptorOf("ab", "c", "car", 2020), DescriptorOf("a", "bc", "car", 2020), "fields are separated")

	distinct := map[VDS]bool{}
	for m := range 200 {
		d := DescriptorOf("Make", fmt.Sprintf("Model %d", m), "car", 2020)
		for _, c := range d {
			require.GreaterOrEqual(t, indexByte(VINChars, c), 0, "%q", d[:])
		}
		distinct[d] = true
	}
	require.GreaterOrEqual(t, len(distinct), 195, "descriptors of different models usually differ")
}

func TestVINv2Problem(t *testing.T) {
	v := VINv2(5, 1234, "1HG", DescriptorOf("Honda", "Civic", "car", 2021), 2021)
	old := VINv2(5, 1234, "1HG", DescriptorOf("Honda", "Civic", "car", 1995), 1995)
	otherCheck := byte('0')
	if v[8] == '0' {
		otherCheck = '1'
	}
	for _, tc := range []struct {
		name, vin string
		year      int
		want      string
	}{
		{"well formed", v, 2021, ""},
		{"well formed, old cycle", old, 1995, ""},
		{"short", v[:16], 2021, "vin_length"},
		{"long", v + "1", 2021, "vin_length"},
		{"O is not a VIN character", v[:3] + "O" + v[4:], 2021, "vin_charset"},
		{"lower case", "1hg" + v[3:], 2021, "vin_charset"},
		{"wrong check digit", v[:8] + string(otherCheck) + v[9:], 2021, "vin_check_digit"},
		{"another year", v, 2022, "vin_year_code"},
		{"letter in position 7 for 1991, whose code is 2021's", v, 1991, "vin_position7_cycle"},
		{"digit in position 7 for 2025, whose code is 1995's", old, 2025, "vin_position7_cycle"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, VINv2Problem(tc.vin, tc.year), tc.vin)
		})
	}
}

// TestVINv2Pinned pins one VIN: the contract promises the same bytes for
// the same seed, so a change here is a contract change.
func TestVINv2Pinned(t *testing.T) {
	got := VINv2(42, 7, "1FT", DescriptorOf("Ford", "F-150", "truck", 2021), 2021)
	require.Equal(t, "1FT4TMBG8M8F04698", got)
}

// VINv2, VINv2Index and DescriptorOf are the one-call forms of VINs and
// Descriptors the tests read best in.

func VINv2(seed uint64, i int64, wmi string, vds VDS, year int) string {
	var b [17]byte
	vins := NewVINs(seed)
	return string(vins.Append(b[:0], i, wmi, vds, year))
}

func VINv2Index(seed uint64, vin string) (int64, bool) {
	vs := NewVINs(seed)
	return vs.Index(vin)
}

func DescriptorOf(make, model, vehicleType string, year int) VDS {
	return DescriptorsOf(make, model, vehicleType).Of(year)
}
