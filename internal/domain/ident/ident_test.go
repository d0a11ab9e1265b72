package ident

import (
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/synthpipe/synthpipe/internal/domain/model"

	"github.com/stretchr/testify/require"
)

func TestVINCheckDigitKnownExample(t *testing.T) {
	// The worked example of 49 CFR 565 / NHTSA: check digit X.
	vin := []byte("1M8GDM9AXKP042788")
	require.Equal(t, byte('X'), VINCheckDigit(vin))
	require.Empty(t, VINProblem("1M8GDM9AXKP042788"))
	require.Equal(t, "vin_check_digit", VINProblem("1M8GDM9A1KP042788"))
	require.Equal(t, "vin_charset", VINProblem("1M8GDM9AXKP0427O8"))
	require.Equal(t, "vin_length", VINProblem("1M8GDM9AX"))
}

func TestYearCodes(t *testing.T) {
	for year, code := range map[int]byte{1980: 'A', 2000: 'Y', 2001: '1', 2009: '9', 2010: 'A', 2019: 'K', 2026: 'T', 2027: 'V'} {
		require.Equal(t, code, YearCode(year), "year %d", year)
	}
}

func TestSSNSpace(t *testing.T) {
	require.Equal(t, 55, len(safe9xxGroups))
	require.Equal(t, int64(989_901+100*55*9999), SSNCapacity)
	require.Equal(t, int64(model.SSNSpace), SSNCapacity, "the metadata's count of null SSNs uses the same space")
	for _, i := range []int64{0, 1, 500_000, SSN666Cap - 1, SSN666Cap, SSN666Cap + 1, SSNCapacity - 1} {
		s := SSN(3, i)
		require.True(t, IsSafeSSN(s, i), "%d -> %s", i, s)
		if i < SSN666Cap {
			require.Equal(t, "666", s[:3])
		} else {
			require.Equal(t, byte('9'), s[0])
		}
		got, ok := SSNIndex(3, s)
		require.True(t, ok)
		require.Equal(t, i, got, s)
	}
	require.False(t, IsSafeSSN("123-45-6789", 0))
	require.False(t, IsSafeSSN("666-00-1234", 0))
	require.False(t, IsSafeSSN("666-12-0000", 0))
	require.False(t, IsSafeSSN("912-70-1234", SSN666Cap+5), "ITIN group")
}

func TestEmailAndPhone(t *testing.T) {
	e := Email("Mary-Ann", "O'Brien", 41, "example.org")
	require.Equal(t, "maryann.obrien42@example.org", e)
	i, ok := EmailIndex(e)
	require.True(t, ok)
	require.Equal(t, int64(41), i)
	_, ok = EmailIndex("mary.obrien42@gmail.com")
	require.False(t, ok)
	i, ok = EmailIndex("a9223372036854775807@example.com") // the largest int64
	require.True(t, ok)
	require.Equal(t, int64(9223372036854775806), i)
	for _, e := range []string{"a9223372036854775808@example.com", "a99999999999999999999@example.com", "Mary1@example.com", "mary01@example.com", "mary@example.com", "1@example.com@example.com"} {
		_, ok = EmailIndex(e)
		require.False(t, ok, e)
	}
	npa, ok := IsFictionalPhone(Phone("415", 7))
	require.True(t, ok)
	require.Equal(t, "415", npa)
	_, ok = IsFictionalPhone("415-555-1234")
	require.False(t, ok)
}

func TestPatterns(t *testing.T) {
	for _, p := range []string{"@#######", "WDL*********", "#@@@###", "@@@-####"} {
		for serial := range uint64(200) {
			plate, err := PlateSpace(p, "").serial(serial*997, 34)
			require.NoError(t, err)
			require.True(t, matchesPlate(p, plate), plate)
			require.NotContains(t, plate, "I")
			require.NotContains(t, plate, "O")
			require.NotContains(t, plate, "Q")
			licence, err := LicenseSpace(p, "").serial(serial*997, 34)
			require.NoError(t, err)
			require.True(t, matchesLicense(p, licence))
		}
	}
	require.False(t, matchesPlate("@@@-####", "ABC1234"))
}

func TestIDs(t *testing.T) {
	require.Equal(t, "PER-0000000001", ID("PER-", 0))
	i, ok := ParseID("VEH-", "VEH-0000000123")
	require.True(t, ok)
	require.Equal(t, int64(122), i)
	_, ok = ParseID("VEH-", "VEH-0000000000")
	require.False(t, ok)
}

