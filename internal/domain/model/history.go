package model

// History is a person's driving history in the look-back window, as the
// profile's history columns hold it (the incidents entity lists it).
type History struct {
	Violations          int32 // moving violations, DUI included
	MajorViolations     int32 // DUI, reckless driving, speeding 21+ mph over
	DUI                 int32
	ViolationPoints     int32 // of violations and at-fault accidents
	AtFaultAccidents    int32
	NotAtFaultAccidents int32
	ComprehensiveClaims int32
}
