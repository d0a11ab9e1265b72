package ident

import (
	"errors"
	"fmt"
	"math/bits"
	"strings"

	"github.com/synthpipe/synthpipe/internal/domain/memo"

	"github.com/synthpipe/synthpipe/internal/domain/stream"
)

// Reserved serials (contract v0.2) make licence and plate numbers unique
// and recognisably fictional: one position of a state's pattern is kept to
// a reserved span of characters (a reservation), and the other positions
// carry a keyed permutation of a serial, so distinct serials give distinct
// numbers that still look random.

// maxSerialCapacity bounds a pattern's capacity: stream.Permutation works
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
// them, one entry each so a position is one look-up: the characters of its
// class (digits, then letters), "" for a literal; what each character is
// worth in it (its place in the class, -1 if it is not of it), nil for a
// literal; how many characters the position takes; and the reciprocal
// that divides by that number.
type places []place

type place struct {
	chars  string
	values *letterPositions
	radix  uint64
	recip  uint64 // ⌈2^(62+shift+2) / radix⌉, for divide
	shift  uint
}

// divide returns q/p.radix and q%p.radix for q < 2^62 (every serial is
// below maxSerialCapacity) by a multiply and a shift: a division
// instruction per position was a third of a licence number's cost.
// Granlund and Montgomery (1994, theorem 4.2): with 2^ℓ ≥ radix and
// m = ⌈2^(62+ℓ)/radix⌉, which fits 64 bits, ⌊q·m / 2^(62+ℓ)⌋ = ⌊q/radix⌋
// for every q < 2^62.
func (p *place) divide(q uint64) (quo, rem uint64) {
	hi, _ := bits.Mul64(q, p.recip)
	quo = hi >> (p.shift & 63)
	return quo, q - quo*p.radix
}

// reciprocal returns divide's multiplier and shift for a radix of 2 or
// more (SerialCapacity refuses a class of one letter).
func reciprocal(radix uint64) (recip uint64, shift uint) {
	l := max(2, uint(bits.Len64(radix-1))) // 2^ℓ ≥ radix, and 62+ℓ ≥ 64
	// 2^(62+ℓ) is 2^(ℓ-2) in the high word, below radix: no overflow.
	quo, rem := bits.Div64(uint64(1)<<(l-2), 0, radix)
	if rem != 0 {
		quo++
	}
	return quo, l - 2
}

func placesOf(pattern, letters string) places {
	letterTab, anyTab := positions(letters), positions(digitChars+letters)
	d := make(places, len(pattern))
	for i := range d {
		switch pattern[i] {
		case '#':
			d[i].chars, d[i].values = digitChars, digitsTable
		case '@':
			d[i].chars, d[i].values = letters, letterTab
		case '*':
			d[i].chars, d[i].values = digitChars+letters, anyTab
		}
		if d[i].radix = serialRadix(pattern[i], letters); d[i].radix >= 2 {
			d[i].recip, d[i].shift = reciprocal(d[i].radix)
		}
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
		if r < 2 { // a class of one letter (divide needs a radix of 2 or more)
			return 0, fmt.Errorf("ident: pattern %q needs letters", pattern)
		}
		if n > maxSerialCapacity/r {
			return 0, fmt.Errorf("ident: pattern %q holds more than 2^62 serials", pattern)
		}
		n *= r
	}
	return n, nil
}

// Reserved spans: the characters a reserved position may take by default,
// the last of its class first: 9, 8, 7 for a digit (three tenths), Z to V
// for a letter (five of 23 to 26). One character would hold a tenth of an
// eight-digit pattern; the spans hold the largest state (California,
// @#######) and the smallest plate pattern (Tennessee, @##-##@) past 60
// million persons.
const (
	digitSpan  = "987"
	letterSpan = "ZYXWV"
	// DigitSpan and LetterSpan are how many characters the default spans
	// hold.
	DigitSpan  = len(digitSpan)
	LetterSpan = len(letterSpan)
)

// maxPrefixes bounds the prefixes a reservation enumerates (the variable
// positions before the reserved one times its span).
const maxPrefixes = 4096

