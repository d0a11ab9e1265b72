package schema

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValidate(t *testing.T) {
	s, err := Compile()
	require.NoError(t, err)
	good := `{"profile_id":"PRO-0000000001","person_id":"PER-0000000001","household_id":"HH-0000000001","age":40,"years_licensed":20,"household_vehicle_count":1,"primary_vehicle_id":null,"vehicle_ids":[],"risk_score":300,"risk_tier":"low","scenario_tags":["no_primary_vehicle"],"rules_version":"profile-rules/2.1",` +
		`"violations":0,"major_violations":0,"dui_count":0,"violation_points":0,"at_fault_accidents":0,"not_at_fault_accidents":0,"comprehensive_claims":0,"rating_factors":["mileage=0.85"]}`
	require.NoError(t, s.Validate("profile", []byte(good)))
	cases := map[string]string{
		"extra key":       `{"extra":1,` + good[1:],
		"wrong type":      strings.Replace(good, `"age":40`, `"age":"40"`, 1),
		"bad enum":        strings.Replace(good, `"risk_tier":"low"`, `"risk_tier":"extreme"`, 1),
		"bad id pattern":  strings.Replace(good, `"PRO-0000000001"`, `"PRO-1"`, 1),
		"missing column":  strings.Replace(good, `"age":40,`, ``, 1),
		"null not listed": strings.Replace(good, `"vehicle_ids":[]`, `"vehicle_ids":null`, 1),
	}
	for name, doc := range cases {
		require.Error(t, s.Validate("profile", []byte(doc)), name)
	}
	require.ErrorContains(t, s.Validate("profile", []byte(cases["bad enum"])), "/risk_tier")
}

// An entity's schema is asked for by its singular or its name, and named
// by its singular either way; anything else is refused, naming both.
func TestDocumentByNameOrSingular(t *testing.T) {
	singular, err := Document("person")
	require.NoError(t, err)
	require.Contains(t, string(singular), `"$id": "urn:synthpipe:schema:v0.2:person"`)
	require.Contains(t, string(singular), `"title": "synthpipe person (contract v0.2)"`)
	name, err := Document("persons")
	require.NoError(t, err)
	require.Equal(t, string(singular), string(name))
	_, err = Document("nope")
	var unknown *UnknownError
	require.ErrorAs(t, err, &unknown)
	require.EqualError(t, err, `schema: unknown entity "nope" (allowed: person or persons, vehicle or vehicles, profile or profiles, incident or incidents, metadata, manifest)`)
}
