package entity

import "github.com/synthpipe/synthpipe/internal/domain/model"

// The entities of data contract v0.1, in file order. Their rules span
// households (a vehicle's owner lives in it, a profile is derived from the
// household's vehicles) and are checked by internal/domain/contract.
var (
	Persons = Declare(Def[model.Person]{
		Name: model.Persons, Singular: "person", IDPrefix: "PER-",
		Columns: model.PersonColumns,
		ID:      func(p *model.Person) string { return p.PersonID },
		Rows:    func(b *model.Batch) *[]model.Person { return &b.Persons },
	})
	Vehicles = Declare(Def[model.Vehicle]{
		Name: model.Vehicles, Singular: "vehicle", IDPrefix: "VEH-",
		Columns: model.VehicleColumns,
		ID:      func(v *model.Vehicle) string { return v.VehicleID },
		Rows:    func(b *model.Batch) *[]model.Vehicle { return &b.Vehicles },
	})
	Profiles = Declare(Def[model.Profile]{
		Name: model.Profiles, Singular: "profile", IDPrefix: "PRO-", Parent: model.Persons,
		Columns: model.ProfileColumns,
		ID:      func(p *model.Profile) string { return p.ProfileID },
		Rows:    func(b *model.Batch) *[]model.Profile { return &b.Profiles },
	})
)
