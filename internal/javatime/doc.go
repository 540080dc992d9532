// Package javatime reads and writes date-times with the patterns of Java's
// java.time.format.DateTimeFormatter.ofPattern, as the Java connectors
// connectkit replaces use them: kakao's kafka sink parses record
// timestamps with LocalDateTime.parse(text, ofPattern(p)); castorm's HTTP
// source parses them with OffsetDateTime.parse(text,
// ofPattern(p).withZone(z)) and formats its timestamps with patterns too.
//
// [Compile] turns a pattern into a [Formatter]. [Formatter.Parse] reads text
// into the fields the pattern names, as java.time's parser does (strict,
// case sensitive, English text, adjacent value parsing, optional sections
// tried and dropped when they do not match), and [Parsed] resolves them the
// way the SMART resolver style does: a day past the end of its month is
// clamped to it, 24:00 is midnight of the next day, a day of week must agree
// with the date. [Formatter.Format] prints a time.Time.
//
// The behaviour is checked against java.time itself: golden vectors made by
// the Java program in testdata/gen (committed, read by the tests), and a
// differential test on a generated corpus under the integration build tag.
// What differs from Java, and why, is listed in docs/compat/javatime.md.
package javatime
