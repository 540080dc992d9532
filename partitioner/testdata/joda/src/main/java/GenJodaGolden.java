// GenJodaGolden writes vectors.json, the golden vectors that package
// partitioner is tested against, by running Joda-Time itself (the version
// pinned in pom.xml). It is connectkit's own code; run it through
// generate.sh, which pins the JVM's default zone to UTC and its default
// locale to en_US.
//
// vectors.json holds:
//
//   joda, java     the versions that produced the file
//   patterns       every path.format pattern used below, with Joda's error
//                  ("error") when DateTimeFormat.forPattern rejects it
//   matrix         patterns printed for every zone × instant, with locale "en":
//                  {"patterns": [...], "rows": [{"zone", "instant", "out": [...]}]}
//   variety        one pattern each (quoting, padding, look-ahead), printed
//                  in a few zones and instants: {"pattern", "zone", "instant",
//                  "out"} or {"pattern", "error"}
//   locales        the locale string as a user writes it in the locale key,
//                  read the way Confluent reads it (new Locale(string)), and
//                  one text pattern printed at instants that show every
//                  month, weekday, half-day and era
//   zones          timezone values, read with DateTimeZone.forID as Confluent
//                  does: Joda's ID for the zone ("joda") or its error, and a
//                  zone pattern printed at two instants in two locales
//   buckets        Confluent's TimeBasedPartitioner bucket for a zone,
//                  partition.duration.ms and record timestamp, computed with
//                  the formula of TimeBasedPartitioner.getPartition (read from
//                  kafka-connect-storage-common and written again here):
//                  [zone, duration, instant, bucket, bucket printed in zone]
//   timestamps     strings read the way RecordFieldTimestampExtractor reads a
//                  string field: up to 19 digits with an optional minus sign
//                  are epoch milliseconds, anything else goes through
//                  ISODateTimeFormat.dateTimeParser() in the JVM's default
//                  zone (UTC here); "millis" or "error"
//
// Instants are epoch milliseconds; "at" repeats them in ISO-8601 UTC for
// people reading the file.

import org.joda.time.DateTime;
import org.joda.time.DateTimeZone;
import org.joda.time.format.DateTimeFormat;
import org.joda.time.format.DateTimeFormatter;
import org.joda.time.format.ISODateTimeFormat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

public class GenJodaGolden {

    static final String[] ZONES = {
        "UTC",
        "America/New_York",
        "Europe/Berlin",
        "Asia/Kolkata",
        "Australia/Lord_Howe", // 30-minute DST
        "America/Sao_Paulo",   // DST used to start at local midnight
        "Pacific/Chatham",     // +12:45 / +13:45
        "America/St_Johns",    // -03:30 / -02:30
        "+05:45",
        "-03:30",
    };

    static final String[] INSTANTS = {
        "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59.999Z",
        "1969-12-31T22:30:00Z",
        "1969-07-20T20:17:40Z",
        "2024-02-29T13:45:30.123Z",  // leap day
        "2024-02-29T23:59:59.999Z",
        "2023-02-28T12:00:00Z",
        "2020-12-31T23:59:59.999Z",  // 2020-W53-4
        "2021-01-01T00:00:00Z",      // 2020-W53-5
        "2021-01-03T12:00:00Z",      // 2020-W53-7
        "2021-01-04T00:00:00Z",      // 2021-W01-1
        "2019-12-30T00:00:00Z",      // 2020-W01-1
        "2018-12-31T06:00:00Z",      // 2019-W01-1
        "2016-01-03T00:00:00Z",      // 2015-W53-7
        "2023-12-31T23:30:00Z",
        "2024-01-01T00:30:00Z",
        "2024-03-10T06:59:59.999Z",  // New York springs forward at 07:00Z
        "2024-03-10T07:00:00Z",
        "2024-03-10T07:30:00Z",
        "2024-11-03T05:30:00Z",      // New York falls back at 06:00Z
        "2024-11-03T06:00:00Z",
        "2024-11-03T06:30:00Z",
        "2024-03-31T00:59:59.999Z",  // Berlin springs forward at 01:00Z
        "2024-03-31T01:00:00Z",
        "2024-10-27T00:30:00Z",      // Berlin falls back at 01:00Z
        "2024-10-27T01:30:00Z",
        "2024-04-06T14:45:00Z",      // Lord Howe falls back at 15:00Z
        "2024-04-06T15:15:00Z",
        "2024-10-05T15:15:00Z",      // Lord Howe springs forward at 15:30Z
        "2024-10-05T15:45:00Z",
        "2018-11-04T02:59:59.999Z",  // Sao Paulo skipped 2018-11-04T00:00 local
        "2018-11-04T03:00:00Z",
        "2024-07-04T12:00:00.007Z",
        "2024-12-31T12:00:00.050Z",
        "1883-11-18T16:59:59Z",      // local mean time in New York
        "1900-01-01T00:00:00Z",
        "0001-01-01T00:00:00Z",
        "0000-12-31T23:59:59.999Z",  // 1 BC
        "-0099-06-15T00:00:00Z",     // 100 BC
        "-0100-06-15T00:00:00Z",
        "9999-12-31T23:59:59.999Z",
        "+10000-01-01T00:00:00Z",
        "+100000-03-01T00:00:00Z",
    };

