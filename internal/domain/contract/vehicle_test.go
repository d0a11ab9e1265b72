package contract_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/domain/contract"
	"github.com/synthpipe/synthpipe/internal/domain/ident"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/domain/refdata"
	"github.com/synthpipe/synthpipe/internal/testkit"
)

// Each case breaks one value of a good vehicle; the named rule must fire.
func TestVehicleDamageFiresItsRule(t *testing.T) {
	run := testkit.Run(3000, 11)
	mb := testkit.Batch(run, "vehicle")
	members := func(hh string) []model.Person {
		var out []model.Person
		for _, p := range mb.Persons {
			if p.HouseholdID == hh {
				out = append(out, p)
			}
		}
		return out
	}
	check := func(v model.Vehicle, ps []model.Person) []contract.RuleName {
		var got []contract.RuleName
		c, err := contract.New(run.Seed, run.ReferenceDate, func(x contract.Violation) { got = append(got, x.Rule) })
		require.NoError(t, err)
		c.Vehicle(&v, ps)
		return got
	}
	// A car of model year 2010 or later in a household of a valid driver
	// and another member, garaged at home.
	var base model.Vehicle
	for _, v := range mb.Vehicles {
		if v.ModelYear >= 2012 && v.VehicleType == "car" && v.GaragedAway == "false" && len(members(v.HouseholdID)) > 1 {
			base = v
			break
		}
	}
	require.NotEmpty(t, base.VehicleID)
	ps := members(base.HouseholdID)
	require.Empty(t, check(base, ps))
	rural, urban := "", ""
	pop, err := refdata.V02()
	require.NoError(t, err)
	si, _ := pop.State(base.GaragingState)
	for _, z := range pop.States[si].Zips {
		if pop.Zips[z].Rural && rural == "" {
			rural = pop.Zips[z].Code
		}
		if !pop.Zips[z].Rural && urban == "" && pop.Zips[z].Code != base.GaragingZip {
			urban = pop.Zips[z].Code
		}
	}
	otherPlate := ""
	for _, v := range mb.Vehicles {
		if v.GaragingState == base.GaragingState && v.HouseholdID != base.HouseholdID {
			otherPlate = v.LicensePlate
			break
		}
	}
	require.NotEmpty(t, otherPlate)
	cases := []struct {
		rule   contract.RuleName
		damage func(v *model.Vehicle, ps []model.Person)
	}{
		{contract.RuleModelYearInProduction, func(v *model.Vehicle, _ []model.Person) { v.ModelYear = 1960 }},
		{contract.RuleVINPosition7Cycle, func(v *model.Vehicle, _ []model.Person) { v.VIN = withCheck(v.VIN, 6, '5') }},
		{contract.RuleVINWMIOfMakeType, func(v *model.Vehicle, _ []model.Person) { v.VIN = withCheck(v.VIN, 0, '9') }},
		{contract.RuleVINDescriptorOfModel, func(v *model.Vehicle, _ []model.Person) { v.VIN = withCheck(v.VIN, 3, other(v.VIN[3])) }},
		{contract.RuleVehicleTypeOfModel, func(v *model.Vehicle, _ []model.Person) { v.VehicleType = "pickup" }},
		{contract.RuleBodyFuelOfModel, func(v *model.Vehicle, _ []model.Person) { v.BodyType = "pickup" }},
		{contract.RulePlateReservedPrefix, func(v *model.Vehicle, _ []model.Person) {
			b := []byte(v.LicensePlate)
			k := len(ident.PlateSpace(pop.States[si].PlateFormat, pop.States[si].PlateReserve).Forms()[0]) - 1
			if b[k] >= '0' && b[k] <= '9' {
				b[k] = '1'
			} else {
				b[k] = 'A'
			}
			v.LicensePlate = string(b)
		}},
		{contract.RulePlateUniqueInState, func(v *model.Vehicle, _ []model.Person) { v.LicensePlate = otherPlate }},
		{contract.RuleFarmOnlyRural, func(v *model.Vehicle, _ []model.Person) {
			v.Usage = "farm"
			v.GaragingZip = urban
			v.GaragedAway = "true"
		}},
		{contract.RulePrimaryDriverValidWhenPossible, func(v *model.Vehicle, ps []model.Person) {
			for i := range ps {
				if ps[i].PersonID == v.PrimaryDriverPersonID {
					ps[i].LicenseStatus = "suspended"
				} else {
					ps[i].LicenseStatus = "valid"
				}
			}
		}},
		{contract.RuleRideshareDriver21To65, func(v *model.Vehicle, ps []model.Person) {
			v.Usage = "rideshare"
			for i := range ps {
				if ps[i].PersonID == v.PrimaryDriverPersonID {
					ps[i].DateOfBirth = run.ReferenceDate.AddYears(-70)
				}
			}
		}},
		{contract.RuleGaragedAwayStudent, func(v *model.Vehicle, _ []model.Person) { v.GaragedAway = "true" }},
		{contract.RuleEqualsOwnerZIP, func(v *model.Vehicle, _ []model.Person) { v.GaragingZip = rural }},
	}
	for _, c := range cases {
		t.Run(string(c.rule), func(t *testing.T) {
			v := base
			p := append([]model.Person(nil), ps...)
			c.damage(&v, p)
			require.Contains(t, check(v, p), c.rule)
		})
	}
}

// withCheck sets VIN position i to ch and fixes the check digit, so only
// the rule under test breaks.
func withCheck(vin string, i int, ch byte) string {
	b := []byte(vin)
	b[i] = ch
	b[8] = checkDigit(b)
	return string(b)
}

func other(c byte) byte {
	if c == 'A' {
		return 'B'
	}
	return 'A'
}

func checkDigit(v []byte) byte {
	weights := [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, c := range v {
		var n int
		switch {
		case c >= '0' && c <= '9':
			n = int(c - '0')
		default:
			n = int(map[byte]int{'A': 1, 'B': 2, 'C': 3, 'D': 4, 'E': 5, 'F': 6, 'G': 7, 'H': 8, 'J': 1, 'K': 2, 'L': 3, 'M': 4, 'N': 5, 'P': 7, 'R': 9, 'S': 2, 'T': 3, 'U': 4, 'V': 5, 'W': 6, 'X': 7, 'Y': 8, 'Z': 9}[c])
		}
		sum += n * weights[i]
	}
	if r := sum % 11; r < 10 {
		return byte('0' + r)
	}
	return 'X'
}
