//go:build integration

package converters

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/connectkit/connectkit/connect"
)

// The differential test describes schemas and values to the Java oracle
// (testdata/oracle/src/main/java/ConverterOracle.java) and back as JSON
// that both sides build their own objects from and print their results as:
//
//	schema: null or {"type": "INT32", "optional": bool, "name", "version",
//	        "doc" (when given), "params": [[k, v], ...], "default": value,
//	        "items", "keys", "values": schema, "fields": [[name, schema], ...]}
//	value:  null or [tag, ...]: ["int8", n] ... ["int32", n], ["int64", "n"],
//	        ["float32", "hex bits"], ["float64", "hex bits"] ("NaN" for any
//	        NaN), ["bool", b], ["string", s], ["bytes", "base64"],
//	        ["decimal", "unscaled", scale], ["datetime", "epoch ms"],
//	        ["array", [v...]], ["map", [[k, v]...]], ["struct", [[name, v]...]]
//
// A string that holds a lone surrogate is ["string16", "hex UTF-16 units"]
// wherever a string goes, so that neither side's JSON library replaces it.

// descString describes s; a string that is not valid UTF-8 (a lone
// surrogate kept as WTF-8) as its UTF-16 units.
func descString(s string) any {
	if utf8.ValidString(s) {
		return s
	}
	var units []uint16
	javaChars(s, func(r rune) {
		if utf16.IsSurrogate(r) {
			units = append(units, uint16(r))
		} else {
			units = utf16.AppendRune(units, r)
		}
	})
	var sb strings.Builder
	for _, u := range units {
		fmt.Fprintf(&sb, "%04x", u)
	}
	return []any{"string16", sb.String()}
}

// undescString is descString's inverse: UTF-16 units back to WTF-8.
func undescString(d any) (string, error) {
	switch d := d.(type) {
	case string:
		return d, nil
	case []any:
		if len(d) == 2 && d[0] == "string16" {
			hex, _ := d[1].(string)
			var b []byte
			units := make([]uint16, 0, len(hex)/4)
			for i := 0; i+4 <= len(hex); i += 4 {
				u, err := strconv.ParseUint(hex[i:i+4], 16, 16)
				if err != nil {
					return "", err
				}
				units = append(units, uint16(u))
			}
			for i := 0; i < len(units); i++ {
				u := rune(units[i])
				if utf16.IsSurrogate(u) && u < 0xdc00 && i+1 < len(units) && units[i+1] >= 0xdc00 && units[i+1] <= 0xdfff {
					b = utf8.AppendRune(b, utf16.DecodeRune(u, rune(units[i+1])))
					i++
				} else if utf16.IsSurrogate(u) {
					b = append(b, 0xe0|byte(u>>12), 0x80|byte(u>>6)&0x3f, 0x80|byte(u)&0x3f)
				} else {
					b = utf8.AppendRune(b, u)
				}
			}
			return string(b), nil
		}
	}
	return "", fmt.Errorf("not a string description: %v", d)
}

func typeName(t connect.Type) string { return strings.ToUpper(t.String()) }

func parseTypeName(s string) (connect.Type, bool) {
	if s == "STRUCT" {
		return connect.StructType, true
	}
	return connect.ParseType(strings.ToLower(s))
}

// describeSchema describes s; parameters in the order the JSON writer
// writes them, so that Java, given them in that order, writes the same.
func describeSchema(s *connect.Schema) any {
	if s == nil {
		return nil
	}
	m := map[string]any{"type": typeName(s.Type), "optional": s.Optional}
	if s.Name != "" || s.Set&connect.NameSet != 0 {
		m["name"] = descString(s.Name)
	}
	if s.Version != 0 || s.Set&connect.VersionSet != 0 {
		m["version"] = s.Version
	}
	if s.Doc != "" || s.Set&connect.DocSet != 0 {
		m["doc"] = descString(s.Doc)
	}
	if len(s.Parameters) > 0 {
		var ps []any
		for _, k := range parameterOrder(s) {
			ps = append(ps, []any{descString(k), descString(s.Parameters[k])})
		}
		m["params"] = ps
	}
	switch s.Type {
	case connect.Array:
		m["items"] = describeSchema(s.ValueSchema)
	case connect.Map:
		m["keys"] = describeSchema(s.KeySchema)
		m["values"] = describeSchema(s.ValueSchema)
	case connect.StructType:
		fs := []any{}
		for _, f := range s.Fields {
			fs = append(fs, []any{descString(f.Name), describeSchema(f.Schema)})
		}
		m["fields"] = fs
	}
	if s.Default != nil {
		m["default"] = describeValue(s.Default)
	}
	return m
}

