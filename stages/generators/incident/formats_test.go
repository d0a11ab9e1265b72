package incident

import (
	"bytes"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/entity"
)

type nopCloser struct{}

func (nopCloser) Close() error { return nil }

// The rows survive CSV, Parquet and JSON: written by the entity's encoders,
// read back by its readers, equal (null vehicle_id included) and clean.
func TestRowsRoundTripEveryFormat(t *testing.T) {
	_, b := makeBatch(t, 2000, 9, 5)
	want := *Incidents.Rows(b)
	require.NotEmpty(t, want)
	nulls := 0
	for _, r := range want {
		if r.VehicleID == "" {
			nulls++
		}
	}
	require.Positive(t, nulls)

	readAll := func(r entity.Reader, err error) []Incident {
		require.NoError(t, err)
		c := entity.NewBatch()
		for {
			err := r.Next()
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
			r.Check(func(rule, column, value string) { t.Errorf("%s %s %s", rule, column, value) })
			r.AppendTo(c)
		}
		return *Incidents.Rows(c)
	}

	csv := Incidents.AppendCSVHeader(nil)
	for i := range want {
		csv = Incidents.AppendCSVRow(csv, b, i)
	}
	require.Equal(t, want, readAll(Incidents.OpenCSV(bytes.NewReader(csv), nopCloser{})))

	var pq bytes.Buffer
	tbl := Incidents.NewParquet(&pq, 10000, [2]string{"synthpipe", "test"})
	require.NoError(t, tbl.Write(b))
	n, err := tbl.Close()
	require.NoError(t, err)
	require.Equal(t, int64(len(want)), n)
	require.Equal(t, want, readAll(Incidents.OpenParquet(bytes.NewReader(pq.Bytes()), int64(pq.Len()), nopCloser{})))

	js := []byte(`{"incidents":[`)
	for i := range want {
		if i > 0 {
			js = append(js, ',')
		}
		js = Incidents.AppendJSONRow(js, b, i)
	}
	js = append(js, "]}"...)
	require.Equal(t, want, readAll(Incidents.OpenJSON(bytes.NewReader(js), nopCloser{}, func([]byte) error { return nil })))
}
