package interop

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/stretchr/testify/require"
)

const snapshot = "../data/snapshots/v0.2"

func db(t *testing.T) *sql.DB {
	t.Helper()
	d, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	t.Cleanup(func() { d.Close() })
	return d
}

func file(name string) string {
	p, _ := filepath.Abs(filepath.Join(snapshot, name))
	return p
}

func count(t *testing.T, d *sql.DB, q string) int64 {
	t.Helper()
	var n int64
	require.NoError(t, d.QueryRow(q).Scan(&n), q)
	return n
}

// types returns column name -> DuckDB type of a query's result.
func types(t *testing.T, d *sql.DB, q string) map[string]string {
	t.Helper()
	rows, err := d.Query("DESCRIBE " + q)
	require.NoError(t, err)
	defer rows.Close()
	out := map[string]string{}
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		out[vals[0].(string)] = vals[1].(string)
	}
	return out
}

// manifestRecords reads the record counts the manifest states, with DuckDB too.
func manifestRecords(t *testing.T, d *sql.DB) map[string]int64 {
	rows, err := d.Query("SELECT f.name, f.records FROM (SELECT unnest(files) AS f FROM read_json('" + file("snapshot_manifest_v0_2.json") + "'))")
	require.NoError(t, err)
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var name string
		var n int64
		require.NoError(t, rows.Scan(&name, &n))
		out[name] = n
	}
	require.NotEmpty(t, out)
	return out
}

func TestReadParquet(t *testing.T) {
	d := db(t)
	want := manifestRecords(t, d)
	for _, entity := range []string{"persons", "vehicles", "profiles", "incidents"} {
		name := entity + "_v0_2.parquet"
		require.Equal(t, want[name], count(t, d, "SELECT count(*) FROM read_parquet('"+file(name)+"')"), name)
	}
	p := types(t, d, "SELECT * FROM read_parquet('"+file("persons_v0_2.parquet")+"')")
	require.Equal(t, "DATE", p["date_of_birth"])
	require.Equal(t, "DATE", p["license_issue_date"])
	require.Equal(t, "VARCHAR", p["person_id"])
	v := types(t, d, "SELECT * FROM read_parquet('"+file("vehicles_v0_2.parquet")+"')")
	require.Equal(t, "INTEGER", v["model_year"])
	require.Equal(t, "INTEGER", v["annual_mileage"])
	pr := types(t, d, "SELECT * FROM read_parquet('"+file("profiles_v0_2.parquet")+"')")
	require.Equal(t, "VARCHAR[]", pr["vehicle_ids"])
	require.Equal(t, "VARCHAR[]", pr["scenario_tags"])
	require.Equal(t, "INTEGER", pr["risk_score"])
}

func TestReadCSV(t *testing.T) {
	d := db(t)
	want := manifestRecords(t, d)
	for _, entity := range []string{"persons", "vehicles", "profiles", "incidents"} {
		name := entity + "_v0_2.csv"
		require.Equal(t, want[name], count(t, d, "SELECT count(*) FROM read_csv('"+file(name)+"')"), name)
	}
	p := types(t, d, "SELECT * FROM read_csv('"+file("persons_v0_2.csv")+"')")
	require.Equal(t, "DATE", p["date_of_birth"])
	require.Equal(t, "DATE", p["license_issue_date"])
	v := types(t, d, "SELECT * FROM read_csv('"+file("vehicles_v0_2.csv")+"')")
	// CSV carries no types: DuckDB's sniffer picks a whole-number type.
	require.Contains(t, []string{"INTEGER", "BIGINT"}, v["model_year"])
	require.Contains(t, []string{"INTEGER", "BIGINT"}, v["annual_mileage"])
	// Lists are '|'-joined in CSV; string_split turns them back into a LIST.
	l := types(t, d, "SELECT string_split(vehicle_ids, '|') AS ids FROM read_csv('"+file("profiles_v0_2.csv")+"')")
	require.Equal(t, "VARCHAR[]", l["ids"])
	// Empty fields are NULL: lienholder is null exactly for owned vehicles.
	require.Equal(t, count(t, d, "SELECT count(*) FROM read_csv('"+file("vehicles_v0_2.csv")+"') WHERE ownership = 'owned'"),
		count(t, d, "SELECT count(*) FROM read_csv('"+file("vehicles_v0_2.csv")+"') WHERE lienholder IS NULL"))
}

func TestReadJSON(t *testing.T) {
	d := db(t)
	want := manifestRecords(t, d)
	ds := "read_json('" + file("dataset_v0_2.json") + "')"
	n := count(t, d, "SELECT count(*) FROM (SELECT unnest(persons) FROM "+ds+")") +
		count(t, d, "SELECT count(*) FROM (SELECT unnest(vehicles) FROM "+ds+")") +
		count(t, d, "SELECT count(*) FROM (SELECT unnest(profiles) FROM "+ds+")") +
		count(t, d, "SELECT count(*) FROM (SELECT unnest(incidents) FROM "+ds+")")
	require.Equal(t, want["dataset_v0_2.json"], n)
	p := types(t, d, "SELECT unnest(persons, recursive := true) FROM "+ds)
	require.Equal(t, "DATE", p["date_of_birth"])
	v := types(t, d, "SELECT unnest(vehicles, recursive := true) FROM "+ds)
	require.True(t, strings.HasSuffix(v["model_year"], "INT") || v["model_year"] == "INTEGER" || v["model_year"] == "BIGINT", v["model_year"])
	pr := types(t, d, "SELECT unnest(profiles) AS p FROM "+ds)
	require.Contains(t, pr["p"], "vehicle_ids VARCHAR[]")
	var persons int64
	require.NoError(t, d.QueryRow("SELECT metadata.record_count_persons FROM "+ds).Scan(&persons))
	require.Equal(t, want["persons_v0_2.csv"], persons)
}

// A join of vehicles to persons on owner_person_id loses no vehicle.
func TestJoinLosesNoRow(t *testing.T) {
	d := db(t)
	vehicles := count(t, d, "SELECT count(*) FROM read_parquet('"+file("vehicles_v0_2.parquet")+"')")
	joined := count(t, d, "SELECT count(*) FROM read_parquet('"+file("vehicles_v0_2.parquet")+"') v JOIN read_parquet('"+file("persons_v0_2.parquet")+"') p ON v.owner_person_id = p.person_id AND v.household_id = p.household_id")
	require.Equal(t, vehicles, joined)
	csvJoined := count(t, d, "SELECT count(*) FROM read_csv('"+file("vehicles_v0_2.csv")+"') v JOIN read_csv('"+file("persons_v0_2.csv")+"') p ON v.owner_person_id = p.person_id")
	require.Equal(t, vehicles, csvJoined)
}
