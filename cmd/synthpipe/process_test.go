//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/cli"
	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/formats/layout"
	"github.com/synthpipe/synthpipe/internal/snapshot"
	"github.com/synthpipe/synthpipe/internal/testkit/testrun"
)

// With GO_TEST_AS_SYNTHPIPE=1 the test binary is the program itself, so the
// process tests need no build.
func TestMain(m *testing.M) {
	if os.Getenv("GO_TEST_AS_SYNTHPIPE") == "1" {
		os.Exit(cli.Execute(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// child is the CLI in a child process, run from the repository root.
type child struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	done           chan struct{} // closed when it has exited
}

func start(t *testing.T, args ...string) *child {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	c := &child{cmd: exec.Command(exe, append([]string{"--quiet", "--log-level", "warn"}, args...)...)}
	c.cmd.Env = append(os.Environ(), "GO_TEST_AS_SYNTHPIPE=1")
	c.cmd.Dir = "../.."
	c.cmd.Stdout, c.cmd.Stderr = &c.stdout, &c.stderr
	require.NoError(t, c.cmd.Start())
	c.done = make(chan struct{})
	go func() {
		c.cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		c.cmd.Process.Kill()
		<-c.done
	})
	return c
}

// wait returns the child's exit code (-1 if a signal killed it).
func (c *child) wait() int {
	<-c.done
	return c.cmd.ProcessState.ExitCode()
}

// waitForStaging polls until a staging folder appears in dir: the child is
// mid-run.
func waitForStaging(t *testing.T, c *child, dir string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if m, _ := filepath.Glob(filepath.Join(dir, ".v0.2.staging-*")); len(m) > 0 {
			return
		}
		select {
		case <-c.done:
			t.Fatalf("exited before a staging folder appeared in %s; stderr: %s", dir, c.stderr.String())
		case <-time.After(2 * time.Millisecond):
		}
	}
	t.Fatalf("no staging folder appeared in %s; stderr: %s", dir, c.stderr.String())
}

// SIGINT and SIGTERM sent to a run or a merge mid-way: exit 130 or 143,
// one line on stderr, no staging folder, no snapshot.
func TestSignalStopsRunAndMerge(t *testing.T) {
	parts := ""
	if !testing.Short() {
		parts = makeParts(t, "200000")
	}
	for _, cmdName := range []string{"run", "merge"} {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
			t.Run(fmt.Sprintf("%s %v", cmdName, sig), func(t *testing.T) {
				out := t.TempDir()
				records := "2000000"
				if cmdName == "merge" {
					if testing.Short() {
						t.Skip("makes the parts to merge")
					}
					out, records = parts, "200000"
				}
				c := start(t, cmdName, "-c", "configs/v0.2.yaml", "--records", records, "--output-dir", out)
				waitForStaging(t, c, out)
				time.Sleep(200 * time.Millisecond) // well into writing; far from the end
				require.NoError(t, c.cmd.Process.Signal(sig))
				require.Equal(t, 128+int(sig), c.wait(), "stderr: %s", c.stderr.String())
				name := map[syscall.Signal]string{syscall.SIGINT: "SIGINT", syscall.SIGTERM: "SIGTERM"}[sig]
				require.Equal(t, "synthpipe: interrupted by "+name+": nothing was written, no staging left behind\n", c.stderr.String())
				require.Empty(t, c.stdout.String())
				if cmdName == "merge" {
					require.Equal(t, []string{"v0.2.parts"}, testrun.Names(t, out), "parts kept, no snapshot, no staging")
				} else {
					require.Empty(t, testrun.Names(t, out), "no snapshot, no staging, no lock file")
				}
			})
		}
	}
}

// makeParts makes the two parts of a run, in this process.
func makeParts(t *testing.T, records string) string {
	t.Helper()
	dir := t.TempDir()
	var n int64
	fmt.Sscan(records, &n)
	for _, s := range []string{"1/2", "2/2"} {
		cfg, err := config.Load("../../configs/v0.2.yaml", config.Overrides{OutputDir: &dir, Records: &n, Shard: &s})
		require.NoError(t, err)
		_, err = snapshot.Generate(context.Background(), cfg, snapshot.Options{})
		require.NoError(t, err)
	}
	return dir
}

