package ident

import "github.com/synthpipe/synthpipe/internal/domain/stream"

// VINChars are the characters a VIN may hold (no I, O or Q).
const VINChars = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"

// vinSerialCap is the size of the serial space: position 8 and 11 from the
// 33 VIN characters, positions 12-17 digits.
const vinSerialCap = 33 * 33 * 1_000_000

// VINCapacity is how many distinct VINs a run can make.
const VINCapacity = vinSerialCap

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

func vinKey(seed uint64) uint64 { return stream.Key(seed, stream.Permute, 3) }

// VIN builds the VIN of 0-based vehicle index i: wmi, four random VDS
// characters, then a keyed permutation of i spread over position 8, the
// plant code (11) and the serial (12-17), so VINs are unique within a run.
func VIN(seed uint64, i int64, wmi string, year int, r Rand) string {
	var v [17]byte
	copy(v[:3], wmi)
	for p := 3; p < 7; p++ {
		v[p] = VINChars[r.IntN(len(VINChars))]
	}
	q := stream.PermuteIndex(uint64(i), vinSerialCap, vinKey(seed))
	serial := q % 1_000_000
	q /= 1_000_000
	v[7] = VINChars[q%33]
	v[10] = VINChars[q/33]
	for p := 16; p >= 11; p-- {
		v[p] = byte('0' + serial%10)
		serial /= 10
	}
	v[9] = YearCode(year)
	v[8] = VINCheckDigit(v[:])
	return string(v[:])
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

// VINIndex returns the vehicle index a VIN's serial encodes.
func VINIndex(seed uint64, vin string) (int64, bool) {
	if len(vin) != 17 {
		return 0, false
	}
	a, b := indexByte(VINChars, vin[7]), indexByte(VINChars, vin[10])
	serial, ok := digits(vin[11:17])
	if a < 0 || b < 0 || !ok {
		return 0, false
	}
	q := (uint64(b)*33+uint64(a))*1_000_000 + uint64(serial)
	return int64(stream.UnpermuteIndex(q, vinSerialCap, vinKey(seed))), true
}
