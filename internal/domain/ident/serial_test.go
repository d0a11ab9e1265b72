package ident

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/stream"
)

// encodeSerial returns the string of pattern for serial in [0, capacity):
// reserved, then the keyed permutation of serial written mixed-radix into
// the remaining variable positions, the last position least significant:
// the mixed-radix core of a Space after one given prefix.
func encodeSerial(pattern, letters, reserved string, serial, key uint64) (string, error) {
	n, err := SerialCapacity(pattern, letters, reserved)
	if err != nil {
		return "", err
	}
	if serial >= n {
		return "", fmt.Errorf("ident: serial %d outside the capacity %d of pattern %q after %q", serial, n, pattern, reserved)
	}
	return encodeRest(pattern, letters, reserved, serial, n, key), nil
}

// decodeSerial inverts encodeSerial with the same pattern, letters,
// reserved prefix and key; false if s is not one of its strings.
func decodeSerial(pattern, letters, reserved, s string, key uint64) (uint64, bool) {
	n, err := SerialCapacity(pattern, letters, reserved)
	if err != nil {
		return 0, false
	}
	q, ok := readRest(pattern, placesOf(pattern, letters), reserved, s)
	p := stream.NewPermutation(n, key)
	return p.Inverse(q), ok
}

// encodeRest writes serial, through a keyed permutation over the n
// serials the positions after prefix hold, mixed-radix into them.
func encodeRest(pattern, letters, prefix string, serial, n, key uint64) string {
	p := stream.NewPermutation(n, key)
	return string(appendRest(nil, pattern, placesOf(pattern, letters), prefix, p.Of(serial)))
}

// serial is the string of serial under key: Numbering.Append for one.
func (sp *Space) serial(serial, key uint64) (string, error) {
	n := sp.Numbering(key)
	b, err := n.Append(nil, serial)
	return string(b), err
}

// serialOf inverts serial: Numbering.SerialOf for one.
func (sp *Space) serialOf(s string, key uint64) (uint64, bool) {
	n := sp.Numbering(key)
	return n.SerialOf(s)
}

// matchesLicense and matchesPlate report whether s is of pattern with the
// licence or plate letters.
func matchesLicense(pattern, s string) bool { return matches(pattern, allTable, s) }

func matchesPlate(pattern, s string) bool { return matches(pattern, plateTable, s) }

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

func TestReservedForms(t *testing.T) {
	for _, tc := range []struct {
		pattern, reserve string
		want             []string
	}{
		{"@#######", "", []string{"Z", "Y", "X", "W", "V"}},
		{"########", "", []string{"9", "8", "7"}},
		{"##@####", "", []string{"9", "8", "7"}},
		{"*######", "", []string{"Z", "Y", "X", "W", "V"}},
		{"WDL*********", "", []string{"WDLZ", "WDLY", "WDLX", "WDLW", "WDLV"}},
		{"DL-#####", "", []string{"DL-9", "DL-8", "DL-7"}},
		{"@############", "@[987]", []string{"@9", "@8", "@7"}},
		{"#@@@###", "[0]", []string{"0"}},
		{"DL-#####", "DL-#[12]", []string{"DL-#1", "DL-#2"}},
	} {
		sp := LicenseSpace(tc.pattern, tc.reserve)
		_, err := sp.Capacity()
		require.NoError(t, err, tc.pattern)
		require.Equal(t, tc.want, sp.Forms(), "%q %q", tc.pattern, tc.reserve)
	}
	for _, tc := range []struct{ pattern, reserve string }{
		{"ABC", ""},                   // nothing to reserve
		{"", ""},                      // nothing at all
		{"@###", "@9"},                // no brackets
		{"@###", "#[9]"},              // the class before [ differs
		{"@###", "@[9"},               // unclosed
		{"@###", "@[]"},               // an empty span
		{"@###", "[9]"},               // a digit where a letter goes
		{"@###", "@[99]"},             // a repeated character
		{"DL-#", "D[L]"},              // a literal reserved
		{"@###", "@###[9]"},           // past the pattern
		{"@@@#", "@@@[9]"},            // 26^3*1 = 17,576 prefixes: too many
		{"#@@@###", "[O]"},            // no digit
		{"@@@-####", "[I]"},           // and for plates no I: tested below
		{"********######", "****[Z]"}, // 36^4 prefixes
		{"@#######", "@#######[9]"},   // the reserved position past the end
		{"@#######", "@[7-9]"},        // no ranges: characters are listed
		{"@#######", "@[\x00]"},       // nor escapes
		{"@#######", "x@[9]"},         // characters that are not the pattern's
		{"@#######", "[Z]@"},          // anything after the brackets
		{"@#######", "@[9]]"},         // ditto
		{"@#######", "@[[9]"},         // a bracket in the span
		{"@#######", "@[ 9]"},         // a space in the span
		{"@#######", "[A-Z]"},         // ditto, ranges
		{"@#######", "[Z][9]"},        // two reserved positions
		{"@#######", "@[9][8]"},       // ditto
		{"@#######", "[ZZ]"},          // a repeat
	} {
		sp := LicenseSpace(tc.pattern, tc.reserve)
		if tc.reserve == "[I]" {
			sp = PlateSpace(tc.pattern, tc.reserve)
		}
		_, err := sp.Capacity()
		require.Error(t, err, "%q %q", tc.pattern, tc.reserve)
		require.False(t, sp.Reserved(strings.Repeat("9", len(tc.pattern))), "a bad space reserves nothing")
	}
}

