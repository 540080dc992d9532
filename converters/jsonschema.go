package converters

import (
	"math/big"
	"sort"
	"strconv"

	"github.com/connectkit/connectkit/connect"
)

// JSON type names of the envelope's schemas, which differ from the Type
// names for the floating-point types.
func jsonTypeName(t connect.Type) string {
	switch t {
	case connect.Float32:
		return "float"
	case connect.Float64:
		return "double"
	}
	return t.String()
}

func parseJSONType(s string) (connect.Type, bool) {
	switch s {
	case "float":
		return connect.Float32, true
	case "double":
		return connect.Float64, true
	case "float32", "float64":
		return 0, false
	}
	return connect.ParseType(s)
}

// schemaMember is the position of a member's value in the input, -1 when
// the member is absent.
type schemaMember int

// schema reads a schema object as Kafka's JsonConverter.asConnectSchema does.
// It returns a nil schema for JSON null, and the "field" member, which names
// a struct field when the schema is one.
func (d *jsonDecoder) schema() (s *connect.Schema, field string, hasField bool, err error) {
	c, err := d.peek()
	if err != nil {
		return nil, "", false, err
	}
	if c == 'n' {
		return nil, "", false, d.literal("null")
	}
	start := d.pos
	if c != '{' {
		if err := d.skipValue(); err != nil {
			return nil, "", false, err
		}
		d.pos = start
		return nil, "", false, d.valueErr(`schema must be an object with a "type" field`)
	}
	var (
		typeName                           string
		hasType, optional                  bool
		name, doc                          string
		version                            int
		set                                connect.SchemaMeta
		params                             map[string]string
		items, keys, values, fields, deflt = schemaMember(-1), schemaMember(-1), schemaMember(-1), schemaMember(-1), schemaMember(-1)
	)
	empty, err := d.openObject()
	if err != nil {
		return nil, "", false, err
	}
	for !empty {
		raw, _, err := d.key()
		if err != nil {
			return nil, "", false, err
		}
		c, err := d.peek()
		if err != nil {
			return nil, "", false, err
		}
		at := schemaMember(d.pos)
		// Members of the wrong JSON type are ignored, as in Kafka.
		switch string(raw) {
		case "type":
			hasType = c == '"'
			if hasType {
				typeName, err = d.str()
			} else {
				err = d.skipValue()
			}
		case "optional":
			optional = c == 't'
			err = d.skipValue()
		case "name", "doc", "field":
			var v string
			ok := c == '"'
			if ok {
				v, err = d.str()
			} else {
				err = d.skipValue()
			}
			switch string(raw) {
			case "name":
				name = v
				set = setIf(set, ok, connect.NameSet)
			case "doc":
				doc = v
				set = setIf(set, ok, connect.DocSet)
			default:
				field, hasField = v, ok
			}
		case "version":
			var lit []byte
			var integral bool
			version = 0 // the last member wins, as in Jackson's tree
			set &^= connect.VersionSet
			if isNumberStart(c) {
				if lit, integral, err = d.scanNumber(); err == nil && integral {
					version = javaIntValue(lit)
				}
				set = setIf(set, err == nil && integral, connect.VersionSet)
			} else {
				err = d.skipValue()
			}
		case "parameters":
			params = nil
			if c == '{' {
				params, err = d.parameters()
			} else {
				err = d.skipValue()
			}
		case "default":
			deflt = at
			err = d.skipValue()
		case "items":
			items = at
			err = d.skipValue()
		case "keys":
			keys = at
			err = d.skipValue()
		case "values":
			values = at
			err = d.skipValue()
		case "fields":
			fields = at
			err = d.skipValue()
		default:
			err = d.skipValue()
		}
		if err != nil {
			return nil, "", false, err
		}
		more, err := d.next('}', "after object key:value pair")
		if err != nil {
			return nil, "", false, err
		}
		if !more {
			break
		}
	}
	end := d.pos
	fail := func(format string, args ...any) (*connect.Schema, string, bool, error) {
		d.pos = start
		return nil, "", false, d.valueErr(format, args...)
	}
	if !hasType {
		return fail(`schema must be an object with a "type" field`)
	}
	t, ok := parseJSONType(typeName)
	if !ok {
		return fail("unknown schema type %q", typeName)
	}
	// A bit only for metadata that is empty or zero, so that a schema read
	// equals one built in Go whenever Kafka's would.
	if name != "" {
		set &^= connect.NameSet
	}
	if version != 0 {
		set &^= connect.VersionSet
	}
	if doc != "" {
		set &^= connect.DocSet
	}
	s = &connect.Schema{Type: t, Optional: optional, Name: name, Version: version, Doc: doc, Parameters: params, Set: set}
	sub := func(at schemaMember) (*connect.Schema, string, bool, error) {
		d.pos = int(at)
		return d.schema()
	}
	switch t {
	case connect.Array:
		if items < 0 {
			return fail("array schema has no element type (items)")
		}
		if s.ValueSchema, _, _, err = sub(items); err != nil {
			return nil, "", false, wrapPath(err, "items")
		}
		if s.ValueSchema == nil {
			return fail("array schema has no element type (items)")
		}
	case connect.Map:
		if keys < 0 {
			return fail("map schema has no key type (keys)")
		}
		if values < 0 {
			return fail("map schema has no value type (values)")
		}
		if s.KeySchema, _, _, err = sub(keys); err != nil {
			return nil, "", false, wrapPath(err, "keys")
		}
		if s.ValueSchema, _, _, err = sub(values); err != nil {
			return nil, "", false, wrapPath(err, "values")
		}
		if s.KeySchema == nil || s.ValueSchema == nil {
			return fail("map schema's keys and values must not be null")
		}
	case connect.StructType:
		if fields < 0 || d.data[fields] != '[' {
			return fail(`struct schema's "fields" is not an array`)
		}
		d.pos = int(fields)
		empty, err := d.openArray()
		if err != nil {
			return nil, "", false, err
		}
		for !empty {
			fieldStart := d.pos
			fs, fname, ok, err := d.schema()
			if err != nil {
				return nil, "", false, wrapPath(err, "field %d", len(s.Fields))
			}
			if !ok || fname == "" {
				// Kafka's SchemaBuilder.field refuses an empty name too.
				d.pos = fieldStart
				return nil, "", false, d.valueErr("struct schema's field %d has no name (field)", len(s.Fields))
			}
			if fs == nil {
				d.pos = fieldStart
				return nil, "", false, d.valueErr("struct schema's field %q is null", fname)
			}
			if s.Field(fname) != nil {
				d.pos = fieldStart
				return nil, "", false, d.valueErr("struct schema has field %q twice", fname)
			}
			s.Fields = append(s.Fields, connect.Field{Name: fname, Index: len(s.Fields), Schema: fs})
			more, err := d.next(']', "after array element")
			if err != nil {
				return nil, "", false, err
			}
			if !more {
				break
			}
		}
		if s.Fields == nil {
			s.Fields = []connect.Field{}
		}
	}
	if deflt >= 0 {
		d.pos = int(deflt)
		if t == connect.StructType && d.data[deflt] != 'n' {
			// Kafka's SchemaBuilder refuses every STRUCT default the
			// converter reads: the Struct it builds has the schema
			// being built, which never equals the builder.
			d.pos = start
			return nil, "", false, d.valueErr("struct schema has a default, which Kafka's JsonConverter cannot read")
		}
		v, err := d.typed(s)
		if err != nil {
			return nil, "", false, wrapPath(err, "default")
		}
		s.Default = v
	}
	d.pos = end
	return s, field, hasField, nil
}

