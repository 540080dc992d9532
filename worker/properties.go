package worker

import (
	"fmt"
	"io"

	"github.com/connectkit/connectkit/internal/javaprops"
)

// SyntaxError reports malformed configuration text: a bad \uXXXX escape in
// a .properties file, or invalid JSON. Line and Column are 1-based (Column
// counts characters); Offset is the 0-based byte offset in the input.
type SyntaxError = javaprops.SyntaxError

// utf8BOM is skipped at the start of a file. Java would keep it as part of
// the first key, silently breaking that setting; no one means that.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// ParseProperties reads Java .properties text as java.util.Properties.load
// does, and returns its keys and values.
//
// That means: lines starting with # or ! (after optional whitespace) are
// comments; the key ends at the first unescaped '=', ':' or whitespace, and
// whitespace around that separator is dropped (one '=' or ':' may follow
// whitespace), while whitespace at the end of the value is kept; a line
// ending in an odd number of backslashes continues on the next one, whose
// leading whitespace is dropped; \t \n \r \f and \uXXXX are escapes, and a
// backslash before any other character stands for that character (so "\ "
// puts a space in a key); a key alone has the empty value; a later
// duplicate key wins. Lines end with LF, CR or CRLF.
//
// The text is read as UTF-8, and as ISO-8859-1 when it is not valid UTF-8,
// as Java reads resource bundles since JEP 226 (Properties.load itself
// reads a stream as ISO-8859-1, which garbles UTF-8 text; ASCII files, the
// usual case, read the same either way). A leading UTF-8 byte order mark is
// ignored, and a \uXXXX escape that is half of a surrogate pair but not
// followed by its other half becomes U+FFFD.
//
// A malformed \uXXXX escape, Java's only syntax error, is returned as a
// [*SyntaxError] naming its line.
func ParseProperties(r io.Reader) (map[string]string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("worker: read properties: %w", err)
	}
	props, err := parseProperties(data)
	if err != nil {
		return nil, fmt.Errorf("worker: parse properties: %w", err)
	}
	return props, nil
}

// parseProperties is ParseProperties on bytes; its errors are bare
// *SyntaxError values for the caller to wrap.
func parseProperties(data []byte) (map[string]string, error) { return javaprops.Parse(data) }
