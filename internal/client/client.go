// Package client calls a running `synthpipe serve` over HTTP: what `synthpipe
// preview --api-url` and scripts in Go use. Errors carry the server's RFC 9457
// problem details.
package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client talks to one server.
type Client struct {
	base  *url.URL
	token string
	http  *http.Client
}

// New returns a client of the server at baseURL (http://127.0.0.1:8080);
// token, if set, is sent as a bearer token.
func New(baseURL, token string) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("api url %q: want http(s)://host:port", baseURL)
	}
	return &Client{base: u, token: token, http: &http.Client{Timeout: 60 * time.Second}}, nil
}

// Problem is an error the server answered with (application/problem+json).
type Problem struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

func (p *Problem) Error() string {
	msg := p.Title
	if p.Detail != "" {
		msg += ": " + p.Detail
	}
	return fmt.Sprintf("server answered %d %s", p.Status, msg)
}

// GenerateQuery is what GET /generate/{entity} takes.
type GenerateQuery struct {
	Entity  string // persons, vehicles, profiles … or dataset
	Records int64
	Seed    *int64
	Offset  int64
	Format  string // json, ndjson, csv, parquet
}

// Generate streams generated records; the caller closes the body.
func (c *Client) Generate(ctx context.Context, q GenerateQuery) (io.ReadCloser, error) {
	v := url.Values{}
	v.Set("records", strconv.FormatInt(q.Records, 10))
	if q.Seed != nil {
		v.Set("seed", strconv.FormatInt(*q.Seed, 10))
	}
	if q.Offset != 0 {
		v.Set("offset", strconv.FormatInt(q.Offset, 10))
	}
	if q.Format != "" {
		v.Set("format", q.Format)
	}
	return c.get(ctx, v, "generate", q.Entity)
}

// get GETs the path of segments under the base URL. Each segment is
// escaped once, so a "/" or "%" in one stays part of it.
func (c *Client) get(ctx context.Context, q url.Values, segments ...string) (io.ReadCloser, error) {
	u := *c.base
	u.RawPath = c.base.EscapedPath()
	for _, seg := range segments {
		u.Path += "/" + seg
		u.RawPath += "/" + url.PathEscape(seg)
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("api %s: %w", c.base, err)
	}
	if resp.StatusCode == http.StatusOK {
		return resp.Body, nil
	}
	defer resp.Body.Close()
	p := &Problem{Status: resp.StatusCode, Title: http.StatusText(resp.StatusCode)}
	_ = json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(p) // keeps the status line when the body is not a problem
	p.Status = resp.StatusCode
	return nil, p
}
