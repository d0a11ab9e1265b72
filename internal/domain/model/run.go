package model

// Run is the read-only context every component of one run shares: what to
// make, from which seed, against which reference date.
type Run struct {
	DatasetName     string
	SnapshotVersion string // v0.1
	SchemaVersion   string
	ReferenceDate   Date
	Seed            uint64
	Records         int64 // persons
	BatchSize       int   // persons per batch, rounded to whole households
	ConfigSHA256    string
	// Shard selects part Shard of Shards (1-based); Shards 0 means the whole run.
	Shard, Shards int
	// Entities names the entities the run's stages make, in declaration
	// order: what the sinks write and the metadata counts.
	Entities []string
	// LookbackYears is the incident stage's look-back window (0 for a run
	// without one): the metadata records it, so that validate checks a
	// snapshot's incidents against the window they were made in.
	LookbackYears int
	// AllValidLicenses is the person stage's license_status_mix all_valid:
	// no licence is expired, suspended or revoked.
	AllValidLicenses bool
}

// Sharded reports whether the run makes one part of a sharded run.
func (r *Run) Sharded() bool { return r.Shards > 1 }

// The reference dates the generators support, checked when a config loads.
// The earliest keeps the oldest vehicle a config may ask for (30 model years
// before the reference year) at 1981 or later: the contract's VIN, 17
// characters with a model-year code, exists from model year 1981 (49 CFR
// 565), and the make/model table lists only models still built in 2009 or
// later, so earlier years would get a thin, skewed mix (before 1965 no model
// at all, which is why generation used to spin). The latest keeps next
// year's models at 2039 or earlier, the last year of the VIN model-year code
// table.
var (
	MinReferenceDate = DateOf(2011, 1, 1)
	MaxReferenceDate = DateOf(2038, 12, 31)
)
