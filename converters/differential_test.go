//go:build integration

package converters

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/internal/javaoracle"
)

// TestDifferentialAgainstKafka feeds one corpus through Kafka's own
// JsonConverter, SimpleHeaderConverter and StringConverter (the Java harness
// in testdata/oracle, one JVM run) and through this package, and compares:
// the bytes written, and the schema and value read (or that both fail).
// Every disagreement fails the test unless it is one of the deviations
// docs/compat/converters.md lists, each recognised here by a precise rule.
//
// The corpus is random from a seed (CONNECTKIT_DIFF_SEED, fixed in CI; set
// it to a new number, or to "random", to explore) with
// CONNECTKIT_DIFF_CASES cases (default 12000), plus the hand-picked edge
// cases of edgeCases.
func TestDifferentialAgainstKafka(t *testing.T) {
	seed := uint64(20261207)
	if s := os.Getenv("CONNECTKIT_DIFF_SEED"); s == "random" {
		seed = uint64(time.Now().UnixNano())
	} else if s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		require.NoError(t, err, "CONNECTKIT_DIFF_SEED")
		seed = n
	}
	count := 12000
	if s := os.Getenv("CONNECTKIT_DIFF_CASES"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err, "CONNECTKIT_DIFF_CASES")
		count = n
	}
	t.Logf("seed %d (CONNECTKIT_DIFF_SEED=%d reproduces this corpus), %d random cases", seed, seed, count)

	corpus := append(edgeCases(t), randomCases(t, seed, count)...)
	var in bytes.Buffer
	for i := range corpus {
		c := &corpus[i]
		// Both sides build from the same parsed descriptions, in the
		// order the Go value they describe is written in (a generated
		// string may become another once built: two surrogate halves a
		// pair).
		c.schema, c.value = viaJSON(c.schema), viaJSON(c.value)
		if !strings.HasSuffix(c.op, "2c") {
			if s, err := descSchema(c.schema); err == nil {
				if v, err := descValue(s, c.value); err == nil {
					c.schema, c.value = viaJSON(describeSchema(s)), viaJSON(describeValue(v))
				}
			}
		}
		line, err := json.Marshal(c.request())
		require.NoError(t, err)
		in.Write(line)
		in.WriteByte('\n')
	}
	prog := javaoracle.Build(t, "testdata/oracle")
	start := time.Now()
	out := prog.Run(t, "ConverterOracle", in.Bytes())
	t.Logf("Kafka's converters ran %d cases in %v", len(corpus), time.Since(start).Round(time.Millisecond))

	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	documented := documentedDeviations(t)
	counts := map[string]int{}
	var failures []string
	i := 0
	for ; sc.Scan(); i++ {
		require.Less(t, i, len(corpus), "more results than cases")
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.UseNumber()
		var java result
		require.NoError(t, dec.Decode(&java), "result %d", i)
		c := &corpus[i]
		ours := c.runGo()
		if agree(c, ours, java) {
			counts["agree"]++
			continue
		}
		id := classify(c, ours, java)
		if id != "" && documented[id] {
			counts[id]++
			continue
		}
		if id != "" {
			id = " (deviation " + id + " is not in docs/compat/converters.md)"
		}
		if len(failures) < 40 {
			failures = append(failures, fmt.Sprintf("%s%s\n  ours:  %s\n  kafka: %s", c, id, ours, java))
		}
		counts["UNDOCUMENTED"]++
	}
	require.NoError(t, sc.Err())
	require.Equal(t, len(corpus), i, "results for every case")
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%-28s %6d", k, counts[k])
	}
	if len(failures) > 0 {
		t.Errorf("%d undocumented disagreements with Kafka; the first:\n%s", counts["UNDOCUMENTED"], strings.Join(failures, "\n"))
	}
}

// diffCase is one conversion, described for both sides.
type diffCase struct {
	op     string // j2c, c2j (JsonConverter), h2c, c2h (SimpleHeaderConverter), s2c, c2s (StringConverter)
	conf   map[string]string
	data   []byte // read by *2c; nil is a null record
	schema any    // written by c2*: descriptions
	value  any
	note   string // why a hand-picked case is there
}

