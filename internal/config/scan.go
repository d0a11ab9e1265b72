package config

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/synthpipe/synthpipe/pipeline"
)

// scan holds what viper loses when it reads the file: it lower-cases keys,
// treats a null value as absent, turns an unquoted date into a time.Time
// and a whole number past int64 into a rounded float. Values are keyed by
// viper-style path (dataset.reference_date, pipeline.stages[1].max_examples).
type scan struct {
	dates   map[string]string // unquoted YAML dates, as written
	numbers map[string]string // whole numbers too large for int64, as written
}

// scanFile reads path's YAML nodes and refuses keys that are not lower case
// (viper would merge RECORDS into records silently) and null values (viper
// would drop them and use the default silently).
func scanFile(path string) (scan, error) {
	sc := scan{dates: map[string]string{}, numbers: map[string]string{}}
	b, err := os.ReadFile(path)
	if err != nil {
		return sc, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return sc, err
	}
	return sc, sc.walk(&doc, "")
}

func (sc scan) walk(n *yaml.Node, path string) error {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if err := sc.walk(c, path); err != nil {
				return err
			}
		}
	case yaml.AliasNode:
		return sc.walk(n.Alias, path)
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i].Value, n.Content[i+1]
			p := k
			if path != "" {
				p = path + "." + k
			}
			if k != strings.ToLower(k) {
				return fmt.Errorf("%s: unknown key: keys are lower case (write %s)", p, strings.ToLower(k))
			}
			if err := sc.walk(v, p); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if err := sc.walk(c, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			if path == "" {
				return nil // an empty file: the missing pipeline is reported
			}
			if strings.HasSuffix(path, "]") {
				return fmt.Errorf("%s: an empty list item (null): give a {type: ...} or remove the dash", path)
			}
			return fmt.Errorf("%s: no value (null): give a value or remove the key for its default", path)
		case "!!timestamp":
			sc.dates[path] = n.Value
		case "!!int":
			if _, err := strconv.ParseInt(n.Value, 0, 64); err != nil {
				sc.numbers[path] = n.Value
			}
		case "!!float":
			if f, err := strconv.ParseFloat(n.Value, 64); err == nil && (f >= 1<<63 || f < -(1<<63)) {
				sc.numbers[path] = n.Value
			}
		}
	}
	return nil
}

// value returns the value at path as written where viper's would mislead:
// a date as its text, a huge number as a pipeline.Literal.
func (sc scan) value(path string, v any) any {
	if s, ok := sc.dates[path]; ok {
		return s
	}
	if s, ok := sc.numbers[path]; ok {
		return pipeline.Literal(s)
	}
	return v
}
