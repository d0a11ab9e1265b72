package docscmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Documents are the Markdown files whose every command runs, relative to the
// repository's root.
var Documents = []string{"README.md", "docs/demo/runbook.md"}

const sample = "# Title\n" + // 1
	"\n" + // 2
	"    go run ./cmd/synthpipe version   # an indented command\n" + // 3
	"    # a comment line\n" + // 4
	"\n" + // 5
	"    curl localhost:8080/healthz\n" + // 6
	"\n" + // 7
	"Text.\n" + // 8
	"\n" + // 9
	"```sh\n" + // 10
	"bin/synthpipe run -c configs/v0.2.yaml \\\n" + // 11
	"  --records 10\n" + // 12
	"SYNTHPIPE_RECORDS=5 bin/synthpipe preview\n" + // 13
	"```\n" + // 14
	"\n" + // 15
	"```text\n" + // 16
	"go run this is output, not a command\n" + // 17
	"```\n" + // 18
	"\n" + // 19
	"    {\"mcpServers\": {}}\n" + // 20
	"How it works:\n" + // 21
	"\n" + // 22
	"    seed → person → vehicle\n" + // 23
	"\n" + // 24
	"~~~\n" + // 25
	"tools/demo.sh\n" + // 26
	"~~~\n" // 27

func TestParseFindsCommandBlocks(t *testing.T) {
	blocks, err := Parse("x.md", sample)
	require.NoError(t, err)
	require.Len(t, blocks, 6)

	type summary struct {
		line     int
		fenced   bool
		info     string
		commands bool
	}
	var got []summary
	for _, b := range blocks {
		got = append(got, summary{b.Line, b.Fenced, b.Info, b.HasCommands})
	}
	require.Equal(t, []summary{
		{3, false, "", true}, // one indented block across the blank line
		{11, true, "sh", true},
		{17, true, "text", false},
		{20, false, "", false}, // JSON
		{23, false, "", false}, // a diagram
		{26, true, "", true},   // unlabelled, starts with tools/
	}, got)

	require.Equal(t, []Command{
		{File: "x.md", Line: 3, Text: "go run ./cmd/synthpipe version   # an indented command"},
		{File: "x.md", Line: 6, Text: "curl localhost:8080/healthz"},
	}, blocks[0].Commands())
	require.Equal(t, []Command{
		{File: "x.md", Line: 11, Text: "bin/synthpipe run -c configs/v0.2.yaml --records 10"},
		{File: "x.md", Line: 13, Text: "SYNTHPIPE_RECORDS=5 bin/synthpipe preview"},
	}, blocks[1].Commands())
	require.Equal(t, "x.md:13", blocks[1].Commands()[1].Where())
}

func TestParseMarkers(t *testing.T) {
	md := "<!-- docs-test: skip: a synopsis -->\n\n    synthpipe run -c FILE\n\n" +
		"<!-- docs-test: server -->\n```sh\nbin/synthpipe serve --addr 127.0.0.1:8080\n```\n\n" +
		"<!--docs-test:expect-fail:no token-->\n```bash\ncurl -s localhost:8080/snapshots\n```\n\n" +
		"    go version\n"
	blocks, err := Parse("m.md", md)
	require.NoError(t, err)
	require.Len(t, blocks, 4)
	require.Equal(t, &Marker{Kind: Skip, Reason: "a synopsis", Line: 1}, blocks[0].Marker)
	require.Equal(t, &Marker{Kind: Server, Line: 5}, blocks[1].Marker)
	require.Equal(t, &Marker{Kind: ExpectFail, Reason: "no token", Line: 10}, blocks[2].Marker)
	require.Nil(t, blocks[3].Marker)
}

func TestParseRefusesMisplacedMarkers(t *testing.T) {
	for _, c := range []struct{ name, md, want string }{
		{"unknown kind", "<!-- docs-test: later -->\n    go version\n", `m.md:1: unknown docs-test marker "later"`},
		{"skip without a reason", "<!-- docs-test: skip -->\n    go version\n", `m.md:1: docs-test marker "skip" needs a reason`},
		{"followed by text", "<!-- docs-test: server -->\nSome text.\n\n    go version\n", `m.md:1: docs-test marker "server" is followed by text (line 2)`},
		{"at the end", "    go version\n\n<!-- docs-test: skip: why -->\n", `m.md:3: docs-test marker "skip" is at the end of the file`},
		{"before data", "<!-- docs-test: skip: why -->\n```json\n{}\n```\n", `m.md:1: docs-test marker "skip" is followed by a block that holds no commands (line 3)`},
		{"two in a row", "<!-- docs-test: server -->\n<!-- docs-test: skip: why -->\n    go version\n", `m.md:1: docs-test marker "server" is followed by another marker`},
		{"malformed", "<!-- docs-test skip why -->\n    go version\n", `m.md:1: malformed docs-test marker`},
		{"unclosed fence", "```sh\ngo version\n", "m.md:1: code fence ``` is never closed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("m.md", c.md)
			require.ErrorContains(t, err, c.want)
		})
	}
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(root, "go.mod"))
	require.NoError(t, err, "the repository's root")
	return root
}

// recursive are commands that run the test suite: from inside a test they
// would run this test again, so they must be in a skip block.
func recursive(cmd string) bool {
	return strings.Contains(cmd, "go test") || strings.Contains(cmd, "task test")
}

// The documents parse, their markers are well placed, they do show commands,
// and every command that runs the test suite is marked skip. Fast: it runs
// nothing (TestDocumentedCommandsRun does).
func TestDocumentsAreMarkedUp(t *testing.T) {
	root := repoRoot(t)
	for _, doc := range Documents {
		raw, err := os.ReadFile(filepath.Join(root, doc))
		require.NoError(t, err)
		blocks, err := Parse(doc, string(raw))
		require.NoError(t, err)
		run, skipped := 0, 0
		for _, b := range blocks {
			if !b.HasCommands {
				continue
			}
			if b.Marker != nil && b.Marker.Kind == Skip {
				skipped++
				t.Logf("%s:%d: skipped: %s", doc, b.Line, b.Marker.Reason)
				continue
			}
			for _, c := range b.Commands() {
				run++
				require.False(t, recursive(c.Text), "%s: %q runs the test suite: put its block under <!-- docs-test: skip: REASON -->", c.Where(), c.Text)
			}
		}
		t.Logf("%s: %d commands to run, %d blocks skipped", doc, run, skipped)
		require.Greater(t, run, 5, "%s shows commands", doc)
	}
}
