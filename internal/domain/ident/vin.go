package ident

// VINChars are the characters a VIN may hold (no I, O or Q).
const VINChars = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"

var vinWeights = [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}

// vinValues is each VIN character's transliteration (ISO 3779), -1 for a
// byte no VIN holds: every VIN is checked, so the values are tabled.
var vinValues = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for _, c := range VINChars {
		switch {
		case c <= '9':
			t[c] = int8(c - '0')
		case c <= 'H':
			t[c] = int8(c-'A') + 1
		case c <= 'N':
			t[c] = int8(c-'J') + 1
		case c == 'P':
			t[c] = 7
		case c == 'R':
			t[c] = 9
		default: // S to Z
			t[c] = int8(c-'S') + 2
		}
	}
	return t
}()

// vinSum returns the weighted sum of a 17-character VIN's values (position
// 9, the check digit, weighs 0), or false if a character is not of a VIN.
// It reads bytes or a string alike, so a VIN being made is not copied to
// be summed; a value of -1 (no VIN character) sets the sign bit of bad.
func vinSum[S ~string | ~[]byte](vin S) (int, bool) {
	vin = vin[:17]
	sum, bad := 0, int8(0)
	for i, w := range vinWeights {
		v := vinValues[vin[i]]
		bad |= v
		sum += int(v) * w
	}
	return sum, bad >= 0
}

// checkDigit is the check digit of a weighted sum.
func checkDigit(sum int) byte {
	r := sum % 11
	if r == 10 {
		return 'X'
	}
	return byte('0' + r)
}

// VINCheckDigit computes position 9 (ISO 3779 / 49 CFR 565.15).
func VINCheckDigit(vin []byte) byte {
	sum, _ := vinSum(vin)
	return checkDigit(sum)
}

// YearCode is the model-year code of position 10 (30-year cycle from 1980).
func YearCode(year int) byte {
	const codes = "ABCDEFGHJKLMNPRSTVWXY123456789"
	return codes[((year-1980)%30+30)%30]
}

// VINProblem returns "" for a well-formed VIN or the rule it breaks.
func VINProblem(vin string) string {
	if len(vin) != 17 {
		return "vin_length"
	}
	sum, ok := vinSum(vin)
	if !ok {
		return "vin_charset"
	}
	if checkDigit(sum) != vin[8] {
		return "vin_check_digit"
	}
	return ""
}
