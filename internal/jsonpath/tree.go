package jsonpath

// omap is an object decoded whole: its keys in document order, as
// json-smart's LinkedHashMap keeps them; a repeated key keeps its first
// place and its last value.
type omap struct {
	keys []string
	vals []any
	idx  map[string]int // built for large objects
}

const omapIndexAt = 16

func (m *omap) find(k string) int {
	if m.idx != nil {
		if i, ok := m.idx[k]; ok {
			return i
		}
		return -1
	}
	for i, x := range m.keys {
		if x == k {
			return i
		}
	}
	return -1
}

func (m *omap) get(k string) (any, bool) {
	if i := m.find(k); i >= 0 {
		return m.vals[i], true
	}
	return nil, false
}

func (m *omap) put(k string, v any) {
	if i := m.find(k); i >= 0 {
		m.vals[i] = v
		return
	}
	m.keys, m.vals = append(m.keys, k), append(m.vals, v)
	switch {
	case m.idx != nil:
		m.idx[k] = len(m.keys) - 1
	case len(m.keys) > omapIndexAt:
		m.idx = make(map[string]int, len(m.keys)*2)
		for i, x := range m.keys {
			m.idx[x] = i
		}
	}
}

// isBigDecimal reports whether json-smart, in Jayway's permissive mode,
// reads the number n as a BigDecimal: a fraction or exponent written with
// more than 18 characters.
func (n number) isBigDecimal() bool { return len(n) > 18 }

// javaEqual is Java's equals between two values json-smart made (or
// functions returned): lists and maps element by element, numbers only
// within the same class (an Integer 5 is not a Double 5.0).
func javaEqual(a, b any) bool {
	switch a := a.(type) {
	case *omap:
		return mapEqual(a, b)
	case *object:
		return mapEqual(a, b)
	case []any:
		ba, ok := b.([]any)
		if !ok || len(a) != len(ba) {
			return false
		}
		for i := range a {
			if !javaEqual(a[i], ba[i]) {
				return false
			}
		}
		return true
	case string, bool, nil:
		return a == b
	}
	ca, ta := javaNumberClass(a)
	cb, tb := javaNumberClass(b)
	return ca != "" && ca == cb && ta == tb
}

func mapEqual(a, b any) bool {
	if !isMap(b) {
		return false
	}
	ka, kb := mapKeys(a), mapKeys(b)
	if len(ka) != len(kb) {
		return false
	}
	for _, k := range ka {
		bv := mapGet(b, k)
		if bv == undefined || !javaEqual(mapGet(a, k), bv) {
			return false
		}
	}
	return true
}

// javaNumberClass returns the Java class and toString of a number.
func javaNumberClass(v any) (string, string) {
	switch v := v.(type) {
	case number:
		return javaClass(v), javaNumber(v)
	case jdouble:
		return "Double", javaDouble(float64(v))
	case jint:
		return "Integer", javaInt(int(v))
	}
	return "", ""
}