// A reservation says which position of a pattern is reserved and what it
// may take. "" is the default: the pattern's first variable position, in
// the default span of its class (literal characters before it kept).
// Otherwise the pattern's characters up to the reserved position, then the
// position's characters in brackets, the first the one serials start
// from: "@[987]" reserves the digit after a leading letter ("@" any
// letter), "[0]" a leading zero. A state whose numbers are derived from
// the holder (a Soundex code of the surname) or issued in the default
// span takes its own (refdata states.csv, governance/privacy.md).
func reservationOf(pattern, letters, reserve string) (at int, span string, err error) {
	if reserve == "" {
		for i := 0; i < len(pattern); i++ {
			switch pattern[i] {
			case '#':
				return i, digitSpan, nil
			case '@', '*':
				return i, letterSpan, nil
			}
		}
		return 0, "", errNoReserved
	}
	at = strings.IndexByte(reserve, '[')
	bad := func(why string) (int, string, error) {
		return 0, "", fmt.Errorf("ident: reservation %q of pattern %q: %s (want the pattern's characters up to the reserved position, then its characters in brackets, e.g. \"@[987]\")", reserve, pattern, why)
	}
	switch {
	case at < 0 || !strings.HasSuffix(reserve, "]") || at+2 >= len(reserve):
		return bad("no [characters] at its end")
	case at >= len(pattern) || reserve[:at] != pattern[:at]:
		return bad("its characters before [ are not the pattern's")
	case serialRadix(pattern[at], letters) == 0:
		return bad("the reserved position is a literal")
	}
	span = reserve[at+1 : len(reserve)-1]
	for i := 0; i < len(span); i++ {
		if !Matches(pattern[at:at+1], letters, span[i:i+1]) || strings.IndexByte(span[:i], span[i]) >= 0 {
			return bad(fmt.Sprintf("%q is not of the position's class or repeats", span[i]))
		}
	}
	return at, span, nil
}

// enumerate lists a reservation's prefixes: the variable positions
// before the reserved one mixed-radix (the last least significant), the
// span innermost, so with no such positions prefix k ends in span[k].
func (sp *Space) enumerate() ([]string, error) {
	n := len(sp.span)
	for i := 0; i < sp.at; i++ {
		if r := sp.places[i].radix; r > 0 {
			if n *= int(r); n > maxPrefixes {
				return nil, fmt.Errorf("ident: pattern %q has more than %d reserved prefixes before position %d", sp.pattern, maxPrefixes, sp.at+1)
			}
		}
	}
	out := make([]string, n)
	b := []byte(sp.pattern[:sp.at+1])
	for idx := range out {
		b[sp.at] = sp.span[idx%len(sp.span)]
		q := uint64(idx / len(sp.span))
		for i := sp.at - 1; i >= 0; i-- {
			if r := sp.places[i].radix; r > 0 {
				b[i] = sp.places[i].chars[q%r]
				q /= r
			}
		}
		out[idx] = string(b)
	}
	return out, nil
}

var errNoReserved = errors.New("ident: pattern has no variable position to reserve")

// Space is a pattern's reserved span with a set of letters: its prefixes,
// how many serials each holds, and the letters tabled. A space is made
// once per pattern, letters and reservation and shared; a checker keeps its
// states' (LicenseSpace, PlateSpace) instead of asking for them per record.
type Space struct {
	pattern  string
	table    *letterPositions // of letters
	places   places
	at       int              // the reserved position
	span     string           // what it may take
	spanPos  *letterPositions // of span
	prefixes []string
	rest     uint64 // serials after each prefix
	err      error
}

var spaces memo.Map[spaceKey, *Space]

type spaceKey struct{ pattern, letters, reserve string }

func spaceOf(pattern, letters, reserve string) *Space {
	return spaces.Get(spaceKey{pattern, letters, reserve}, func() *Space {
		sp := &Space{pattern: pattern, table: positions(letters), places: placesOf(pattern, letters)}
		sp.at, sp.span, sp.err = reservationOf(pattern, letters, reserve)
		if sp.err == nil {
			sp.spanPos = tablePositions(sp.span)
			sp.prefixes, sp.err = sp.enumerate()
		}
		if sp.err == nil {
			sp.rest, sp.err = SerialCapacity(pattern, letters, sp.prefixes[0])
		}
		if sp.err == nil && sp.rest > maxSerialCapacity/uint64(len(sp.prefixes)) {
			sp.err = fmt.Errorf("ident: pattern %q holds more than 2^62 serials", pattern)
		}
		return sp
	})
}