// A reservation past the first variable position spans every value of
// the positions before it: a Soundex state's numbers take any leading
// letter and a digit no Soundex code has.
func TestReservationAfterALetter(t *testing.T) {
	sp := LicenseSpace("@############", "@[987]")
	n, err := sp.Capacity()
	require.NoError(t, err)
	require.Equal(t, uint64(26*3*100_000_000_000), n)
	nb := sp.Numbering(0x5eed)
	lead, second := map[byte]bool{}, map[byte]bool{}
	for serial := uint64(0); serial < 20_000; serial++ {
		s, err := nb.Append(nil, serial*(n/20_000))
		require.NoError(t, err)
		require.True(t, sp.Matches(string(s)) && sp.Reserved(string(s)), "%s", s)
		require.Contains(t, "789", string(s[1]), "%s: the digit after the letter is reserved", s)
		back, ok := nb.SerialOf(string(s))
		require.True(t, ok, "%s", s)
		require.Equal(t, serial*(n/20_000), back, "%s", s)
		lead[s[0]], second[s[1]] = true, true
	}
	require.Len(t, lead, 26, "every leading letter is used")
	require.Len(t, second, 3)
	for _, s := range []string{"A612345678901", "W452123456789", "Z000000000000"} {
		require.False(t, sp.Reserved(s), "%s: a Soundex code's digits are 0-6", s)
	}
	require.True(t, sp.Reserved("A712345678901"))
	require.False(t, sp.Reserved("a712345678901"), "a lower-case letter is no letter of the pattern")
	_, ok := nb.SerialOf("A612345678901")
	require.False(t, ok)
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
	_, err = LicenseSpace("ABC", "").serial(0, 7)
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
		pattern, reserve string
		plate            bool
	}{
		{"@#######", "", false},
		{"########", "", false},
		{"WDL*********", "", false},
		{"@##-###", "", false},
		{"@##-###", "@[98]", false},
		{"##@####", "", true},
		{"@@@-####", "", true},
		{"#@@@###", "", true},
		{"#@@@###", "[0]", true},
	} {
		sp, matches := LicenseSpace(tc.pattern, tc.reserve), matchesLicense
		if tc.plate {
			sp, matches = PlateSpace(tc.pattern, tc.reserve), matchesPlate
		}
		n, err := sp.Capacity()
		require.NoError(t, err)
		count := min(n, 100_000)
		seen := make(map[string]struct{}, count)
		num := sp.Numbering(0x5eed)
		for s := range count {
			b, err := num.Append(nil, s)
			require.NoError(t, err)
			got := string(b)
			require.True(t, matches(tc.pattern, got), "%q: %q", tc.pattern, got)
			require.True(t, sp.Reserved(got), "%q: %q", tc.pattern, got)
			_, dup := seen[got]
			require.False(t, dup, "%q: serial %d repeats %q", tc.pattern, s, got)
			seen[got] = struct{}{}
		}
		_, err = sp.serial(n, 0x5eed)
		require.Error(t, err, tc.pattern)
	}
}