// SeqID writes what the contract's PerParent ids are: prefix, 10 digits,
// a dash and at least 2 digits.
func TestSeqID(t *testing.T) {
	for _, c := range []struct {
		parent int64
		seq    int
		want   string
	}{{0, 1, "INC-0000000001-01"}, {41, 12, "INC-0000000042-12"}, {9999999998, 7, "INC-9999999999-07"}, {5, 123, "INC-0000000006-123"}} {
		if got := SeqID("INC-", c.parent, c.seq); got != c.want {
			t.Errorf("SeqID(%d, %d) = %q, want %q", c.parent, c.seq, got, c.want)
		}
		if got, want := SeqID("INC-", c.parent, c.seq), fmt.Sprintf("%s%010d-%02d", "INC-", c.parent+1, c.seq); got != want {
			t.Errorf("SeqID(%d, %d) = %q, fmt gives %q", c.parent, c.seq, got, want)
		}
	}
}

// tenDigits reads what digits reads, over random strings of digits and
// bytes near them.
func TestTenDigits(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	chars := []byte("0123456789/:\x00\xff \x300")
	for range 200_000 {
		var b [10]byte
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
			if r.IntN(8) == 0 {
				b[i] = chars[r.IntN(len(chars))]
			}
		}
		wantN, wantOK := digits(string(b[:]))
		n, ok := tenDigits(string(b[:]))
		require.Equal(t, wantOK, ok, "%q", b)
		if ok {
			require.Equal(t, int64(wantN), n, "%q", b)
		}
	}
	n, ok := tenDigits("9999999999")
	require.True(t, ok)
	require.Equal(t, int64(9_999_999_999), n)
}

// EmailIndex agrees with the form written as a pattern, over random
// addresses near it.
func TestEmailIndexAsPattern(t *testing.T) {
	form := regexp.MustCompile(`^[a-z.]*([1-9][0-9]*)@(example\.com|example\.net|example\.org)$`)
	r := rand.New(rand.NewPCG(9, 10))
	pieces := []string{"mary", ".", "obrien", "A", "-", "0", "1", "42", "9223372036854775807", "9", "@", "example.com", "example.net", "example.org", "gmail.com", "@example.com", "é"}
	oks := 0
	for range 200_000 {
		var b strings.Builder
		for range 1 + r.IntN(6) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		e := b.String()
		want, wantOK := int64(0), false
		if m := form.FindStringSubmatch(e); m != nil {
			if n, err := strconv.ParseInt(m[1], 10, 64); err == nil {
				want, wantOK = n-1, true
			}
		}
		got, ok := EmailIndex(e)
		require.Equal(t, wantOK, ok, e)
		require.Equal(t, want, got, e)
		if ok {
			oks++
		}
	}
	require.Greater(t, oks, 1000, "addresses of the form")
}

// SafeIndex answers what IsSafeSSN and SSNIndex answer, over SSNs of
// both spaces and strings near them.
func TestSafeSSNIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	ssns := NewSSNs(7)
	for range 50_000 {
		person := r.Int64N(SSNCapacity)
		if r.IntN(2) == 0 {
			person = r.Int64N(SSN666Cap)
		}
		s := SSN(7, r.Int64N(SSNCapacity))
		if r.IntN(3) == 0 {
			b := []byte(s)
			b[r.IntN(len(b))] = "0123456789-x"[r.IntN(12)]
			s = string(b)
		}
		safe, index, ok := ssns.SafeIndex(s, person)
		require.Equal(t, IsSafeSSN(s, person), safe, s)
		if safe {
			wantIndex, wantOK := SSNIndex(7, s)
			require.Equal(t, wantOK, ok, s)
			require.Equal(t, wantIndex, index, s)
		} else {
			require.False(t, ok, s)
		}
	}
}

// TestAppendPad holds appendPad to strconv's digits, zero-padded, over
// numbers of every length and widths below, at and above them.
func TestAppendPad(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		n := int(r.Int64N(1 << 62 >> r.IntN(62)))
		if r.IntN(20) == 0 {
			n = -n
		}
		width := r.IntN(12)
		want := strconv.Itoa(n)
		if len(want) < width {
			want = strings.Repeat("0", width-len(want)) + want
		}
		require.Equal(t, "x"+want, string(appendPad([]byte("x"), n, width)), "%d width %d", n, width)
	}
	// Numbers that fit their width, of every width and length.
	for range 20000 {
		width := 1 + r.IntN(19)
		n := int(min(r.Uint64N(pow10[width]), math.MaxInt64) >> r.IntN(64))
		want := strconv.Itoa(n)
		want = strings.Repeat("0", width-len(want)) + want
		require.Equal(t, "x"+want, string(appendPad([]byte("x"), n, width)), "%d width %d", n, width)
	}
}

// SSNIndex is the person index an SSN encodes, or false when it encodes
// none: SafeIndex's index in one call, for the tests.
func SSNIndex(seed uint64, s string) (int64, bool) {
	n, ok := parseSSN(s)
	if !ok {
		return 0, false
	}
	ssns := NewSSNs(seed)
	return n.index(&ssns)
}
