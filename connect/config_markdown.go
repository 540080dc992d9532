package connect

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// WriteMarkdown writes a reference of the keys as Markdown tables, one per
// Group under a "###" heading, in the order groups first appear; keys with
// no Group come first, under no heading. Within a table keys are sorted by
// OrderInGroup, then definition order. The output depends only on the
// definition, so it can be checked in and compared in tests.
//
// Valid values come from validators that implement fmt.Stringer. A
// password's default is never shown.
func (d *ConfigDef) WriteMarkdown(w io.Writer) error {
	var groups []string
	byGroup := map[string][]definedKey{}
	for _, k := range d.keys {
		if _, seen := byGroup[k.Group]; !seen {
			groups = append(groups, k.Group)
		}
		byGroup[k.Group] = append(byGroup[k.Group], k)
	}
	// Ungrouped keys first, as Kafka's docs put them.
	sort.SliceStable(groups, func(i, j int) bool { return groups[i] == "" && groups[j] != "" })

	var b strings.Builder
	for i, g := range groups {
		if i > 0 {
			b.WriteByte('\n')
		}
		if g != "" {
			fmt.Fprintf(&b, "### %s\n\n", markdownCell(g))
		}
		keys := byGroup[g]
		sort.SliceStable(keys, func(i, j int) bool { return keys[i].OrderInGroup < keys[j].OrderInGroup })
		b.WriteString("| Name | Type | Default | Valid values | Importance | Description |\n")
		b.WriteString("| --- | --- | --- | --- | --- | --- |\n")
		for _, k := range keys {
			valid := ""
			if s, ok := k.Validator.(fmt.Stringer); ok {
				valid = s.String()
			}
			cells := []string{
				"`" + k.Name + "`",
				k.Type.String(),
				defaultDoc(k),
				valid,
				k.Importance.String(),
				strings.Join(strings.Fields(k.Doc), " "),
			}
			b.WriteString("|")
			for _, c := range cells {
				b.WriteString(" " + markdownCell(c) + " |")
			}
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func markdownCell(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	return strings.ReplaceAll(s, "|", `\|`)
}

// defaultDoc shows a default the way a user would write it in a
// .properties file, as Kafka's docs do.
func defaultDoc(k definedKey) string {
	if k.required {
		return "required"
	}
	switch v := k.def.(type) {
	case nil:
		return "null"
	case Password:
		if v.Value() == "" {
			return `""`
		}
		return hidden
	case string:
		if v == "" {
			return `""`
		}
		return v
	case []string:
		if len(v) == 0 {
			return `""`
		}
		return strings.Join(v, ",")
	case time.Duration:
		return durationDoc(v)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return fmt.Sprint(k.def)
}

// durationDoc shows whole milliseconds as a number, like Kafka's *.ms keys,
// and anything finer in Go's syntax.
func durationDoc(d time.Duration) string {
	if d%time.Millisecond == 0 {
		return strconv.FormatInt(d.Milliseconds(), 10)
	}
	return d.String()
}