func setIf(set connect.SchemaMeta, ok bool, bit connect.SchemaMeta) connect.SchemaMeta {
	if ok {
		return set | bit
	}
	return set &^ bit
}

// javaIntValue is Java's intValue of an integral literal: its low 32 bits.
func javaIntValue(lit []byte) int {
	if n, ok := parseInt64(lit); ok {
		return int(int32(n))
	}
	n, _ := new(big.Int).SetString(string(lit), 10)
	low := new(big.Int).And(n, big.NewInt(0xffffffff)) // two's complement, as big.Int.And treats negatives
	return int(int32(uint32(low.Uint64())))
}

func (d *jsonDecoder) parameters() (map[string]string, error) {
	params := map[string]string{}
	empty, err := d.openObject()
	if err != nil || empty {
		return nil, err
	}
	for {
		k, err := d.keyString()
		if err != nil {
			return nil, err
		}
		c, err := d.peek()
		if err != nil {
			return nil, err
		}
		if c != '"' {
			if err := d.skipValue(); err != nil {
				return nil, err
			}
			return nil, d.valueErr("schema parameter %q is not a string", k)
		}
		if params[k], err = d.str(); err != nil {
			return nil, err
		}
		more, err := d.next('}', "after object key:value pair")
		if err != nil {
			return nil, err
		}
		if !more {
			return params, nil
		}
	}
}

