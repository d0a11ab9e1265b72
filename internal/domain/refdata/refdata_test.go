package refdata

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTablesAreWhole(t *testing.T) {
	d, err := Default()
	require.NoError(t, err)
	require.Len(t, d.States, 51, "50 states and DC")
	var pop int64
	for _, s := range d.States {
		pop += s.Population
		require.NotEmpty(t, s.Cities, s.Code)
		require.NotEmpty(t, s.AreaCodes, s.Code)
		require.NotEmpty(t, s.LicenseFormat, s.Code)
		require.NotEmpty(t, s.PlateFormat, s.Code)
		for _, c := range s.Cities {
			for _, z := range c.Zips {
				st, city, ok := d.ZipPlace(z)
				require.True(t, ok)
				require.Equal(t, s.Code, st)
				require.Equal(t, c.Name, city)
			}
		}
	}
	require.Equal(t, int64(331_449_281), pop, "2020 Census resident population, 50 states + DC")
	require.GreaterOrEqual(t, len(d.Female.Values), 100)
	require.GreaterOrEqual(t, len(d.Male.Values), 100)
	require.GreaterOrEqual(t, len(d.Surnames.Values), 100)
	for _, m := range d.Models {
		require.NotEmpty(t, d.WMIs[m.Make], m.Make)
		require.True(t, m.YearTo == 0 || m.YearTo >= m.YearFrom, m.Name)
	}
	require.Equal(t, 16, d.DriverAges[0].From)
	require.Equal(t, 95, d.DriverAges[len(d.DriverAges)-1].To)
}

func TestBigCitiesPresent(t *testing.T) {
	d := MustDefault()
	n := 0
	for _, s := range d.States {
		for _, c := range s.Cities {
			if c.Population >= 394_000 { // the 50th largest US city in 2020 had about 394,000
				n++
			}
		}
	}
	require.GreaterOrEqual(t, n, 50)
}

func TestWeightedIndex(t *testing.T) {
	var w Weighted
	w.Add(1)
	w.Add(3)
	require.Equal(t, uint64(4), w.Total())
	require.Equal(t, 0, w.Index(0))
	require.Equal(t, 1, w.Index(1))
	require.Equal(t, 1, w.Index(3))
}
