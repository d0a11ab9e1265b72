package encode

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/synthpipe/synthpipe/internal/domain/model"
)

// fieldsOf returns, for each column, the field of T whose json tag names
// it: where Parquet and readback find the column too. A column of no known
// kind gets the zero field and is not looked up. It panics unless
// every other column has such a field, of its kind's type (an int column
// int32 or int64), and its accessor returns that field: checked on a record
// whose fields all differ, so the CSV encoder may read the fields instead.
func fieldsOf[T any](cols []model.Column[T]) []reflect.StructField {
	t := reflect.TypeFor[T]()
	byName := map[string]reflect.StructField{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		byName[name] = f
	}
	var probe T
	v := reflect.ValueOf(&probe).Elem()
	fields := make([]reflect.StructField, len(cols))
	for i := range cols {
		c := &cols[i]
		if !knownKind(c.Kind) {
			continue
		}
		f, ok := byName[c.Name]
		if !ok || !fieldTypeFits(c.Kind, f.Type) {
			panic(fmt.Sprintf("encode: %s has no field of type %s tagged json:%q", t, c.Kind, c.Name))
		}
		fields[i] = f
		// Values no two columns share, none zero (a null date or string).
		fv, s := v.FieldByIndex(f.Index), fmt.Sprintf("probe %d", i)
		switch c.Kind {
		case model.KindString, model.KindEnum:
			fv.SetString(s)
		case model.KindInt, model.KindDate:
			fv.SetInt(int64(i) + 1000)
		case model.KindStringList:
			fv.Set(reflect.ValueOf([]string{s}))
		}
	}
	for i := range cols {
		c := &cols[i]
		if !knownKind(c.Kind) {
			continue
		}
		fv := v.FieldByIndex(fields[i].Index)
		var same bool
		switch c.Kind {
		case model.KindString, model.KindEnum:
			same = c.Str != nil && c.Str(&probe) == fv.String()
		case model.KindInt:
			same = c.Int != nil && c.Int(&probe) == fv.Int()
		case model.KindDate:
			same = c.Date != nil && int64(c.Date(&probe)) == fv.Int()
		case model.KindStringList:
			same = c.List != nil && slices.Equal(c.List(&probe), fv.Interface().([]string))
		}
		if !same {
			panic(fmt.Sprintf("encode: the accessor of column %s of %s does not return its field %s", c.Name, t, fields[i].Name))
		}
	}
	return fields
}

func knownKind(k model.Kind) bool { return k <= model.KindStringList }

// fieldTypeFits reports whether a field of type t can hold a column of kind k.
func fieldTypeFits(k model.Kind, t reflect.Type) bool {
	switch k {
	case model.KindString, model.KindEnum:
		return t == reflect.TypeFor[string]()
	case model.KindInt:
		return t == reflect.TypeFor[int32]() || t == reflect.TypeFor[int64]()
	case model.KindDate:
		return t == reflect.TypeFor[model.Date]()
	case model.KindStringList:
		return t == reflect.TypeFor[[]string]()
	}
	return false
}
