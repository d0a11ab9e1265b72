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
func Matches(pattern, letters, s string) bool {
	if len(s) != len(pattern) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		isDigit := c >= '0' && c <= '9'
		isLetter := indexByte(letters, c) >= 0
		switch pattern[i] {
		case '#':
			if !isDigit {
				return false
			}
		case '@':
			if !isLetter {
				return false
			}
		case '*':
			if !isDigit && !isLetter {
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

// MatchesLicense reports whether s is a licence number of pattern.
func MatchesLicense(pattern, s string) bool { return Matches(pattern, allLetters, s) }

// MatchesPlate reports whether s is a plate of pattern.
func MatchesPlate(pattern, s string) bool { return Matches(pattern, PlateLetters, s) }

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}
