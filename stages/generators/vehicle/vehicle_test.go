package vehicle_test

import (
	"context"
	"math"
	"sort"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/domain/contract"
	"github.com/synthpipe/synthpipe/internal/domain/derive"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/domain/refdata"
	"github.com/synthpipe/synthpipe/internal/testkit"
	"github.com/synthpipe/synthpipe/stages/generators/person"
	"github.com/synthpipe/synthpipe/stages/generators/vehicle"
	"github.com/synthpipe/synthpipe/stages/sources/seed"
)

// makeRun runs seed, person and vehicle (max age 30) over run's records in
// batches of batchSize persons and returns every batch.
func makeRun(t testing.TB, run *model.Run, batchSize int) []*model.Batch {
	t.Helper()
	r := *run
	r.BatchSize = batchSize
	src := seed.New(&r)
	people, err := person.New(&r, 5)
	require.NoError(t, err)
	veh, err := vehicle.New(&r, 30)
	require.NoError(t, err)
	var out []*model.Batch
	for {
		b := &component.Batch{Payload: src.NewPayload()}
		more, err := src.Next(context.Background(), b)
		require.NoError(t, err)
		if len(b.Payload.Households) > 0 {
			require.NoError(t, people.Process(context.Background(), b))
			require.NoError(t, veh.Process(context.Background(), b))
			out = append(out, b.Payload)
		}
		if !more {
			return out
		}
	}
}

func check(t *testing.T, run *model.Run, batches []*model.Batch) []contract.Violation {
	t.Helper()
	var found []contract.Violation
	c, err := contract.New(run.Seed, run.ReferenceDate, func(v contract.Violation) { found = append(found, v) })
	require.NoError(t, err)
	for _, mb := range batches {
		first := mb.Households[0].FirstPerson
		for i := range mb.Households {
			h := &mb.Households[i]
			members := mb.Persons[h.FirstPerson-first : h.FirstPerson-first+int64(h.Size)]
			for j := range h.Vehicles {
				c.Vehicle(&mb.Vehicles[h.FirstVehicle-mb.Households[0].FirstVehicle+int64(j)], members)
			}
		}
	}
	return found
}

func TestVehiclesKeepTheContract(t *testing.T) {
	run := testkit.Run(20000, 21)
	batches := makeRun(t, run, 20000)
	require.NotEmpty(t, batches[0].Vehicles)
	found := check(t, run, batches)
	require.Empty(t, found[:min(len(found), 20)])
	// The shim the v0.1 callers use makes the same vehicles at max age 20.
	mb := testkit.Batch(testkit.Run(400, 21), "vehicle")
	require.Empty(t, check(t, testkit.Run(400, 21), []*model.Batch{mb}))
}

func TestSameVehicleWhateverTheBatches(t *testing.T) {
	run := testkit.Run(3000, 7)
	var all [3][]model.Vehicle
	for k, size := range []int{3000, 97, 1000} {
		for _, mb := range makeRun(t, run, size) {
			all[k] = append(all[k], mb.Vehicles...)
		}
	}
	require.NotEmpty(t, all[0])
	require.Equal(t, all[0], all[1])
	require.Equal(t, all[0], all[2])
}

func TestBuildRefusesWhatCannotBeMade(t *testing.T) {
	run := testkit.Run(100, 1)
	run.ReferenceDate = model.DateOf(2020, 6, 1)
	_, err := vehicle.New(run, 30) // 1994 has no model in the table (1995-2025)
	require.ErrorContains(t, err, "model year 1994")
	if testing.Short() {
		return
	}
	// 90M persons: the smallest plate ranges run out (the households are
	// counted first: a few seconds).
	run = testkit.Run(90_000_000, 1)
	_, err = vehicle.New(run, 30)
	require.ErrorContains(t, err, "records need up to")
	require.ErrorContains(t, err, "whose reserved range (format")
}

