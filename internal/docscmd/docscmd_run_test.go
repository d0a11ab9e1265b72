//go:build unix

package docscmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	// commandTimeout bounds one documented command; `task demo` and
	// `task docs` on a cold build cache are the slowest.
	commandTimeout = 5 * time.Minute
	// serverStartTimeout bounds the wait for a server's /healthz (a
	// `go run` server compiles first).
	serverStartTimeout = 2 * time.Minute
)

// curlrc makes every documented curl fail on an HTTP error (4xx, 5xx): a
// command that only prints a 404 would otherwise pass. The commands find it
// through CURL_HOME. noproxy: a proxy setting of the caller must not take
// the loopback requests away.
const curlrc = "fail\nshow-error\nnoproxy = \"*\"\nconnect-timeout = 5\nmax-time = 120\n"

// Every command in a code block of Documents runs, in order, from the root of
// a scratch copy of the repository (the working tree as it is, uncommitted
// changes included, in a fresh git repository), with bin/… absent as in a
// fresh clone, a synthpipe built from the copy first on PATH, no SYNTHPIPE_*
// variable set, and every curl made strict (curlrc). A failing command fails
// the test with its file and line, its exit status and the end of its output;
// the file's later commands do not run. See the package comment for which
// blocks run and how markers change that.
func TestDocumentedCommandsRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds synthpipe and runs every documented command (about 2 minutes); runs without -short, as .ci/run does")
	}
	for _, tool := range []string{"bash", "git", "go", "curl"} {
		_, err := exec.LookPath(tool)
		require.NoError(t, err, "the documented commands need %s", tool)
	}
	root := repoRoot(t)
	tmp := t.TempDir()
	scratch := filepath.Join(tmp, "repo")
	copyWorkingTree(t, root, scratch)

	pathDir := filepath.Join(tmp, "path")
	build := exec.Command("go", "build", "-o", filepath.Join(pathDir, "synthpipe"), "./cmd/synthpipe")
	build.Dir = scratch
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	curlHome := filepath.Join(tmp, "curl")
	require.NoError(t, os.MkdirAll(curlHome, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(curlHome, ".curlrc"), []byte(curlrc), 0o644))
	env := commandEnv(pathDir, curlHome, filepath.Join(tmp, "tmp"))

	for _, doc := range Documents {
		raw, err := os.ReadFile(filepath.Join(root, doc))
		require.NoError(t, err)
		blocks, err := Parse(doc, string(raw))
		require.NoError(t, err)
		t.Run(strings.ReplaceAll(doc, "/", "_"), func(t *testing.T) {
			r := newRunner(t, scratch, env)
			if err := r.runDocument(blocks); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// copyWorkingTree copies the files git knows or would add (tracked and
// untracked, ignored ones left out, deleted ones absent) into dst and makes
// it a git repository of its own with one commit, so commands that use git
// work there and nothing they do reaches the real tree.
func copyWorkingTree(t *testing.T, src, dst string) {
	t.Helper()
	ls := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	ls.Dir = src
	list, err := ls.Output()
	require.NoError(t, err, "git ls-files in %s", src)
	n := 0
	for _, name := range strings.Split(strings.TrimSuffix(string(list), "\x00"), "\x00") {
		from, to := filepath.Join(src, name), filepath.Join(dst, name)
		info, err := os.Lstat(from)
		if errors.Is(err, os.ErrNotExist) {
			continue // deleted in the working tree
		}
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Dir(to), 0o755))
		switch {
		case info.Mode()&os.ModeSymlink != 0:
			target, err := os.Readlink(from)
			require.NoError(t, err)
			require.NoError(t, os.Symlink(target, to))
		case info.Mode().IsRegular():
			data, err := os.ReadFile(from)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(to, data, info.Mode().Perm()))
		default:
			continue // a submodule or other non-file entry
		}
		n++
	}
	require.Greater(t, n, 10, "files copied from %s", src)
	for _, args := range [][]string{
		{"init", "-q"},
		{"add", "-A"},
		{"-c", "user.name=docs-test", "-c", "user.email=docs-test@localhost", "-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", "-m", "scratch copy of the working tree"},
	} {
		git := exec.Command("git", args...)
		git.Dir = dst
		out, err := git.CombinedOutput()
		require.NoError(t, err, "git %s: %s", strings.Join(args, " "), out)
	}
	t.Logf("scratch copy: %d files in %s", n, dst)
}

// commandEnv is the test's environment with synthpipe first on PATH, curl
// made strict, a private TMPDIR, and no SYNTHPIPE_* setting (the documents'
// commands must not depend on the caller's).
func commandEnv(pathDir, curlHome, tmpDir string) []string {
	_ = os.MkdirAll(tmpDir, 0o755)
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "SYNTHPIPE_"), k == "PATH", k == "CURL_HOME", k == "TMPDIR":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "PATH="+pathDir+string(os.PathListSeparator)+os.Getenv("PATH"), "CURL_HOME="+curlHome, "TMPDIR="+tmpDir)
}