func (c *diffCase) request() map[string]any {
	conf := c.conf
	if conf == nil {
		conf = map[string]string{}
	}
	r := map[string]any{"op": c.op, "conf": conf}
	if strings.HasSuffix(c.op, "2c") {
		if c.data == nil {
			r["data"] = nil
		} else {
			r["data"] = base64.StdEncoding.EncodeToString(c.data)
		}
	} else {
		r["schema"], r["value"] = c.schema, c.value
	}
	return r
}

func (c *diffCase) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s %v", c.op, c.conf)
	if c.note != "" {
		fmt.Fprintf(&sb, " [%s]", c.note)
	}
	if strings.HasSuffix(c.op, "2c") {
		fmt.Fprintf(&sb, " data %q", c.data)
	} else {
		s, _ := json.Marshal(c.schema)
		v, _ := json.Marshal(c.value)
		fmt.Fprintf(&sb, " schema %s value %s", s, v)
	}
	return sb.String()
}

// result is either side's outcome, in the oracle's output format.
type result struct {
	OK     bool    `json:"ok"`
	Build  bool    `json:"build,omitempty"`
	Error  string  `json:"error,omitempty"`
	Schema any     `json:"schema,omitempty"`
	Value  any     `json:"value,omitempty"`
	Bytes  *string `json:"bytes,omitempty"`
}

func (r result) String() string {
	switch {
	case !r.OK:
		return "error: " + r.Error
	case r.Bytes != nil:
		b, _ := base64.StdEncoding.DecodeString(*r.Bytes)
		return fmt.Sprintf("bytes %q", b)
	case r.Schema == nil && r.Value == nil:
		return "null (no schema, no value)"
	}
	return fmt.Sprintf("schema %s value %s", canonical(r.Schema), canonical(r.Value))
}

func (r result) bytes() []byte {
	if r.Bytes == nil {
		return nil
	}
	b, _ := base64.StdEncoding.DecodeString(*r.Bytes)
	return b
}

var (
	jsonConvs   = map[string]*JSONConverter{}
	stringConvs = map[string]*StringConverter{}
)

func confKey(conf map[string]string) string {
	b, _ := json.Marshal(conf)
	return string(b)
}

func (c *diffCase) runGo() result {
	fail := func(err error) result { return result{Error: err.Error()} }
	var (
		jc *JSONConverter
		sc *StringConverter
		hc SimpleHeaderConverter
	)
	switch c.op {
	case "j2c", "c2j":
		if jc = jsonConvs[confKey(c.conf)]; jc == nil {
			var err error
			if jc, err = NewJSONConverter(c.conf, false); err != nil {
				return fail(err)
			}
			jsonConvs[confKey(c.conf)] = jc
		}
	case "s2c", "c2s":
		if sc = stringConvs[confKey(c.conf)]; sc == nil {
			var err error
			if sc, err = NewStringConverter(c.conf, false); err != nil {
				return fail(err)
			}
			stringConvs[confKey(c.conf)] = sc
		}
	}
	if strings.HasSuffix(c.op, "2c") {
		var (
			s   *connect.Schema
			v   any
			err error
		)
		switch c.op {
		case "j2c":
			s, v, err = jc.ToConnectData("topic", c.data)
		case "h2c":
			s, v, err = hc.ToConnectHeader("topic", "header", c.data)
		default:
			s, v, err = sc.ToConnectData("topic", c.data)
		}
		if err != nil {
			return fail(err)
		}
		return roundTrip(result{OK: true, Schema: describeSchema(s), Value: describeValue(v)})
	}
	s, err := descSchema(c.schema)
	if err != nil {
		return result{Build: true, Error: err.Error()}
	}
	v, err := descValue(s, c.value)
	if err != nil {
		return result{Build: true, Error: err.Error()}
	}
	var out []byte
	switch c.op {
	case "c2j":
		out, err = jc.FromConnectData("topic", s, v)
	case "c2h":
		out, err = hc.FromConnectHeader("topic", "header", s, v)
	default:
		out, err = sc.FromConnectData("topic", s, v)
	}
	if err != nil {
		return fail(err)
	}
	r := result{OK: true}
	if out != nil {
		b := base64.StdEncoding.EncodeToString(out)
		r.Bytes = &b
	}
	return r
}

