import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigTransformer;
import org.apache.kafka.common.config.provider.ConfigProvider;

/**
 * Reads cases from stdin and resolves each as Kafka does: the worker
 * settings through AbstractConfig (as WorkerConfig's constructor does), then
 * the connector settings through a ConfigTransformer over the providers the
 * resolved worker settings define (as Connect's Worker.initConfigTransformer
 * and Plugins.newConfigProvider do, by full class name).
 *
 * Input, one item a line, strings in base64: "CASE", then "W key value" and
 * "C key value" lines, then "END". Output per case: "W key value" lines or
 * "WERR message", then "C key value" lines or "CERR message", then "END".
 */
public class Transform {
    private static final Base64.Decoder DEC = Base64.getDecoder();
    private static final Base64.Encoder ENC = Base64.getEncoder();

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, false, "UTF-8");
        Map<String, String> worker = null, connector = null;
        for (String line; (line = in.readLine()) != null; ) {
            String[] f = line.split(" ", -1);
            switch (f[0]) {
                case "CASE":
                    worker = new HashMap<>();
                    connector = new HashMap<>();
                    break;
                case "W":
                    worker.put(dec(f[1]), dec(f[2]));
                    break;
                case "C":
                    connector.put(dec(f[1]), dec(f[2]));
                    break;
                case "END":
                    run(worker, connector, out);
                    out.println("END");
                    break;
                default:
                    throw new IllegalArgumentException("bad line " + line);
            }
        }
        out.flush();
    }

    private static String dec(String s) {
        return new String(DEC.decode(s), StandardCharsets.UTF_8);
    }

    private static String enc(String s) {
        return ENC.encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void run(Map<String, String> worker, Map<String, String> connector, PrintStream out) {
        Map<String, String> resolved;
        try {
            resolved = new AbstractConfig(new ConfigDef(), worker, worker, false).originalsStrings();
        } catch (Exception e) {
            out.println("WERR " + enc(String.valueOf(e)));
            return;
        }
        for (Map.Entry<String, String> e : new TreeMap<>(resolved).entrySet()) {
            out.println("W " + enc(e.getKey()) + " " + enc(e.getValue()));
        }
        Map<String, String> data;
        try {
            Map<String, ConfigProvider> providers = new HashMap<>();
            @SuppressWarnings("unchecked")
            List<String> names = (List<String>) ConfigDef.parseType("config.providers",
                    resolved.get("config.providers"), ConfigDef.Type.LIST);
            for (String name : names == null ? new ArrayList<String>() : names) {
                String prefix = "config.providers." + name;
                String cls = resolved.get(prefix + ".class");
                if (cls == null) {
                    providers.put(name, null);
                    continue;
                }
                ConfigProvider p = (ConfigProvider) Class.forName(cls).getDeclaredConstructor().newInstance();
                Map<String, Object> params = new HashMap<>();
                String pp = prefix + ".param.";
                for (Map.Entry<String, String> e : resolved.entrySet()) {
                    if (e.getKey().startsWith(pp) && e.getKey().length() > pp.length()) {
                        params.put(e.getKey().substring(pp.length()), e.getValue());
                    }
                }
                p.configure(params);
                providers.put(name, p);
            }
            data = new ConfigTransformer(providers).transform(connector).data();
        } catch (Exception e) {
            out.println("CERR " + enc(String.valueOf(e)));
            return;
        }
        for (Map.Entry<String, String> e : new TreeMap<>(data).entrySet()) {
            out.println("C " + enc(e.getKey()) + " " + enc(e.getValue()));
        }
    }
}
