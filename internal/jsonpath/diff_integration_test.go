//go:build integration

package jsonpath

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/connectkit/connectkit/internal/javaoracle"
)

// The outcomes of a condition on a document.
const (
	outForward   = "forward"
	outDrop      = "drop"
	outConfigErr = "config-error"
)

// TestDifferentialJayway compares this package's answers with Jayway
// 2.6.0's under kakao's rule, !JsonPath.read(doc, cond).toString().equals("[]"),
// on the hand-picked pairs and on generated ones: a fixed seed in CI,
// CONNECTKIT_JSONPATH_SEED=<n> (or "random") by hand, and
// CONNECTKIT_JSONPATH_PAIRS pairs (40,000 by default). Every disagreement
// fails the test unless docs/compat/jsonpath.md lists it.
func TestDifferentialJayway(t *testing.T) {
	seed, n := diffParams(t, 40000)
	t.Logf("seed %d, %d generated pairs", seed, n)
	pairs := append(handPicked(), genPairs(seed, n)...)

	var in bytes.Buffer
	for _, p := range pairs {
		in.WriteString(base64.StdEncoding.EncodeToString([]byte(p.cond)))
		in.WriteByte('\t')
		in.WriteString(base64.StdEncoding.EncodeToString([]byte(p.doc)))
		in.WriteByte('\n')
	}
	prog := javaoracle.Build(t, "testdata/jayway")
	start := time.Now()
	out := prog.Run(t, "JaywayOracle", in.Bytes())
	t.Logf("Jayway answered in %v", time.Since(start))
	var java []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		java = append(java, sc.Text())
	}
	require.Len(t, java, len(pairs))

	devs := loadDeviations(t, "../../docs/compat/jsonpath.md")
	start = time.Now()
	compiled := map[string]*Condition{}
	var wholeScratch Scratch
	compileErr := map[string]error{}
	var unlisted, listed int
	byClass := map[string]int{}
	var examples []string
	shown := map[string]bool{}
	for i, p := range pairs {
		c, seen := compiled[p.cond]
		err := compileErr[p.cond]
		if !seen {
			c, err = CompileCondition(p.cond)
			compiled[p.cond], compileErr[p.cond] = c, err
		}
		ours, ourErr := outConfigErr, ""
		if err != nil {
			ourErr = err.Error()
		}
		if err == nil {
			ok, derr := c.MatchJSON([]byte(p.doc))
			require.NoError(t, derr, "document %s", p.doc)
			ours = outDrop
			if ok {
				ours = outForward
			}
			// The projection must not change the answer.
			whole, derr := wholeScratch.Decode([]byte(p.doc), nil)
			require.NoError(t, derr)
			require.Equal(t, ok, c.Match(whole), "%q on %s: the projected and the whole document disagree", p.cond, p.doc)
		}
		theirs := outDrop
		switch {
		case strings.HasPrefix(java[i], "F"):
			theirs = outForward
		case strings.HasPrefix(java[i], "C"):
			theirs = outConfigErr
		}
		if ours == theirs {
			continue
		}
		if d := devs.find(p, ours, ourErr, theirs); d != nil {
			listed++
			byClass["listed: "+d.reason]++
			continue
		}
		unlisted++
		byClass[fmt.Sprintf("ours %s, Jayway %s", ours, theirs)]++
		if len(examples) < 80 && !shown[p.cond] {
			shown[p.cond] = true
			examples = append(examples, fmt.Sprintf("%q on %s: ours %s, Jayway %s (%s)", p.cond, p.doc, ours, theirs, java[i]))
		}
	}
	t.Logf("evaluated %d pairs in %v", len(pairs), time.Since(start))
	t.Logf("disagreements: %d unlisted, %d listed in docs/compat/jsonpath.md, of %d pairs (%.2f%% in all)",
		unlisted, listed, len(pairs), 100*float64(unlisted+listed)/float64(len(pairs)))
	classes := make([]string, 0, len(byClass))
	for k := range byClass {
		classes = append(classes, k)
	}
	sort.Strings(classes)
	for _, k := range classes {
		t.Logf("  %6d  %s", byClass[k], k)
	}
	if unlisted > 0 {
		t.Errorf("%d disagreements with Jayway are not listed in docs/compat/jsonpath.md; for example:\n%s",
			unlisted, strings.Join(examples, "\n"))
	}
}

// deviation is a row of the deviations table: the conditions and
// documents it covers (regular expressions), the two outcomes (ours
// possibly with a regular expression on our error message), and why.
type deviation struct {
	cond, doc, ourErr *regexp.Regexp
	ours, jayway      string
	reason            string
}

type deviations []deviation

func (ds deviations) find(p pair, ours, ourErr, jayway string) *deviation {
	for i := range ds {
		d := &ds[i]
		if d.ours == ours && d.jayway == jayway && d.cond.MatchString(p.cond) && d.doc.MatchString(p.doc) &&
			(d.ourErr == nil || d.ourErr.MatchString(ourErr)) {
			return d
		}
	}
	return nil
}

