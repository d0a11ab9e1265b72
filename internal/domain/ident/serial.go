package ident

import (
	"errors"
	"fmt"
	"strings"

	"github.com/synthpipe/synthpipe/internal/domain/memo"

	"github.com/synthpipe/synthpipe/internal/domain/stream"
)

// Reserved serials (contract v0.2) make licence and plate numbers unique
// and recognisably fictional: the first variable position of a state's
// pattern is fixed to a reserved character (ReservedPrefix), and the
// remaining positions carry a keyed permutation of a serial, so distinct
// serials give distinct numbers that still look random.

// maxSerialCapacity bounds a pattern's capacity: stream.PermuteIndex works
// on the next power of four, which must fit in 64 bits.
const maxSerialCapacity = uint64(1) << 62

// serialRadix returns how many characters position class c takes, 0 for a
// literal.
func serialRadix(c byte, letters string) uint64 {
	switch c {
	case '#':
		return 10
	case '@':
		return uint64(len(letters))
	case '*':
		return 10 + uint64(len(letters))
	}
	return 0
}

// places is a pattern's positions as encoding writes and decoding reads
// them: the characters of each position's class (digits, then letters), ""
// for a literal; what each character is worth in it (its place in the
// class, -1 if it is not of it), nil for a literal; and how many
// characters the position takes.
type places struct {
	chars   []string
	values  []*letterPositions
	radixes []uint64
}

func placesOf(pattern, letters string) places {
	letterTab, anyTab := positions(letters), positions(digitChars+letters)
	n := len(pattern)
	d := places{chars: make([]string, n), values: make([]*letterPositions, n), radixes: make([]uint64, n)}
	for i := 0; i < n; i++ {
		switch pattern[i] {
		case '#':
			d.chars[i], d.values[i] = digitChars, digitsTable
		case '@':
			d.chars[i], d.values[i] = letters, letterTab
		case '*':
			d.chars[i], d.values[i] = digitChars+letters, anyTab
		}
		d.radixes[i] = serialRadix(pattern[i], letters)
	}
	return d
}

// SerialCapacity returns how many distinct strings of pattern begin with
// reserved: the product of the radixes of the variable positions after the
// prefix ('#' 10, '@' len(letters), '*' 10+len(letters)). reserved must fit
// the pattern's first len(reserved) positions; letters must be distinct
// non-digits, or a string could be read two ways.
func SerialCapacity(pattern, letters string, reserved string) (uint64, error) {
	for i := 0; i < len(letters); i++ {
		if c := letters[i]; (c >= '0' && c <= '9') || indexByte(letters[:i], c) >= 0 {
			return 0, fmt.Errorf("ident: letters %q repeat %q or hold a digit", letters, c)
		}
	}
	if len(reserved) > len(pattern) || !Matches(pattern[:len(reserved)], letters, reserved) {
		return 0, fmt.Errorf("ident: reserved prefix %q does not fit pattern %q", reserved, pattern)
	}
	n := uint64(1)
	for i := len(reserved); i < len(pattern); i++ {
		c := pattern[i]
		if c != '#' && c != '@' && c != '*' {
			continue
		}
		r := serialRadix(c, letters)
		if r == 0 {
			return 0, fmt.Errorf("ident: pattern %q needs letters", pattern)
		}
		if n > maxSerialCapacity/r {
			return 0, fmt.Errorf("ident: pattern %q holds more than 2^62 serials", pattern)
		}
		n *= r
	}
	return n, nil
}

// encodeSerial returns the string of pattern for serial in [0, capacity):
// reserved, then the keyed permutation of serial written mixed-radix into
// the remaining variable positions, the last position least significant.
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
	return stream.UnpermuteIndex(q, n, key), ok
}

// Reserved spans: how many characters, from the last of its class down, the
// first variable position of a reserved number may take: 9, 8, 7 for a
// digit (three tenths), Z to V for a letter (five of 23 to 26). One
// character would hold a tenth of an eight-digit pattern; the spans hold
// the largest state (California, @#######) and the smallest plate pattern
// (Tennessee, @##-##@) past 60 million persons.
const (
	DigitSpan  = 3
	LetterSpan = 5
)

// spanOf returns the reserved span of a position class.
func spanOf(c byte) int {
	if c == '#' {
		return DigitSpan
	}
	return LetterSpan
}

