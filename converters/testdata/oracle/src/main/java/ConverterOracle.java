import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.apache.kafka.connect.storage.StringConverter;

/**
 * Runs Kafka's converters over a corpus: one JSON object per input line, one
 * result per output line, in order. See differential_test.go for the format.
 *
 * <p>Input: {"op": "j2c"|"c2j"|"h2c"|"c2h"|"s2c"|"c2s", "conf": {..}, "data":
 * base64 or null} for the reading directions, {"op", "conf", "schema": schema
 * description or null, "value": value description} for the writing ones.
 *
 * <p>Output: {"ok": true, "schema": .., "value": ..} or {"ok": true, "bytes":
 * base64 or null}, or {"ok": false, "error": message}; "build": true when
 * the schema or value of a writing case could not even be built in Java.
 */
public final class ConverterOracle {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Map<String, Object> CONVERTERS = new HashMap<>();

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            ObjectNode res;
            try {
                res = run(MAPPER.readTree(line));
            } catch (BuildException e) {
                res = F.objectNode().put("ok", false).put("build", true).put("error", String.valueOf(e.getCause()));
            } catch (Throwable e) {
                res = F.objectNode().put("ok", false).put("error", e.toString());
            }
            out.write(MAPPER.writeValueAsString(res));
            out.write('\n');
        }
        out.flush();
    }

    static final class BuildException extends Exception {
        BuildException(Throwable cause) {
            super(cause);
        }
    }

    private static Object converter(String op, JsonNode conf) {
        String key = op.charAt(0) == 'c' ? op.charAt(2) + conf.toString() : op.charAt(0) + conf.toString();
        return CONVERTERS.computeIfAbsent(key, k -> {
            Map<String, Object> c = new HashMap<>();
            conf.fields().forEachRemaining(e -> c.put(e.getKey(), e.getValue().asText()));
            switch (k.charAt(0)) {
                case 'j': {
                    JsonConverter j = new JsonConverter();
                    j.configure(c, false);
                    return j;
                }
                case 'h': {
                    SimpleHeaderConverter h = new SimpleHeaderConverter();
                    h.configure(c);
                    return h;
                }
                default: {
                    StringConverter s = new StringConverter();
                    s.configure(c, false);
                    return s;
                }
            }
        });
    }

    private static ObjectNode run(JsonNode req) throws Exception {
        String op = req.get("op").asText();
        Object conv = converter(op, req.get("conf"));
        if (op.endsWith("2c")) {
            JsonNode d = req.get("data");
            byte[] data = d == null || d.isNull() ? null : Base64.getDecoder().decode(d.asText());
            SchemaAndValue sv;
            switch (op) {
                case "j2c":
                    sv = ((JsonConverter) conv).toConnectData("topic", data);
                    break;
                case "h2c":
                    sv = ((SimpleHeaderConverter) conv).toConnectHeader("topic", "header", data);
                    break;
                default:
                    sv = ((StringConverter) conv).toConnectData("topic", data);
            }
            ObjectNode res = F.objectNode().put("ok", true);
            res.set("schema", sv == null ? F.nullNode() : schemaDesc(sv.schema()));
            res.set("value", sv == null ? F.nullNode() : valueDesc(sv.value()));
            return res;
        }
        Schema schema;
        Object value;
        try {
            schema = buildSchema(req.get("schema"));
            value = buildValue(schema, req.get("value"));
        } catch (Exception e) {
            throw new BuildException(e);
        }
        byte[] out;
        switch (op) {
            case "c2j":
                out = ((JsonConverter) conv).fromConnectData("topic", schema, value);
                break;
            case "c2h":
                out = ((SimpleHeaderConverter) conv).fromConnectHeader("topic", "header", schema, value);
                break;
            default:
                out = ((StringConverter) conv).fromConnectData("topic", schema, value);
        }
        ObjectNode res = F.objectNode().put("ok", true);
        if (out == null) {
            res.putNull("bytes");
        } else {
            res.put("bytes", Base64.getEncoder().encodeToString(out));
        }
        return res;
    }

    // ---- Descriptions of schemas and values ----

    static JsonNode schemaDesc(Schema s) {
        if (s == null) {
            return F.nullNode();
        }
        ObjectNode o = F.objectNode();
        o.put("type", s.type().name());
        o.put("optional", s.isOptional());
        if (s.name() != null) o.set("name", str(s.name()));
        if (s.version() != null) o.put("version", s.version());
        if (s.doc() != null) o.set("doc", str(s.doc()));
        if (s.parameters() != null) {
            ArrayNode ps = o.putArray("params");
            for (Map.Entry<String, String> e : s.parameters().entrySet()) {
                ps.addArray().add(str(e.getKey())).add(str(e.getValue()));
            }
        }
        switch (s.type()) {
            case ARRAY:
                o.set("items", schemaDesc(s.valueSchema()));
                break;
            case MAP:
                o.set("keys", schemaDesc(s.keySchema()));
                o.set("values", schemaDesc(s.valueSchema()));
                break;
            case STRUCT:
                ArrayNode fs = o.putArray("fields");
                for (Field f : s.fields()) {
                    fs.addArray().add(str(f.name())).add(schemaDesc(f.schema()));
                }
                break;
            default:
        }
        if (s.defaultValue() != null) o.set("default", valueDesc(s.defaultValue()));
        return o;
    }

    /** A string, or ["string16", hex code units] when it holds a lone surrogate. */
    static JsonNode str(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                StringBuilder sb = new StringBuilder();
                for (int j = 0; j < s.length(); j++) {
                    sb.append(String.format("%04x", (int) s.charAt(j)));
                }
                return F.arrayNode().add("string16").add(sb.toString());
            }
        }
        return F.textNode(s);
    }

    static String unstr(JsonNode n) {
        if (n.isTextual()) {
            return n.asText();
        }
        String hex = n.get(1).asText();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 4) {
            sb.append((char) Integer.parseInt(hex.substring(i, i + 4), 16));
        }
        return sb.toString();
    }

    static JsonNode valueDesc(Object v) {
        if (v == null) {
            return F.nullNode();
        }
        ArrayNode a = F.arrayNode();
        if (v instanceof Byte) {
            a.add("int8").add((Byte) v);
        } else if (v instanceof Short) {
            a.add("int16").add((Short) v);
        } else if (v instanceof Integer) {
            a.add("int32").add((Integer) v);
        } else if (v instanceof Long) {
            a.add("int64").add(v.toString());
        } else if (v instanceof Float) {
            float f = (Float) v;
            a.add("float32").add(Float.isNaN(f) ? "NaN" : String.format("%08x", Float.floatToRawIntBits(f)));
        } else if (v instanceof Double) {
            double f = (Double) v;
            a.add("float64").add(Double.isNaN(f) ? "NaN" : String.format("%016x", Double.doubleToRawLongBits(f)));
        } else if (v instanceof Boolean) {
            a.add("bool").add((Boolean) v);
        } else if (v instanceof String) {
            a.add("string").add(str((String) v));
        } else if (v instanceof byte[]) {
            a.add("bytes").add(Base64.getEncoder().encodeToString((byte[]) v));
        } else if (v instanceof ByteBuffer) {
            ByteBuffer b = ((ByteBuffer) v).duplicate();
            byte[] p = new byte[b.remaining()];
            b.get(p);
            a.add("bytes").add(Base64.getEncoder().encodeToString(p));
        } else if (v instanceof BigDecimal) {
            BigDecimal d = (BigDecimal) v;
            a.add("decimal").add(d.unscaledValue().toString()).add(d.scale());
        } else if (v instanceof java.util.Date) {
            a.add("datetime").add(Long.toString(((java.util.Date) v).getTime()));
        } else if (v instanceof List) {
            a.add("array");
            ArrayNode es = a.addArray();
            for (Object e : (List<?>) v) {
                es.add(valueDesc(e));
            }
        } else if (v instanceof Map) {
            a.add("map");
            ArrayNode es = a.addArray();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                es.addArray().add(valueDesc(e.getKey())).add(valueDesc(e.getValue()));
            }
        } else if (v instanceof Struct) {
            Struct st = (Struct) v;
            a.add("struct");
            ArrayNode es = a.addArray();
            for (Field f : st.schema().fields()) {
                es.addArray().add(str(f.name())).add(valueDesc(st.getWithoutDefault(f.name())));
            }
        } else {
            a.add("java").add(v.getClass().getName()).add(String.valueOf(v));
        }
        return a;
    }

    static Schema buildSchema(JsonNode d) {
        if (d == null || d.isNull()) {
            return null;
        }
        SchemaBuilder b;
        String type = d.get("type").asText();
        switch (type) {
            case "ARRAY":
                b = SchemaBuilder.array(buildSchema(d.get("items")));
                break;
            case "MAP":
                b = SchemaBuilder.map(buildSchema(d.get("keys")), buildSchema(d.get("values")));
                break;
            case "STRUCT":
                b = SchemaBuilder.struct();
                for (JsonNode f : d.get("fields")) {
                    b.field(unstr(f.get(0)), buildSchema(f.get(1)));
                }
                break;
            default:
                b = SchemaBuilder.type(Schema.Type.valueOf(type));
        }
        if (d.path("optional").asBoolean()) b.optional();
        if (d.has("name")) b.name(unstr(d.get("name")));
        if (d.has("version")) b.version(d.get("version").asInt());
        if (d.has("doc")) b.doc(unstr(d.get("doc")));
        if (d.has("params")) {
            for (JsonNode p : d.get("params")) {
                b.parameter(unstr(p.get(0)), unstr(p.get(1)));
            }
        }
        if (d.has("default")) {
            b.defaultValue(buildValue(b, d.get("default")));
        }
        return b.build();
    }

    static Object buildValue(Schema s, JsonNode d) {
        if (d == null || d.isNull()) {
            return null;
        }
        String tag = d.get(0).asText();
        JsonNode v = d.get(1);
        switch (tag) {
            case "int8":
                return (byte) v.asInt();
            case "int16":
                return (short) v.asInt();
            case "int32":
                return v.asInt();
            case "int64":
                return Long.parseLong(v.asText());
            case "float32":
                return v.asText().equals("NaN") ? Float.NaN : Float.intBitsToFloat(Integer.parseUnsignedInt(v.asText(), 16));
            case "float64":
                return v.asText().equals("NaN") ? Double.NaN : Double.longBitsToDouble(Long.parseUnsignedLong(v.asText(), 16));
            case "bool":
                return v.asBoolean();
            case "string":
                return unstr(v);
            case "bytes":
                return Base64.getDecoder().decode(v.asText());
            case "decimal":
                return new BigDecimal(new BigInteger(v.asText()), d.get(2).asInt());
            case "datetime":
                return new java.util.Date(Long.parseLong(v.asText()));
            case "array": {
                List<Object> l = new ArrayList<>();
                for (JsonNode e : v) {
                    l.add(buildValue(s == null ? null : s.valueSchema(), e));
                }
                return l;
            }
            case "map": {
                Map<Object, Object> m = new LinkedHashMap<>();
                for (JsonNode e : v) {
                    m.put(buildValue(s == null ? null : s.keySchema(), e.get(0)),
                          buildValue(s == null ? null : s.valueSchema(), e.get(1)));
                }
                return m;
            }
            case "struct": {
                Struct st = new Struct(s);
                Iterator<JsonNode> it = v.elements();
                while (it.hasNext()) {
                    JsonNode e = it.next();
                    String name = unstr(e.get(0));
                    if (!e.get(1).isNull()) { // null is unset, as a Go Struct's nil
                        st.put(name, buildValue(s.field(name).schema(), e.get(1)));
                    }
                }
                return st;
            }
            default:
                throw new IllegalArgumentException("unknown value tag " + tag);
        }
    }
}
