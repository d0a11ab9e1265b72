package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/testkit"
)

func TestLine(t *testing.T) {
	require.Equal(t, "\r[#####.....]  50% 500/1000 persons  250/s  ETA 2s ", Line(500, 1000, 250, "2s", "persons", 10))
	require.Contains(t, Line(1000, 1000, 1, "0s", "persons", 4), "[####] 100%")
}

func TestLogLinesWhenNotATerminal(t *testing.T) {
	var logs testkit.SyncBuffer
	r := Start(100, "persons", nil, zerolog.New(&logs), 10*time.Millisecond)
	r.Add(40)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), `"persons":40`) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	r.Add(60)
	r.Stop()
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.GreaterOrEqual(t, len(lines), 2)
	require.Contains(t, lines[len(lines)-1], `"persons":100`)
	require.Contains(t, lines[0], `"message":"progress"`)
}

func TestBarOnTerminal(t *testing.T) {
	var bar bytes.Buffer
	r := Start(10, "persons", &bar, zerolog.Nop(), time.Second)
	r.Add(10)
	r.Stop()
	require.True(t, strings.HasSuffix(bar.String(), "\n"))
	require.Contains(t, bar.String(), "100% 10/10 persons")
}