// hundredThousand makes the vehicles of 100k persons once for the tests
// of distributions, which read them only.
var hundredThousand = func() func(t *testing.T) (*model.Run, []*model.Batch, *refdata.Fleet) {
	var once sync.Once
	var run *model.Run
	var batches []*model.Batch
	return func(t *testing.T) (*model.Run, []*model.Batch, *refdata.Fleet) {
		once.Do(func() {
			run = testkit.Run(100_000, 3)
			batches = makeRun(t, run, 25_000)
		})
		fleet, err := refdata.V02Fleet()
		require.NoError(t, err)
		require.NotNil(t, batches, "the 100k run failed in an earlier test")
		return run, batches, fleet
	}
}()

// Distributions at 100k persons: fleet age, EV shares of the largest
// states, make shares.
func TestDistributions(t *testing.T) {
	if testing.Short() {
		t.Skip("100k persons")
	}
	run, batches, fleet := hundredThousand(t)
	var n, ageSum, evs, evAgeSum float64
	makes := map[string]float64{}
	type tally struct{ n, ev, phev, hev float64 }
	states := map[string]*tally{}
	usage := map[string]float64{}
	away := 0.0
	for _, mb := range batches {
		for i := range mb.Vehicles {
			v := &mb.Vehicles[i]
			n++
			ageSum += float64(run.ReferenceDate.Year() - int(v.ModelYear))
			makes[v.Make]++
			usage[v.Usage]++
			if v.GaragedAway == "true" {
				away++
			}
			s := states[v.GaragingState]
			if s == nil {
				s = &tally{}
				states[v.GaragingState] = s
			}
			s.n++
			switch v.FuelType {
			case "electric":
				s.ev++
				evs++
				evAgeSum += float64(run.ReferenceDate.Year() - int(v.ModelYear))
			case "plug_in_hybrid":
				s.phev++
			case "hybrid":
				s.hev++
			}
		}
	}
	mean := ageSum / n
	target := fleet.AverageAgeAt(run.ReferenceDate.Year())
	t.Logf("%.0f vehicles; mean age %.2f (table %.1f); usage %v; garaged away %.0f", n, mean, target, usage, away)
	require.InDelta(t, target, mean, 1)
	// Electric model years follow electric sales: young (S&P: 3.7 years).
	t.Logf("%.0f electric vehicles; mean age %.2f (table %.1f)", evs, evAgeSum/evs, fleet.BEVAverageAge)
	require.InDelta(t, fleet.BEVAverageAge, evAgeSum/evs, 1)

	// EV, PHEV and HEV shares of the five largest states: within 3 binomial
	// standard errors plus 0.3 points of AFDC's.
	pop, err := refdata.V02()
	require.NoError(t, err)
	codes := make([]string, len(pop.States))
	for i := range pop.States {
		codes[i] = pop.States[i].Code
	}
	sort.Slice(codes, func(a, b int) bool {
		sa, _ := pop.State(codes[a])
		sb, _ := pop.State(codes[b])
		return pop.States[sa].Population > pop.States[sb].Population
	})
	for _, code := range codes[:5] {
		want := fleet.StateFuels[code]
		got := states[code]
		for _, f := range []struct {
			name      string
			got, want float64
		}{
			{"ev", got.ev / got.n, float64(want.EV) / float64(want.Total)},
			{"phev", got.phev / got.n, float64(want.PHEV) / float64(want.Total)},
			{"hev", got.hev / got.n, float64(want.HEV) / float64(want.Total)},
		} {
			tol := 3*math.Sqrt(f.want*(1-f.want)/got.n) + 0.003
			t.Logf("%s %s: %.2f %% of %.0f (AFDC %.2f %%, tolerance %.2f)", code, f.name, 100*f.got, got.n, 100*f.want, 100*tol)
			require.InDelta(t, f.want, f.got, tol, "%s %s", code, f.name)
		}
	}

	// Top-10 makes: share within 1.5 points of the table's weight share
	// among the runs of each vehicle's model year (weights are model-year
	// counts, so a make's share depends on the years drawn).
	byYear := map[int]map[string]float64{}
	yearTotal := map[int]float64{}
	refYear := run.ReferenceDate.Year()
	for y := refYear - 30; y <= refYear+1; y++ {
		byYear[y] = map[string]float64{}
		for i := range fleet.Runs {
			r := &fleet.Runs[i]
			if y >= r.First && y <= fleet.LastYearOf(r, refYear) {
				byYear[y][r.Make] += float64(r.Weight)
				yearTotal[y] += float64(r.Weight)
			}
		}
	}
	want := map[string]float64{}
	for _, mb := range batches {
		for i := range mb.Vehicles {
			y := int(mb.Vehicles[i].ModelYear)
			for m, w := range byYear[y] {
				want[m] += w / yearTotal[y] / n
			}
		}
	}
	names := make([]string, 0, len(want))
	for m := range want {
		names = append(names, m)
	}
	sort.Slice(names, func(a, b int) bool { return want[names[a]] > want[names[b]] })
	for _, m := range names[:10] {
		t.Logf("make %s: %.2f %% (table %.2f %%)", m, 100*makes[m]/n, 100*want[m])
		require.InDelta(t, want[m], makes[m]/n, 0.015, m)
	}
}

