package refdata

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPopulationTablesAreWhole(t *testing.T) {
	p, err := V02()
	require.NoError(t, err)
	require.Len(t, p.States, 51, "50 states and DC")
	require.Len(t, p.Zips, 33_499, "every populated ZCTA of the 50 states and DC")
	var people, rural int64
	for i := range p.Zips {
		z := &p.Zips[i]
		people += z.Population
		if z.Rural {
			rural += z.Population
		}
		require.NotEmpty(t, z.AreaCodes, z.Code)
		require.NotEmpty(t, z.City, z.Code)
	}
	require.Equal(t, p.StatePick.Total(), uint64(people))
	require.InDelta(t, 0.156, float64(rural)/float64(people), 0.01, "RUCA rural share")

	// The unclassed Boston ZCTA takes its county's class; Kelleys Island,
	// without an area code in the table, takes its county's.
	z, ok := p.Zip("02108")
	require.True(t, ok)
	require.False(t, z.Rural)
	z, ok = p.Zip("43438")
	require.True(t, ok)
	require.Contains(t, z.AreaCodes, "419")

	require.Equal(t, 1920, p.FirstDecade)
	require.Len(t, p.FirstNames, 10, "1920s to 2010s")
	require.Equal(t, "Mary", p.FirstNamesOf(1925, Female).Values[0])
	require.Equal(t, p.FirstNamesOf(2019, Male), p.FirstNamesOf(2024, Male), "births after the last decade use it")
	require.Greater(t, len(p.Surnames.Values), 20_000)
	require.Less(t, float64(p.Surnames.Pick.Total()/100), float64(2_442_977), "Smith is under 1 %% of the surname weight")

	require.True(t, p.Surnames.Has("O'Brien"), "display forms of the Census surnames")
	require.True(t, p.Surnames.Has("McDonald"))
	require.False(t, p.Surnames.Has("Obrien"))
	require.Greater(t, len(p.StreetNames.Values), 200)
	require.True(t, p.StreetSuffixes.Has("AVE"))
	require.True(t, p.UnitDesignators.Has("APT"))
	ca, _ := p.State("CA")
	require.InDelta(t, 0.35, p.States[ca].MultiUnitShare, 0.1)

	require.Equal(t, 16, p.DriverAges[0].From, "licensed mix starts at 16")
	require.Equal(t, 95, p.DriverAges[len(p.DriverAges)-1].To)
	require.Equal(t, int64(540_684), p.DriverAges[0].Count[Female])
	m := p.MaritalOf(18, Male)
	require.Less(t, float64(m[1])/float64(m[0]+m[1]+m[2]+m[3]), 0.02, "few married 18-year-olds")
}

func TestParseBand(t *testing.T) {
	for in, want := range map[string][2]int{"16": {16, 16}, "25-29": {25, 29}, "85 and over": {85, 95}, "85+": {85, 95}, "Under 16": {0, 15}} {
		f, to, err := parseBand(in)
		require.NoError(t, err, in)
		require.Equal(t, want, [2]int{f, to}, in)
	}
	_, _, err := parseBand("29-25")
	require.Error(t, err)
}

// State and Zip find every code of the tables at its own index, and
// nothing for codes that are not, or are not of the right shape.
func TestStateAndZipFindTheirCodes(t *testing.T) {
	p, err := V02()
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.States {
		if j, ok := p.State(p.States[i].Code); !ok || j != i {
			t.Fatalf("State(%q) = %d, %v; want %d", p.States[i].Code, j, ok, i)
		}
	}
	for i := range p.Zips {
		if z, ok := p.Zip(p.Zips[i].Code); !ok || z != &p.Zips[i] {
			t.Fatalf("Zip(%q) is not Zips[%d]", p.Zips[i].Code, i)
		}
	}
	for _, c := range []string{"", "A", "ZZ", "ca", "C1", "CAL", "AA"} {
		if _, ok := p.State(c); ok {
			t.Errorf("State(%q) found", c)
		}
	}
	for _, c := range []string{"", "0000", "00000", "1234a", "123456", "99999"} {
		if _, ok := p.Zip(c); ok {
			t.Errorf("Zip(%q) found", c)
		}
	}
}
