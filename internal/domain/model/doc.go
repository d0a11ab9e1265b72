// Package model holds the data contract v0.1 as Go types: Person, Vehicle,
// Profile, Metadata and Manifest, the Date type every date column uses, and
// the column tables that give each entity's columns in contract order. CSV,
// JSON and Parquet writers and the validate stage all read those tables, so a
// column is declared once.
package model