// A person stage other than synthpipe's may not place its households
// (state and serials): the vehicle stage then looks them up itself, and its
// vehicles are the same.
func TestVehiclesOfUnplacedHouseholds(t *testing.T) {
	run := testkit.Run(2000, 5)
	want := testkit.Batch(run, "vehicle")
	mb := testkit.Batch(run, "person")
	for i := range mb.Households {
		h := &mb.Households[i]
		h.State, h.PersonSerial, h.VehicleSerial, h.Placed = 0, 0, 0, false
	}
	veh, err := vehicle.New(run, vehicle.MaxAge)
	require.NoError(t, err)
	require.NoError(t, veh.Process(context.Background(), &component.Batch{Payload: mb}))
	require.NotEmpty(t, mb.Vehicles)
	require.Equal(t, want.Vehicles, mb.Vehicles)
}

// Plug-in models at 100k persons: among the electric and the plug-in
// hybrid vehicles, each model's share against the one its US sales give
// (plugin_sales.csv through derive.ModelWeight, over the model years drawn):
// the five largest within 3 binomial standard errors plus 1 point either
// way, and no model above what its sales allow by more than that.
func TestPlugInModelShares(t *testing.T) {
	if testing.Short() {
		t.Skip("100k persons")
	}
	run, batches, fleet := hundredThousand(t)
	refYear := run.ReferenceDate.Year()
	for _, class := range []struct {
		c    int
		fuel int
	}{{derive.ClassEV, refdata.Electric}, {derive.ClassPHEV, refdata.PlugInHybrid}} {
		name := refdata.Fuels[class.fuel]
		byYear := map[int]map[string]float64{} // model year -> model -> expected share
		expected := func(y int) map[string]float64 {
			if m, ok := byYear[y]; ok {
				return m
			}
			m := map[string]float64{}
			var total float64
			for i := range fleet.Runs {
				r := &fleet.Runs[i]
				if derive.InProduction(fleet, r, y, refYear, 30) && fleet.FuelsIn(r, y)&(1<<class.fuel) != 0 {
					w := float64(derive.ModelWeight(fleet, r, class.c, y))
					m[r.Make+" "+r.Model] += w
					total += w
				}
			}
			for k := range m {
				m[k] /= total
			}
			byYear[y] = m
			return m
		}
		var n float64
		got, want := map[string]float64{}, map[string]float64{}
		for _, mb := range batches {
			for i := range mb.Vehicles {
				v := &mb.Vehicles[i]
				if v.FuelType != name {
					continue
				}
				n++
				got[v.Make+" "+v.Model]++
				for k, s := range expected(int(v.ModelYear)) {
					want[k] += s
				}
			}
		}
		require.Greater(t, n, 100.0, name)
		names := make([]string, 0, len(want))
		for k := range want {
			got[k] /= n
			want[k] /= n
			names = append(names, k)
		}
		sort.Slice(names, func(a, b int) bool { return want[names[a]] > want[names[b]] })
		for i, k := range names {
			tol := 3*math.Sqrt(want[k]*(1-want[k])/n) + 0.01
			if i < 5 {
				t.Logf("%s %s: %.1f %% of %.0f (table %.1f %%, tolerance %.1f)", name, k, 100*got[k], n, 100*want[k], 100*tol)
				require.InDelta(t, want[k], got[k], tol, "%s %s", name, k)
			}
			require.LessOrEqual(t, got[k]-want[k], tol, "%s %s", name, k)
		}
	}
}
