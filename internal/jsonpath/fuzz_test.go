package jsonpath

import (
	"fmt"
	"testing"
	"time"
)

// FuzzCondition compiles any text as a condition and evaluates it on any
// document: no input may panic or hang, whatever Jayway would say of it.
func FuzzCondition(f *testing.F) {
	for i, p := range handPicked() {
		if i%7 == 0 {
			f.Add(p.cond, p.doc)
		}
	}
	f.Fuzz(func(t *testing.T, cond, doc string) {
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(3 * time.Second):
				panic(fmt.Sprintf("HANG cond=%q doc=%q", cond, doc))
			}
		}()
		c, err := CompileCondition(cond)
		if err != nil {
			return
		}
		_, _ = c.MatchJSON([]byte(doc))
		var s Scratch
		if d, err := s.Decode([]byte(doc), nil); err == nil {
			_ = c.Match(d)
		}
		if p, err := CompilePath(cond); err == nil {
			_, _, _ = p.Text([]byte(doc))
		}
	})
}
