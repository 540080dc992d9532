import com.jayway.jsonpath.JsonPath;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Answers kakao's filter rule for each input line, a condition and a
 * document, both base64 (so that no JSON layer of this harness touches
 * them), separated by a tab. Each output line is
 *
 *   C <exception>  JsonPath.compile rejects the condition (a configuration
 *                  error for the Go connector);
 *   F              !JsonPath.read(doc, condition).toString().equals("[]"):
 *                  kakao forwards the record;
 *   N [exception]  it does not: the result prints as [] or read throws
 *                  (kakao catches the exception and drops the record).
 */
public class JaywayOracle {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        Base64.Decoder b64 = Base64.getDecoder();
        Map<String, String> compiled = new HashMap<>();
        String line;
        while ((line = in.readLine()) != null) {
            int tab = line.indexOf('\t');
            String cond = new String(b64.decode(line.substring(0, tab)), StandardCharsets.UTF_8);
            String doc = new String(b64.decode(line.substring(tab + 1)), StandardCharsets.UTF_8);
            String err = compiled.get(cond);
            if (err == null) {
                try {
                    JsonPath.compile(cond);
                    err = "";
                } catch (Throwable e) {
                    err = e.getClass().getSimpleName();
                }
                compiled.put(cond, err);
            }
            if (!err.isEmpty()) {
                out.write("C " + err + "\n");
                continue;
            }
            try {
                Object v = JsonPath.read(doc, cond);
                out.write(!v.toString().equals("[]") ? "F\n" : "N\n");
            } catch (Throwable e) {
                out.write("N " + e.getClass().getSimpleName() + "\n");
            }
        }
        out.flush();
    }
}
