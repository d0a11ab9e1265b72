package derive

import "testing"

// The history factor memoised by packed counts is the one computed from
// them, for every small history (a key that packed two histories alike
// would give one the other's factor), asked twice over.
func TestHistoryRelIsComputedOnce(t *testing.T) {
	for range 2 {
		for dui := range int32(3) {
			for major := dui; major < dui+3; major++ {
				for v := major; v < major+4; v++ {
					for af := range int32(4) {
						for comp := range int32(4) {
							h := History{Violations: v, MajorViolations: major, DUI: dui, AtFaultAccidents: af, ComprehensiveClaims: comp}
							want := historyOf([5]int32{dui, major - dui, v - major, af, comp})
							if got := historyRel(h); got != want {
								t.Fatalf("%+v: %v, want %v", h, got, want)
							}
						}
					}
				}
			}
		}
	}
	if got := historyRel(History{Violations: 300, MajorViolations: 300, DUI: 300}); got.text != "history=4" {
		t.Fatalf("300 DUIs: %v", got)
	}
}
