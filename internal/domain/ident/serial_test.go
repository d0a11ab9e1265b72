package ident

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSerialCapacity(t *testing.T) {
	for _, tc := range []struct {
		pattern, letters, reserved string
		want                       uint64
		wantErr                    bool
	}{
		{"@#######", allLetters, "Z", 10_000_000, false},
		{"@#######", allLetters, "", 26 * 10_000_000, false},
		{"@#######", PlateLetters, "", 23 * 10_000_000, false},
		{"########", allLetters, "9", 10_000_000, false},
		{"##@####", PlateLetters, "9", 10 * 23 * 10_000, false},
		{"##@####", PlateLetters, "91", 23 * 10_000, false},
		{"@##-###", allLetters, "Z", 100_000, false},
		{"@##-###", allLetters, "Z12-", 1_000, false},
		{"WDL*********", allLetters, "WDLZ", 2_821_109_907_456, false},   // 36^8
		{"WDL*********", PlateLetters, "WDLZ", 1_406_408_618_241, false}, // 33^8
		{"ABC", allLetters, "", 1, false},
		{"########", allLetters, "A", 0, true},              // a letter where a digit goes
		{"@#######", PlateLetters, "O", 0, true},            // O is no plate letter
		{"WDL*********", allLetters, "XDLZ", 0, true},       // the literal differs
		{"##", allLetters, "123", 0, true},                  // longer than the pattern
		{"@###", "", "", 0, true},                           // no letters
		{"@###", "AB1", "", 0, true},                        // a digit among the letters
		{"@###", "ABA", "", 0, true},                        // a repeated letter
		{"**************", allLetters, "", 0, true},         // 36^14 > 2^62
		{"##################", allLetters, "", 1e18, false}, // 10^18 < 2^62
	} {
		got, err := SerialCapacity(tc.pattern, tc.letters, tc.reserved)
		if tc.wantErr {
			require.Error(t, err, "%q %q %q", tc.pattern, tc.letters, tc.reserved)
			continue
		}
		require.NoError(t, err, "%q %q %q", tc.pattern, tc.letters, tc.reserved)
		require.Equal(t, tc.want, got, "%q %q %q", tc.pattern, tc.letters, tc.reserved)
	}
}

func TestReservedPrefix(t *testing.T) {
	for pattern, want := range map[string]string{
		"@#######":     "Z",
		"########":     "9",
		"##@####":      "9",
		"*######":      "Z",
		"@@@-####":     "Z",
		"WDL*********": "WDLZ",
		"DL-#####":     "DL-9",
		"ABC":          "",
		"":             "",
	} {
		require.Equal(t, want, ReservedPrefix(pattern), pattern)
	}
}

func TestEncodeSerialRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, tc := range []struct{ pattern, letters, reserved string }{
		{"@#######", allLetters, "Z"},
		{"@#######", allLetters, ""},
		{"########", allLetters, "9"},
		{"##@####", PlateLetters, "9"},
		{"@##-###", allLetters, "Z"},
		{"@@@-####", PlateLetters, "Z"},
		{"WDL*********", allLetters, "WDLZ"},
		{"*#*", PlateLetters, ""},
		{"ABC", allLetters, ""},
	} {
		n, err := SerialCapacity(tc.pattern, tc.letters, tc.reserved)
		require.NoError(t, err)
		serials := []uint64{0, n - 1, n / 2}
		for k := uint64(1); k < 2000 && k < n; k++ {
			serials = append(serials, k, r.Uint64N(n))
		}
		seen := map[string]uint64{}
		for _, s := range serials {
			got, err := encodeSerial(tc.pattern, tc.letters, tc.reserved, s, 99)
			require.NoError(t, err)
			require.True(t, Matches(tc.pattern, tc.letters, got), "%q: %q", tc.pattern, got)
			require.True(t, strings.HasPrefix(got, tc.reserved), "%q: %q", tc.pattern, got)
			if prev, ok := seen[got]; ok {
				require.Equal(t, prev, s, "%q: serials %d and %d both give %q", tc.pattern, prev, s, got)
			}
			seen[got] = s
			back, ok := decodeSerial(tc.pattern, tc.letters, tc.reserved, got, 99)
			require.True(t, ok, "%q: %q", tc.pattern, got)
			require.Equal(t, s, back, "%q: %q", tc.pattern, got)
		}
	}
}

