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
func vinSum(vin string) (int, bool) {
	sum, bad := 0, false
	for i := 0; i < 17; i++ {
		v := vinValues[vin[i]]
		bad = bad || v < 0
		sum += int(v) * vinWeights[i]
	}
	return sum, !bad
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
	sum, _ := vinSum(string(vin))
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
