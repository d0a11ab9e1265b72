// Package derive holds the domain rules that compute one value from others:
// a person's driver profile, its risk tier and scenario tags, and the model
// years a vehicle may have. It sits below both the stages that apply these
// rules (stages/generators/profile, stages/generators/vehicle) and the
// contract that checks them (internal/domain/contract), so neither depends on
// the other and a second profile stage can be swapped in.
package derive
