// Package secretcheck finds generated secrets in what a test run produced:
// logs, errors, REST responses, metrics, generated docs. A test makes each
// secret with [Check.Secret], sets it where a user would (a PASSWORD key,
// a ${file:...} provider, sasl.jaas.config), runs the code, hands every
// text it produced to [Check.Add], and calls [Check.AssertNoLeak].
//
// The secrets are long and random, so a text holds one only if the code
// put it there. Short secrets cannot be searched for (a one-letter secret
// is in every word); test them by comparing outputs for different secrets
// instead.
package secretcheck

import (
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"testing"
)

// Alphabet holds the characters of generated secrets: letters, digits and
// the punctuation that passwords often hold and that quoting or escaping
// would change.
const Alphabet = `abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#%&()*+,-./;<>?@[]^_{|}~`

// New returns a random secret of n characters from [Alphabet].
func New(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = Alphabet[r.IntN(len(Alphabet))]
	}
	return string(b)
}

// Check holds the secrets of a scenario and the texts it produced. Its
// methods are safe to call from any goroutine.
type Check struct {
	r       *rand.Rand
	mu      sync.Mutex
	secrets map[string]string // secret -> where it was set
	texts   map[string]string // where -> what was produced
}

// NewCheck returns a Check whose secrets come from r.
func NewCheck(r *rand.Rand) *Check {
	return &Check{r: r, secrets: map[string]string{}, texts: map[string]string{}}
}

// Secret returns a new 24-character secret, to be set where says.
func (c *Check) Secret(where string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := New(c.r, 24)
	c.secrets[s] = where
	return s
}

// Add records text as produced by where (appended to what where produced
// before).
func (c *Check) Add(where, text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.texts[where] += text
}

// AssertNoLeak fails t for every text holding a secret, or its first or
// last 10 characters (what survives quoting or escaping of the rest).
func (c *Check) AssertNoLeak(t testing.TB) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	wheres := make([]string, 0, len(c.texts))
	for w := range c.texts {
		wheres = append(wheres, w)
	}
	sort.Strings(wheres)
	for _, where := range wheres {
		text := c.texts[where]
		for s, from := range c.secrets {
			for _, part := range []string{s, s[:10], s[len(s)-10:]} {
				if i := strings.Index(text, part); i >= 0 {
					lo, hi := max(0, i-200), min(len(text), i+len(part)+200)
					t.Errorf("the secret of %s appears in %s: ...%s...", from, where, text[lo:hi])
					break
				}
			}
		}
	}
}
