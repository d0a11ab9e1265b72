package entity_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/component"
	"github.com/synthpipe/synthpipe/internal/config"
	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/internal/server"
	"github.com/synthpipe/synthpipe/internal/service"
	"github.com/synthpipe/synthpipe/pipeline"
)

// reply is a test-only entity whose parent is a note, so its ids lead,
// through notes, to no person or vehicle either.
type reply struct {
	ReplyID string `parquet:"reply_id" json:"reply_id"`
}

var _ = entity.Declare(entity.Def[reply]{
	Name: "replies", Singular: "reply", IDPrefix: "REP-", Parent: notes.Name(),
	Columns: []model.Column[reply]{{Name: "reply_id", Kind: model.KindString, Pattern: `^REP-[0-9]{10}$`, Str: func(r *reply) string { return r.ReplyID }}},
	ID:      func(r *reply) string { return r.ReplyID },
})

type noReplies struct{}

func (noReplies) Process(context.Context, *component.Batch) error { return nil }

func init() {
	component.RegisterStage(pipeline.Spec{Type: "reply", Needs: []string{"notes"}, Provides: []string{"replies"}, Summary: "Test only: no replies."},
		func(pipeline.Conf, *component.Env) (component.Stage, error) { return noReplies{}, nil })
}

// notes are declared without a Parent: their ids count only their own
// rows, so a note cannot be found by id without making every note before
// it. A config that makes them is served all the same — notes generated,
// the other entities looked up — and only a lookup of a note (or of a reply,
// whose ids go through a note's) is refused, with 404 saying why; so is
// including them.
func TestAnEntityWithoutParentIsServedButNotLookedUp(t *testing.T) {
	tmp := t.TempDir()
	base, err := os.ReadFile(withNotes(t, tmp))
	require.NoError(t, err)
	file := filepath.Join(tmp, "replies.yaml")
	require.NoError(t, os.WriteFile(file, []byte(strings.Replace(string(base), "    - type: note\n", "    - type: note\n    - type: reply\n", 1)), 0o644))
	cfg, err := config.Load(file, config.Overrides{})
	require.NoError(t, err)
	api, err := service.New(cfg, service.Options{SnapshotsDir: tmp, Logger: zerolog.Nop()})
	require.NoError(t, err, "one entity without a Parent does not keep the config from being served")
	srv, err := server.New(api, server.Options{Logger: zerolog.Nop()})
	require.NoError(t, err)
	web := httptest.NewServer(srv.Handler())
	defer web.Close()
	get := func(path string) (int, string) {
		res, err := http.Get(web.URL + path)
		require.NoError(t, err)
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res.StatusCode, string(body)
	}

	code, body := get("/generate/notes?records=8&format=ndjson")
	require.Equal(t, http.StatusOK, code, body)
	require.Contains(t, body, `{"note_id":"NOT-0000000001","person_id":"PER-0000000001"`)
	code, body = get("/persons/PER-0000000001?include=profiles")
	require.Equal(t, http.StatusOK, code, body)

	refusals := []struct {
		path   string
		status int
		detail string
	}{
		{"/notes/NOT-0000000001", http.StatusNotFound, `entity "notes" not found (allowed: persons, vehicles, profiles, incidents — ` +
			`lookups of notes by id are not offered because its ids count only its own rows (an entity declared without a Parent))`},
		{"/replies/REP-0000000001", http.StatusNotFound, `entity "replies" not found (allowed: persons, vehicles, profiles, incidents — ` +
			`lookups of replies by id go through its parent notes, and lookups of notes by id are not offered because its ids count only its own rows (an entity declared without a Parent))`},
		{"/persons/PER-0000000001?include=note", http.StatusBadRequest, `include "note" is not allowed: for persons: vehicles, profiles, incidents — ` +
			`lookups of notes by id are not offered because its ids count only its own rows (an entity declared without a Parent)`},
	}
	for _, r := range refusals {
		code, body := get(r.path)
		require.Equal(t, r.status, code, "%s: %s", r.path, body)
		var problem struct{ Detail string }
		require.NoError(t, json.Unmarshal([]byte(body), &problem))
		require.Equal(t, r.detail, problem.Detail, r.path)
	}
}
