package server

import (
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// docs renders the API reference from the generated OpenAPI document on
// the server, in one page with no script, font or style from elsewhere:
// the networks that run synthpipe often have no internet, and huma's page
// loads its renderer from a CDN.
func (s *Server) docs(w http.ResponseWriter, _ *http.Request) {
	oapi := s.huma.OpenAPI()
	type param struct{ Name, In, Type, Default, Enum, Doc string }
	type op struct {
		Method, Path, ID, Summary, Description string
		Params                                 []param
		Statuses                               []string
	}
	var ops []op
	paths := make([]string, 0, len(oapi.Paths))
	for p := range oapi.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		item := oapi.Paths[p]
		for _, m := range []struct {
			name string
			op   *huma.Operation
		}{{"GET", item.Get}, {"POST", item.Post}, {"PUT", item.Put}, {"DELETE", item.Delete}} {
			if m.op == nil || m.op.Hidden {
				continue
			}
			o := op{Method: m.name, Path: p, ID: m.op.OperationID, Summary: m.op.Summary, Description: m.op.Description}
			for _, pa := range m.op.Parameters {
				x := param{Name: pa.Name, In: pa.In, Doc: pa.Description}
				if pa.Schema != nil {
					x.Type = pa.Schema.Type
					if pa.Schema.Items != nil {
						x.Type += " of " + pa.Schema.Items.Type
					}
					if pa.Schema.Default != nil {
						x.Default = toString(pa.Schema.Default)
					}
					var enum []string
					for _, e := range pa.Schema.Enum {
						enum = append(enum, toString(e))
					}
					x.Enum = strings.Join(enum, ", ")
				}
				o.Params = append(o.Params, x)
			}
			for code := range m.op.Responses {
				o.Statuses = append(o.Statuses, code)
			}
			sort.Strings(o.Statuses)
			ops = append(ops, o)
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	docsPage.Execute(w, map[string]any{"Title": oapi.Info.Title, "Version": oapi.Info.Version, "Description": oapi.Info.Description, "Ops": ops})
}

// toString shows a default or enum value; the template escapes it.
func toString(v any) string { return fmt.Sprint(v) }

var docsPage = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} {{.Version}} API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
code,.path{font-family:ui-monospace,monospace}.op{border-top:1px solid #ccc;padding:.5rem 0}
.m{display:inline-block;min-width:4rem;font-weight:bold}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}</style>
</head><body>
<h1>{{.Title}} {{.Version}} API</h1>
<p>{{.Description}}</p>
<p>The machine-readable document: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Also served: <code>GET /metrics</code> (Prometheus text format).</p>
{{range .Ops}}<div class="op" id="{{.ID}}"><h2><span class="m">{{.Method}}</span> <span class="path">{{.Path}}</span></h2>
<p><b>{{.Summary}}</b></p><p>{{.Description}}</p>
{{if .Params}}<table><tr><th>parameter</th><th>in</th><th>type</th><th>default</th><th>allowed</th><th>description</th></tr>
{{range .Params}}<tr><td><code>{{.Name}}</code></td><td>{{.In}}</td><td>{{.Type}}</td><td>{{.Default}}</td><td>{{.Enum}}</td><td>{{.Doc}}</td></tr>
{{end}}</table>{{end}}
<p>Responses: {{range .Statuses}}<code>{{.}}</code> {{end}}</p></div>
{{end}}</body></html>
`))