func TestEncodeSerialKeyed(t *testing.T) {
	var a, b []string
	for s := range uint64(50) {
		x, err := encodeSerial("@#######", allLetters, "Z", s, 1)
		require.NoError(t, err)
		y, err := encodeSerial("@#######", allLetters, "Z", s, 2)
		require.NoError(t, err)
		a, b = append(a, x), append(b, y)
	}
	require.NotEqual(t, a, b, "another key, another order")
	require.NotEqual(t, "Z0000000", a[0], "the serial is permuted, not written as is")
}

func TestEncodeSerialOutOfRange(t *testing.T) {
	for _, tc := range []struct{ pattern, letters, reserved string }{
		{"@#######", allLetters, "Z"},
		{"@##-###", allLetters, "Z"},
		{"##@####", PlateLetters, "9"},
		{"ABC", allLetters, ""},
	} {
		n, err := SerialCapacity(tc.pattern, tc.letters, tc.reserved)
		require.NoError(t, err)
		_, err = encodeSerial(tc.pattern, tc.letters, tc.reserved, n-1, 7)
		require.NoError(t, err, tc.pattern)
		_, err = encodeSerial(tc.pattern, tc.letters, tc.reserved, n, 7)
		require.Error(t, err, tc.pattern)
	}
	_, err := encodeSerial("########", allLetters, "A", 0, 7)
	require.Error(t, err, "a reserved prefix that does not fit")
	_, err = LicenseSerial("ABC", 0, 7)
	require.Error(t, err, "nothing to reserve")
}

func TestDecodeSerialRejects(t *testing.T) {
	for _, tc := range []struct{ name, pattern, reserved, s string }{
		{"short", "@#######", "Z", "Z123456"},
		{"not reserved", "@#######", "Z", "A1234567"},
		{"letter for a digit", "@#######", "Z", "Z12345A7"},
		{"literal differs", "@##-####", "Z", "Z12+3456"},
		{"reserved prefix does not fit", "########", "A", "A1234567"},
	} {
		_, ok := decodeSerial(tc.pattern, allLetters, tc.reserved, tc.s, 3)
		require.False(t, ok, tc.name)
	}
	_, ok := decodeSerial("@##-####", allLetters, "Z", "Z12-3456", 3)
	require.True(t, ok, "the same shape with the right literal")
}

func TestLicenseAndPlateSerials(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		plate   bool
	}{
		{"@#######", false},
		{"########", false},
		{"WDL*********", false},
		{"@##-###", false},
		{"##@####", true},
		{"@@@-####", true},
		{"#@@@###", true},
	} {
		serial, capacity, isReserved := LicenseSerial, LicenseCapacity, IsReservedLicense
		matches := MatchesLicense
		if tc.plate {
			serial, capacity, isReserved, matches = PlateSerial, PlateCapacity, IsReservedPlate, MatchesPlate
		}
		n, err := capacity(tc.pattern)
		require.NoError(t, err)
		count := min(n, 100_000)
		seen := make(map[string]struct{}, count)
		for s := range count {
			got, err := serial(tc.pattern, s, 0x5eed)
			require.NoError(t, err)
			require.True(t, matches(tc.pattern, got), "%q: %q", tc.pattern, got)
			require.True(t, isReserved(tc.pattern, got), "%q: %q", tc.pattern, got)
			_, dup := seen[got]
			require.False(t, dup, "%q: serial %d repeats %q", tc.pattern, s, got)
			seen[got] = struct{}{}
		}
		_, err = serial(tc.pattern, n, 0x5eed)
		require.Error(t, err, tc.pattern)
	}
}

