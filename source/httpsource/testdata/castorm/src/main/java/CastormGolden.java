import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import com.github.castorm.kafka.connect.http.model.HttpResponse;
import com.github.castorm.kafka.connect.http.response.KvHttpResponseParser;

import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Each stdin line is {"name": case, "config": {castorm's settings}, "body": "response body"}.
 * The body goes through castorm's KvHttpResponseParser (its default record parser and
 * mapper unless the config names others), and each record through Kafka's JsonConverter
 * (schemas.enable=true, as a worker's default converters), as WorkerSourceTask converts
 * them. Each stdout line is {"name", "key", "value" (the converters' UTF-8 text), "timestamp"}.
 */
public class CastormGolden {
    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonConverter keys = new JsonConverter(), values = new JsonConverter();
        Map<String, Object> conf = new HashMap<>();
        conf.put("schemas.enable", "true");
        keys.configure(conf, true);
        values.configure(conf, false);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder();
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isEmpty()) continue;
            Map<?, ?> c = json.readValue(line, LinkedHashMap.class);
            KvHttpResponseParser parser = new KvHttpResponseParser();
            parser.configure((Map<String, ?>) c.get("config"));
            byte[] body = ((String) c.get("body")).getBytes(StandardCharsets.UTF_8);
            List<SourceRecord> recs = parser.parse(HttpResponse.builder().code(200).body(body).build());
            for (SourceRecord r : recs) {
                byte[] k = keys.fromConnectData(r.topic(), r.keySchema(), r.key());
                byte[] v = values.fromConnectData(r.topic(), r.valueSchema(), r.value());
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("name", c.get("name"));
                o.put("key", new String(k, StandardCharsets.UTF_8));
                o.put("value", new String(v, StandardCharsets.UTF_8));
                o.put("timestamp", r.timestamp());
                out.append(json.writeValueAsString(o)).append('\n');
            }
        }
        System.out.print(out);
    }
}