    static final String[] MATRIX_PATTERNS = {
        "yyyy-MM-dd'T'HH:mm:ss.SSS Z ZZ ZZZ",
        "G C CC YY YYYY xx xxxx y Y x yyyyy",
        "D DDD w ww e ee E EEE EEEE",
        "M MM MMM MMMM d dd",
        "h hh k kk K KK a H m s S SS SSSS",
        "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH",
    };

    static final String[] VARIETY_PATTERNS = {
        "'year'=YYYY/'month'=MM/'day'=dd",
        "yyyyMMdd",
        "yyyyMMddHHmm",
        "YYYYMMdd",
        "xxxxww",
        "yyMMdd",
        "yyyy'/'MM",
        "dd/MM/yyyy",
        "yyyy-MM-dd HH:mm:ss",
        "YYYY/MM/dd/HH/mm",
        "yyyy_MM_dd/HH-mm",
        "xxxx-'W'ww-e",
        "EEEE, MMMM d, yyyy h:mm a",
        "''",
        "''''",
        "'o''clock'",
        "'it''s' h a",
        "HH'h'mm",
        "a''b",
        "'unterminated",
        "'",
        "'a'''",
        "'yyyy'",
        "dt=yyyy",
        "y/Y/x",
        "yyyyyyyyy",
        "YYYYYYYYYYYY",
        "ddd",
        "HHH",
        "kkk",
        "eee",
        "CCC",
        "MMMMM",
        "EEEEE",
        "GGGG",
        "aa",
        "ZZZZ",
        "SSSSS",
        "SSSSSSSSSSSSSSS",
        "SSSSSSSSSSSSSSSS",
        "SSSSSSSSSSSSSSSSSSSS",
        "yyyy-MM-dd'T'HH:mm:ss.SSSZZ",
        "yyyy/MM/dd/é/ü",
        "yyyy\tMM",
        // Letters Joda rejects.
        "",
        "q",
        "yyyy/QQ",
        "F",
        "W",
        "u",
        "L",
        "c",
        "X",
        "VV",
        "O",
        "n",
        "N",
        "A",
        "b",
        "B",
        "g",
        "i",
        "j",
        "l",
        "o",
        "p",
        "r",
        "t",
        "v",
        "f",
        "yyyy-MM-dd'T'HH:mm:ssX",
        "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH/T",
    };

    static final String[] VARIETY_ZONES = {"UTC", "Europe/Berlin", "America/New_York"};

    static final String[] VARIETY_INSTANTS = {
        "2024-02-29T13:45:30.123Z",
        "2021-01-03T00:05:09.000Z",
        "1969-12-31T23:59:59.999Z",
        "0000-12-31T23:59:59.999Z",
        "+100000-03-01T00:00:00Z",
    };

    static final String[] LOCALES = {
        "en", "EN", "En", "en_US", "en-US", "en_GB", "en-GB", "root", "und", "xx",
        "C", "fr", "de", "ja", "fr_FR",
    };

    static final String LOCALE_PATTERN = "G MMM MMMM EEE EEEE a";

