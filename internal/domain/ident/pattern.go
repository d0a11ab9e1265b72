package ident

// Patterns describe licence and plate numbers: '#' a digit, '@' a letter,
// '*' a letter or digit; any other character stands for itself.

const (
	digitChars = "0123456789"
	// PlateLetters leaves out I, O and Q, which plates avoid.
	PlateLetters = "ABCDEFGHJKLMNPRSTUVWXYZ"
	allLetters   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

// Rand is the part of a random stream that Fill needs.
type Rand interface{ IntN(n int) int }

// Fill returns a random string of pattern, letters drawn from letters.
func Fill(pattern, letters string, r Rand) string {
	b := make([]byte, len(pattern))
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '#':
			b[i] = digitChars[r.IntN(10)]
		case '@':
			b[i] = letters[r.IntN(len(letters))]
		case '*':
			if r.IntN(36) < 10 {
				b[i] = digitChars[r.IntN(10)]
			} else {
				b[i] = letters[r.IntN(len(letters))]
			}
		default:
			b[i] = c
		}
	}
	return string(b)
}

// LicenseNumber returns a random licence number in a state's format.
func LicenseNumber(pattern string, r Rand) string { return Fill(pattern, allLetters, r) }

// Plate returns a random plate in a state's pattern, without I, O or Q.
func Plate(pattern string, r Rand) string { return Fill(pattern, PlateLetters, r) }

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