// describeValue describes a Go connect value; maps in the order the JSON
// writer writes them.
func describeValue(v any) any {
	switch v := v.(type) {
	case nil:
		return nil
	case int8:
		return []any{"int8", int64(v)}
	case int16:
		return []any{"int16", int64(v)}
	case int32:
		return []any{"int32", int64(v)}
	case int64:
		return []any{"int64", strconv.FormatInt(v, 10)}
	case float32:
		if v != v {
			return []any{"float32", "NaN"}
		}
		return []any{"float32", fmt.Sprintf("%08x", math.Float32bits(v))}
	case float64:
		if v != v {
			return []any{"float64", "NaN"}
		}
		return []any{"float64", fmt.Sprintf("%016x", math.Float64bits(v))}
	case bool:
		return []any{"bool", v}
	case string:
		return []any{"string", descString(v)}
	case []byte:
		return []any{"bytes", base64.StdEncoding.EncodeToString(v)}
	case connect.Decimal:
		return []any{"decimal", v.Unscaled.String(), int64(v.Scale)}
	case time.Time:
		return []any{"datetime", strconv.FormatInt(v.UnixMilli(), 10)}
	case []any:
		es := []any{}
		for _, e := range v {
			es = append(es, describeValue(e))
		}
		return []any{"array", es}
	case map[string]any:
		es := []any{}
		for _, k := range sortedStringKeys(v) {
			es = append(es, []any{describeValue(k), describeValue(v[k])})
		}
		return []any{"map", es}
	case map[any]any:
		// By ranging, not by lookup: a NaN key cannot be looked up.
		type kv struct{ k, v any }
		var kvs []kv
		for k, x := range v {
			kvs = append(kvs, kv{k, x})
		}
		sort.SliceStable(kvs, func(i, j int) bool { return keyLess(kvs[i].k, kvs[j].k) })
		es := []any{}
		for _, e := range kvs {
			es = append(es, []any{describeValue(e.k), describeValue(e.v)})
		}
		return []any{"map", es}
	case *connect.Struct:
		if v == nil {
			return nil
		}
		es := []any{}
		for i, f := range v.Schema().Fields {
			es = append(es, []any{descString(f.Name), describeValue(v.AtWithoutDefault(i))})
		}
		return []any{"struct", es}
	}
	return []any{"go", fmt.Sprintf("%T", v), fmt.Sprint(v)}
}