// LicenseSpace is the reserved space of licence numbers of pattern (all 26
// letters) under reserve ("" the default reservation).
func LicenseSpace(pattern, reserve string) *Space { return spaceOf(pattern, allLetters, reserve) }

// PlateSpace is the reserved space of plates of pattern (PlateLetters: no
// I, O or Q) under reserve.
func PlateSpace(pattern, reserve string) *Space { return spaceOf(pattern, PlateLetters, reserve) }

// Forms returns the reserved prefixes as the contract shows them: the
// pattern's characters before the reserved position (a class symbol such
// as @ standing for any of its characters), then each character of the
// span.
func (sp *Space) Forms() []string {
	out := make([]string, len(sp.span))
	for k := range out {
		out[k] = sp.pattern[:sp.at] + sp.span[k:k+1]
	}
	return out
}

// Matches reports whether s is of the space's pattern and letters.
func (sp *Space) Matches(s string) bool { return matches(sp.pattern, sp.table, s) }

// Reserved reports whether s, of the pattern (Matches), starts with a
// reserved prefix.
func (sp *Space) Reserved(s string) bool { return sp.prefixOf(s) >= 0 }

// prefixOf returns k when s starts with prefixes[k], else -1: the
// positions before the reserved one read as enumerate wrote them.
func (sp *Space) prefixOf(s string) int {
	if sp.err != nil || len(s) <= sp.at {
		return -1
	}
	idx := 0
	for i := 0; i < sp.at; i++ {
		t := sp.places[i].values
		if t == nil {
			if s[i] != sp.pattern[i] {
				return -1
			}
			continue
		}
		v := t[s[i]]
		if v < 0 {
			return -1
		}
		idx = idx*int(sp.places[i].radix) + int(v)
	}
	k := sp.spanPos[s[sp.at]]
	if k < 0 {
		return -1
	}
	return idx*len(sp.span) + int(k)
}

// Capacity is how many serials the space holds.
func (sp *Space) Capacity() (uint64, error) {
	return sp.rest * uint64(len(sp.prefixes)), sp.err
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

// Append appends the number of serial to b: a keyed permutation over the
// whole span picks the reserved prefix and the rest, so serials spread
// over it evenly.
func (n *Numbering) Append(b []byte, serial uint64) ([]byte, error) {
	sp := n.sp
	if sp.err != nil {
		return b, sp.err
	}
	if total := sp.rest * uint64(len(sp.prefixes)); serial >= total {
		return b, fmt.Errorf("ident: serial %d outside the capacity %d of pattern %q's reserved span", serial, total, sp.pattern)
	}
	q := n.whole.Of(serial)
	return appendRest(b, sp.pattern, sp.places, sp.prefixes[q/sp.rest], n.rest.Of(q%sp.rest)), nil
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

// appendRest appends the string of pattern (read as d) of prefix and then
// q written mixed-radix into the positions after it, the last least
// significant.
func appendRest(b []byte, pattern string, d places, prefix string, q uint64) []byte {
	start := len(b)
	b = append(b, pattern...)
	s := b[start:]
	copy(s, prefix)
	d = d[:len(s)]
	for i := len(s) - 1; i >= len(prefix); i-- {
		if p := &d[i]; p.radix > 0 {
			var c uint64
			q, c = p.divide(q)
			s[i] = p.chars[c]
		}
	}
	return b
}

// readRest reads what s's positions after prefix hold, mixed-radix (the
// permuted value Append wrote, before SerialOf undoes the permutation);
// false if s is not of pattern (read as d) after prefix.
func readRest(pattern string, d places, prefix, s string) (uint64, bool) {
	if len(s) != len(pattern) || !strings.HasPrefix(s, prefix) {
		return 0, false
	}
	d = d[:len(s)]
	q := uint64(0)
	for i := len(prefix); i < len(s); i++ {
		p := &d[i]
		if p.values == nil {
			if s[i] != pattern[i] {
				return 0, false
			}
			continue
		}
		v := p.values[s[i]]
		if v < 0 {
			return 0, false
		}
		q = q*p.radix + uint64(v)
	}
	return q, true
}
