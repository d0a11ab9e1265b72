package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestClientSendsTokenAndReadsProblems(t *testing.T) {
	var gotAuth, gotQuery string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth, gotQuery = r.Header.Get("Authorization"), r.URL.RawQuery
		switch r.URL.Path {
		case "/generate/persons":
			io.WriteString(w, "person_id\nPER-0000000001\n")
		default:
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"title":"Bad Request","status":400,"detail":"records \"0\" is not allowed: 1 to 10000"}`)
		}
	}))
	defer srv.Close()

	c, err := New(srv.URL+"/", "tok")
	require.NoError(t, err)
	seed := int64(7)
	body, err := c.Generate(context.Background(), GenerateQuery{Entity: "persons", Records: 1, Seed: &seed, Offset: 3, Format: "csv"})
	require.NoError(t, err)
	b, _ := io.ReadAll(body)
	body.Close()
	require.Equal(t, "person_id\nPER-0000000001\n", string(b))
	require.Equal(t, "Bearer tok", gotAuth)
	require.Equal(t, "format=csv&offset=3&records=1&seed=7", gotQuery)

	_, err = c.Generate(context.Background(), GenerateQuery{Entity: "widgets", Records: 0})
	var p *Problem
	require.True(t, errors.As(err, &p))
	require.Equal(t, 400, p.Status)
	require.EqualError(t, err, `server answered 400 Bad Request: records "0" is not allowed: 1 to 10000`)

	for _, bad := range []string{"", "ftp://x", "localhost:8080", "http://"} {
		_, err := New(bad, "")
		require.Error(t, err, bad)
	}
}

// A path segment is escaped once: a space, "/" or "%" in it reaches the
// server inside the one segment, not escaped twice (%2520) nor split.
func TestClientEscapesPathSegmentsOnce(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.EscapedPath()
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	for base, want := range map[string]string{srv.URL: "/generate/a%20b%2Fc%25", srv.URL + "/api%20v1/": "/api%20v1/generate/a%20b%2Fc%25"} {
		c, err := New(base, "")
		require.NoError(t, err)
		body, err := c.Generate(context.Background(), GenerateQuery{Entity: "a b/c%", Records: 1})
		require.NoError(t, err)
		body.Close()
		require.Equal(t, want, got, base)
	}
}