// buildSchema makes the Go schema a description describes.
func descSchema(d any) (*connect.Schema, error) {
	if d == nil {
		return nil, nil
	}
	m, ok := d.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("schema description %v", d)
	}
	t, ok := parseTypeName(m["type"].(string))
	if !ok {
		return nil, fmt.Errorf("schema type %v", m["type"])
	}
	s := &connect.Schema{Type: t}
	s.Optional, _ = m["optional"].(bool)
	var err error
	if n, ok := m["name"]; ok {
		if s.Name, err = undescString(n); err != nil {
			return nil, err
		}
		s.Set |= connect.NameSet
	}
	if n, ok := m["version"]; ok {
		v, _ := n.(json.Number).Int64()
		s.Version = int(v)
		s.Set |= connect.VersionSet
	}
	if n, ok := m["doc"]; ok {
		if s.Doc, err = undescString(n); err != nil {
			return nil, err
		}
		s.Set |= connect.DocSet
	}
	if ps, ok := m["params"].([]any); ok {
		s.Parameters = map[string]string{}
		for _, p := range ps {
			kv := p.([]any)
			k, err := undescString(kv[0])
			if err != nil {
				return nil, err
			}
			if s.Parameters[k], err = undescString(kv[1]); err != nil {
				return nil, err
			}
		}
	}
	switch t {
	case connect.Array:
		if s.ValueSchema, err = descSchema(m["items"]); err != nil {
			return nil, err
		}
	case connect.Map:
		if s.KeySchema, err = descSchema(m["keys"]); err != nil {
			return nil, err
		}
		if s.ValueSchema, err = descSchema(m["values"]); err != nil {
			return nil, err
		}
	case connect.StructType:
		s.Fields = []connect.Field{}
		fs, _ := m["fields"].([]any)
		for i, f := range fs {
			nf := f.([]any)
			name, err := undescString(nf[0])
			if err != nil {
				return nil, err
			}
			fsch, err := descSchema(nf[1])
			if err != nil {
				return nil, err
			}
			s.Fields = append(s.Fields, connect.Field{Name: name, Index: i, Schema: fsch})
		}
	}
	if dv, ok := m["default"]; ok {
		if s.Default, err = descValue(s, dv); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// buildValue makes the Go value a description describes, for schema s (nil
// for none).
func descValue(s *connect.Schema, d any) (any, error) {
	if d == nil {
		return nil, nil
	}
	a, ok := d.([]any)
	if !ok || len(a) < 2 {
		return nil, fmt.Errorf("value description %v", d)
	}
	num := func() int64 {
		switch n := a[1].(type) {
		case json.Number:
			i, _ := n.Int64()
			return i
		case string:
			i, _ := strconv.ParseInt(n, 10, 64)
			return i
		case int64:
			return n
		}
		return 0
	}
	switch a[0] {
	case "int8":
		return int8(num()), nil
	case "int16":
		return int16(num()), nil
	case "int32":
		return int32(num()), nil
	case "int64":
		return num(), nil
	case "float32":
		if a[1] == "NaN" {
			return float32(math.NaN()), nil
		}
		u, err := strconv.ParseUint(a[1].(string), 16, 32)
		return math.Float32frombits(uint32(u)), err
	case "float64":
		if a[1] == "NaN" {
			return math.NaN(), nil
		}
		u, err := strconv.ParseUint(a[1].(string), 16, 64)
		return math.Float64frombits(u), err
	case "bool":
		return a[1].(bool), nil
	case "string":
		return undescString(a[1])
	case "bytes":
		return base64.StdEncoding.DecodeString(a[1].(string))
	case "decimal":
		u, ok := new(big.Int).SetString(a[1].(string), 10)
		if !ok {
			return nil, fmt.Errorf("decimal %v", a[1])
		}
		scale, _ := a[2].(json.Number).Int64()
		return connect.Decimal{Unscaled: u, Scale: int32(scale)}, nil
	case "datetime":
		return time.UnixMilli(num()).UTC(), nil
	case "array":
		var elem *connect.Schema
		if s != nil {
			elem = s.ValueSchema
		}
		out := []any{}
		for _, e := range a[1].([]any) {
			v, err := descValue(elem, e)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case "map":
		var ks, vs *connect.Schema
		if s != nil {
			ks, vs = s.KeySchema, s.ValueSchema
		}
		entries := a[1].([]any)
		keys, vals := make([]any, len(entries)), make([]any, len(entries))
		strKeys := true
		for i, e := range entries {
			kv := e.([]any)
			var err error
			if keys[i], err = descValue(ks, kv[0]); err != nil {
				return nil, err
			}
			if vals[i], err = descValue(vs, kv[1]); err != nil {
				return nil, err
			}
			_, isStr := keys[i].(string)
			strKeys = strKeys && isStr
		}
		if strKeys && (ks == nil || ks.Type == connect.String) {
			m := make(map[string]any, len(keys))
			for i, k := range keys {
				m[k.(string)] = vals[i]
			}
			return m, nil
		}
		m := make(map[any]any, len(keys))
		for i, k := range keys {
			if k != nil && !isHashable(k) {
				return nil, fmt.Errorf("a %T cannot be a Go map key", k)
			}
			m[k] = vals[i]
		}
		return m, nil
	case "struct":
		if s == nil || s.Type != connect.StructType {
			return nil, fmt.Errorf("struct value without a struct schema")
		}
		st := connect.NewStruct(s)
		for _, e := range a[1].([]any) {
			nv := e.([]any)
			name, err := undescString(nv[0])
			if err != nil {
				return nil, err
			}
			f := s.Field(name)
			if f == nil {
				return nil, fmt.Errorf("no field %q", name)
			}
			if nv[1] == nil {
				continue // unset, as the oracle leaves it
			}
			v, err := descValue(f.Schema, nv[1])
			if err != nil {
				return nil, err
			}
			if err := st.Put(name, v); err != nil {
				return nil, err
			}
		}
		return st, nil
	}
	return nil, fmt.Errorf("unknown value tag %v", a[0])
}

// canonical renders a description as JSON in one form for comparing: map
// entries and schema parameters sorted (Java's HashMap order and Go's are
// both arbitrary), every NaN alike.
func canonical(d any) string {
	b, err := json.Marshal(canonicalize(d))
	if err != nil {
		return fmt.Sprintf("unmarshalable %v", err)
	}
	return string(b)
}

func canonicalize(d any) any {
	switch d := d.(type) {
	case map[string]any:
		out := make(map[string]any, len(d))
		for k, v := range d {
			out[k] = canonicalize(v)
		}
		if ps, ok := out["params"].([]any); ok {
			sortByJSON(ps, func(x any) any { return x.([]any)[0] })
		}
		return out
	case []any:
		out := make([]any, len(d))
		for i, v := range d {
			out[i] = canonicalize(v)
		}
		if len(out) == 2 && out[0] == "map" {
			if es, ok := out[1].([]any); ok {
				sortByJSON(es, func(x any) any { return x.([]any)[0] })
			}
		}
		return out
	}
	return d
}

func sortByJSON(s []any, key func(any) any) {
	keyOf := func(x any) string {
		b, _ := json.Marshal(key(x))
		return string(b)
	}
	sort.SliceStable(s, func(i, j int) bool { return keyOf(s[i]) < keyOf(s[j]) })
}
