package pipeline

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// FieldType is the YAML type a config field takes.
type FieldType string

const (
	TypeString  FieldType = "string"
	TypeInt     FieldType = "int"
	TypeBool    FieldType = "bool"
	TypeStrings FieldType = "list of strings"
)

// Field declares one config field of a component, in one place: the config
// reference is generated from these, and Check enforces them.
type Field struct {
	Name        string
	Type        FieldType
	Description string
	Default     any
	Allowed     []string // for strings: the values allowed
	Min, Max    int64    // for ints, when Max > Min
}

// Literal is a whole number as written in a file, for one no Go integer
// holds: errors quote it instead of a wrapped or rounded value.
type Literal string

// Conf is a component's checked config: every declared field has a value of
// its declared type.
type Conf struct {
	values map[string]any
}

// Check validates raw YAML values against the spec's fields: unknown keys,
// wrong types and values outside Allowed or [Min, Max] are errors that name
// the key (prefixed by where) and what is allowed. Missing fields take their
// defaults.
func (s Spec) Check(raw map[string]any, where string) (Conf, error) {
	c := Conf{values: map[string]any{}}
	known := map[string]Field{}
	for _, f := range s.Fields {
		known[f.Name] = f
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "type" {
			continue
		}
		f, ok := known[k]
		if !ok {
			allowed := make([]string, 0, len(s.Fields))
			for _, f := range s.Fields {
				allowed = append(allowed, f.Name)
			}
			return c, fmt.Errorf("%s.%s: unknown key for %s %q (allowed: %s)", where, k, s.Kind, s.Type, listOrNone(allowed))
		}
		v, err := coerce(f, raw[k])
		if err != nil {
			return c, fmt.Errorf("%s.%s: %w", where, k, err)
		}
		c.values[k] = v
	}
	for _, f := range s.Fields {
		if _, ok := c.values[f.Name]; !ok {
			c.values[f.Name] = f.Default
		}
	}
	return c, nil
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func coerce(f Field, v any) (any, error) {
	switch f.Type {
	case TypeString:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("want a string, got %T %v", v, v)
		}
		if len(f.Allowed) > 0 && !slices.Contains(f.Allowed, s) {
			return nil, fmt.Errorf("%q is not allowed (allowed: %s)", s, strings.Join(f.Allowed, ", "))
		}
		return s, nil
	case TypeInt:
		var n int64
		switch x := v.(type) {
		case int:
			n = int64(x)
		case int64:
			n = x
		case uint64:
			if x > math.MaxInt64 {
				return nil, outOfRange(f, strconv.FormatUint(x, 10))
			}
			n = int64(x)
		case float64:
			if x != math.Trunc(x) {
				return nil, fmt.Errorf("want a whole number, got %v", x)
			}
			// int64(x) of a float past int64 is undefined (it gave the minimum).
			if x >= 1<<63 || x < -(1<<63) {
				return nil, outOfRange(f, strconv.FormatFloat(x, 'f', -1, 64))
			}
			n = int64(x)
		case Literal:
			var err error
			if n, err = strconv.ParseInt(string(x), 0, 64); err != nil {
				return nil, outOfRange(f, string(x))
			}
		default:
			return nil, fmt.Errorf("want a whole number, got %T %v", v, v)
		}
		if f.Max > f.Min && (n < f.Min || n > f.Max) {
			return nil, outOfRange(f, strconv.FormatInt(n, 10))
		}
		return n, nil
	case TypeBool:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("want true or false, got %T %v", v, v)
		}
		return b, nil
	case TypeStrings:
		items, ok := v.([]any)
		if !ok {
			if ss, ok2 := v.([]string); ok2 {
				for _, s := range ss {
					items = append(items, s)
				}
			} else {
				return nil, fmt.Errorf("want a list of strings, got %T %v", v, v)
			}
		}
		out := make([]string, 0, len(items))
		for _, it := range items {
			s, ok := it.(string)
			if !ok {
				return nil, fmt.Errorf("want a list of strings, got an item %T %v", it, it)
			}
			if len(f.Allowed) > 0 && !slices.Contains(f.Allowed, s) {
				return nil, fmt.Errorf("%q is not allowed (allowed: %s)", s, strings.Join(f.Allowed, ", "))
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("field type %q unknown", f.Type)
}

func outOfRange(f Field, written string) error {
	if f.Max > f.Min {
		return fmt.Errorf("%s is out of range (allowed: %d to %d)", written, f.Min, f.Max)
	}
	return fmt.Errorf("%s is out of range (allowed: %d to %d)", written, math.MinInt64, math.MaxInt64)
}

// String returns a string field.
func (c Conf) String(name string) string { s, _ := c.values[name].(string); return s }

// Int returns an int field.
func (c Conf) Int(name string) int64 {
	switch x := c.values[name].(type) {
	case int64:
		return x
	case int:
		return int64(x)
	}
	return 0
}

// Bool returns a bool field.
func (c Conf) Bool(name string) bool { b, _ := c.values[name].(bool); return b }

// Strings returns a list field.
func (c Conf) Strings(name string) []string { s, _ := c.values[name].([]string); return s }
