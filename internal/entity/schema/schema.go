// Package schema generates the JSON Schema (draft 2020-12) of every document
// synthpipe writes — person, vehicle, profile, metadata, manifest — from the
// Go types and column tables, and validates JSON against them. The committed
// docs/schemas/*.json are this package's output; a test keeps them current.
package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/synthpipe/synthpipe/internal/domain/model"
	"github.com/synthpipe/synthpipe/internal/entity"
	"github.com/synthpipe/synthpipe/internal/formats/layout"
)

// Entities are the documents that have a schema: every declared entity
// (by its singular name), then metadata and manifest.
func Entities() []string {
	var out []string
	for _, e := range entity.All() {
		out = append(out, e.Singular())
	}
	return append(out, "metadata", "manifest")
}

// UnknownError is Document's refusal of a name that has no schema.
type UnknownError struct{ Name string }

func (u *UnknownError) Error() string {
	var allowed []string
	for _, s := range Entities() {
		if e, ok := entity.Find(s); ok {
			s += " or " + e.Name()
		}
		allowed = append(allowed, s)
	}
	return fmt.Sprintf("schema: unknown entity %q (allowed: %s)", u.Name, strings.Join(allowed, ", "))
}

const draft = "https://json-schema.org/draft/2020-12/schema"

// ID is the schema's $id (a URN: no web address is implied).
func ID(entity string) string { return "urn:synthpipe:schema:v" + model.ContractVersion + ":" + entity }

// Document returns the schema of a document as indented JSON: metadata,
// manifest or a declared entity, named by its singular (person) or its name
// (persons); the schema names it by its singular ($id, title) either way.
func Document(name string) ([]byte, error) {
	var doc map[string]any
	e, isEntity := entity.Find(name)
	switch {
	case isEntity:
		name = e.Singular()
		doc = fromColumns(name, e.Columns())
	case name == "metadata":
		doc = metadataSchema()
	case name == "manifest":
		doc = fromStruct(reflect.TypeFor[layout.Manifest]())
	default:
		return nil, &UnknownError{Name: name}
	}
	doc["$schema"] = draft
	doc["$id"] = ID(name)
	doc["title"] = "synthpipe " + name + " (contract v" + model.ContractVersion + ")"
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func fromColumns(entity string, cols []entityColumn) map[string]any {
	props := map[string]any{}
	required := make([]string, 0, len(cols))
	for _, c := range cols {
		required = append(required, c.Name)
		p := map[string]any{}
		switch c.Kind {
		case model.KindString:
			p["type"] = "string"
			if c.Nullable {
				p["type"] = []string{"string", "null"}
			}
		case model.KindEnum:
			p["type"] = "string"
			p["enum"] = c.Enum
			if c.Nullable {
				p["type"] = []string{"string", "null"}
				p["enum"] = append(anySlice(c.Enum), nil)
			}
		case model.KindDate:
			p["type"] = "string"
			p["format"] = "date"
			p["pattern"] = `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`
			if c.Nullable {
				p["type"] = []string{"string", "null"}
			}
		case model.KindInt:
			p["type"] = "integer"
		case model.KindStringList:
			p["type"] = "array"
			p["items"] = map[string]any{"type": "string"}
		}
		if c.Pattern != "" {
			p["pattern"] = c.Pattern
		}
		if c.Doc != "" {
			p["description"] = c.Doc
		}
		props[c.Name] = p
	}
	return map[string]any{"type": "object", "additionalProperties": false, "required": required, "properties": props,
		"description": "One " + entity + " record; columns in contract order: " + strings.Join(required, ", ")}
}

type entityColumn = entity.ColumnInfo

// metadataSchema is the metadata struct's schema with a record count for
// every declared entity (Metadata.MarshalJSON writes those a run makes,
// after config_sha256).
func metadataSchema() map[string]any {
	doc := fromStruct(reflect.TypeFor[model.Metadata]())
	props := doc["properties"].(map[string]any)
	var required []string
	for _, r := range doc["required"].([]string) {
		required = append(required, r)
		if r != "config_sha256" {
			continue
		}
		// A run counts the entities its stages make, so a count is typed
		// but not required: a snapshot without incidents has no
		// record_count_incidents (the manifest and metadata agree on what
		// was made; validate checks that).
		for _, e := range entity.All() {
			props[model.CountKeyPrefix+e.Name()] = map[string]any{"type": "integer", "minimum": 0}
		}
	}
	doc["required"] = required
	return doc
}

func fromStruct(t reflect.Type) map[string]any {
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Int, reflect.Int32, reflect.Int64:
		return map[string]any{"type": "integer"}
	case reflect.Uint64, reflect.Uint32:
		return map[string]any{"type": "integer", "minimum": 0}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": fromStruct(t.Elem())}
	case reflect.Struct:
		props := map[string]any{}
		var required []string
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous { // embedded: its fields are the struct's own in JSON
				inner := fromStruct(f.Type)
				maps.Copy(props, inner["properties"].(map[string]any))
				required = append(required, inner["required"].([]string)...)
				continue
			}
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			props[name] = fromStruct(f.Type)
			if opts != "omitempty" { // an omitted member is not required
				required = append(required, name)
			}
		}
		return map[string]any{"type": "object", "additionalProperties": false, "required": required, "properties": props}
	}
	panic("schema: no JSON Schema for Go type " + t.String())
}

// Set holds compiled schemas of every entity.
type Set struct{ byEntity map[string]*jsonschema.Schema }

// Compile compiles every entity's schema.
func Compile() (*Set, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, e := range Entities() {
		b, err := Document(e)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		if err := c.AddResource(ID(e), doc); err != nil {
			return nil, err
		}
	}
	s := &Set{byEntity: map[string]*jsonschema.Schema{}}
	for _, e := range Entities() {
		sch, err := c.Compile(ID(e))
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", e, err)
		}
		s.byEntity[e] = sch
	}
	return s, nil
}

// Validate checks one JSON document against entity's schema.
func (s *Set) Validate(entity string, raw []byte) error {
	sch, ok := s.byEntity[entity]
	if !ok {
		return fmt.Errorf("schema: unknown entity %q", entity)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if err := sch.Validate(inst); err != nil {
		var ve *jsonschema.ValidationError
		if ok := asValidation(err, &ve); ok {
			return fmt.Errorf("breaks schema %s: %s", entity, flatten(ve))
		}
		return err
	}
	return nil
}

func asValidation(err error, target **jsonschema.ValidationError) bool {
	ve, ok := err.(*jsonschema.ValidationError)
	if ok {
		*target = ve
	}
	return ok
}

var printer = message.NewPrinter(language.English)

// flatten renders the deepest causes on one line.
func flatten(ve *jsonschema.ValidationError) string {
	var msgs []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			loc := "/" + strings.Join(e.InstanceLocation, "/")
			msgs = append(msgs, loc+": "+e.ErrorKind.LocalizedString(printer))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	sort.Strings(msgs)
	return strings.Join(msgs, "; ")
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
