package model

// Household is the plan of one household, drawn by the seed stage from the
// household's own stream: everything later stages need to know before they
// can give ids to its members and vehicles.
type Household struct {
	Index        int64 // 0-based household index; HH- id is Index+1
	FirstPerson  int64 // 0-based index of its first person
	Size         int   // members, 1 to MaxHouseholdSize
	Spouse       bool  // member 2 is the primary's spouse
	Children     int   // members after the spouse who are children of the primary
	FirstVehicle int64 // 0-based index of its first vehicle
	Vehicles     int   // 0 to MaxHouseholdVehicles
	// State (an index into the v0.2 population's states) and the serials
	// of the first member and first vehicle within it (household.Serials)
	// are looked up by the person stage, for the stages after it; Placed
	// says they are set (a stage after another person generator looks them
	// up itself).
	State                       int
	PersonSerial, VehicleSerial uint64
	Placed                      bool
}

// MaxHouseholdSize is the most members a household plan has. Identifier
// spaces are sized with it (a licence serial is the household's serial in
// its state times this, plus the member's place).
const MaxHouseholdSize = 5

// MaxHouseholdVehicles is the most vehicles a household plan has (plates
// are numbered with it as licences are with MaxHouseholdSize).
const MaxHouseholdVehicles = 4

// Batch is the payload that flows through the pipeline: a run of whole
// households and the records made for them. Slices are reused between
// batches to keep allocation flat.
type Batch struct {
	Households []Household
	Persons    []Person
	Vehicles   []Vehicle
	Profiles   []Profile
	// Histories holds each person's driving history, in person order, as
	// the incident stage counts it: what the profile stage rates. It is no
	// entity of the snapshot (the incidents entity lists the incidents).
	Histories []History
	// Extra holds the rows of entities declared beyond the three above, one
	// slot per entity (package entity assigns the slots and types them).
	Extra []Resetter
}

// Resetter is a reusable row slice of one entity.
type Resetter interface{ Reset() }

// Reset empties b for reuse, keeping its capacity.
func (b *Batch) Reset() {
	b.Households = b.Households[:0]
	b.Persons = b.Persons[:0]
	b.Vehicles = b.Vehicles[:0]
	b.Profiles = b.Profiles[:0]
	b.Histories = b.Histories[:0]
	for _, x := range b.Extra {
		if x != nil {
			x.Reset()
		}
	}
}

// PersonCount returns the persons its households hold.
func (b *Batch) PersonCount() int {
	n := 0
	for i := range b.Households {
		n += b.Households[i].Size
	}
	return n
}
