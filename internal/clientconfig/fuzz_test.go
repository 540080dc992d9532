package clientconfig

import (
	"strings"
	"testing"
)

// FuzzJAAS parses sasl.jaas.config values: no panic, and an error never
// quotes a password, however the text around it is broken.
func FuzzJAAS(f *testing.F) {
	for _, s := range []string{`org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";`,
		`org.apache.kafka.common.security.scram.ScramLoginModule required username='u' password='p\'q';`,
		`software.amazon.msk.auth.iam.IAMLoginModule required;`, `x required a=b`, `;`, `"`, `a b c=;`} {
		f.Add(s, "s3cr3t-Passw0rd", `;`)
	}
	f.Fuzz(func(t *testing.T, text, secret, tail string) {
		_, _ = parseJAAS(text)
		if len(secret) < 6 || strings.ContainsAny(secret, "\"'\\;= \t\r\n") {
			return
		}
		for _, s := range []string{
			`org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="` + secret + `"` + tail,
			`org.apache.kafka.common.security.plain.PlainLoginModule required password=` + secret + tail,
			text + ` password="` + secret + `"` + tail,
		} {
			if _, err := parseJAAS(s); err != nil && strings.Contains(err.Error(), secret) && !strings.Contains(tail+text, secret) {
				t.Errorf("the error for %q shows the password: %v", s, err)
			}
		}
	})
}
