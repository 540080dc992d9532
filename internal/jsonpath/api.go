package jsonpath

// Document is a decoded JSON value with the bytes it was decoded from. It
// is valid until the next Decode with the same Scratch.
type Document struct {
	v   jv
	raw []byte
}

// Decode decodes data, building only what p asks for (everything when p is
// nil). The error, which wraps ErrSyntax, reports data that is not strict
// JSON (RFC 8259), not valid UTF-8, or nested too deep.
func (s *Scratch) Decode(data []byte, p *Projection) (Document, error) {
	v, err := s.decode(data, p)
	return Document{v: v, raw: data}, err
}

// Merge adds everything o reads to p.
func (p *Projection) Merge(o *Projection) { p.merge(o) }

// Projection returns what the condition reads of a document, for Decode.
func (c *Condition) Projection() *Projection { return &c.proj }

// Match reports whether the condition forwards the document, as MatchJSON
// does on its bytes.
func (c *Condition) Match(doc Document) bool { return c.match(doc.v) }

// Need adds what the path reads to p.
func (p *Path) Need(proj *Projection) { p.need(proj) }

// TextIn is Text on a decoded document.
func (p *Path) TextIn(doc Document) (string, bool) { return p.text(doc.v, doc.raw) }

// SplitPaths splits kafka.key.field at the commas that separate paths, not
// at those inside brackets or quotes (kakao splits at every comma, which
// breaks unions).
func SplitPaths(s string) []string { return splitPaths(s) }
