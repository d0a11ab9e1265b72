package model

// ContractVersion is the data contract this code implements: the only
// dataset.schema_version a config may name.
const ContractVersion = "0.2"

// Entities, as components declare them in pipeline.Spec Needs and Provides.
const (
	Persons  = "persons"
	Vehicles = "vehicles"
	Profiles = "profiles"
	// Incidents is the driving-history entity (stages/generators/incident).
	Incidents = "incidents"
	// EveryEntity, as a need, is every entity the pipeline's stages make: a
	// check that reads them all must come after every stage that makes one.
	EveryEntity = "*"
)

// Parts of a snapshot, as sinks and finalizers declare them in Provides.
const (
	PartRecords  = "records"  // the entities in at least one of CSV, Parquet, JSON
	PartMetadata = "metadata" // metadata_<v>.json
	PartManifest = "manifest" // snapshot_manifest_<v>.json
)

// SnapshotPart is a part every snapshot must have, and why.
type SnapshotPart struct{ Name, Why string }

// SnapshotParts are the parts a snapshot of contract v0.2 must have:
// without any of them `synthpipe validate` refuses or fails the snapshot.
var SnapshotParts = []SnapshotPart{
	{PartRecords, "a snapshot holds its persons, vehicles and profiles in CSV, Parquet or JSON"},
	{PartMetadata, "validate and merge read the seed, reference date and config hash from metadata_<v>.json"},
	{PartManifest, "validate, merge and every rerun find the files, sizes and SHA-256 through snapshot_manifest_<v>.json"},
}
