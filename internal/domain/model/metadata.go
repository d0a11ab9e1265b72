package model

// Generator names the program that made a snapshot.
type Generator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Privacy states, in words, how each identifier is kept from any real person.
type Privacy struct {
	SSN           string `json:"ssn"`
	Phone         string `json:"phone"`
	Email         string `json:"email"`
	DriverLicense string `json:"driver_license"`
	VIN           string `json:"vin"`
	LicensePlate  string `json:"license_plate"`
}

// Metadata describes a snapshot. It holds no wall-clock time, so it is
// reproduced byte for byte like the data.
type Metadata struct {
	Header
	// Counts are written as record_count_<entity>, in entity declaration
	// order, between config_sha256 and privacy (see MarshalJSON).
	Counts  []Count `json:"-"`
	Privacy Privacy `json:"privacy"`
}

// Header is the part of the metadata before the record counts.
type Header struct {
	DatasetName     string    `json:"dataset_name"`
	SnapshotVersion string    `json:"snapshot_version"`
	SchemaVersion   string    `json:"schema_version"`
	Generator       Generator `json:"generator"`
	Seed            uint64    `json:"seed"`
	ReferenceDate   string    `json:"reference_date"`
	LookbackYears   int       `json:"lookback_years,omitempty"` // the incident look-back; absent without incidents
	ConfigSHA256    string    `json:"config_sha256"`
	// SSNUnassigned counts the persons of the whole run past the
	// never-issued SSN space, whose ssn is null (0 for runs within it).
	SSNUnassigned int64 `json:"ssn_unassigned"`
}

// Count is the record count of one entity.
type Count struct {
	Entity  string
	Records int64
}

// SSNSpace is how many never-issued SSNs a run can give (ident.SSNCapacity,
// which a test keeps equal): persons past it have a null ssn.
const SSNSpace = 55_984_401

// PrivacyRules is the privacy statement written into every snapshot.
var PrivacyRules = Privacy{
	SSN:           "666-GG-SSSS with GG 01-99 and SSSS 0001-9999 (area 666 is never issued by the SSA), then 9xx-GG-SSSS with groups no ITIN uses; each SSN is a keyed permutation of the person's index, so unique; persons past these 55,984,401 numbers have a null ssn, counted in ssn_unassigned",
	Phone:         "NPA-555-01XX: a real area code that serves the person's ZIP, with 555-0100..0199, reserved for fictional use",
	Email:         "lower-case local part at example.com, example.net or example.org (RFC 2606 reserved domains); the local part ends in the person's index, so unique",
	DriverLicense: "the state's licence-number format with one position in a reserved span: the first variable character one of the last of its class (9, 8, 7 or Z to V: the sub-range a sequential issuer reaches last), or in the states whose numbers begin with the surname's Soundex code (FL, IL, MD, MI, MN, WI) the digit after the letter 9, 8 or 7, which no Soundex code has; the rest a keyed permutation of the member's serial in its state, so unique within the state; never derived from name or date of birth",
	VIN:           "real WMI of the make and vehicle type, a descriptor (positions 4-8) fixed per make, model and type with position 7 following the model-year cycle, ISO 3779 check digit, model-year code; positions 11-17 encode a keyed permutation of the vehicle index, so unique; matches no real vehicle by intent",
	LicensePlate:  "the state's plate pattern, without I, O or Q, with its first variable character one of the last of its class (9, 8, 7 or Z to V), or a leading 0 in California (never issued), the rest a keyed permutation of the vehicle's serial in its state, so unique within the state",
}

// NewMetadata returns the metadata of a run with its record counts.
func NewMetadata(run *Run, genName, genVersion string, counts []Count) Metadata {
	return Metadata{
		Header: Header{
			DatasetName:     run.DatasetName,
			SnapshotVersion: run.SnapshotVersion,
			SchemaVersion:   run.SchemaVersion,
			Generator:       Generator{Name: genName, Version: genVersion},
			Seed:            run.Seed,
			ReferenceDate:   run.ReferenceDate.String(),
			LookbackYears:   run.LookbackYears,
			ConfigSHA256:    run.ConfigSHA256,
			SSNUnassigned:   max(0, run.Records-SSNSpace),
		},
		Counts:  counts,
		Privacy: PrivacyRules,
	}
}
