package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/testkit"
)

// serve starts `synthpipe serve` on a free port and returns its base URL,
// its log and a stop that ends it the way a signal does (its context) and
// returns the command's error.
func serve(t *testing.T, args ...string) (string, *testkit.SyncBuffer, func() error) {
	t.Helper()
	logs := &testkit.SyncBuffer{}
	root, _ := newRoot(io.Discard, logs)
	root.SetArgs(append([]string{"serve", "--addr", "127.0.0.1:0", "--snapshots", "../../data/snapshots", "-c", "../../configs/v0.2.yaml"}, args...))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	var url string
	require.Eventually(t, func() bool {
		for _, line := range strings.Split(logs.String(), "\n") {
			var l struct{ Message, URL string }
			if json.Unmarshal([]byte(line), &l) == nil && l.Message == "serving" {
				url = l.URL
				return true
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended: %v\n%s", err, logs)
		default:
		}
		return false
	}, 30*time.Second, 10*time.Millisecond, "the bound address is logged")
	stopped := false
	stop := func() error {
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not stop")
			return nil
		}
	}
	t.Cleanup(func() {
		if !stopped {
			stop()
		}
	})
	return url, logs, stop
}

func TestServeLoadsConfigLikeRunAndStopsCleanly(t *testing.T) {
	t.Setenv("SYNTHPIPE_RECORDS", "50000000")
	t.Setenv("SYNTHPIPE_API_TOKEN", "tok")
	url, logs, stop := serve(t, "--seed", "7")
	require.Contains(t, logs.String(), `"records":50000000`, "SYNTHPIPE_* settings apply as for run")
	require.Contains(t, logs.String(), `"seed":7`, "flags beat the file")
	require.NotContains(t, logs.String(), "SYNTHPIPE_API_TOKEN: not a setting", "the token variable is the server's")

	res, err := http.Get(url + "/healthz")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	res, err = http.Get(url + "/readyz")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, 401, res.StatusCode, "the token comes from SYNTHPIPE_API_TOKEN")
	req, _ := http.NewRequest("GET", url+"/openapi.json", nil)
	req.Header.Set("Authorization", "Bearer tok")
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	require.Contains(t, string(body), "/persons/{id}")

	require.NoError(t, stop(), "a signal ends serve with exit 0")
	require.Contains(t, logs.String(), `"stopped"`)
}

func TestServeTokenFlagAndUsageErrors(t *testing.T) {
	url, _, _ := serve(t, "--token", "flagtok")
	req, _ := http.NewRequest("GET", url+"/readyz", nil)
	req.Header.Set("Authorization", "Bearer flagtok")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.NotEqual(t, 401, res.StatusCode)

	code, _, errOut := run("serve", "--token", "two words")
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errOut, "--token: token: ' ' at byte 3 cannot be sent")
	t.Setenv(tokenEnv, "from-a-file\n")
	code, _, errOut = run("serve", "-c", "../../configs/v0.2.yaml")
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errOut, tokenEnv+": token: '\\n' at byte 11")
	t.Setenv(tokenEnv, "")

	code, _, errOut = run("serve", "--max-records", "0")
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errOut, "--max-records 0: allowed: 1 or more")
	code, _, errOut = run("serve", "--records", "abc")
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errOut, "not a whole number")

	// An --addr not of the form host:port is refused before any work (2);
	// a good one the server cannot listen on is a failure (1).
	for addr, why := range map[string]string{
		"nonsense":        "missing port in address",
		"127.0.0.1:99999": `port "99999" is not a port number`,
		"localhost:http":  `port "http" is not a port number`,
		"[::1":            "missing ']' in address",
	} {
		code, out, errOut := run("serve", "-c", "../../configs/v0.2.yaml", "--addr", addr, "--log-level", "error")
		require.Equal(t, ExitUsage, code, errOut)
		require.Equal(t, fmt.Sprintf("synthpipe: serve: --addr %q: %s (allowed: host:port with a port from 0 to 65535, e.g. 127.0.0.1:8080 or :8080; port 0 picks a free one)\n", addr, why), errOut)
		require.Empty(t, out)
	}
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer taken.Close()
	code, _, errOut = run("serve", "-c", "../../configs/v0.2.yaml", "--addr", taken.Addr().String(), "--log-level", "error")
	require.Equal(t, ExitFailure, code, errOut)
	require.Contains(t, errOut, "listen on "+taken.Addr().String())
	require.Contains(t, errOut, "address already in use")
}
