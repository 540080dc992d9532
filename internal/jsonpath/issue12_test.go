package jsonpath

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// issue12Cases are one or two pairs per class of difference issue 12
// found, with Jayway 2.6.0's answer under kakao's rule (forward or not);
// the differential test checks these answers against Jayway itself.
var issue12Cases = []struct {
	cond, doc string
	forward   bool
}{
	{`$..[?(@.eventType == 'click')]`, `{"events":[{"eventType":"view"},{"eventType":"click"}]}`, true},
	{`$..[?(@.eventType == 'click')]`, `{"events":[{"eventType":"view"}]}`, false},
	{`$.*[?(@.n > 1)]`, `{"a":{"n":2},"b":{"n":0}}`, true},
	{`$[0:2][?(@.n == 3)]`, `[{"n":1},{"n":2},{"n":3}]`, false},
	{`$[?(@.a||@.b)]`, `{"a":1,"b":2}`, false},
	{`$[?(@.a || @.b)]`, `{"a":1,"b":2}`, true},
	{`$[?(@.a&&@.b)]`, `{"a":1,"b":2}`, false},
	{`$[?(@.tags anyof ['a'])]`, `{"tags":"a"}`, false},
	{`$[?(@.tags noneof ['a'])]`, `{}`, false},
	{`$[?(@.tags noneof ['a'])]`, `{"tags":["b"]}`, true},
	{`$[?(@.tags subsetof ['a','b'])]`, `{"tags":null}`, false},
	{`$[?(@.tags subsetof ['a','b'])]`, `{"tags":["a"]}`, true},
	{`$[?(@.a exists true)]`, `{"a":1}`, false},
	{`$[?(@.a exists true)]`, `{"a":true}`, true},
	{`$[?(@.a == [1,2,3])]`, `{"a":[1,2,3]}`, true},
	{`$[?(@.a == [1,2,3])]`, `{"a":[1.0,2,3]}`, false},
	{`$[?(@..x == 1)]`, `{"a":{"x":1}}`, false},
	{`$[?(@..x)]`, `{"a":1}`, true},
	{`$[?(100 == 99.999999999999999)]`, `{}`, false},
	{`$[?(@.n == 100)]`, `{"n":99.999999999999999}`, true},
	{`$[?(@.n == 9007199254740993)]`, `{"n":9007199254740992}`, false},
	{`$[?(@.n > 9007199254740992)]`, `{"n":9007199254740993}`, true},
	{`$[?(@.a =~ /^b$/m)]`, `{"a":"a\nb"}`, false},
	{`$[?(@.a =~ /ä/i)]`, `{"a":"Ä"}`, false},
	{`$[?(@.a =~ /ä/iu)]`, `{"a":"Ä"}`, true},
	{`$[?(@.a =~ /c l i c k/x)]`, `{"a":"click"}`, true},
	{`$[?(@.a =~ /\u0063lick/)]`, `{"a":"click"}`, true},
	{`$[?(@.a =~ /a.b/)]`, `{"a":"a\rb"}`, false},
	{`$.tags.length()`, `{"tags":[]}`, true},
	{`$[?(@.tags.length() == 2)]`, `{"tags":["a","b"]}`, true},
	{`$.price.max()`, `{"price":[-1,-2]}`, true},
	{`$.price.sum()`, `{"price":[]}`, false},
	{`$..price.sum()`, `{"a":{"price":1},"b":{"price":2}}`, true},
	{`$.keys()`, `{}`, false},
	{`$.tags.concat("x")`, `{"tags":[]}`, true},
	{`$[?(@.a)][?(@.b)]`, `[{"a":1,"b":1},{"a":1}]`, true},
	{`$[?(@.a)][?(@.b)]`, `[{"a":1}]`, false},
}

// Each class of difference issue 12 lists now gives Jayway's answer: deep
// scans, wildcards and slices with filters, && and || after a bare path,
// anyof/noneof/subsetof on missing or non-array values, exists, list
// equality, @..x in filters, BigDecimal numbers, regex flags, functions,
// several filters per path.
func TestIssue12Classes(t *testing.T) {
	for _, c := range issue12Cases {
		cond, err := CompileCondition(c.cond)
		require.NoError(t, err, c.cond)
		got, err := cond.MatchJSON([]byte(c.doc))
		require.NoError(t, err, c.doc)
		assert.Equal(t, c.forward, got, "%s on %s", c.cond, c.doc)
	}
}
