import com.jayway.jsonpath.JsonPath;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Answers kakao's key and timestamp reads for each input line, a path and
 * a document, both base64, separated by a tab: JsonPath.read(doc,
 * path).toString(), where any exception makes kakao's key null (and its
 * timestamp the current time). Each output line is
 *
 *   C <exception>  JsonPath.compile rejects the path;
 *   V <base64>     the text;
 *   X <exception>  the read or toString throws.
 */
public class JaywayText {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        Base64.Decoder dec = Base64.getDecoder();
        Base64.Encoder enc = Base64.getEncoder();
        String line;
        while ((line = in.readLine()) != null) {
            int tab = line.indexOf('\t');
            String path = new String(dec.decode(line.substring(0, tab)), StandardCharsets.UTF_8);
            String doc = new String(dec.decode(line.substring(tab + 1)), StandardCharsets.UTF_8);
            try {
                JsonPath.compile(path);
            } catch (Throwable e) {
                out.write("C " + e.getClass().getSimpleName() + "\n");
                continue;
            }
            try {
                Object v = JsonPath.read(doc, path);
                out.write("V " + enc.encodeToString(v.toString().getBytes(StandardCharsets.UTF_8)) + "\n");
            } catch (Throwable e) {
                out.write("X " + e.getClass().getSimpleName() + "\n");
            }
        }
        out.flush();
    }
}
