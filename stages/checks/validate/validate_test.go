package validate_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/testkit"
	"github.com/synthpipe/synthpipe/stages/checks/validate"
)

func TestCleanBatchPasses(t *testing.T) {
	run := testkit.Run(300, 8)
	mb := testkit.Batch(run, "profile")
	s, err := validate.New(run, true, 10, testkit.Logger)
	require.NoError(t, err)
	require.NoError(t, s.Process(context.Background(), &component.Batch{Payload: mb}))
}

func TestEachBrokenRuleIsNamed(t *testing.T) {
	cases := []struct {
		name, column, rule string
		breakIt            func(mb *model.Batch)
	}{
		{"issued SSN", "ssn", "ssn_never_issued", func(mb *model.Batch) { mb.Persons[0].SSN = "123-45-6789" }},
		{"duplicate SSN", "ssn", "ssn_unique", func(mb *model.Batch) { mb.Persons[1].SSN = mb.Persons[0].SSN }},
		{"real e-mail domain", "email", "email_reserved_domain", func(mb *model.Batch) { mb.Persons[0].Email = "a.b1@gmail.com" }},
		{"real phone", "phone", "phone_555_01xx", func(mb *model.Batch) { mb.Persons[0].Phone = "212-555-1234" }},
		{"zip of another state", "zip", "zip_of_state", func(mb *model.Batch) {
			if mb.Persons[0].State == "TX" {
				mb.Persons[0].Zip = "10001"
			} else {
				mb.Persons[0].Zip = "75201"
			}
		}},
		{"driver under 16", "date_of_birth", "age_16_to_95", func(mb *model.Batch) { mb.Persons[0].DateOfBirth = model.DateOf(2012, 1, 1) }},
		{"bad VIN check digit", "vin", "vin_check_digit", func(mb *model.Batch) {
			v := []byte(mb.Vehicles[0].VIN)
			v[8] = map[bool]byte{true: '1', false: '2'}[v[8] != '1']
			mb.Vehicles[0].VIN = string(v)
		}},
		{"owner not a person", "owner_person_id", "fk_person", func(mb *model.Batch) { mb.Vehicles[0].OwnerPersonID = "PER-9999999999" }},
		{"wrong model for make", "model", "real_make_model", func(mb *model.Batch) { mb.Vehicles[0].Make, mb.Vehicles[0].Model = "Ford", "Camry" }},
		{"lienholder on owned car", "lienholder", "lienholder_iff_financed_or_leased", func(mb *model.Batch) {
			mb.Vehicles[0].Ownership, mb.Vehicles[0].Lienholder = "owned", "Example Auto Finance"
		}},
		{"tampered risk score", "risk_score", "risk_score_rules", func(mb *model.Batch) { mb.Profiles[0].RiskScore++ }},
		// The plan: a household's records carry its id, the first as well as
		// the ones compared with it.
		{"first member without household", "person_id", "id_unique_contiguous", func(mb *model.Batch) { mb.Persons[0].HouseholdID = "" }},
		{"member of another household", "person_id", "id_unique_contiguous", func(mb *model.Batch) {
			for i := 1; i < len(mb.Persons); i++ {
				if mb.Persons[i].HouseholdID == mb.Persons[i-1].HouseholdID {
					mb.Persons[i].HouseholdID = "HH-9999999999"
					return
				}
			}
			panic("no household of two")
		}},
		{"vehicle of another household", "vehicle_id", "id_unique_contiguous", func(mb *model.Batch) { mb.Vehicles[0].HouseholdID = "HH-9999999999" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			run := testkit.Run(300, 8)
			mb := testkit.Batch(run, "profile")
			tc.breakIt(mb)
			s, err := validate.New(run, true, 50, testkit.Logger)
			require.NoError(t, err)
			err = s.Process(context.Background(), &component.Batch{Payload: mb})
			require.Error(t, err)
			require.True(t, validate.IsValidationError(err))
			var ve *validate.Error
			require.ErrorAs(t, err, &ve)
			hit := false
			for _, v := range ve.Violations {
				hit = hit || (v.Column == tc.column && string(v.Rule) == tc.rule && v.RecordID != "")
			}
			require.True(t, hit, "want %s/%s in %v", tc.column, tc.rule, ve.Violations)
		})
	}
}

func TestWarnModeGoesOn(t *testing.T) {
	run := testkit.Run(50, 8)
	mb := testkit.Batch(run, "profile")
	mb.Persons[0].SSN = "123-45-6789"
	s, err := validate.New(run, false, 10, testkit.Logger)
	require.NoError(t, err)
	require.NoError(t, s.Process(context.Background(), &component.Batch{Payload: mb}))
}

// BenchmarkProcess checks a clean batch of 4,000 persons, as the pipeline
// does each batch; b.N batches.
func BenchmarkProcess(b *testing.B) {
	run := testkit.Run(4000, 20260101)
	mb := testkit.Batch(run, "profile")
	s, err := validate.New(run, true, 10, testkit.Logger)
	require.NoError(b, err)
	batch := &component.Batch{Payload: mb}
	b.ResetTimer()
	for b.Loop() {
		if err := s.Process(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(mb.Persons)), "ns/person")
}
