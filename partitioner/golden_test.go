package partitioner

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// golden is testdata/joda/vectors.json, written by Joda-Time itself through
// testdata/joda/GenJodaGolden.java; that file documents the format.
type golden struct {
	Joda     string `json:"joda"`
	Patterns []struct {
		Pattern string  `json:"pattern"`
		Error   *string `json:"error"`
	} `json:"patterns"`
	Matrix struct {
		Patterns []string `json:"patterns"`
		Rows     []struct {
			Zone    string   `json:"zone"`
			At      string   `json:"at"`
			Instant int64    `json:"instant"`
			Out     []string `json:"out"`
		} `json:"rows"`
	} `json:"matrix"`
	Variety []struct {
		Pattern string  `json:"pattern"`
		Zone    string  `json:"zone"`
		At      string  `json:"at"`
		Instant int64   `json:"instant"`
		Out     string  `json:"out"`
		Error   *string `json:"error"`
	} `json:"variety"`
	Locales []struct {
		Locale  string `json:"locale"`
		Pattern string `json:"pattern"`
		Rows    []struct {
			At      string `json:"at"`
			Instant int64  `json:"instant"`
			Out     string `json:"out"`
		} `json:"rows"`
	} `json:"locales"`
	Zones []struct {
		ID      string  `json:"id"`
		Joda    string  `json:"joda"`
		Error   *string `json:"error"`
		Pattern string  `json:"pattern"`
		Rows    []struct {
			Locale  string `json:"locale"`
			At      string `json:"at"`
			Instant int64  `json:"instant"`
			Out     string `json:"out"`
		} `json:"rows"`
	} `json:"zones"`
	Buckets    []bucketVector `json:"buckets"`
	Timestamps []struct {
		Text   string  `json:"text"`
		Millis *int64  `json:"millis"`
		Error  *string `json:"error"`
	} `json:"timestamps"`
}

// bucketVector is [zone, duration, instant, bucket, bucket printed in zone].
type bucketVector struct {
	Zone     string
	Duration int64
	Instant  int64
	Bucket   int64
	Local    string
}

func (b *bucketVector) UnmarshalJSON(data []byte) error {
	return json.Unmarshal(data, &[]any{&b.Zone, &b.Duration, &b.Instant, &b.Bucket, &b.Local})
}

const bucketPattern = "yyyy-MM-dd'T'HH:mm:ss.SSSZZ"

func loadGolden(t *testing.T) *golden {
	t.Helper()
	data, err := os.ReadFile("testdata/joda/vectors.json")
	require.NoError(t, err)
	var g golden
	require.NoError(t, json.Unmarshal(data, &g))
	require.Equal(t, "2.13.1", g.Joda, "vectors.json should come from the Joda-Time version Confluent pins")
	require.NotEmpty(t, g.Matrix.Rows)
	require.NotEmpty(t, g.Buckets)
	return &g
}

func mustZone(t *testing.T, id string) *zone {
	t.Helper()
	z, err := loadZone(id)
	require.NoError(t, err, id)
	return z
}

func mustFormat(t *testing.T, pattern string) *jodaFormat {
	t.Helper()
	f, err := compileJoda(pattern)
	require.NoError(t, err, pattern)
	return f
}

func TestGoldenPatterns(t *testing.T) {
	g := loadGolden(t)
	for _, v := range g.Patterns {
		_, err := compileJoda(v.Pattern)
		if v.Error != nil {
			assert.Error(t, err, "Joda rejects %q: %s", v.Pattern, *v.Error)
		} else {
			assert.NoError(t, err, "Joda accepts %q", v.Pattern)
		}
	}
}

func TestGoldenFormatMatrix(t *testing.T) {
	g := loadGolden(t)
	formats := make([]*jodaFormat, len(g.Matrix.Patterns))
	for i, p := range g.Matrix.Patterns {
		formats[i] = mustFormat(t, p)
	}
	for _, row := range g.Matrix.Rows {
		z := mustZone(t, row.Zone)
		for i, f := range formats {
			got := string(f.appendTo(nil, row.Instant, z, englishSymbols))
			assert.Equal(t, row.Out[i], got, "%q in %s at %s", g.Matrix.Patterns[i], row.Zone, row.At)
		}
	}
}

