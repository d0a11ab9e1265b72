package ident

// Patterns describe licence and plate numbers: '#' a digit, '@' a letter,
// '*' a letter or digit; any other character stands for itself.

const (
	digitChars = "0123456789"
	// PlateLetters leaves out I, O and Q, which plates avoid.
	PlateLetters = "ABCDEFGHJKLMNPRSTUVWXYZ"
	allLetters   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

// Matches reports whether s fits pattern with letters from letters.
func Matches(pattern, letters, s string) bool { return matches(pattern, positions(letters), s) }

// matches is Matches with the letters tabled.
func matches(pattern string, pos *letterPositions, s string) bool {
	if len(s) != len(pattern) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch pattern[i] {
		case '#':
			if c < '0' || c > '9' {
				return false
			}
		case '@':
			if pos[c] < 0 {
				return false
			}
		case '*':
			if (c < '0' || c > '9') && pos[c] < 0 {
				return false
			}
		default:
			if c != pattern[i] {
				return false
			}
		}
	}
	return true
}

func indexByte(s string, c byte) int { return int(positions(s)[c]) }

// letterPositions maps a byte to its place in a character set, -1 when
// absent: every licence, plate and VIN is matched and decoded character by
// character, so the sets in use are tabled once.
type letterPositions [256]int8

func tablePositions(set string) *letterPositions {
	var t letterPositions
	for i := range t {
		t[i] = -1
	}
	for i := len(set) - 1; i >= 0; i-- { // the first place of a repeated byte
		t[set[i]] = int8(i)
	}
	return &t
}

var (
	plateTable  = tablePositions(PlateLetters)
	allTable    = tablePositions(allLetters)
	vinTable    = tablePositions(VINChars)
	digitsTable = tablePositions(digitChars)
)

// positions returns the table of a character set: the sets in use are
// tabled once; any other (tests) is tabled on the call.
func positions(set string) *letterPositions {
	switch set {
	case PlateLetters:
		return plateTable
	case allLetters:
		return allTable
	case VINChars:
		return vinTable
	case digitChars:
		return digitsTable
	}
	return tablePositions(set)
}
