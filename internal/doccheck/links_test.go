package doccheck

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"
)

const root = "../.."

// checkedDocs are the Markdown files whose links are checked: the README,
// CONTRIBUTING, everything under docs/ and governance/.
func checkedDocs(t *testing.T, root string) []string {
	t.Helper()
	files := []string{"README.md", "CONTRIBUTING.md"}
	for _, dir := range []string{"docs", "governance"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(p, ".md") {
				rel, _ := filepath.Rel(root, p)
				files = append(files, filepath.ToSlash(rel))
			}
			return nil
		})
		require.NoError(t, err)
	}
	return files
}

// A link of a Markdown file.
type link struct {
	file   string // relative to the repository root
	line   int
	target string
}

var (
	inlineLink = regexp.MustCompile(`!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^()\s]+(?:\([^()\s]*\)[^()\s]*)*)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)`)
	refDef     = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)`)
	autoLink   = regexp.MustCompile(`<((?:https?|mailto|file|ftp):[^>\s]*)>`)
	codeSpan   = regexp.MustCompile("`+[^`]*`+")
	htmlAnchor = regexp.MustCompile(`<a\s+(?:name|id)="([^"]+)"`)
	scheme     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
)

// prose returns a file's lines with code removed: the lines of fenced and
// indented code blocks are empty, so examples of links in code are not
// links. Code spans are left for the caller (blank blanks them).
func prose(text string) []string {
	lines := strings.Split(text, "\n")
	out := make([]string, len(lines))
	fence := ""
	prevBlank, inIndented := true, false
	for i, l := range lines {
		trimmed := strings.TrimLeft(l, " ")
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, fence[:1]) == "" {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fence = trimmed[:3]
			continue
		}
		blank := strings.TrimSpace(l) == ""
		indented := strings.HasPrefix(l, "    ") || strings.HasPrefix(l, "\t")
		// An indented block starts after a blank line and runs over
		// indented and blank lines (a list's continuation follows text).
		if indented && (prevBlank || inIndented) {
			inIndented = true
			continue
		}
		if !blank {
			inIndented = false
		}
		prevBlank = blank
		out[i] = l
	}
	return out
}

// blank replaces code spans by spaces.
func blank(l string) string {
	return codeSpan.ReplaceAllStringFunc(l, func(s string) string { return strings.Repeat(" ", len(s)) })
}

// links returns every link target of a Markdown text.
func links(file, text string) []link {
	var out []link
	for i, l := range prose(text) {
		l = blank(l)
		for _, m := range inlineLink.FindAllStringSubmatch(l, -1) {
			out = append(out, link{file, i + 1, strings.Trim(m[1], "<>")})
		}
		if m := refDef.FindStringSubmatch(l); m != nil {
			out = append(out, link{file, i + 1, strings.Trim(m[1], "<>")})
		}
		for _, m := range autoLink.FindAllStringSubmatch(l, -1) {
			out = append(out, link{file, i + 1, m[1]})
		}
	}
	return out
}

// anchors returns the anchors of a Markdown text: GitHub's slug of every
// heading (lower case, punctuation dropped, spaces as hyphens, a repeat
// numbered -1, -2 …) and explicit <a name|id> anchors.
func anchors(text string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	for _, l := range prose(text) {
		for _, m := range htmlAnchor.FindAllStringSubmatch(blank(l), -1) {
			out[m[1]] = true
		}
		trimmed := strings.TrimLeft(l, " ")
		if len(l)-len(trimmed) > 3 || !strings.HasPrefix(trimmed, "#") {
			continue
		}
		level := len(trimmed) - len(strings.TrimLeft(trimmed, "#"))
		rest := trimmed[level:]
		if level > 6 || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
			continue
		}
		out[slugOnce(slug(headingText(rest)), seen)] = true
	}
	return out
}

var linkText = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)