func TestGoldenFormatVariety(t *testing.T) {
	g := loadGolden(t)
	for _, v := range g.Variety {
		f, err := compileJoda(v.Pattern)
		if v.Error != nil {
			assert.Error(t, err, "Joda rejects %q: %s", v.Pattern, *v.Error)
			continue
		}
		require.NoError(t, err, v.Pattern)
		got := string(f.appendTo(nil, v.Instant, mustZone(t, v.Zone), englishSymbols))
		assert.Equal(t, v.Out, got, "%q in %s at %s", v.Pattern, v.Zone, v.At)
	}
}

// Locales whose names this package does not carry. Java prints French,
// German and Japanese names for the first three, and its root locale's for
// the other two; they are refused rather than guessed.
var unsupportedLocales = map[string]bool{"fr": true, "de": true, "ja": true, "xx": true, "C": true}

func TestGoldenLocales(t *testing.T) {
	g := loadGolden(t)
	require.NotEmpty(t, g.Locales)
	for _, l := range g.Locales {
		sym := localeSymbols(l.Locale)
		if sym == nil {
			assert.True(t, unsupportedLocales[l.Locale], "locale %q should print names", l.Locale)
			continue
		}
		assert.False(t, unsupportedLocales[l.Locale], "locale %q", l.Locale)
		f := mustFormat(t, l.Pattern)
		for _, row := range l.Rows {
			got := string(f.appendTo(nil, row.Instant, utcZone, sym))
			assert.Equal(t, row.Out, got, "locale %q at %s", l.Locale, row.At)
		}
	}
}

// Zone IDs that are links in the tz database: Joda prints the zone they link
// to for ZZZ, this package the ID as configured.
var zoneLinks = map[string]bool{"GMT": true, "US/Eastern": true, "Asia/Calcutta": true, "EST": true}

func TestGoldenZones(t *testing.T) {
	g := loadGolden(t)
	require.NotEmpty(t, g.Zones)
	for _, v := range g.Zones {
		z, err := loadZone(v.ID)
		switch {
		case v.Error != nil:
			assert.Error(t, err, "Joda rejects %q: %s", v.ID, *v.Error)
			continue
		case strings.Contains(v.Joda, "."):
			// Joda keeps milliseconds in offsets; Go zones have seconds.
			assert.ErrorContains(t, err, "fractions of a second", v.ID)
			continue
		}
		require.NoError(t, err, "Joda accepts %q", v.ID)
		if zoneLinks[v.ID] {
			assert.NotEqual(t, v.Joda, z.id, v.ID)
			assert.Equal(t, v.ID, z.id)
		} else {
			assert.Equal(t, v.Joda, z.id, v.ID)
		}
		f := mustFormat(t, v.Pattern)
		for _, row := range v.Rows {
			got := string(f.appendTo(nil, row.Instant, z, localeSymbols(row.Locale)))
			want, gotParts := strings.Split(row.Out, "|"), strings.Split(got, "|")
			require.Len(t, gotParts, len(want))
			if !zoneLinks[v.ID] {
				assert.Equal(t, want[0], gotParts[0], "ZZZ of %q", v.ID)
			}
			assert.Equal(t, want[1:3], gotParts[1:3], "Z and ZZ of %q at %s", v.ID, row.At)
			if z.namesAreFixed() {
				assert.Equal(t, want[3:], gotParts[3:], "z and zzzz of %q in %q", v.ID, row.Locale)
			}
		}
	}
}

func TestGoldenBuckets(t *testing.T) {
	g := loadGolden(t)
	f := mustFormat(t, bucketPattern)
	zones := map[string]*zone{}
	for _, v := range g.Buckets {
		z := zones[v.Zone]
		if z == nil {
			z = mustZone(t, v.Zone)
			zones[v.Zone] = z
		}
		got, err := bucketStart(v.Duration, v.Instant, z)
		require.NoError(t, err)
		if assert.Equal(t, v.Bucket, got, "bucket of %d ms at %d in %s", v.Duration, v.Instant, v.Zone) {
			assert.Equal(t, v.Local, string(f.appendTo(nil, got, z, englishSymbols)))
		}
	}
}

func TestGoldenTimestamps(t *testing.T) {
	g := loadGolden(t)
	require.NotEmpty(t, g.Timestamps)
	for _, v := range g.Timestamps {
		got, err := parseTimestampString(v.Text)
		if v.Error != nil {
			assert.Error(t, err, "Joda rejects %q: %s", v.Text, *v.Error)
			continue
		}
		if assert.NoError(t, err, v.Text) {
			assert.Equal(t, *v.Millis, got, v.Text)
		}
	}
}
