package secretcheck

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestAssertNoLeak(t *testing.T) {
	c := NewCheck(rand.New(rand.NewPCG(1, 2)))
	s := c.Secret("the password")
	assert.Len(t, s, 24)
	c.Add("clean logs", "nothing to see [hidden]")
	rec := &recorder{TB: t}
	c.AssertNoLeak(rec)
	assert.Empty(t, rec.errors)

	c.Add("json response", `{"password":`+strconv.Quote(s[:12]+`"`+s[12:])+`}`) // escaping breaks the whole secret
	c.AssertNoLeak(rec)
	if assert.Len(t, rec.errors, 1) {
		assert.Contains(t, rec.errors[0], "the secret of the password appears in json response")
	}
}