// viaJSON passes a description through JSON, numbers as json.Number.
func viaJSON(d any) any {
	b, err := json.Marshal(d)
	if err != nil {
		panic(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		panic(err)
	}
	return out
}

// roundTrip passes a Go result through JSON, so that it compares with the
// oracle's parsed one.
func roundTrip(r result) result {
	b, err := json.Marshal(r)
	if err != nil {
		return result{Error: "cannot describe result: " + err.Error()}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out result
	if err := dec.Decode(&out); err != nil {
		return result{Error: err.Error()}
	}
	return out
}

func agree(c *diffCase, ours, java result) bool {
	if !ours.OK || !java.OK {
		// Both refuse, whether Kafka's API refuses to build the schema
		// or value or its converter to convert it.
		return ours.OK == java.OK
	}
	if strings.HasSuffix(c.op, "2c") {
		return canonical(ours.Schema) == canonical(java.Schema) && canonical(ours.Value) == canonical(java.Value)
	}
	return (ours.Bytes == nil) == (java.Bytes == nil) && bytes.Equal(ours.bytes(), java.bytes())
}

// ---- Documented deviations ----

// deviation recognises one documented difference from Kafka: its id is a
// row of the table in docs/compat/converters.md, and match says whether a
// disagreement is that difference and nothing else.
type deviation struct {
	id    string
	match func(c *diffCase, ours, java result) bool
}

func oursFails(substr ...string) func(c *diffCase, ours, java result) bool {
	return func(c *diffCase, ours, java result) bool {
		if ours.OK || !java.OK {
			return false
		}
		for _, s := range substr {
			if strings.Contains(ours.Error, s) {
				return true
			}
		}
		return false
	}
}

var deviations = []deviation{
	// Reading JSON: stricter where Kafka silently changes data.
	{"trailing-text", oursFails("after top-level value")},
	{"integer-overflow", oursFails("overflows")},
	{"integer-fraction", oursFails("needs an integer, found")},
	{"json-type-mismatch", oursFails("schema needs a JSON", "is not a [key, value] pair")},
	{"temporal-range", oursFails("Date schema needs an int32", "Time schema needs milliseconds", "schema needs an integer that fits int64")},
	{"malformed-utf8", oursFails("invalid UTF-8")},
	{"go-map-keys", goMapKeys},
	// Go schemas are plain values, built without Kafka's SchemaBuilder.
	{"unchecked-default", func(c *diffCase, ours, java result) bool {
		return ours.OK && !java.OK && java.Build && strings.Contains(java.Error, "Invalid default value")
	}},
	{"float-strings", floatStrings},
	// Headers: dates where Java's calendar is Julian.
	{"julian-dates", julianDates},
	// Writing: Java 17's Double.toString.
	{"java17-double-digits", java17Digits},
	// StringConverter: Java writes a byte[]'s identity.
	{"bytes-tostring", func(c *diffCase, ours, java result) bool {
		v, _ := json.Marshal(c.value)
		return c.op == "c2s" && ours.OK && java.OK && bytes.Contains(v, []byte(`["bytes",`)) &&
			bytes.Contains(bytes.ReplaceAll(java.bytes(), []byte{0}, nil), []byte("[B@"))
	}},
}

func classify(c *diffCase, ours, java result) string {
	for _, d := range deviations {
		if d.match(c, ours, java) {
			return d.id
		}
	}
	return ""
}

// goMapKeys: Kafka keys maps by arrays, maps and byte arrays too, which
// Go map keys cannot be: reading JSON refuses the map; reading a header
// keeps the text as a STRING.
func goMapKeys(c *diffCase, ours, java result) bool {
	if c.op == "j2c" {
		return oursFails("cannot be Go map keys")(c, ours, java)
	}
	if c.op != "h2c" || !ours.OK || !java.OK || canonical(ours.Value) != canonical([]any{"string", string(c.data)}) {
		return false
	}
	found := false
	var walk func(d any)
	walk = func(d any) {
		a, ok := d.([]any)
		if !ok || len(a) < 2 {
			return
		}
		es, _ := a[1].([]any)
		for _, e := range es {
			if a[0] == "map" {
				kv := e.([]any)
				if k, ok := kv[0].([]any); ok && (k[0] == "array" || k[0] == "map" || k[0] == "bytes") {
					found = true
				}
				walk(kv[0])
				walk(kv[1])
			} else if a[0] == "array" {
				walk(e)
			}
		}
	}
	walk(java.Value)
	return found
}

// julianDates: Kafka reads a header date or timestamp before 1583 in
// Java's Julian calendar; this package leaves such text as it is.
func julianDates(c *diffCase, ours, java result) bool {
	if c.op != "h2c" || !ours.OK || !java.OK {
		return false
	}
	const gregorian = -12212553600000 // 1583-01-01T00:00:00Z
	early := false
	var walk func(d any)
	walk = func(d any) {
		a, ok := d.([]any)
		if !ok || len(a) < 2 {
			return
		}
		if a[0] == "datetime" {
			ms, _ := strconv.ParseInt(fmt.Sprint(a[1]), 10, 64)
			early = early || ms < gregorian
		}
		for _, e := range a[1:] {
			walk(e)
		}
	}
	walk(java.Value)
	return early
}

// floatStrings: Kafka reads the "NaN", "Infinity" and "-Infinity" it
// writes for float values back as 0; this package reads them back.
var floatStringValue = regexp.MustCompile(`"(?:NaN|Infinity|-Infinity)"([ \t\r\n]*)([^: \t\r\n]|$)`)

func floatStrings(c *diffCase, ours, java result) bool {
	if c.op != "j2c" || !java.OK || !bytes.Contains(c.data, []byte(`Infinity"`)) && !bytes.Contains(c.data, []byte(`"NaN"`)) {
		return false
	}
	// Ours agrees once those strings are the zero Kafka reads them as.
	// (As values: not as object keys, which a ':' follows; and only
	// those read as floats, so each subset of them is tried.)
	found := floatStringValue.FindAllSubmatchIndex(c.data, -1)
	if len(found) > 8 {
		found = found[:8]
	}
	for mask := 1; mask < 1<<len(found); mask++ {
		var zeroed []byte
		last := 0
		for k, m := range found {
			if mask&(1<<k) == 0 {
				continue
			}
			zeroed = append(zeroed, c.data[last:m[0]]...)
			zeroed = append(zeroed, '0')
			last = m[2] // the white space and byte after the string stay
		}
		zeroed = append(zeroed, c.data[last:]...)
		again := diffCase{op: c.op, conf: c.conf, data: zeroed}
		if agree(c, again.runGo(), java) {
			return true
		}
	}
	return false
}

// java17Digits: both outputs are the same JSON but for the digits of some
// doubles or floats, where Java 17's Double.toString prints a longer form
// of the same value (JDK-4511638, fixed in Java 19), which this package's
// shortest-round-trip form equals.
func java17Digits(c *diffCase, ours, java result) bool {
	if c.op != "c2j" && c.op != "c2h" && c.op != "c2s" || !ours.OK || !java.OK {
		return false
	}
	a, b := ours.bytes(), java.bytes()
	if c.op == "c2s" { // compare the text, not its bytes in UTF-16
		cs, _ := lookupCharset(c.conf["converter.encoding"])
		a, b = []byte(cs.decode(a)), []byte(cs.decode(b))
	}
	num := regexp.MustCompile(`-?[0-9]+(\.[0-9]+)?(E-?[0-9]+)?`)
	if c.op == "c2s" && !utf8.Valid(a) {
		return false
	}
	as, bs := num.FindAllIndex(a, -1), num.FindAllIndex(b, -1)
	if len(as) != len(bs) || len(as) == 0 {
		return false
	}
	changed := false
	for k := range as {
		na, nb := string(a[as[k][0]:as[k][1]]), string(b[bs[k][0]:bs[k][1]])
		if na == nb {
			continue
		}
		fa, err1 := strconv.ParseFloat(na, 64)
		fb, err2 := strconv.ParseFloat(nb, 64)
		fa32, err3 := strconv.ParseFloat(na, 32)
		fb32, err4 := strconv.ParseFloat(nb, 32)
		if err1 != nil || err2 != nil || (fa != fb && (err3 != nil || err4 != nil || float32(fa32) != float32(fb32))) || len(na) > len(nb) {
			return false
		}
		changed = true
	}
	// Outside the numbers, the texts are equal.
	return changed && string(num.ReplaceAll(a, []byte("#"))) == string(num.ReplaceAll(b, []byte("#")))
}

// documentedDeviations reads the ids in the deviations table of
// docs/compat/converters.md (rows "| `id` | ..."), and checks that every
// deviation recognised here is documented and every documented one
// recognised.
func documentedDeviations(t *testing.T) map[string]bool {
	doc, err := os.ReadFile("../docs/compat/converters.md")
	require.NoError(t, err)
	ids := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z0-9-]+)` \\|").FindAllSubmatch(doc, -1) {
		ids[string(m[1])] = true
	}
	for _, d := range deviations {
		require.True(t, ids[d.id], "deviation %s is recognised by the test but not documented", d.id)
	}
	for id := range ids {
		found := false
		for _, d := range deviations {
			found = found || d.id == id
		}
		require.True(t, found, "documented deviation %s is not recognised by the test", id)
	}
	return ids
}

// ---- The corpus ----

var jsonConfs = func() []map[string]string {
	var out []map[string]string
	for _, se := range []string{"true", "false"} {
		for _, df := range []string{"BASE64", "NUMERIC"} {
			for _, rn := range []string{"true", "false"} {
				out = append(out, map[string]string{"schemas.enable": se, "decimal.format": df, "replace.null.with.default": rn})
			}
		}
	}
	return out
}()

var charsetNames = []string{"UTF-8", "ISO-8859-1", "US-ASCII", "UTF-16", "UTF-16BE", "UTF-16LE"}

func randomCases(t *testing.T, seed uint64, n int) []diffCase {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	out := make([]diffCase, 0, n)
	for len(out) < n {
		conf := jsonConfs[g.n(len(jsonConfs))]
		switch k := g.n(20); {
		case k < 8: // JsonConverter reading
			var text string
			if conf["schemas.enable"] == "true" {
				if g.p(0.1) {
					text = `{"schema":null,"payload":` + g.plainJSON(g.plain(3)) + "}"
				} else {
					s := g.schema(3)
					text = "{" + g.ws() + `"schema":` + g.ws() + g.schemaJSON(s, "") + "," + g.ws() + `"payload":` + g.ws() + g.valueJSON(s, g.value(s, 3)) + g.ws() + "}"
					if g.p(0.1) {
						text = `{"payload":` + g.valueJSON(s, g.value(s, 3)) + `,"schema":` + g.schemaJSON(s, "") + "}"
					}
				}
			} else {
				text = g.plainJSON(g.plain(4))
			}
			data := []byte(text)
			if g.p(0.15) {
				data = g.damage(data)
			}
			out = append(out, diffCase{op: "j2c", conf: conf, data: data})
		case k < 14: // JsonConverter writing
			var s *connect.Schema
			if g.p(0.8) {
				s = g.schema(3)
			}
			v := g.value(s, 3)
			if g.p(0.05) {
				v = nil
			}
			out = append(out, diffCase{op: "c2j", conf: conf, schema: describeSchema(s), value: describeValue(v)})
		case k < 16: // SimpleHeaderConverter reading
			out = append(out, diffCase{op: "h2c", data: []byte(g.headerText(2))})
		case k < 18: // SimpleHeaderConverter writing
			s := g.schema(2)
			out = append(out, diffCase{op: "c2h", schema: describeSchema(s), value: describeValue(g.value(s, 2))})
		case k < 19: // StringConverter reading
			cs := map[string]string{"converter.encoding": charsetNames[g.n(len(charsetNames))]}
			var data []byte
			if g.p(0.5) {
				data = []byte(g.str())
			} else {
				data = g.bytes()
			}
			out = append(out, diffCase{op: "s2c", conf: cs, data: data})
		default: // StringConverter writing
			cs := map[string]string{"converter.encoding": charsetNames[g.n(len(charsetNames))]}
			s := g.schema(2)
			v := g.value(s, 2)
			if g.p(0.5) {
				s, v = connect.StringSchema, g.str()
			}
			out = append(out, diffCase{op: "c2s", conf: cs, schema: describeSchema(s), value: describeValue(v)})
		}
	}
	return out
}