// ReservedPrefix is the per-state reserved prefix: the pattern's literal
// characters up to its first variable position, and that position fixed to
// the last character of its class ('#' '9', '@' and '*' 'Z'; Z to V are
// plate letters too); ReservedPrefixes gives the whole reserved span. The rule is
// fixed and documented so that a reader can tell a generated number by its
// pattern alone; it does not prove that no state issues such numbers. A
// pattern without a variable position has none: "".
func ReservedPrefix(pattern string) string { return reservedPrefixK(pattern, 0) }

// ReservedPrefixes returns the reserved prefixes of pattern, the last
// character of the class first; nil if it has no variable position.
func ReservedPrefixes(pattern string) []string {
	p := ReservedPrefix(pattern)
	if p == "" {
		return nil
	}
	out := make([]string, spanOf(pattern[len(p)-1]))
	for k := range out {
		out[k] = reservedPrefixK(pattern, k)
	}
	return out
}

func reservedPrefixK(pattern string, k int) string {
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case '#':
			return pattern[:i] + string(rune('9'-k))
		case '@', '*':
			return pattern[:i] + string(rune('Z'-k))
		}
	}
	return ""
}

var errNoReserved = errors.New("ident: pattern has no variable position to reserve")

// Space is a pattern's reserved span with a set of letters: its prefixes,
// how many serials each holds, and the letters tabled. A space is made
// once per pattern and letters and shared; a checker keeps its states'
// (LicenseSpace, PlateSpace) instead of asking for them per record.
type Space struct {
	pattern  string
	table    *letterPositions // of letters
	places   places
	prefixes []string
	rest     uint64 // serials after each prefix
	err      error
}

var spaces memo.Map[spaceKey, *Space]

type spaceKey struct{ pattern, letters string }

func spaceOf(pattern, letters string) *Space {
	return spaces.Get(spaceKey{pattern, letters}, func() *Space {
		sp := &Space{pattern: pattern, table: positions(letters), places: placesOf(pattern, letters), prefixes: ReservedPrefixes(pattern)}
		if sp.prefixes == nil {
			sp.err = errNoReserved
		} else {
			sp.rest, sp.err = SerialCapacity(pattern, letters, sp.prefixes[0])
		}
		return sp
	})
}

// LicenseSpace is the reserved space of licence numbers of pattern (all 26
// letters).
func LicenseSpace(pattern string) *Space { return spaceOf(pattern, allLetters) }

// PlateSpace is the reserved space of plates of pattern (PlateLetters: no
// I, O or Q).
func PlateSpace(pattern string) *Space { return spaceOf(pattern, PlateLetters) }

// Matches reports whether s is of the space's pattern and letters.
func (sp *Space) Matches(s string) bool { return matches(sp.pattern, sp.table, s) }

// Reserved reports whether s, of the pattern (Matches), starts with a
// reserved prefix.
func (sp *Space) Reserved(s string) bool { return sp.prefixOf(s) >= 0 }

// prefixOf returns k when s starts with prefixes[k], else -1. The prefixes
// differ in their last character only, which counts down from the first
// (reservedPrefixK): one comparison and a subtraction find k.
func (sp *Space) prefixOf(s string) int {
	if len(sp.prefixes) == 0 {
		return -1
	}
	p := sp.prefixes[0]
	n := len(p)
	if len(s) < n || s[:n-1] != p[:n-1] {
		return -1
	}
	if k := int(p[n-1]) - int(s[n-1]); k >= 0 && k < len(sp.prefixes) {
		return k
	}
	return -1
}

// Capacity is how many serials the space holds.
func (sp *Space) Capacity() (uint64, error) {
	return sp.rest * uint64(len(sp.prefixes)), sp.err
}

// Serial writes serial into the space under key: a keyed permutation over
// the whole span picks the reserved character and the rest, so serials
// spread over it evenly.
func (sp *Space) Serial(serial, key uint64) (string, error) {
	n := sp.Numbering(key)
	b, err := n.Append(nil, serial)
	return string(b), err
}

// Numbering is a space's serials under one key, its permutations set up
// once: a generator keeps one per state rather than one per record.
type Numbering struct {
	sp          *Space
	whole, rest stream.Permutation // over the span, and after a prefix
}

// Numbering returns the space's serials under key.
func (sp *Space) Numbering(key uint64) Numbering {
	return Numbering{sp: sp, whole: stream.NewPermutation(sp.rest*uint64(len(sp.prefixes)), key), rest: stream.NewPermutation(sp.rest, key)}
}

