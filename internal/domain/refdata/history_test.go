package refdata

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The loaded tables hold the figures SOURCES.md quotes.
func TestHistoryTables(t *testing.T) {
	h, err := V02History()
	require.NoError(t, err)

	// Police-reported crash involvements, 1995: 16-19 16,190 per 100k.
	require.InDelta(t, 0.1619, h.CrashPoliceReported[17], 1e-9)
	require.InDelta(t, 0.05333, h.CrashPoliceReported[42], 1e-9)
	require.InDelta(t, 0.03783, h.CrashPoliceReported[90], 1e-9)
	require.Equal(t, h.CrashPoliceReported[16], h.CrashPoliceReported[5], "below the first band: the first band")

	// All crashes, c2006: under 20 0.265, 35-44 0.0847, 75+ 0.0438.
	require.InDelta(t, 0.265, h.CrashAll[16], 1e-9)
	require.InDelta(t, 0.0847, h.CrashAll[40], 1e-9)
	require.InDelta(t, 0.0438, h.CrashAll[95], 1e-9)

	// DUI arrests 2016: age 21 all 0.0112 (11.15 per 1000); male 25-29 0.0143;
	// 65+ all 0.00052; under 18 takes age 18's.
	require.InDelta(t, 0.01115, h.DUI[AllSexes][21], 1e-9)
	require.InDelta(t, 0.0143, h.DUI[Male][27], 1e-9)
	require.InDelta(t, 0.00052, h.DUI[AllSexes][80], 1e-9)
	require.Equal(t, 18, h.DUIFrom)
	require.Equal(t, h.DUI[Female][18], h.DUI[Female][16])

	// Speeding share (NSC 2019): male 16-20 31 %, female 35-44 11 %, nothing at 50.
	require.Equal(t, 31.0, h.Speeding[Male][18])
	require.Equal(t, 11.0, h.Speeding[Female][40])
	require.Zero(t, h.Speeding[Male][50])

	// ISO 2023 edition: comprehensive 4.06 per 100 car-years, $2,306.
	c, ok := h.Claim("comprehensive", 2023)
	require.True(t, ok)
	require.Equal(t, Claim{FrequencyPer100: 4.06, SeverityUSD: 2306}, c)
	c, _ = h.Claim("collision", 2019)
	require.Equal(t, 5.06, c.FrequencyPer100, "the 2023 edition's 2019, not the 2022 edition's 5.96")
	require.Equal(t, 2023, h.LatestClaimYear())

	require.InDelta(t, 0.00027, h.TheftFrequencyPerVehicleYear, 1e-12)
	require.Equal(t, 30164.0, h.TheftSeverityUSD)

	p, ok := h.PointsOf("CA", "DUI alcohol or drugs (VC 23152)")
	require.True(t, ok)
	require.Equal(t, 2, p)
	p, _ = h.PointsOf("NY", "speeding 11-20 mph over limit")
	require.Equal(t, 4, p)
	require.Len(t, h.Points["CA"], 13)
	require.Len(t, h.Points["NY"], 17)
	require.Len(t, h.Points["FL"], 14)

	require.Equal(t, []string{"FL", "VA"}, h.FR44States)
}