    static final String[] ZONE_IDS = {
        "UTC", "GMT", "UT", "Z", "Etc/UTC", "Etc/GMT", "US/Eastern", "Asia/Calcutta",
        "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata",
        "+05:30", "-08", "+0530", "+05", "-0800", "+00:00", "-00:00", "+00", "UTC+01:00",
        "UTC-05", "GMT+02:00", "GMT-03", "UT+01", "GMT-3", "+5", "+05:30:15",
        "+053015", "+05:30:15.5", "+24:00", "+23:59", "-23:59:59", "+05:60",
        "+05:30Z", "EST", "CET", "Local", "local", "america/new_york", "Foo/Bar", "",
        " UTC",
    };

    static final String ZONE_PATTERN = "ZZZ|Z|ZZ|z|zzzz";
    static final String[] ZONE_INSTANTS = {"2024-01-15T12:00:00Z", "2024-07-15T12:00:00Z"};
    static final String[] ZONE_LOCALES = {"en", "en_US"};

    static final long[] DURATIONS = {
        900_000L, 1_800_000L, 2_700_000L, 3_600_000L, 10_800_000L, 86_400_000L, 604_800_000L,
    };

    static final long[] GENERAL_DURATIONS = {1L, 90_000L, 3_600_000L, 86_400_000L};

    static final String BUCKET_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSSZZ";

    static final String[] TIMESTAMPS = {
        "0", "1709214330123", "-1", "-1709214330123", "0001", "+1709214330123",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "12345678901234567890", "1709214330123.5", " 1709214330123", "",
        "2024-02-29T13:45:30.123Z", "2024-02-29T13:45:30.123+01:00",
        "2024-02-29T13:45:30.123-0530", "2024-02-29T13:45:30+05", "2024-02-29T13:45:30.123456789Z",
        "2024-02-29T13:45:30.1234567891Z", "2024-02-29T13:45:30,5Z", "2024-02-29T13:45:30Z",
        "2024-02-29T13:45Z", "2024-02-29T13Z", "2024-02-29T13.5Z", "2024-02-29T13:45.5Z",
        "2024-02-29T13:45:30", "2024-02-29T", "2024-02-29TZ", "2024-02-29T+01:00",
        "2024-02-29", "2024-02", "2024", "-2024", "+2024-02-29", "2024-2-9", "2024-02-29t13:45z",
        "2024-060", "2024-366", "2023-366", "2024-6", "2024-W09", "2024-W09-4", "2024-w09-7",
        "2020-W53-7", "2021-W53", "2024-W9-1", "T13:45:30Z", "T13:45", "13:45:30",
        "2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "2024-02-29T24:00:00Z",
        "2024-02-29T23:60Z", "2024-02-29T23:59:60Z", "2024-02-29 13:45:30Z",
        "2024-02-29T13:45:30.123+01:00:30", "2024-02-29T13:45:30.123+0100", "2024-02-29T13:45:30+24:00",
        "2024-02-29T13:45:30+01:", "2024-02-29T13:45:30+1", "2024-02-29T13:45:30.Z",
        "2024-02-29T1:2:3Z", "20240229T134530Z", "2024-02-29T13:45:30.123Z ", "Thursday",
        "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "0000-01-01T00:00:00Z",
        "-0001-12-31T00:00:00Z", "292278993-12-31T23:59:59.999Z", "123456789-01-01",
        "1234567890-01-01",
    };

