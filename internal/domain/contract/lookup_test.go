package contract

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/refdata"
)

// The lookup answers as the Population does, for its codes and others.
func TestLookupIsPopulations(t *testing.T) {
	pop, err := refdata.V02()
	require.NoError(t, err)
	l := lookupOf(pop)
	require.NotNil(t, l.states, "state codes are two capitals")
	require.NotNil(t, l.zips, "ZIPs are five digits")
	codes := []string{"", "C", "ca", "Ca", "CAX", "ZZ", "AA", "C@", "[A", "00000", "1234", "123456", "99999", "0000a", "9999/"}
	for _, s := range pop.States {
		codes = append(codes, s.Code)
	}
	for _, z := range pop.Zips {
		codes = append(codes, z.Code, z.Code[:4]+":", z.Code+"0")
	}
	for _, c := range codes {
		wi, wok := pop.State(c)
		gi, gok := l.state(c)
		require.Equal(t, wok, gok, c)
		require.Equal(t, wi, gi, c)
		wz, wok := pop.Zip(c)
		gz, gok := l.zip(c)
		require.Equal(t, wok, gok, c)
		require.Same(t, wz, gz, c)
	}
}

// hasPrefix with a state's reserved prefixes is IsReservedLicense and
// IsReservedPlate for numbers that match the state's pattern.
func TestReservedPrefixesAreIdents(t *testing.T) {
	pop, err := refdata.V02()
	require.NoError(t, err)
	l := lookupOf(pop)
	for si, st := range pop.States {
		for serial := uint64(0); serial < 2000; serial += 61 {
			for _, c := range []struct {
				pattern  string
				prefixes []string
				make     func(string, uint64, uint64) (string, error)
				matches  func(string, string) bool
				reserved func(string, string) bool
			}{
				{st.LicenseFormat, l.licPrefixes[si], ident.LicenseSerial, ident.MatchesLicense, ident.IsReservedLicense},
				{st.PlateFormat, l.platePrefixes[si], ident.PlateSerial, ident.MatchesPlate, ident.IsReservedPlate},
			} {
				s, err := c.make(c.pattern, serial, 99)
				require.NoError(t, err)
				// the number and the same with each first character
				for _, ch := range []byte("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
					for _, pos := range []int{0, len(c.prefixes[0]) - 1} {
						b := []byte(s)
						b[pos] = ch
						x := string(b)
						if c.matches(c.pattern, x) {
							require.Equal(t, c.reserved(c.pattern, x), hasPrefix(x, c.prefixes), "%s %s", c.pattern, x)
						}
					}
				}
			}
		}
	}
}