// complete asserts that dir holds exactly the files its manifest lists,
// each with its SHA-256, and returns the metadata.
func complete(t *testing.T, dir string) model.Metadata {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "snapshot_manifest_v0_2.json"))
	require.NoError(t, err)
	var m layout.Manifest
	require.NoError(t, json.Unmarshal(raw, &m))
	want := map[string]string{}
	got := sums(t, dir)
	want["snapshot_manifest_v0_2.json"] = got["snapshot_manifest_v0_2.json"]
	for _, f := range m.Files {
		want[f.Name] = f.SHA256
	}
	require.Equal(t, want, got, "files are the manifest's")
	var meta model.Metadata
	raw, err = os.ReadFile(filepath.Join(dir, "metadata_v0_2.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &meta))
	return meta
}

// outcome is the first line run prints: "snapshot DIR: created".
func outcome(c *child) string {
	line, _, _ := strings.Cut(c.stdout.String(), "\n")
	return line[strings.LastIndex(line, " ")+1:]
}

// Two processes racing on one folder: identical runs both succeed (one
// creates, the other finds it unchanged); forced runs with different seeds
// take turns (the second says it waits) and leave one complete snapshot.
func TestTwoProcessesOneFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("two concurrent runs of 100k–200k persons")
	}
	t.Run("identical", func(t *testing.T) {
		out := t.TempDir()
		args := []string{"run", "-c", "configs/v0.2.yaml", "--records", "100000", "--output-dir", out}
		a, b := start(t, args...), start(t, args...)
		require.Equal(t, 0, a.wait(), a.stderr.String())
		require.Equal(t, 0, b.wait(), b.stderr.String())
		require.ElementsMatch(t, []string{"created", "unchanged"}, []string{outcome(a), outcome(b)})
		require.Equal(t, []string{"v0.2"}, testrun.Names(t, out))
		complete(t, filepath.Join(out, "v0.2"))
	})
	t.Run("forced, different seeds", func(t *testing.T) {
		out := t.TempDir()
		args := func(seed string) []string {
			return []string{"run", "-c", "configs/v0.2.yaml", "--records", "200000", "--seed", seed, "--force", "--output-dir", out}
		}
		a, b := start(t, args("1")...), start(t, args("2")...)
		require.Equal(t, 0, a.wait(), a.stderr.String())
		require.Equal(t, 0, b.wait(), b.stderr.String())
		first, second, secondSeed := a, b, uint64(2)
		if strings.Contains(a.stderr.String(), "waiting for another run") {
			first, second, secondSeed = b, a, 1
		}
		require.Contains(t, second.stderr.String(), "waiting for another run writing "+filepath.Join(out, "v0.2"))
		require.NotContains(t, first.stderr.String(), "waiting")
		require.Equal(t, "created", outcome(first))
		require.Equal(t, "replaced", outcome(second), "it replaced the first one's finished snapshot, after it")
		require.Equal(t, []string{"v0.2"}, testrun.Names(t, out))
		require.Equal(t, secondSeed, complete(t, filepath.Join(out, "v0.2")).Seed, "the last to commit wins, whole")
	})
}

// The exit codes and messages of a run that refuses: a damaged snapshot
// (3, naming the file; --force repairs it), a plain file at the target (2),
// a snapshot of another config (1, at once, before generating).
func TestRefusalsExitCodes(t *testing.T) {
	out := t.TempDir()
	run := func(extra ...string) *child {
		return start(t, append([]string{"run", "-c", "configs/v0.2.yaml", "--records", "300", "--output-dir", out}, extra...)...)
	}
	c := run()
	require.Equal(t, 0, c.wait(), c.stderr.String())
	target := filepath.Join(out, "v0.2")
	original := sums(t, target)

	require.NoError(t, os.Remove(filepath.Join(target, "persons_v0_2.parquet")))
	c = run()
	require.Equal(t, 3, c.wait())
	require.Contains(t, c.stderr.String(), "synthpipe: "+target+": snapshot is damaged")
	require.Contains(t, c.stderr.String(), "persons_v0_2.parquet: missing")
	c = run("--force")
	require.Equal(t, 0, c.wait(), c.stderr.String())
	require.Equal(t, "replaced", outcome(c))
	require.Equal(t, original, sums(t, target), "repaired")

	began := time.Now()
	c = run("--records", "50000000")
	require.Equal(t, 1, c.wait())
	require.Less(t, time.Since(began), 5*time.Second, "refused before generating")
	require.Contains(t, c.stderr.String(), "snapshot exists with different content: it was made from another config")

	require.NoError(t, os.RemoveAll(target))
	require.NoError(t, os.WriteFile(target, []byte("mine"), 0o644))
	c = run("--force")
	require.Equal(t, 2, c.wait())
	require.Equal(t, "synthpipe: "+target+" exists and is not a snapshot folder; move it away\n", c.stderr.String())
	require.Equal(t, []string{"v0.2"}, testrun.Names(t, out))
}