// headingText is a heading as GitHub slugs it: without closing #s, links
// reduced to their text, code spans to their content.
func headingText(h string) string {
	h = strings.TrimRight(strings.TrimSpace(h), "#")
	h = linkText.ReplaceAllString(h, "$1")
	return strings.ReplaceAll(h, "`", "")
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

func slugOnce(s string, seen map[string]int) string {
	n := seen[s]
	seen[s]++
	if n == 0 {
		return s
	}
	return fmt.Sprintf("%s-%d", s, n)
}

// checkLinks returns the problems of files' links under root, and the
// external links (not followed: no network here).
func checkLinks(root string, files []string) (problems, external []string, err error) {
	texts := map[string]string{}
	read := func(rel string) (string, error) {
		if t, ok := texts[rel]; ok {
			return t, nil
		}
		b, err := os.ReadFile(filepath.Join(root, rel))
		texts[rel] = string(b)
		return string(b), err
	}
	for _, f := range files {
		text, err := read(f)
		if err != nil {
			return nil, nil, err
		}
		for _, l := range links(f, text) {
			where := fmt.Sprintf("%s:%d: %s", l.file, l.line, l.target)
			target := l.target
			lower := strings.ToLower(target)
			switch {
			case strings.HasPrefix(lower, "http://"), strings.HasPrefix(lower, "https://"), strings.HasPrefix(lower, "mailto:"):
				external = append(external, where)
				continue
			case strings.HasPrefix(lower, "file:"), strings.HasPrefix(target, "/"), strings.HasPrefix(target, `\`),
				len(target) > 1 && target[1] == ':' && unicode.IsLetter(rune(target[0])): // C:\…
				problems = append(problems, where+": an absolute path: link relative to the file, inside the repository")
				continue
			case scheme.MatchString(target):
				problems = append(problems, where+": a link scheme other than http(s) or mailto")
				continue
			}
			path, anchor, _ := strings.Cut(target, "#")
			if p, err := url.PathUnescape(path); err == nil {
				path = p
			}
			dest := f
			if path != "" {
				dest = filepath.ToSlash(filepath.Clean(filepath.Join(filepath.Dir(f), path)))
				if dest == ".." || strings.HasPrefix(dest, "../") {
					problems = append(problems, where+": points outside the repository")
					continue
				}
				info, err := os.Stat(filepath.Join(root, dest))
				if err != nil {
					problems = append(problems, where+": no such file in the repository")
					continue
				}
				if info.IsDir() || !strings.HasSuffix(dest, ".md") {
					if anchor != "" && !strings.HasPrefix(anchor, "L") {
						problems = append(problems, where+": an anchor into a file that has no headings")
					}
					continue
				}
			}
			if anchor == "" {
				continue
			}
			destText, err := read(dest)
			if err != nil {
				return nil, nil, err
			}
			if !anchors(destText)[anchor] {
				problems = append(problems, where+": no heading #"+anchor+" in "+dest)
			}
		}
	}
	return problems, external, nil
}

// Every relative link of the README, CONTRIBUTING, docs/ and governance/
// resolves to a file inside the repository, and its anchor to a heading;
// external links are listed, not fetched.
func TestMarkdownLinksResolveInsideTheRepository(t *testing.T) {
	files := checkedDocs(t, root)
	require.Contains(t, files, "docs/contract.md")
	problems, external, err := checkLinks(root, files)
	require.NoError(t, err)
	require.Empty(t, problems, "broken links:\n%s", strings.Join(problems, "\n"))
	for _, e := range external {
		t.Log("external (not checked, no network):", e)
	}
}

// The README points readers at the contract and the analysts' guide.
func TestReadmeLinksContractAndAnalystsGuide(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	var targets []string
	for _, l := range links("README.md", string(raw)) {
		targets = append(targets, l.target)
	}
	for _, want := range []string{"docs/contract.md", "docs/analysts.md"} {
		require.Contains(t, targets, want)
	}
}

// The checker itself: each kind of bad link is caught, good ones pass, and
// links inside code are not links.
func TestLinkCheckerCatchesBadLinks(t *testing.T) {
	dir := t.TempDir()
	repo := filepath.Join(dir, "repo")
	require.NoError(t, os.MkdirAll(filepath.Join(repo, "docs"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "outside.md"), []byte("# Out\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(repo, "docs", "b.md"), []byte("# Data contract v0.2\n\n## Snapshot `v0.1`\n\n## Snapshot `v0.1`\n"), 0o644))
	doc := strings.Join([]string{
		"# Title",
		"[ok](docs/b.md) [ok anchor](docs/b.md#snapshot-v01) [ok repeat](docs/b.md#snapshot-v01-1) [self](#title) [dir](docs/)",
		"[web](https://example.com/x) <https://example.org>",
		"[gone](docs/missing.md)",
		"[escape](../outside.md)",
		"[shared](../shared/contract-v0.1.md)",
		"[absolute](/work/shared/contract-v0.1.md)",
		"[file url](file:///etc/passwd)",
		"[bad anchor](docs/b.md#nope)",
		"[ref]: docs/nowhere.md",
		"`[in code](docs/missing-in-code.md)`",
		"",
		"```",
		"[in a fence](docs/missing-in-fence.md)",
		"```",
		"",
		"    [indented code](docs/missing-indented.md)",
	}, "\n")
	require.NoError(t, os.WriteFile(filepath.Join(repo, "README.md"), []byte(doc), 0o644))
	problems, external, err := checkLinks(repo, []string{"README.md"})
	require.NoError(t, err)
	joined := strings.Join(problems, "\n")
	for _, want := range []string{
		"docs/missing.md: no such file",
		"../outside.md: points outside the repository",
		"../shared/contract-v0.1.md: points outside the repository",
		"/work/shared/contract-v0.1.md: an absolute path",
		"file:///etc/passwd: an absolute path",
		"docs/b.md#nope: no heading #nope",
		"docs/nowhere.md: no such file",
	} {
		require.Contains(t, joined, want)
	}
	require.Len(t, problems, 7, joined)
	require.NotContains(t, joined, "in-code")
	require.NotContains(t, joined, "in-fence")
	require.NotContains(t, joined, "indented")
	require.True(t, slices.ContainsFunc(external, func(s string) bool { return strings.HasSuffix(s, "https://example.com/x") }))
	require.True(t, slices.ContainsFunc(external, func(s string) bool { return strings.HasSuffix(s, "https://example.org") }))
}