    static final Pattern NUMERIC = Pattern.compile("^-?[0-9]{1,19}$");

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : ".");
        Json j = new Json();
        j.beginObject();
        j.key("joda").value(jodaVersion());
        j.key("java").value(System.getProperty("java.version"));

        Set<String> all = new LinkedHashSet<>();
        for (String p : MATRIX_PATTERNS) all.add(p);
        for (String p : VARIETY_PATTERNS) all.add(p);
        all.add(LOCALE_PATTERN);
        all.add(ZONE_PATTERN);
        all.add(BUCKET_PATTERN);
        j.key("patterns").beginArray();
        for (String p : all) {
            j.beginObject().key("pattern").value(p);
            try {
                DateTimeFormat.forPattern(p);
            } catch (RuntimeException e) {
                // IllegalArgumentException, or UnsupportedOperationException
                // for a pattern that prints nothing.
                j.key("error").value(e.getMessage());
            }
            j.endObject();
        }
        j.endArray();

        j.key("matrix").beginObject();
        j.key("patterns").beginArray();
        for (String p : MATRIX_PATTERNS) j.value(p);
        j.endArray();
        j.key("rows").beginArray();
        for (String zone : ZONES) {
            DateTimeZone z = DateTimeZone.forID(zone);
            for (String at : INSTANTS) {
                long t = millis(at);
                j.beginObject().key("zone").value(zone).key("at").value(at).key("instant").value(t);
                j.key("out").beginArray();
                for (String p : MATRIX_PATTERNS) j.value(print(p, z, "en", t));
                j.endArray().endObject();
            }
        }
        j.endArray().endObject();

        j.key("variety").beginArray();
        for (String p : VARIETY_PATTERNS) {
            try {
                DateTimeFormat.forPattern(p);
            } catch (RuntimeException e) {
                j.beginObject().key("pattern").value(p).key("error").value(e.getMessage()).endObject();
                continue;
            }
            for (String zone : VARIETY_ZONES) {
                for (String at : VARIETY_INSTANTS) {
                    long t = millis(at);
                    j.beginObject().key("pattern").value(p).key("zone").value(zone).key("at").value(at)
                        .key("instant").value(t)
                        .key("out").value(print(p, DateTimeZone.forID(zone), "en", t)).endObject();
                }
            }
        }
        j.endArray();

        List<String> localeInstants = new ArrayList<>();
        for (int m = 1; m <= 12; m++) {
            localeInstants.add(String.format("2024-%02d-15T%02d:00:00Z", m, m % 2 == 0 ? 3 : 15));
        }
        for (int d = 1; d <= 7; d++) {
            localeInstants.add(String.format("2024-01-%02dT12:00:00Z", d));
        }
        localeInstants.add("-0043-03-15T12:00:00Z");
        j.key("locales").beginArray();
        for (String l : LOCALES) {
            j.beginObject().key("locale").value(l).key("java").value(new Locale(l).toString())
                .key("pattern").value(LOCALE_PATTERN);
            j.key("rows").beginArray();
            for (String at : localeInstants) {
                long t = millis(at);
                j.beginObject().key("at").value(at).key("instant").value(t)
                    .key("out").value(print(LOCALE_PATTERN, DateTimeZone.UTC, l, t)).endObject();
            }
            j.endArray().endObject();
        }
        j.endArray();

        j.key("zones").beginArray();
        for (String id : ZONE_IDS) {
            j.beginObject().key("id").value(id);
            DateTimeZone z;
            try {
                z = DateTimeZone.forID(id);
            } catch (IllegalArgumentException e) {
                j.key("error").value(e.getMessage()).endObject();
                continue;
            }
            j.key("joda").value(z.getID()).key("pattern").value(ZONE_PATTERN);
            j.key("rows").beginArray();
            for (String l : ZONE_LOCALES) {
                for (String at : ZONE_INSTANTS) {
                    long t = millis(at);
                    j.beginObject().key("locale").value(l).key("at").value(at).key("instant").value(t)
                        .key("out").value(print(ZONE_PATTERN, z, l, t)).endObject();
                }
            }
            j.endArray().endObject();
        }
        j.endArray();

        j.key("buckets").beginArray();
        for (String zone : ZONES) {
            DateTimeZone z = DateTimeZone.forID(zone);
            DateTimeFormatter f = DateTimeFormat.forPattern(BUCKET_PATTERN).withZone(z).withLocale(new Locale("en"));
            for (String at : INSTANTS) {
                long t = millis(at);
                for (long d : GENERAL_DURATIONS) {
                    bucket(j, zone, z, f, d, t);
                }
            }
            for (long t : transitionSweep(z)) {
                for (long d : DURATIONS) {
                    bucket(j, zone, z, f, d, t);
                }
            }
        }
        j.endArray();

        j.key("timestamps").beginArray();
        DateTimeFormatter iso = ISODateTimeFormat.dateTimeParser();
        for (String s : TIMESTAMPS) {
            j.beginObject().key("text").value(s);
            try {
                long millis = extractTimestampFromString(iso, s);
                j.key("millis").value(millis);
            } catch (IllegalArgumentException e) {
                j.key("error").value(e.getMessage());
            }
            j.endObject();
        }
        j.endArray();

        j.endObject();
        Files.writeString(dir.resolve("vectors.json"), j.toString() + "\n", StandardCharsets.UTF_8);
    }

    /** Writes one bucket vector, compactly: [zone, duration, instant, bucket, bucket in zone]. */
    static void bucket(Json j, String zone, DateTimeZone z, DateTimeFormatter f, long d, long t) {
        long b = getPartition(d, t, z);
        j.beginArray().value(zone).value(d).value(t).value(b).value(new DateTime(b).toString(f)).endArray();
    }

    /** The bucket formula of Confluent's TimeBasedPartitioner.getPartition. */
    static long getPartition(long durationMs, long timestamp, DateTimeZone zone) {
        long local = zone.convertUTCToLocal(timestamp);
        long floored = (local / durationMs) * durationMs;
        return zone.convertLocalToUTC(floored, false);
    }

    /** RecordFieldTimestampExtractor's reading of a string field. */
    static long extractTimestampFromString(DateTimeFormatter iso, String s) {
        if (NUMERIC.matcher(s).matches()) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                // too large: Confluent falls through to the ISO parser
            }
        }
        return iso.parseMillis(s);
    }

    /** As Confluent prints a bucket: new DateTime(bucket).toString(formatter). */
    static String print(String pattern, DateTimeZone zone, String locale, long t) {
        DateTimeFormatter f = DateTimeFormat.forPattern(pattern).withZone(zone).withLocale(new Locale(locale));
        return new DateTime(t).toString(f);
    }

    /**
     * Instants every 30 minutes from 3 hours before to 3 hours after the
     * zone's first two transitions of 2024 (2018 for Sao Paulo, whose DST has
     * ended), and the last millisecond before each.
     */
    static List<Long> transitionSweep(DateTimeZone z) {
        Set<Long> out = new LinkedHashSet<>();
        long tr = millis(z.getID().equals("America/Sao_Paulo") ? "2018-01-01T00:00:00Z" : "2024-01-01T00:00:00Z");
        for (int i = 0; i < 2; i++) {
            long next = z.nextTransition(tr);
            if (next == tr) {
                break;
            }
            tr = next;
            for (long t = tr - 3 * 3_600_000L; t <= tr + 3 * 3_600_000L; t += 1_800_000L) {
                out.add(t);
            }
            out.add(tr - 1);
        }
        return new ArrayList<>(out);
    }

    static long millis(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    static String jodaVersion() {
        String v = DateTimeZone.class.getPackage().getImplementationVersion();
        return v != null ? v : "unknown";
    }

    /** A tiny JSON writer, so the generator needs nothing but Joda. */
    static final class Json {
        private final StringBuilder b = new StringBuilder();
        private final List<Boolean> first = new ArrayList<>();
        private boolean afterKey;

        /** Starts a value: objects in arrays go on lines of their own, the rest inline. */
        private void sep(boolean line) {
            if (afterKey) {
                afterKey = false;
                return;
            }
            if (!first.isEmpty()) {
                int i = first.size() - 1;
                if (!first.get(i)) {
                    b.append(line ? "," : ", ");
                }
                first.set(i, false);
                if (line) {
                    b.append('\n');
                    b.append(" ".repeat(first.size()));
                }
            }
        }

        Json beginObject() {
            sep(true);
            b.append('{');
            first.add(true);
            return this;
        }

        Json endObject() {
            first.remove(first.size() - 1);
            b.append('}');
            return this;
        }

        Json beginArray() {
            sep(false);
            b.append('[');
            first.add(true);
            return this;
        }

        Json endArray() {
            first.remove(first.size() - 1);
            b.append(']');
            return this;
        }

        Json key(String k) {
            // Keys stay on the line of their object to keep the file short.
            int i = first.size() - 1;
            if (!first.get(i)) {
                b.append(", ");
            }
            first.set(i, false);
            string(k);
            b.append(':');
            afterKey = true;
            return this;
        }

        Json value(String s) {
            sep(false);
            if (s == null) {
                b.append("null");
            } else {
                string(s);
            }
            return this;
        }

        Json value(long n) {
            sep(false);
            b.append(n);
            return this;
        }

        private void string(String s) {
            b.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"': b.append("\\\""); break;
                    case '\\': b.append("\\\\"); break;
                    case '\n': b.append("\\n"); break;
                    case '\t': b.append("\\t"); break;
                    default:
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                }
            }
            b.append('"');
        }

        @Override
        public String toString() {
            return b.toString();
        }
    }
}