// appendSchema appends s as Kafka's JsonConverter.asJsonSchema writes it:
// type, then items, keys and values, or fields, then optional, name,
// version, doc, parameters and default.
func (e *jsonEncoder) appendSchema(s *connect.Schema) error {
	if s == nil {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	e.buf = append(e.buf, `{"type":"`...)
	e.buf = append(e.buf, jsonTypeName(s.Type)...)
	e.buf = append(e.buf, '"')
	switch s.Type {
	case connect.Array:
		e.buf = append(e.buf, `,"items":`...)
		if err := e.appendSchema(s.ValueSchema); err != nil {
			return err
		}
	case connect.Map:
		e.buf = append(e.buf, `,"keys":`...)
		if err := e.appendSchema(s.KeySchema); err != nil {
			return err
		}
		e.buf = append(e.buf, `,"values":`...)
		if err := e.appendSchema(s.ValueSchema); err != nil {
			return err
		}
	case connect.StructType:
		e.buf = append(e.buf, `,"fields":[`...)
		for i, f := range s.Fields {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if f.Schema == nil {
				return &pathError{path: "field " + strconv.Quote(f.Name), err: errNoFieldSchema}
			}
			if err := e.appendSchema(f.Schema); err != nil {
				return &pathError{path: "field " + strconv.Quote(f.Name), err: err}
			}
			// The field's name goes last, inside its schema object.
			e.buf = append(e.buf[:len(e.buf)-1], `,"field":`...)
			e.buf = appendJSONString(e.buf, f.Name)
			e.buf = append(e.buf, '}')
		}
		e.buf = append(e.buf, ']')
	}
	e.buf = append(e.buf, `,"optional":`...)
	e.buf = strconv.AppendBool(e.buf, s.Optional)
	if s.Name != "" || s.Set&connect.NameSet != 0 {
		e.buf = append(e.buf, `,"name":`...)
		e.buf = appendJSONString(e.buf, s.Name)
	}
	if s.Version != 0 || s.Set&connect.VersionSet != 0 {
		e.buf = append(e.buf, `,"version":`...)
		e.buf = strconv.AppendInt(e.buf, int64(s.Version), 10)
	}
	if s.Doc != "" || s.Set&connect.DocSet != 0 {
		e.buf = append(e.buf, `,"doc":`...)
		e.buf = appendJSONString(e.buf, s.Doc)
	}
	if len(s.Parameters) > 0 {
		e.buf = append(e.buf, `,"parameters":{`...)
		for i, k := range parameterOrder(s) {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.buf = appendJSONString(e.buf, k)
			e.buf = append(e.buf, ':')
			e.buf = appendJSONString(e.buf, s.Parameters[k])
		}
		e.buf = append(e.buf, '}')
	}
	if s.Default != nil {
		if s.Type == connect.StructType {
			return errStructDefault
		}
		e.buf = append(e.buf, `,"default":`...)
		if err := e.value(s, s.Default); err != nil {
			return &pathError{path: "default", err: err}
		}
	}
	e.buf = append(e.buf, '}')
	return nil
}

// parameterOrder orders a schema's parameters. Kafka writes them in the
// order they were added, which a Go map does not keep; sorting is stable,
// and Decimal's "scale" goes first because Kafka's Decimal.builder adds it
// first (so Debezium's "connect.decimal.precision" follows it, as in Kafka).
func parameterOrder(s *connect.Schema) []string {
	keys := make([]string, 0, len(s.Parameters))
	for k := range s.Parameters {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if s.Name == connect.DecimalName {
		for i, k := range keys {
			if k == connect.DecimalScaleKey {
				copy(keys[1:i+1], keys[:i])
				keys[0] = k
				break
			}
		}
	}
	return keys
}
