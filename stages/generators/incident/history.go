package incident

import "github.com/synthpipe/synthpipe/internal/domain/model"

// major reports whether an incident type is a major violation of the
// risk v2 rating.
func major(incidentType string) bool {
	switch incidentType {
	case "dui", "reckless", "speeding_21_plus":
		return true
	}
	return false
}

// Add counts one incident into a person's history, as the profile's history
// columns hold it.
func Add(h *model.History, r *Incident) {
	h.ViolationPoints += r.Points
	switch {
	case r.Category == "violation":
		h.Violations++
		if major(r.IncidentType) {
			h.MajorViolations++
		}
		if r.IncidentType == "dui" {
			h.DUI++
		}
	case r.IncidentType == "at_fault_accident":
		h.AtFaultAccidents++
	case r.IncidentType == "not_at_fault_accident":
		h.NotAtFaultAccidents++
	case r.Category == "claim":
		h.ComprehensiveClaims++
	}
}
