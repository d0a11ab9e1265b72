package ident

// VINChars are the characters a VIN may hold (no I, O or Q).
const VINChars = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"

var vinWeights = [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}

func vinValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'H':
		return int(c-'A') + 1
	case c >= 'J' && c <= 'N':
		return int(c-'J') + 1
	case c == 'P':
		return 7
	case c == 'R':
		return 9
	case c >= 'S' && c <= 'Z':
		return int(c-'S') + 2
	}
	return -1
}

// VINCheckDigit computes position 9 (ISO 3779 / 49 CFR 565.15).
func VINCheckDigit(vin []byte) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		if i == 8 {
			continue
		}
		sum += vinValue(vin[i]) * vinWeights[i]
	}
	r := sum % 11
	if r == 10 {
		return 'X'
	}
	return byte('0' + r)
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
	for i := 0; i < 17; i++ {
		if vinValue(vin[i]) < 0 {
			return "vin_charset"
		}
	}
	if VINCheckDigit([]byte(vin)) != vin[8] {
		return "vin_check_digit"
	}
	return ""
}
