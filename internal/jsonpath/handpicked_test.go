package jsonpath

// handPicked are the pairs the differential test always runs: each class
// of difference issue 12 found, kakao's own examples and the conditions of
// the benchmarks, on documents chosen to tell the answers apart.
func handPicked() []pair {
	docs := []string{
		`{"eventType":"click","a":1,"b":2,"tags":["a","b"],"n":5}`,
		`{"events":[{"eventType":"click"},{"eventType":"view"}]}`,
		`{"a":{"eventType":"view","x":1},"b":[{"x":2}]}`,
		`[{"eventType":"click","n":100},{"eventType":"view","n":"5"}]`,
		`{"tags":"a","n":99.999999999999999,"x":null}`,
		`{"tags":null,"n":9007199254740992,"a":[1,2,3]}`,
		`{"n":9007199254740993,"a":"[1,2,3]","b":"a\nb"}`,
		`{"a":"Ä","b":"ä","x":{"x":{"x":1}}}`,
		`{"a":[],"b":{},"tags":[],"n":1e2}`,
		`{"all":false}`, `{"all":null}`, `{}`, `[]`, `5`, `"str"`, `null`,
		`{"data":{"type":"company","name":"kakao"},"timestamp":"20221128 120524 645"}`,
		`{"event":"click","user":{"id":1,"country":"KR","premium":true},"page":"/item/1","score":60.5,"tags":["a","b"]}`,
		`{"n":100,"price":[1,2.5,3],"items":[{"price":1},{"price":"2"}]}`,
		`{"a":"click","b":"CLICK","n":-0.0,"x":"a b"}`,
	}
	conds := []string{
		// kakao's default, its README's and its tests' conditions
		"$.[?( !@.all )]", "$[?(!@.all)]", "$.[?(@.data.name == 'kakao')]",
		// the benchmarks'
		"$.[?(@.event == 'click')]", "$.[?(@.user.country == 'KR' && @.user.premium == true)]",
		"$.[?(@.page =~ /\\/item\\/1.*/ || @.score > 50)]",
		// filters with deep scans, wildcards, slices
		"$..[?(@.eventType == 'click')]", "$..[?(@.x)]", "$.*[?(@.eventType)]", "$[*][?(@.n)]", "$[0:2][?(@.n == 100)]",
		"$.events[*][?(@.eventType == 'click')]", "$..events[?(@.eventType == 'view')]", "$.*", "$..x", "$..*", "$[*]",
		"$.events[0:1]", "$[-1:]", "$['a','b']", "$.a['x','eventType']",
		// && and || without spaces after a bare path
		"$[?(@.a||@.b)]", "$[?(@.a&&@.b)]", "$[?(@.all||@.x)]", "$[?(@.n==5||@.a==1)]", "$[?(@.a&&@.n>1)]", "$[?(!@.a||@.b)]",
		// anyof, noneof, subsetof on missing or non-array values; exists
		"$[?(@.tags anyof ['a','z'])]", "$[?(@.tags noneof ['a','z'])]", "$[?(@.tags subsetof ['a','b','c'])]",
		"$[?(@.missing anyof ['a'])]", "$[?(@.missing noneof ['a'])]", "$[?(@.missing subsetof ['a'])]",
		"$[?(@.tags anyof [])]", "$[?(@.tags noneof [])]", "$[?(@.tags subsetof [])]",
		"$[?(@.x exists true)]", "$[?(@.x exists false)]", "$[?(@.missing exists false)]",
		// list equality and @..x in filters
		"$[?(@.a == [1,2,3])]", "$[?(@.a == [1, 2, 3])]", "$[?(@.a != [1,2,3])]", "$[?(@.tags == ['a','b'])]",
		"$[?(@..x == 1)]", "$[?(@..x)]", "$[?(@..eventType == 'click')]", "$[?(@..x contains 1)]",
		// numbers as BigDecimal
		"$[?(@.n == 99.999999999999999)]", "$[?(@.n == 100)]", "$[?(100 == 99.999999999999999)]",
		"$[?(@.n == 9007199254740993)]", "$[?(@.n == 9007199254740992)]", "$[?(@.n > 9007199254740992)]",
		"$[?(@.n == 1e2)]", "$[?(@.n == '100')]", "$[?(@.n == 100.0)]", "$[?(@.n < 0)]", "$[?(@.n == -0)]",
		// regular expressions and their flags
		"$[?(@.b =~ /^b$/m)]", "$[?(@.b =~ /b$/)]", "$[?(@.a =~ /ä/i)]", "$[?(@.a =~ /ä/iu)]", "$[?(@.a =~ /CLICK/i)]",
		"$[?(@.a =~ /c l i c k/x)]", "$[?(@.a =~ /\\u0063lick/)]", "$[?(@.x =~ /a\\sb/)]", "$[?(@.a =~ /(?=c)click/)]",
		"$[?(@.a =~ /(c)\\1/)]", "$[?(@.a =~ /\\p{Lu}+/)]", "$[?(@.a =~ /[[:alpha:]]+/)]", "$[?(@.a =~ /a.b/s)]",
		// functions
		"$.length()", "$.tags.length()", "$.a.length()", "$.tags.size()", "$[?(@.tags.length() > 1)]", "$[?(@.tags.length() == 2)]",
		"$.price.min()", "$.price.max()", "$.price.avg()", "$.price.stddev()", "$.price.sum()", "$..price.sum()",
		"$.keys()", "$.tags.first()", "$.tags.last()", "$.tags.index(0)", "$.tags.index(-1)", "$.tags.concat('x')",
		"$.tags.append(1)", "$.a.min()", "$..n.max()", "$[?(@.price.sum() > 5)]", "$.x.keys()",
		// more than one filter per path
		"$[?(@.a)][?(@.b)]", "$[?(@.eventType)][?(@.n == 100)]", "$..[?(@.x)][?(@.x == 2)]",
		// paths and syntax at the edges
		"$", "@", "$.", "$..", "$.a.", "$[?(@.a)", "$[?(@.a == )]", "$['a", "$.a b", "[?(@.a)]", "a", "$[?(@.a in ['x', 1])]",
		"$[?(@ == 5)]", "$[?(@.* == 1)]", "$[?(@.a.b.c)]", "$[?($.n == 5)]", "$[?(@.n == $.n)]", "$[?(@.a === 1)]",
		"$[?(@.n === '5')]", "$[?(@.a !== 1)]", "$[?(@.a empty true)]", "$[?(@.a empty false)]", "$[?(@.tags size 2)]",
		"$[?(@.a size 5)]", "$[?(@.tags contains 'a')]", "$[?(@.a contains 'lic')]", "$[?(@.tags all ['a','b'])]",
		"$[?(@.a == {\"x\":1})]", "$[?(@.b == {})]", "$[?(@.a == true)]", "$[?(@.x == null)]", "$[?(@.x != null)]",
	}
	var out []pair
	for _, c := range issue12Cases {
		out = append(out, pair{c.cond, c.doc})
	}
	for _, c := range conds {
		for _, d := range docs {
			out = append(out, pair{c, d})
		}
	}
	return out
}
