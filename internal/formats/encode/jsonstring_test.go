package encode

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// JSONString writes what encoding/json reads back as the same string, for
// plain ASCII (copied whole), escapes after a plain run, control bytes,
// multi-byte runes and invalid UTF-8 (as U+FFFD).
func TestJSONStringReadsBack(t *testing.T) {
	for _, s := range []string{"", "plain", "O'Brien", `say "hi"`, `back\slash`, "tab\there", "new\nline", "café", "日本", "Jos\xe9", "\x01", `plain then "quote" then more`} {
		got := JSONString(nil, s)
		var back string
		require.NoError(t, json.Unmarshal(got, &back), "%q -> %s", s, got)
		want := s
		if s == "Jos\xe9" {
			want = "Jos\ufffd"
		}
		require.Equal(t, want, back, "%q -> %s", s, got)
	}
}
