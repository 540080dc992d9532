// PropertiesVectors writes properties-vectors.json: .properties inputs and
// what java.util.Properties.load(Reader) makes of them, the reference that
// TestParsePropertiesJavaVectors checks ParseProperties against.
//
// Regenerate with a JDK 11 or newer (the output is deterministic):
//
//	java PropertiesVectors.java > properties-vectors.json
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;

public class PropertiesVectors {
    // Pieces that random inputs are made of: every character that means
    // something to the format, some that don't, and whole escapes.
    static final String[] PIECES = {
        "a", "b", "k", " ", "\t", "\f", "=", ":", "\\", "\\", "#", "!",
        "\n", "\r", "\r\n", "u", "0", "é", "\\u0041", "\\u00e9", "\\uD83D\\uDE00",
        "\\n", "\\t", "\\ ", "\\=", "\\:", "\\#", "\\!", "\\\\", "\\u12",
    };

    public static void main(String[] args) throws Exception {
        List<String[]> cases = new ArrayList<>();
        Random rnd = new Random(20240607L);
        for (int i = 0; i < 400; i++) {
            StringBuilder sb = new StringBuilder();
            int n = rnd.nextInt(14);
            for (int j = 0; j < n; j++) {
                sb.append(PIECES[rnd.nextInt(PIECES.length)]);
            }
            cases.add(new String[] {"random-" + i, sb.toString()});
        }

        StringBuilder out = new StringBuilder("[\n");
        for (int i = 0; i < cases.size(); i++) {
            String name = cases.get(i)[0];
            String input = cases.get(i)[1];
            out.append("  {\"name\": ").append(quote(name)).append(", \"input\": ").append(quote(input));
            Properties props = new Properties();
            try {
                props.load(new StringReader(input));
                out.append(", \"want\": {");
                boolean first = true;
                for (Map.Entry<Object, Object> e : new TreeMap<>(props).entrySet()) {
                    out.append(first ? "" : ", ").append(quote((String) e.getKey())).append(": ")
                        .append(quote((String) e.getValue()));
                    first = false;
                }
                out.append("}");
            } catch (IllegalArgumentException e) {
                out.append(", \"error\": true");
            }
            out.append(i + 1 < cases.size() ? "},\n" : "}\n");
        }
        out.append("]\n");
        System.out.print(out);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
