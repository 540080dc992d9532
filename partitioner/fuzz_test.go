package partitioner

import (
	"testing"
)

// FuzzJoda compiles path.format patterns (Joda-Time's DateTimeFormat) and
// prints instants with them in a few zones: no panic, and the same instant
// prints the same text twice.
func FuzzJoda(f *testing.F) {
	for _, p := range []string{"'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH", "YYYY-MM-dd'T'HH:mm:ss.SSSZZ", "yyyy/MMM/EEEE/a/z/zzzz",
		"G C Y x w e E D K k h", "ZZZ", "'", "''", "SSSSSSSSSSSSSSSSSSSS", "q"} {
		f.Add(p, int64(1669637124645))
	}
	zones := []string{"UTC", "Asia/Seoul", "America/New_York", "+05:45"}
	f.Fuzz(func(t *testing.T, pattern string, instant int64) {
		jf, err := compileJoda(pattern)
		if err != nil {
			return
		}
		instant %= 400_000_000_000_000 // within Joda's years
		for _, id := range zones {
			z, err := loadZone(id)
			if err != nil {
				t.Fatal(err)
			}
			a := string(jf.appendTo(nil, instant, z, englishSymbols))
			if b := string(jf.appendTo(nil, instant, z, englishSymbols)); a != b {
				t.Errorf("pattern %q printed %d as %q, then %q", pattern, instant, a, b)
			}
		}
	})
}

// FuzzISOTime reads timestamps as the field timestamp extractor does with
// Joda's ISODateTimeFormat parser: no panic.
func FuzzISOTime(f *testing.F) {
	for _, s := range []string{"2022-11-28T12:05:24.645Z", "2022-W48-1", "2022-332T12", "20221128", "+2022-11-28T12:05:24,645+09:00",
		"2022-02-30", "T12:05", "-0001-01-01", "2022-11-28T24:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parseISO(s)
	})
}