func TestPlateAndLicenseCapacity(t *testing.T) {
	n, err := LicenseCapacity("@#######")
	require.NoError(t, err)
	require.Equal(t, uint64(LetterSpan*10_000_000), n, "Z, Y, X, W or V, then 7 digits")
	n, err = PlateCapacity("@@@-####")
	require.NoError(t, err)
	require.Equal(t, uint64(LetterSpan*23*23*10_000), n)
	_, err = PlateCapacity("ABC")
	require.Error(t, err)
}

func TestIsReserved(t *testing.T) {
	for _, tc := range []struct {
		pattern, s     string
		license, plate bool
	}{
		{"@#######", "Z1234567", true, true},
		{"@#######", "A1234567", false, false},
		{"@#######", "Z123456", false, false},
		{"########", "91234567", true, true},
		{"########", "81234567", true, true}, // 9, 8 and 7 lead the reserved span
		{"########", "61234567", false, false},
		{"@#######", "X1234567", true, true},
		{"@#######", "V1234567", true, true},
		{"@#######", "U1234567", false, false},
		{"@@@-####", "ZIO-1234", true, false}, // I and O are no plate letters
		{"@@@-####", "ZAB1234", false, false},
		{"WDL*********", "WDLZ1A2B3C4D", true, true},
		{"WDL*********", "WDL11A2B3C4D", false, false},
		{"ABC", "ABC", false, false}, // nothing to reserve
	} {
		require.Equal(t, tc.license, IsReservedLicense(tc.pattern, tc.s), "licence %q %q", tc.pattern, tc.s)
		require.Equal(t, tc.plate, IsReservedPlate(tc.pattern, tc.s), "plate %q %q", tc.pattern, tc.s)
	}
}

// Licence and plate numbers read back to their serials across the whole
// reserved span (all three leading characters are used).
func TestReservedSerialsReadBack(t *testing.T) {
	for _, pattern := range []string{"@#######", "########", "#@@####"} {
		n, err := LicenseCapacity(pattern)
		require.NoError(t, err)
		lead := map[byte]bool{}
		for _, serial := range []uint64{0, 1, 2, n / 3, n / 2, n - 2, n - 1, 12345, 999_999} {
			s, err := LicenseSerial(pattern, serial, 77)
			require.NoError(t, err)
			got, ok := LicenseSerialOf(pattern, s, 77)
			require.True(t, ok, s)
			require.Equal(t, serial, got, "%s %s", pattern, s)
			_, wrongKey := LicenseSerialOf(pattern, s, 78)
			require.True(t, wrongKey, "another key still decodes, to another serial")
			if pn, _ := PlateCapacity(pattern); serial < pn {
				p, err := PlateSerial(pattern, serial, 77)
				require.NoError(t, err)
				back, ok := PlateSerialOf(pattern, p, 77)
				require.True(t, ok)
				require.Equal(t, serial, back)
			}
			lead[s[0]] = true
		}
		require.Len(t, lead, len(ReservedPrefixes(pattern)), "%s: serials spread over the span", pattern)
		_, ok := LicenseSerialOf(pattern, "A"+strings.Repeat("1", len(pattern)-1), 77)
		require.False(t, ok, "outside the span")
	}
}

// A space finds a string's reserved prefix as a search of its prefixes
// would.
func TestSpaceReservedAsPrefixSearch(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, pattern := range []string{"@#######", "########", "WDL*********", "DL-#####", "#@@####", "ABC"} {
		sp := LicenseSpace(pattern)
		prefixes := ReservedPrefixes(pattern)
		for range 20_000 {
			b := []byte(pattern)
			for i := range b {
				switch r.IntN(4) {
				case 0:
					b[i] = "0123456789"[r.IntN(10)]
				case 1:
					b[i] = allLetters[r.IntN(26)]
				case 2:
					b[i] = "-WDL"[r.IntN(4)]
				}
			}
			s := string(b[:r.IntN(len(b)+1)])
			want := -1
			for k, p := range prefixes {
				if strings.HasPrefix(s, p) {
					want = k
					break
				}
			}
			require.Equal(t, want, sp.prefixOf(s), "%q %q", pattern, s)
			require.Equal(t, want >= 0, sp.Reserved(s), "%q %q", pattern, s)
		}
	}
}