// loadDeviations reads the table under "## Deviations" in path: rows of
// | condition | document | ours | Jayway | reason |, the first two as
// regular expressions in backquotes (\| for a bar); ours may be
// "config-error: `re`", which also needs our error message to match re.
func loadDeviations(t *testing.T, path string) deviations {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	_, table, ok := strings.Cut(string(b), "\n## Deviations")
	require.True(t, ok, "%s has no Deviations section", path)
	if i := strings.Index(table, "\n## "); i >= 0 {
		table = table[:i]
	}
	var out deviations
	for _, line := range strings.Split(table, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := splitRow(line)
		require.Len(t, cells, 5, "row %s", line)
		re := func(s string) *regexp.Regexp {
			s = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "`"), "`")
			r, err := regexp.Compile(s)
			require.NoError(t, err, "row %s", line)
			return r
		}
		d := deviation{cond: re(cells[0]), doc: re(cells[1]), ours: strings.TrimSpace(cells[2]),
			jayway: strings.TrimSpace(cells[3]), reason: strings.TrimSpace(cells[4])}
		if o, msg, ok := strings.Cut(d.ours, ":"); ok {
			d.ours, d.ourErr = o, re(msg)
		}
		out = append(out, d)
	}
	return out
}

// splitRow splits a Markdown table row at the bars that are not escaped.
func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(strings.TrimSuffix(line, "|"), "|")
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		if line[i] == '\\' && i+1 < len(line) && line[i+1] == '|' {
			cur.WriteByte('|')
			i++
			continue
		}
		if line[i] == '|' {
			cells = append(cells, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteByte(line[i])
	}
	return append(cells, cur.String())
}

// TestDifferentialJaywayText compares the text of key and timestamp paths
// (Path.TextIn) with Jayway's JsonPath.read(doc, path).toString(), where
// kakao takes any exception for a missing key (null) or timestamp (now),
// on generated paths and documents. Every disagreement fails the test
// unless docs/compat/jsonpath.md lists it, with "text" as Jayway's column
// when the texts differ.
func TestDifferentialJaywayText(t *testing.T) {
	seed, n := diffParams(t, 20000)
	t.Logf("seed %d, %d generated pairs", seed, n)
	pairs := genTextPairs(seed, n)
	var in bytes.Buffer
	for _, p := range pairs {
		in.WriteString(base64.StdEncoding.EncodeToString([]byte(p.cond)))
		in.WriteByte('\t')
		in.WriteString(base64.StdEncoding.EncodeToString([]byte(p.doc)))
		in.WriteByte('\n')
	}
	prog := javaoracle.Build(t, "testdata/jayway")
	out := prog.Run(t, "JaywayText", in.Bytes())
	var java []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		java = append(java, sc.Text())
	}
	require.Len(t, java, len(pairs))
	devs := loadDeviations(t, "../../docs/compat/jsonpath.md")
	var unlisted, listed, same int
	var examples []string
	for i, p := range pairs {
		var ours, ourText, ourErr string
		path, err := CompilePath(p.cond)
		switch {
		case err != nil:
			ours, ourErr = outConfigErr, err.Error()
		default:
			var s Scratch
			doc, derr := s.Decode([]byte(p.doc), &path.proj)
			require.NoError(t, derr)
			if text, ok := path.TextIn(doc); ok {
				ours, ourText = "text", text
			} else {
				ours = "null"
			}
		}
		theirs, theirText := "null", ""
		switch {
		case strings.HasPrefix(java[i], "C"):
			theirs = outConfigErr
		case strings.HasPrefix(java[i], "V "):
			b, err := base64.StdEncoding.DecodeString(java[i][2:])
			require.NoError(t, err)
			theirs, theirText = "text", string(b)
		}
		if ours == theirs && ourText == theirText {
			same++
			continue
		}
		if ours == "text" && theirs == "text" {
			ours, theirs = "text", "other-text"
		}
		if d := devs.find(p, ours, ourErr, theirs); d != nil {
			listed++
			continue
		}
		unlisted++
		if len(examples) < 40 {
			examples = append(examples, fmt.Sprintf("%q on %s: ours %s %q, Jayway %s %q (%s)", p.cond, p.doc, ours, ourText, theirs, theirText, java[i]))
		}
	}
	t.Logf("text disagreements: %d unlisted, %d listed, of %d pairs", unlisted, listed, len(pairs))
	if unlisted > 0 {
		t.Errorf("%d text disagreements with Jayway are not listed in docs/compat/jsonpath.md; for example:\n%s",
			unlisted, strings.Join(examples, "\n"))
	}
}

// diffParams returns the seed (CONNECTKIT_JSONPATH_SEED: a number, or
// "random"; 1 by default) and the number of generated pairs
// (CONNECTKIT_JSONPATH_PAIRS, or def).
func diffParams(t *testing.T, def int) (uint64, int) {
	t.Helper()
	seed := uint64(1)
	switch s := os.Getenv("CONNECTKIT_JSONPATH_SEED"); s {
	case "":
	case "random":
		seed = uint64(time.Now().UnixNano())
	default:
		v, err := strconv.ParseUint(s, 10, 64)
		require.NoError(t, err, "CONNECTKIT_JSONPATH_SEED")
		seed = v
	}
	n := def
	if s := os.Getenv("CONNECTKIT_JSONPATH_PAIRS"); s != "" {
		var err error
		n, err = strconv.Atoi(s)
		require.NoError(t, err, "CONNECTKIT_JSONPATH_PAIRS")
	}
	return seed, n
}
