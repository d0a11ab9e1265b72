package ident

import (
	"fmt"

	"github.com/synthpipe/synthpipe/internal/domain/stream"
)

// VIN v2 (contract v0.2) keeps what a vehicle's VIN says about its model
// apart from what makes it unique: positions 4-8 describe the make, model
// and vehicle type, the same for every vehicle of that model, and only
// positions 11-17 (plant code and production number) carry the vehicle's
// index, so a reader can group vehicles by descriptor the way real VINs
// allow.

// VDS is the vehicle descriptor section: VIN positions 4-8.
type VDS [5]byte

// VINv2Capacity is how many distinct VIN v2 serials a run can make:
// position 11 and 12 from the 33 VIN characters, positions 13-17 digits.
// Positions 13-17 are numeric because 49 CFR 565 requires the last five
// characters of a light vehicle's VIN to be.
const VINv2Capacity = 33 * 33 * 100_000

// vinLetters are the VIN characters that are letters: position 7 takes one
// for model years 2010-2039.
const vinLetters = "ABCDEFGHJKLMNPRSTUVWXYZ"

// vinV2Tag keys VIN v2's permutation; 1 and 2 key the SSN, 3 the v0.1 VIN.
const vinV2Tag = 4

func vinV2Key(seed uint64) uint64 { return stream.Key(seed, stream.Permute, vinV2Tag) }

// position7Letter reports whether a model year's position 7 is a letter:
// 49 CFR 565 makes it alphabetic for 2010-2039 and numeric for 1980-2009,
// so the 30-year cycle of position 10 can be told apart. Years outside
// 1980-2039 have no rule; they take a digit.
func position7Letter(year int) bool { return year >= 2010 && year <= 2039 }

// fnv1a hashes the strings with FNV-1a, a zero byte after each so that
// ("ab", "c") and ("a", "bc") differ.
func fnv1a(parts ...string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for _, s := range parts {
		for i := 0; i < len(s); i++ {
			h ^= uint64(s[i])
			h *= prime
		}
		h *= prime // the zero separator: h ^= 0, then multiply
	}
	return h
}

// Descriptors are a make, model and vehicle type's two descriptors, one for
// each cycle of position 7: what a checker keeps per model.
type Descriptors struct{ digit, letter VDS }

// DescriptorsOf returns positions 4-8 for a make, model and vehicle type
// (compared byte for byte): a hash of the three, so every vehicle of a model
// shares them. Position 7 is a letter for model years 2010-2039 and a digit
// otherwise; both come from the same hash, so a model keeps one letter and
// one digit and only the cycle (Of) chooses between them.
func DescriptorsOf(make, model, vehicleType string) Descriptors {
	h := stream.Mix(fnv1a(make, model, vehicleType))
	var d VDS
	for _, p := range [4]int{0, 1, 2, 4} {
		d[p] = VINChars[h%uint64(len(VINChars))]
		h /= uint64(len(VINChars))
	}
	ds := Descriptors{digit: d, letter: d}
	ds.letter[3] = vinLetters[h%uint64(len(vinLetters))]
	ds.digit[3] = byte('0' + (h/uint64(len(vinLetters)))%10)
	return ds
}

// Of returns the descriptor of model year year.
func (ds Descriptors) Of(year int) VDS {
	if position7Letter(year) {
		return ds.letter
	}
	return ds.digit
}

// VINs makes the VIN v2s of one seed, its permutation keyed once: a
// generator keeps one rather than key it for every vehicle.
type VINs struct{ p stream.Permutation }

// NewVINs returns the VINs of seed.
func NewVINs(seed uint64) VINs {
	return VINs{stream.NewPermutation(VINv2Capacity, vinV2Key(seed))}
}

// Append appends the VIN of 0-based vehicle index i to b: wmi (three VIN
// characters), the descriptor vds, the check digit, the model-year code and
// a keyed permutation of i over positions 11-17, so VINs are unique within
// a run. An index outside [0, VINv2Capacity) panics: it would repeat a VIN.
func (vs *VINs) Append(b []byte, i int64, wmi string, vds VDS, year int) []byte {
	if i < 0 || i >= VINv2Capacity {
		panic(fmt.Sprintf("ident: vehicle index %d outside the VIN v2 capacity %d", i, VINv2Capacity))
	}
	var v [17]byte
	copy(v[:3], wmi)
	copy(v[3:8], vds[:])
	v[9] = YearCode(year)
	q := vs.p.Of(uint64(i))
	for p := 16; p >= 12; p-- {
		v[p] = byte('0' + q%10)
		q /= 10
	}
	v[11] = VINChars[q%33]
	v[10] = VINChars[q/33]
	v[8] = VINCheckDigit(v[:])
	return append(b, v[:]...)
}

// Index returns the vehicle index positions 11-17 of a VIN of vs encode;
// it reads only those positions (VINv2Problem checks the rest).
func (vs *VINs) Index(vin string) (int64, bool) {
	if len(vin) != 17 {
		return 0, false
	}
	plant, line := indexByte(VINChars, vin[10]), indexByte(VINChars, vin[11])
	serial, ok := digits(vin[12:17])
	if plant < 0 || line < 0 || !ok {
		return 0, false
	}
	q := (uint64(plant)*33+uint64(line))*100_000 + uint64(serial)
	return int64(vs.p.Inverse(q)), true
}

// VINv2Problem returns "" for a VIN that is well formed for model year year,
// or the first rule it breaks: vin_length, vin_charset, vin_check_digit,
// vin_year_code (position 10) or vin_position7_cycle (position 7 a letter
// outside 2010-2039 or a digit inside).
func VINv2Problem(vin string, year int) string {
	if p := VINProblem(vin); p != "" {
		return p
	}
	if vin[9] != YearCode(year) {
		return "vin_year_code"
	}
	isDigit := vin[6] >= '0' && vin[6] <= '9'
	if isDigit == position7Letter(year) {
		return "vin_position7_cycle"
	}
	return ""
}