type server struct {
	cmd  Command
	proc *exec.Cmd
	log  *os.File
	done chan error
}

type runner struct {
	t              *testing.T // for Logf
	dir            string
	env            []string
	timeout        time.Duration     // of one command
	serverDeadline time.Duration     // for a server's /healthz
	ports          map[string]string // a documented port → the free port used instead
	servers        []*server
}

func newRunner(t *testing.T, dir string, env []string) *runner {
	return &runner{t: t, dir: dir, env: env, timeout: commandTimeout, serverDeadline: serverStartTimeout, ports: map[string]string{}}
}

// runDocument runs the commands of a document's blocks in order, as the
// package comment says, and stops its servers at the end. It returns the
// first failure, naming the file and line.
func (r *runner) runDocument(blocks []Block) error {
	defer r.stopServers()
	for _, b := range blocks {
		if !b.HasCommands {
			continue
		}
		if b.Marker != nil && b.Marker.Kind == Skip {
			r.t.Logf("%s:%d: block skipped: %s", b.File, b.Line, b.Marker.Reason)
			continue
		}
		for _, c := range b.Commands() {
			if recursive(c.Text) {
				return fmt.Errorf("%s: %q runs the test suite: mark its block <!-- docs-test: skip: REASON -->", c.Where(), c.Text)
			}
			var err error
			switch {
			case b.Marker != nil && b.Marker.Kind == Server:
				err = r.startServer(c)
			case b.Marker != nil && b.Marker.Kind == ExpectFail:
				err = r.run(c, false)
			default:
				err = r.run(c, true)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

var (
	addrFlag = regexp.MustCompile(`--addr[ =](\S+)`)
	hostPort = regexp.MustCompile(`\b(localhost|127\.0\.0\.1):([0-9]+)\b`)
)

// rewrite replaces the documented ports of this file's servers by theirs.
func (r *runner) rewrite(text string) string {
	return hostPort.ReplaceAllStringFunc(text, func(m string) string {
		host, port, _ := strings.Cut(m, ":")
		if p, ok := r.ports[port]; ok {
			return host + ":" + p
		}
		return m
	})
}

func (r *runner) command(ctx context.Context, text string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "bash", "-o", "pipefail", "-c", text)
	cmd.Dir = r.dir
	cmd.Env = r.env
	// Its own process group: a timeout or a stop ends the command and
	// everything it started (go run's child, task's commands).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// run runs one command to its end; it must exit 0 (ok) or non-zero (!ok).
func (r *runner) run(c Command, ok bool) error {
	text := r.rewrite(c.Text)
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	cmd := r.command(ctx, text)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start).Round(100 * time.Millisecond)
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %s\ntimed out after %s; output ends:\n%s", c.Where(), text, r.timeout, tail(out.Bytes(), 40))
	case ok && err != nil:
		return fmt.Errorf("%s: %s\nfailed: %v (after %s); output ends:\n%s", c.Where(), text, err, took, tail(out.Bytes(), 40))
	case !ok && err == nil:
		return fmt.Errorf("%s: %s\nis marked expect-fail but exited 0 (after %s); output ends:\n%s", c.Where(), text, took, tail(out.Bytes(), 40))
	case !ok:
		r.t.Logf("%s failed as expected (%v, after %s): %s", c.Where(), err, took, text)
	default:
		r.t.Logf("%s ok (%s): %s", c.Where(), took, text)
	}
	return nil
}

// startServer starts a server command in the background on a free port
// and waits until its /healthz answers 200.
func (r *runner) startServer(c Command) error {
	documented := "8080" // serve's default
	if m := addrFlag.FindStringSubmatch(c.Text); m != nil {
		_, p, err := net.SplitHostPort(m[1])
		if err != nil {
			return fmt.Errorf("%s: --addr %s: %w", c.Where(), m[1], err)
		}
		documented = p
	}
	if !hostPort.MatchString(c.Text) {
		return fmt.Errorf("%s: %s\na server block's command needs --addr localhost:PORT or 127.0.0.1:PORT, so the test can move it to a free port", c.Where(), c.Text)
	}
	// The free port is closed before the server binds it, so another
	// process may take it meanwhile: then the server exits saying so, and
	// it is started again on another.
	for attempt := 1; ; attempt++ {
		err := r.startServerOn(c, documented)
		if !errors.Is(err, errPortTaken) || attempt == 3 {
			return err
		}
		r.t.Logf("%s: %v; again on another port", c.Where(), err)
	}
}

var errPortTaken = errors.New("the free port was taken before the server bound it")

func (r *runner) startServerOn(c Command, documented string) error {
	free, err := freePort()
	if err != nil {
		return err
	}
	r.ports[documented] = free
	text := r.rewrite(c.Text)
	log, err := os.CreateTemp("", "docs-server-*.log")
	if err != nil {
		return err
	}
	cmd := r.command(context.Background(), text)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		log.Close()
		os.Remove(log.Name())
		return fmt.Errorf("%s: %w", c.Where(), err)
	}
	s := &server{cmd: c, proc: cmd, log: log, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	r.servers = append(r.servers, s)

	url := "http://127.0.0.1:" + free + "/healthz"
	deadline := time.Now().Add(r.serverDeadline)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case err := <-s.done:
			s.done <- err // for stopServers
			out := readLog(log)
			if bytes.Contains(out, []byte("address already in use")) {
				return fmt.Errorf("%w: port %s: %s", errPortTaken, free, tail(out, 3))
			}
			return fmt.Errorf("%s: %s\nexited before answering %s: %v; output ends:\n%s", c.Where(), text, url, err, tail(out, 20))
		default:
		}
		if res, err := client.Get(url); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				r.t.Logf("%s serving (port %s instead of %s): %s", c.Where(), free, documented, text)
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: %s\n%s did not answer 200 within %s; output ends:\n%s", c.Where(), text, url, r.serverDeadline, tail(readLog(log), 20))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// stopServers sends SIGTERM to each server's process group, SIGKILL after
// 15 s, and waits for it: nothing is left running.
func (r *runner) stopServers() {
	for _, s := range r.servers {
		pgid := s.proc.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(15 * time.Second):
			r.t.Errorf("%s: the server did not stop within 15 s of SIGTERM; killed", s.cmd.Where())
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-s.done
		}
		// The shell is gone; whatever it started goes too.
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		s.log.Close()
		os.Remove(s.log.Name())
	}
	r.servers = nil
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}

func readLog(f *os.File) []byte {
	data, _ := os.ReadFile(f.Name())
	return data
}

// tail is the last n lines of out.
func tail(out []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("[… %d lines]", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// The runner itself, on small documents of shell one-liners: a failing
// command is reported with its file and line and the end of its output, the
// commands after it do not run, expect-fail needs a failure, a timeout is
// named, a server that dies at start is reported, and ports are rewritten.
func TestRunnerReportsFailuresWithFileAndLine(t *testing.T) {
	dir := t.TempDir()
	run := func(md string, timeout time.Duration) error {
		blocks, err := Parse("doc.md", md)
		require.NoError(t, err)
		r := newRunner(t, dir, os.Environ())
		r.timeout, r.serverDeadline = timeout, timeout
		return r.runDocument(blocks)
	}

	require.NoError(t, run("```sh\necho one > a.txt\n# a comment\ngrep -q one a.txt\n```\n", time.Minute))

	err := run("Text.\n\n    echo ok\n    echo broken >&2; exit 3\n    touch not-reached\n", time.Minute)
	require.ErrorContains(t, err, "doc.md:4: echo broken >&2; exit 3\nfailed: exit status 3")
	require.ErrorContains(t, err, "output ends:\nbroken")
	require.NoFileExists(t, filepath.Join(dir, "not-reached"))

	require.NoError(t, run("<!-- docs-test: expect-fail: it fails -->\n```sh\nfalse\n```\n", time.Minute))
	err = run("<!-- docs-test: expect-fail: it should fail -->\n```sh\ntrue\n```\n", time.Minute)
	require.ErrorContains(t, err, "doc.md:3: true\nis marked expect-fail but exited 0")

	err = run("```sh\nsleep 30\n```\n", 300*time.Millisecond)
	require.ErrorContains(t, err, "doc.md:2: sleep 30\ntimed out after 300ms")

	err = run("<!-- docs-test: server -->\n```sh\necho cannot listen; exit 1 # --addr 127.0.0.1:8080\n```\n", time.Minute)
	require.ErrorContains(t, err, "doc.md:3: echo cannot listen; exit 1 # --addr 127.0.0.1:")
	require.ErrorContains(t, err, "exited before answering")
	require.ErrorContains(t, err, "output ends:\ncannot listen")

	// A port taken between freePort and the bind: started again, three times.
	err = run("<!-- docs-test: server -->\n```sh\necho \"listen tcp: address already in use\" | tee -a tries; exit 1 # --addr 127.0.0.1:8080\n```\n", time.Minute)
	require.ErrorIs(t, err, errPortTaken)
	tries, _ := os.ReadFile(filepath.Join(dir, "tries"))
	require.Equal(t, 3, bytes.Count(tries, []byte("in use")), "three attempts")

	err = run("<!-- docs-test: server -->\n```sh\nbin/synthpipe serve\n```\n", time.Minute)
	require.ErrorContains(t, err, "doc.md:3: bin/synthpipe serve\na server block's command needs --addr")

	err = run("```sh\ngo test ./...\n```\n", time.Minute)
	require.ErrorContains(t, err, `doc.md:2: "go test ./..." runs the test suite`)

	r := newRunner(t, dir, nil)
	r.ports["8080"] = "41234"
	require.Equal(t, "curl localhost:41234/x 127.0.0.1:41234 127.0.0.1:80801 localhost:9090",
		r.rewrite("curl localhost:8080/x 127.0.0.1:8080 127.0.0.1:80801 localhost:9090"))
}