func TestPlateAndLicenseCapacity(t *testing.T) {
	n, err := LicenseSpace("@#######", "").Capacity()
	require.NoError(t, err)
	require.Equal(t, uint64(LetterSpan*10_000_000), n, "Z, Y, X, W or V, then 7 digits")
	n, err = PlateSpace("@@@-####", "").Capacity()
	require.NoError(t, err)
	require.Equal(t, uint64(LetterSpan*23*23*10_000), n)
	_, err = PlateSpace("ABC", "").Capacity()
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
		lic, plate := LicenseSpace(tc.pattern, ""), PlateSpace(tc.pattern, "")
		require.Equal(t, tc.license, lic.Matches(tc.s) && lic.Reserved(tc.s), "licence %q %q", tc.pattern, tc.s)
		require.Equal(t, tc.plate, plate.Matches(tc.s) && plate.Reserved(tc.s), "plate %q %q", tc.pattern, tc.s)
	}
}

// Licence and plate numbers read back to their serials across the whole
// reserved span (all three leading characters are used).
func TestReservedSerialsReadBack(t *testing.T) {
	for _, pattern := range []string{"@#######", "########", "#@@####"} {
		n, err := LicenseSpace(pattern, "").Capacity()
		require.NoError(t, err)
		lead := map[byte]bool{}
		for _, serial := range []uint64{0, 1, 2, n / 3, n / 2, n - 2, n - 1, 12345, 999_999} {
			s, err := LicenseSpace(pattern, "").serial(serial, 77)
			require.NoError(t, err)
			got, ok := LicenseSpace(pattern, "").serialOf(s, 77)
			require.True(t, ok, s)
			require.Equal(t, serial, got, "%s %s", pattern, s)
			_, wrongKey := LicenseSpace(pattern, "").serialOf(s, 78)
			require.True(t, wrongKey, "another key still decodes, to another serial")
			if pn, _ := PlateSpace(pattern, "").Capacity(); serial < pn {
				p, err := PlateSpace(pattern, "").serial(serial, 77)
				require.NoError(t, err)
				back, ok := PlateSpace(pattern, "").serialOf(p, 77)
				require.True(t, ok)
				require.Equal(t, serial, back)
			}
			lead[s[0]] = true
		}
		require.Len(t, lead, len(LicenseSpace(pattern, "").prefixes), "%s: serials spread over the span", pattern)
		_, ok := LicenseSpace(pattern, "").serialOf("A"+strings.Repeat("1", len(pattern)-1), 77)
		require.False(t, ok, "outside the span")
	}
}

// A space finds a string's reserved prefix as a search of its prefixes
// would.
func TestSpaceReservedAsPrefixSearch(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, tc := range []struct{ pattern, reserve string }{
		{"@#######", ""}, {"########", ""}, {"WDL*********", ""}, {"DL-#####", ""}, {"#@@####", ""}, {"ABC", ""},
		{"@############", "@[987]"}, {"#@@####", "[0]"}, {"DL-#####", "DL-#[12]"}, {"*-*##", "*-*[9]"},
	} {
		pattern := tc.pattern
		sp := LicenseSpace(pattern, tc.reserve)
		prefixes := sp.prefixes
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

// divide is q/radix and q%radix for every radix a class can have and q
// below 2^62: random ones, the largest and those about multiples.
func TestDivideDivides(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for radix := uint64(2); radix <= 10+uint64(len(allLetters)); radix++ {
		var p place
		p.radix = radix
		p.recip, p.shift = reciprocal(radix)
		qs := []uint64{0, 1, radix - 1, radix, radix + 1, maxSerialCapacity - 1, maxSerialCapacity - radix}
		for range 100000 {
			q := r.Uint64N(maxSerialCapacity)
			qs = append(qs, q, q-q%radix, q-q%radix-1)
		}
		for _, q := range qs {
			if quo, rem := p.divide(q); quo != q/radix || rem != q%radix {
				t.Fatalf("divide(%d) by %d = %d, %d; want %d, %d", q, radix, quo, rem, q/radix, q%radix)
			}
		}
	}
}
