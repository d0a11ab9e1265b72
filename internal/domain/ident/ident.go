// Package ident makes and checks the privacy-safe identifiers of the
// contract: SSNs from never-issued areas, fictional phone numbers, reserved
// e-mail domains, VINs with a real WMI and a correct check digit, and
// licence and plate numbers in a state's format. Generation and validation
// share this code, so they cannot drift apart.
package ident

import (
	"slices"
	"strconv"

	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/domain/stream"
)

// SSN space. Area 666 is never issued. Persons past its capacity (a run of
// more than 989,901 persons) take area 900-999 with a group that is neither
// an SSN (9xx is never issued as an SSN) nor an ITIN (ITIN groups are
// 50-65, 70-88, 90-92, 94-99).
const (
	ssnPerArea  = 99 * 9999
	SSN666Cap   = ssnPerArea
	ssn9xxAreas = 100
)

var safe9xxGroups = func() []int {
	var g []int
	for i := 1; i <= 99; i++ {
		itin := (i >= 50 && i <= 65) || (i >= 70 && i <= 88) || (i >= 90 && i <= 92) || i >= 94
		if !itin {
			g = append(g, i)
		}
	}
	return g
}()

// SSNCapacity is how many distinct safe SSNs exist.
var SSNCapacity = int64(SSN666Cap) + int64(ssn9xxAreas*len(safe9xxGroups)*9999)

func ssnKey(seed uint64, tag uint64) uint64 { return stream.Key(seed, stream.Permute, tag) }

// SSN returns the SSN of the person with 0-based index i: a keyed
// permutation of i, so unique within a run.
func SSN(seed uint64, i int64) string {
	var b [32]byte // room for appendPad's writes: the string is the one allocation
	ssns := NewSSNs(seed)
	return string(ssns.Append(b[:0], i))
}

// SSNs makes the SSNs of one seed, its permutations keyed once: a
// generator keeps one rather than key them for every person.
type SSNs struct{ low, high stream.Permutation }

// NewSSNs returns the SSNs of seed.
func NewSSNs(seed uint64) SSNs {
	return SSNs{
		low:  stream.NewPermutation(SSN666Cap, ssnKey(seed, 1)),
		high: stream.NewPermutation(uint64(SSNCapacity-SSN666Cap), ssnKey(seed, 2)),
	}
}

// Append appends SSN(seed, i) to b.
func (s *SSNs) Append(b []byte, i int64) []byte {
	var area, group, serial int
	if i < SSN666Cap {
		q := int(s.low.Of(uint64(i)))
		area, group, serial = 666, q/9999+1, q%9999+1
	} else {
		q := int(s.high.Of(uint64(i - SSN666Cap)))
		per := len(safe9xxGroups) * 9999
		area, group, serial = 900+q/per, safe9xxGroups[(q%per)/9999], q%9999+1
	}
	b = appendPad(b, area, 3)
	b = append(b, '-')
	b = appendPad(b, group, 2)
	b = append(b, '-')
	return appendPad(b, serial, 4)
}

// IsSafeSSN reports whether s is in the never-issued space, with area 666
// required for persons below the 666 capacity.
func IsSafeSSN(s string, personIndex int64) bool {
	n, ok := parseSSN(s)
	return ok && n.safeFor(personIndex)
}

// SafeIndex is IsSafeSSN and then, for a safe SSN, the person index it
// encodes, reading s once: a checker asks both of every person.
func (x *SSNs) SafeIndex(s string, personIndex int64) (safe bool, index int64, ok bool) {
	n, ok := parseSSN(s)
	if !ok || !n.safeFor(personIndex) {
		return false, 0, false
	}
	index, ok = n.index(x)
	return true, index, ok
}

// ssn is an SSN's area, group and serial.
type ssn struct{ area, group, serial int }

// parseSSN reads AAA-GG-SSSS, group and serial from 1.
func parseSSN(s string) (ssn, bool) {
	if len(s) != 11 || s[3] != '-' || s[6] != '-' {
		return ssn{}, false
	}
	area, ok1 := digits(s[0:3])
	group, ok2 := digits(s[4:6])
	serial, ok3 := digits(s[7:11])
	return ssn{area, group, serial}, ok1 && ok2 && ok3 && group >= 1 && serial >= 1
}

func (n ssn) safeFor(personIndex int64) bool {
	if personIndex < SSN666Cap {
		return n.area == 666
	}
	if n.area == 666 {
		return true
	}
	return n.area >= 900 && groupIndex(n.group) >= 0
}