// Append appends Serial(serial, key) to b.
func (n *Numbering) Append(b []byte, serial uint64) ([]byte, error) {
	sp := n.sp
	if sp.err != nil {
		return b, sp.err
	}
	if total := sp.rest * uint64(len(sp.prefixes)); serial >= total {
		return b, fmt.Errorf("ident: serial %d outside the capacity %d of pattern %q's reserved span", serial, total, sp.pattern)
	}
	q := n.whole.Of(serial)
	return appendRest(b, sp.pattern, &sp.places, sp.prefixes[q/sp.rest], n.rest.Of(q%sp.rest)), nil
}

// SerialOf inverts Serial: the serial s encodes under key, or false if s is
// not of the space. A checker of many keeps a Numbering instead.
func (sp *Space) SerialOf(s string, key uint64) (uint64, bool) {
	n := sp.Numbering(key)
	return n.SerialOf(s)
}

// SerialOf inverts Append: the serial s encodes, or false if s is not of
// the space.
func (n *Numbering) SerialOf(s string) (uint64, bool) {
	sp := n.sp
	if sp.err != nil || len(s) != len(sp.pattern) {
		return 0, false
	}
	k := sp.prefixOf(s)
	if k < 0 {
		return 0, false
	}
	q, ok := readRest(sp.pattern, sp.places, sp.prefixes[k], s)
	if !ok {
		return 0, false
	}
	return n.whole.Inverse(uint64(k)*sp.rest + n.rest.Inverse(q)), true
}

// encodeRest writes serial, through a keyed permutation over the n
// serials the positions after prefix hold, mixed-radix into them.
func encodeRest(pattern, letters, prefix string, serial, n, key uint64) string {
	d := placesOf(pattern, letters)
	return string(appendRest(nil, pattern, &d, prefix, stream.PermuteIndex(serial, n, key)))
}

// appendRest appends the string of pattern (read as d) of prefix and then
// q written mixed-radix into the positions after it, the last least
// significant.
func appendRest(b []byte, pattern string, d *places, prefix string, q uint64) []byte {
	start := len(b)
	b = append(b, pattern...)
	s := b[start:]
	copy(s, prefix)
	for i := len(s) - 1; i >= len(prefix); i-- {
		if r := d.radixes[i]; r > 0 {
			s[i] = d.chars[i][q%r]
			q /= r
		}
	}
	return b
}

// LicenseSerial returns licence number serial of pattern in its reserved
// space (all 26 letters).
func LicenseSerial(pattern string, serial, key uint64) (string, error) {
	return LicenseSpace(pattern).Serial(serial, key)
}

// PlateSerial returns plate serial of pattern in its reserved space
// (PlateLetters: no I, O or Q).
func PlateSerial(pattern string, serial, key uint64) (string, error) {
	return PlateSpace(pattern).Serial(serial, key)
}

// LicenseCapacity is how many serials LicenseSerial has for pattern; it is
// here because the licence letters are not exported.
func LicenseCapacity(pattern string) (uint64, error) { return LicenseSpace(pattern).Capacity() }

// PlateCapacity is how many serials PlateSerial has for pattern.
func PlateCapacity(pattern string) (uint64, error) { return PlateSpace(pattern).Capacity() }

// IsReservedLicense reports whether s is a licence number of pattern in its
// reserved space.
func IsReservedLicense(pattern, s string) bool {
	sp := LicenseSpace(pattern)
	return sp.Matches(s) && sp.Reserved(s)
}

// IsReservedPlate reports whether s is a plate of pattern in its reserved
// space.
func IsReservedPlate(pattern, s string) bool {
	sp := PlateSpace(pattern)
	return sp.Matches(s) && sp.Reserved(s)
}

// LicenseSerialOf inverts LicenseSerial: the serial a reserved licence
// number of pattern encodes under key.
func LicenseSerialOf(pattern, s string, key uint64) (uint64, bool) {
	return LicenseSpace(pattern).SerialOf(s, key)
}

// PlateSerialOf inverts PlateSerial.
func PlateSerialOf(pattern, s string, key uint64) (uint64, bool) {
	return PlateSpace(pattern).SerialOf(s, key)
}

// readRest reads what s's positions after prefix hold, mixed-radix (before
// the permutation encodeRest applies is undone); false if s is not of
// pattern (read as d) after prefix.
func readRest(pattern string, d places, prefix, s string) (uint64, bool) {
	if len(s) != len(pattern) || !strings.HasPrefix(s, prefix) {
		return 0, false
	}
	q := uint64(0)
	for i := len(prefix); i < len(s); i++ {
		t := d.values[i]
		if t == nil {
			if s[i] != pattern[i] {
				return 0, false
			}
			continue
		}
		v := t[s[i]]
		if v < 0 {
			return 0, false
		}
		q = q*d.radixes[i] + uint64(v)
	}
	return q, true
}
