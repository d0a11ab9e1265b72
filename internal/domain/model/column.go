package model

// Kind is the logical type of a column, as the contract names it.
type Kind uint8

const (
	KindString Kind = iota
	KindEnum
	KindDate
	KindInt
	KindStringList
)

// String returns the contract's name of the kind.
func (k Kind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindEnum:
		return "enum"
	case KindDate:
		return "date"
	case KindInt:
		return "int"
	case KindStringList:
		return "list<string>"
	}
	return "unknown"
}

// Column describes one column of an entity: its name and type in contract
// order, and how to read its value from a record. Exactly one accessor is set,
// the one of its Kind (Str serves both string and enum).
type Column[T any] struct {
	Name     string
	Kind     Kind
	Nullable bool     // an empty string is written as null
	Enum     []string // allowed values of an enum column
	Pattern  string   // a regular expression every value matches (JSON Schema)
	Doc      string

	Str  func(*T) string
	Int  func(*T) int64
	Date func(*T) Date
	List func(*T) []string
}

// Names returns the column names in order.
func Names[T any](cols []Column[T]) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}