// groupIndex returns g's place among safe9xxGroups, -1 if it is not one.
func groupIndex(g int) int {
	for i, s := range safe9xxGroups {
		if s == g {
			return i
		}
	}
	return -1
}

// index inverts x's Append.
func (n ssn) index(x *SSNs) (int64, bool) {
	if n.area == 666 {
		q := uint64((n.group-1)*9999 + n.serial - 1)
		return int64(x.low.Inverse(q)), true
	}
	if n.area < 900 || n.area > 999 {
		return 0, false
	}
	gi := groupIndex(n.group)
	if gi < 0 {
		return 0, false
	}
	per := len(safe9xxGroups) * 9999
	q := uint64((n.area-900)*per + gi*9999 + n.serial - 1)
	return SSN666Cap + int64(x.high.Inverse(q)), true
}

// appendPad appends n in decimal, zero-padded to width digits. Every
// identifier is made of such numbers: one of at most width digits is
// written two digits at a time straight into b's room, the leading zeros
// as pairs of them, with no buffer to copy from and no loop of appends.
func appendPad(b []byte, n, width int) []byte {
	if uint(width-1) >= uint(len(pow10)-1) || uint64(n) >= pow10[width] { // n < 0 too
		// No identifier's number: written as strconv does, padded.
		s := strconv.Itoa(n)
		for range width - len(s) {
			b = append(b, '0')
		}
		return append(b, s...)
	}
	at := len(b)
	b = slices.Grow(b, len(pow10))
	s := (*[len(pow10)]byte)(b[at : at+len(pow10)]) // width < len(pow10): no bounds checks
	i, u := width, uint(n)
	for ; i >= 2; i -= 2 {
		q := u / 100
		d := (u - q*100) * 2
		s[i-2], s[i-1] = model.DigitPairs[d], model.DigitPairs[d+1]
		u = q
	}
	if i == 1 {
		s[0] = byte('0' + u) // u < 10: n has at most width digits
	}
	return b[:at+width]
}

// pow10[k] is 10^k.
var pow10 = [...]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

// ID returns prefix + the 10-digit, 1-based form of a 0-based index.
func ID(prefix string, index int64) string {
	var buf [32]byte // on the stack: the string is the one allocation
	return string(AppendID(buf[:0], prefix, index))
}

// AppendID appends ID(prefix, index) to b.
func AppendID(b []byte, prefix string, index int64) []byte {
	return appendPad(append(b, prefix...), int(index+1), 10)
}

// SeqID returns the id of a parent's seq-th row: prefix, the parent's
// 1-based number in 10 digits, a dash and seq in at least 2 digits.
func SeqID(prefix string, parent int64, seq int) string {
	var buf [40]byte
	b := AppendID(buf[:0], prefix, parent)
	return string(appendPad(append(b, '-'), seq, 2))
}

// ParseID returns the 0-based index of an id of the given prefix.
func ParseID(prefix, id string) (int64, bool) {
	if len(id) != len(prefix)+10 {
		return 0, false
	}
	for i := 0; i < len(prefix); i++ { // a call to compare a few bytes costs more
		if id[i] != prefix[i] {
			return 0, false
		}
	}
	n, ok := tenDigits(id[len(prefix):])
	if !ok || n < 1 {
		return 0, false
	}
	return n - 1, true
}

// tenDigits is digits of a string of ten bytes, the first eight read at
// once: every record's ids are parsed several times. Each byte of the
// eight less '0' must have a high nibble of 0 and a low one of at most 9
// (adding 6 keeps it within the nibble); the digits then pair up into
// 2-, 4- and 8-digit numbers by three multiplications.
func tenDigits(s string) (int64, bool) {
	s = s[:10]
	x := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	if x&0xf0f0f0f0f0f0f0f0 != 0x3030303030303030 || (x+0x0606060606060606)&0xf0f0f0f0f0f0f0f0 != 0x3030303030303030 {
		return 0, false
	}
	x &= 0x0f0f0f0f0f0f0f0f
	x = (x * (10<<8 + 1)) >> 8 & 0x00ff00ff00ff00ff
	x = (x * (100<<16 + 1)) >> 16 & 0x0000ffff0000ffff
	x = (x * (10000<<32 + 1)) >> 32
	d8, d9 := s[8]-'0', s[9]-'0' // a byte below '0' wraps past 9
	return int64(x)*100 + int64(d8)*10 + int64(d9), d8 <= 9 && d9 <= 9
}
