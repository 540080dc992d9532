package jsonpath_test

import (
	"fmt"

	"github.com/connectkit/connectkit/internal/jsonpath"
)

// Conditions give Jayway's answers: a filter on an object tests the object
// itself, !@.x tests absence, and == is loose between strings and numbers.
func ExampleCompileCondition() {
	cond, err := jsonpath.CompileCondition("$.[?(@.color == 'red' && !@.all && @.n == 5)]")
	if err != nil {
		panic(err)
	}
	for _, doc := range []string{
		`{"color":"red","n":"5"}`,
		`{"color":"red","n":5,"all":false}`,
		`[{"color":"blue"},{"color":"red","n":5.0}]`,
		`{"color":"red"`,
	} {
		ok, err := cond.MatchJSON([]byte(doc))
		fmt.Println(doc, ok, err != nil)
	}
	// Output:
	// {"color":"red","n":"5"} true false
	// {"color":"red","n":5,"all":false} false false
	// [{"color":"blue"},{"color":"red","n":5.0}] true false
	// {"color":"red" false true
}
