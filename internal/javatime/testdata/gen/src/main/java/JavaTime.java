import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Runs java.time's DateTimeFormatter on one case per line of standard input,
 * tab-separated: op, pattern, zone, input. op is
 * local (LocalDateTime.parse(input, ofPattern(pattern))),
 * offset (OffsetDateTime.parse(input, ofPattern(pattern).withZone(ZoneId.of(zone)))),
 * or format (ofPattern(pattern).format(the instant input, epoch seconds and
 * nanoseconds as s.nnnnnnnnn, in ZoneId.of(zone))). Each output line is the
 * input line followed by a status (OK, ERR for a text or value Java refuses,
 * BADPATTERN for a pattern it refuses) and the result or message.
 */
public final class JavaTime {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            out.println(line + "\t" + run(f[0], f[1], f[2], f.length > 3 ? f[3] : ""));
        }
        out.flush();
    }

    private static String run(String op, String pattern, String zone, String input) {
        DateTimeFormatter formatter;
        try {
            formatter = DateTimeFormatter.ofPattern(pattern);
        } catch (RuntimeException e) {
            return "BADPATTERN\t" + clean(e.getMessage());
        }
        try {
            switch (op) {
                case "local":
                    return "OK\t" + LocalDateTime.parse(input, formatter);
                case "offset": {
                    OffsetDateTime odt = OffsetDateTime.parse(input, formatter.withZone(ZoneId.of(zone)));
                    return "OK\t" + odt.toLocalDateTime() + " " + odt.getOffset().getId();
                }
                case "format": {
                    String[] parts = input.split("\\.");
                    Instant instant = Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
                    return "OK\t" + formatter.format(ZonedDateTime.ofInstant(instant, ZoneId.of(zone)));
                }
                default:
                    throw new IllegalArgumentException("unknown op " + op);
            }
        } catch (RuntimeException e) {
            return "ERR\t" + clean(e.getMessage());
        }
    }

    private static String clean(String s) {
        return s == null ? "" : s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }
}
