package derive

import "testing"

// The history factor kept by counts is the one computed from them, for
// every small history (an index that two histories shared would give one
// the other's factor), asked twice over; larger and negative counts, which
// only a damaged profile has, are computed alike.
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
	for _, h := range []History{{Violations: 6}, {Violations: 9, MajorViolations: 7, DUI: 6, AtFaultAccidents: 8, ComprehensiveClaims: 12}, {Violations: -1}, {AtFaultAccidents: 5, ComprehensiveClaims: 6}} {
		want := historyOf([5]int32{h.DUI, h.MajorViolations - h.DUI, h.Violations - h.MajorViolations, h.AtFaultAccidents, h.ComprehensiveClaims})
		if got := historyRel(h); got != want {
			t.Fatalf("%+v: %v, want %v", h, got, want)
		}
	}
}
