// GenJsonGolden writes the golden vectors that package converters is tested
// against, by running Apache Kafka's own converters (the version pinned in
// pom.xml). It is connectkit's own code; run it through generate.sh.
//
// Every vector is one call of one Kafka converter:
//
//   name       unique, stable name; the Go tests refer to vectors by it
//   converter  "json" (JsonConverter), "string" (StringConverter) or
//              "header" (SimpleHeaderConverter)
//   op         "fromConnect": schema+value in, bytes out;
//              "toConnect": bytes in, schema+value out
//   config     the converter's configuration
//   schema     schema dump (see dumpSchema), or null
//   value      value dump (see dumpValue), or null
//   base64     the bytes, standard base64; null for a Kafka null
//   text       the same bytes as UTF-8 text, for reading; absent when the
//              bytes are not valid UTF-8
//   error      Kafka's exception message when the call threw (the outputs
//              are then absent)
//
// A value dump names the Java class Kafka produced or was given, so that the
// Go side can compare types exactly: {"int8":1}, {"int16":1}, {"int32":1},
// {"int64":"1"}, {"float32":"1.5"}, {"float64":"1.0E20"}, {"boolean":true},
// {"string":"s"}, {"bytes":"<base64>"}, {"decimal":{"unscaled":"12345",
// "scale":2}}, {"datetime":"<epoch millis>"} (java.util.Date),
// {"array":[...]}, {"map":[[k,v],...]} and {"struct":[["field",v],...]}.
// Struct dumps of inputs hold the raw field values (null when unset); struct
// dumps of outputs hold what Struct.get returns (the default when null).

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.apache.kafka.connect.storage.StringConverter;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

public final class GenJsonGolden {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String TOPIC = "topic";

    private final List<ObjectNode> vectors = new ArrayList<>();

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : ".");
        GenJsonGolden json = new GenJsonGolden();
        json.jsonVectors();
        json.write(dir.resolve("json_vectors.json"));
        GenJsonGolden other = new GenJsonGolden();
        other.stringVectors();
        other.headerVectors();
        other.write(dir.resolve("string_header_vectors.json"));
    }

    private void write(Path file) throws IOException {
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < vectors.size(); i++) {
            sb.append(MAPPER.writeValueAsString(vectors.get(i)));
            sb.append(i + 1 < vectors.size() ? ",\n" : "\n");
        }
        sb.append("]\n");
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }

    // ---- JsonConverter ------------------------------------------------------

    private static final class Case {
        final String name;
        final Schema schema;
        final Object value;
        final boolean decimal;  // also run with decimal.format=NUMERIC
        final boolean defaults; // also run with replace.null.with.default=false

        Case(String name, Schema schema, Object value, boolean decimal, boolean defaults) {
            this.name = name;
            this.schema = schema;
            this.value = value;
            this.decimal = decimal;
            this.defaults = defaults;
        }
    }

    private final List<Case> cases = new ArrayList<>();

    private void c(String name, Schema schema, Object value) {
        cases.add(new Case(name, schema, value, false, false));
    }

    private void dec(String name, Schema schema, Object value) {
        cases.add(new Case(name, schema, value, true, false));
    }

    private void def(String name, Schema schema, Object value) {
        cases.add(new Case(name, schema, value, false, true));
    }

    private static Map<String, String> cfg(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private void jsonVectors() {
        writeCases();
        Map<String, Map<String, String>> all = new LinkedHashMap<>();
        all.put("env", cfg("schemas.enable", "true"));
        all.put("plain", cfg("schemas.enable", "false"));
        Map<String, Map<String, String>> decimal = new LinkedHashMap<>();
        decimal.put("env-numeric", cfg("schemas.enable", "true", "decimal.format", "NUMERIC"));
        decimal.put("plain-numeric", cfg("schemas.enable", "false", "decimal.format", "numeric"));
        Map<String, Map<String, String>> defaults = new LinkedHashMap<>();
        defaults.put("env-keepnull", cfg("schemas.enable", "true", "replace.null.with.default", "false"));
        defaults.put("plain-keepnull", cfg("schemas.enable", "false", "replace.null.with.default", "false"));

        for (Case k : cases) {
            runWrite(k, all);
            if (k.decimal) {
                runWrite(k, decimal);
            }
            if (k.defaults) {
                runWrite(k, defaults);
            }
        }
        readCases();
    }

    private void runWrite(Case k, Map<String, Map<String, String>> configs) {
        for (Map.Entry<String, Map<String, String>> e : configs.entrySet()) {
            String name = k.name + "@" + e.getKey();
            JsonConverter conv = new JsonConverter();
            conv.configure(e.getValue(), false);
            ObjectNode v = vector(name, "json", "fromConnect", e.getValue());
            v.set("schema", dumpSchema(k.schema));
            v.set("value", dumpValue(k.value, true));
            byte[] out;
            try {
                out = conv.fromConnectData(TOPIC, k.schema, k.value);
            } catch (RuntimeException ex) {
                v.put("error", message(ex));
                vectors.add(v);
                continue;
            }
            putBytes(v, out);
            vectors.add(v);
            if (out != null) {
                read(name + "/read", "json", e.getValue(), out);
            }
        }
    }

    private void read(String name, String converter, Map<String, String> config, byte[] in) {
        ObjectNode v = vector(name, converter, "toConnect", config);
        putBytes(v, in);
        try {
            SchemaAndValue sv;
            switch (converter) {
                case "json": {
                    JsonConverter conv = new JsonConverter();
                    conv.configure(config, false);
                    sv = conv.toConnectData(TOPIC, in);
                    break;
                }
                case "string": {
                    StringConverter conv = new StringConverter();
                    conv.configure(config, false);
                    sv = conv.toConnectData(TOPIC, in);
                    break;
                }
                default: {
                    SimpleHeaderConverter conv = new SimpleHeaderConverter();
                    conv.configure(config);
                    sv = conv.toConnectHeader(TOPIC, "h", in);
                    break;
                }
            }
            if (sv == null) {
                v.putNull("schema");
                v.putNull("value");
            } else {
                v.set("schema", dumpSchema(sv.schema()));
                v.set("value", dumpValue(sv.value(), false));
            }
        } catch (RuntimeException ex) {
            v.put("error", message(ex));
        }
        vectors.add(v);
    }

    private void readJson(String name, String config, String text) {
        Map<String, String> conf;
        switch (config) {
            case "env":
                conf = cfg("schemas.enable", "true");
                break;
            case "plain":
                conf = cfg("schemas.enable", "false");
                break;
            case "env-keepnull":
                conf = cfg("schemas.enable", "true", "replace.null.with.default", "false");
                break;
            default:
                throw new IllegalArgumentException(config);
        }
        read("read/" + name + "@" + config, "json", conf, text == null ? null : text.getBytes(StandardCharsets.UTF_8));
    }

    private void writeCases() {
        // Primitives.
        c("int8", Schema.INT8_SCHEMA, (byte) 5);
        c("int8_min", Schema.INT8_SCHEMA, Byte.MIN_VALUE);
        c("int16_min", Schema.INT16_SCHEMA, Short.MIN_VALUE);
        c("int32_max", Schema.INT32_SCHEMA, Integer.MAX_VALUE);
        c("int32_neg", Schema.INT32_SCHEMA, -1);
        c("int64_max", Schema.INT64_SCHEMA, Long.MAX_VALUE);
        c("int64_min", Schema.INT64_SCHEMA, Long.MIN_VALUE);
        float[] floats = {1.0f, 0.1f, -0.0f, 0.0f, 3.4028235E38f, 1.4E-45f, 1.17549435E-38f, 1e7f, 9999999f, 1e-3f,
            9.999999E-4f, 123456.79f, 16777216f, 1.0E10f, 3.0E-5f, Float.NaN, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY};
        for (int i = 0; i < floats.length; i++) {
            c("float32_" + i, Schema.FLOAT32_SCHEMA, floats[i]);
        }
        double[] doubles = {1.0, 0.1, -0.0, 0.0, 1e20, 1e7, 9999999.0, 9999999.999, 1e-3, 0.000999, 1e21, 1.0E-5,
            Double.MAX_VALUE, Double.MIN_VALUE, Double.MIN_NORMAL, 2.82879384806159E17, 1.18575755E-316, 123.456,
            100.0, 12345678.9, -1.5, 4.35, 0.3, 2.0E-3, 1.0E23, 8.41E21, 5.0E-324, 9007199254740993.0,
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int i = 0; i < doubles.length; i++) {
            c("float64_" + i, Schema.FLOAT64_SCHEMA, doubles[i]);
        }
        c("boolean_true", Schema.BOOLEAN_SCHEMA, true);
        c("boolean_false", Schema.BOOLEAN_SCHEMA, false);
        c("string_empty", Schema.STRING_SCHEMA, "");
        c("string_ascii", Schema.STRING_SCHEMA, "hello world");
        c("string_unicode", Schema.STRING_SCHEMA, "h\u00e9llo w\u00f6rld \u2713 \ud83d\ude00 \u4e2d\u6587");
        StringBuilder ctl = new StringBuilder();
        for (char ch = 0; ch < 0x20; ch++) {
            ctl.append(ch);
        }
        ctl.append("\u007f \" \\ / < > & ' \u2028 \u2029 \u0080 \ufeff \uffff");
        c("string_escapes", Schema.STRING_SCHEMA, ctl.toString());
        c("bytes_empty", Schema.BYTES_SCHEMA, new byte[0]);
        c("bytes_1", Schema.BYTES_SCHEMA, new byte[] {(byte) 0xff});
        c("bytes_2", Schema.BYTES_SCHEMA, new byte[] {0, (byte) 0xfe});
        c("bytes_3", Schema.BYTES_SCHEMA, new byte[] {0, 1, 2});
        c("bytes_buffer", Schema.BYTES_SCHEMA, ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));

        // Optional schemas and nulls.
        c("optional_int32_null", Schema.OPTIONAL_INT32_SCHEMA, null);
        c("optional_int32_set", Schema.OPTIONAL_INT32_SCHEMA, 7);
        c("optional_string_null", Schema.OPTIONAL_STRING_SCHEMA, null);
        c("required_null", Schema.INT32_SCHEMA, null);
        c("null_no_schema", null, null);

        // Schema metadata.
        Map<String, String> params = new LinkedHashMap<>();
        c("metadata", SchemaBuilder.int32().name("com.example.Count").version(3).doc("a \"count\"")
            .parameter("a", "1").parameter("b", "two").build(), 11);
        c("metadata_optional", SchemaBuilder.string().optional().name("com.example.Name").version(1).build(), "x");
        c("metadata_empty_params", SchemaBuilder.string().parameters(params).build(), "x");

        // Defaults.
        def("default_int32_null", SchemaBuilder.int32().defaultValue(42).build(), null);
        def("default_int32_set", SchemaBuilder.int32().defaultValue(42).build(), 1);
        def("default_optional_string_null", SchemaBuilder.string().optional().defaultValue("dflt").build(), null);
        def("default_bytes", SchemaBuilder.bytes().defaultValue(new byte[] {1, 2}).build(), new byte[] {3});
        def("default_float64", SchemaBuilder.float64().defaultValue(1.5).build(), 2.0);
        Schema arrDef = SchemaBuilder.array(Schema.INT32_SCHEMA).defaultValue(List.of(1, 2)).build();
        def("default_array", arrDef, List.of(3));
        Map<String, Integer> mapDefault = new TreeMap<>();
        mapDefault.put("k", 1);
        def("default_map", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).defaultValue(mapDefault).build(),
            new TreeMap<String, Integer>());

        // Arrays.
        c("array_int32", SchemaBuilder.array(Schema.INT32_SCHEMA).build(), List.of(1, 2, 3));
        c("array_empty", SchemaBuilder.array(Schema.STRING_SCHEMA).build(), List.of());
        c("array_optional_elems", SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).build(), Arrays.asList("a", null));
        c("array_nested", SchemaBuilder.array(SchemaBuilder.array(Schema.INT64_SCHEMA).build()).build(),
            List.of(List.of(1L, 2L), List.of()));
        c("array_optional_null", SchemaBuilder.array(Schema.INT32_SCHEMA).optional().build(), null);
        c("array_required_elem_null", SchemaBuilder.array(Schema.INT32_SCHEMA).build(), Arrays.asList(1, null));

        // Maps.
        Map<String, Integer> strMap = new TreeMap<>();
        strMap.put("a", 1);
        strMap.put("b", 2);
        strMap.put("\u00e9", 3);
        c("map_string_int32", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build(), strMap);
        Map<Integer, String> intMap = new TreeMap<>();
        intMap.put(-1, "minus");
        intMap.put(2, "two");
        c("map_int32_string", SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build(), intMap);
        c("map_empty", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build(), new TreeMap<String, String>());
        c("map_empty_int_keys", SchemaBuilder.map(Schema.INT64_SCHEMA, Schema.STRING_SCHEMA).build(),
            new TreeMap<Long, String>());
        Map<String, String> nullVals = new TreeMap<>();
        nullVals.put("a", null);
        c("map_optional_values", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA).build(), nullVals);

        // Structs.
        Schema flat = SchemaBuilder.struct().name("com.example.Flat").version(2).doc("all primitives")
            .field("i8", Schema.INT8_SCHEMA)
            .field("i16", Schema.INT16_SCHEMA)
            .field("i32", Schema.INT32_SCHEMA)
            .field("i64", Schema.INT64_SCHEMA)
            .field("f32", Schema.FLOAT32_SCHEMA)
            .field("f64", Schema.FLOAT64_SCHEMA)
            .field("b", Schema.BOOLEAN_SCHEMA)
            .field("s", Schema.STRING_SCHEMA)
            .field("by", Schema.BYTES_SCHEMA)
            .field("opt", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
        Struct flatV = new Struct(flat).put("i8", (byte) -1).put("i16", (short) 300).put("i32", 70000)
            .put("i64", 1L << 40).put("f32", 1.5f).put("f64", -2.25).put("b", true).put("s", "str")
            .put("by", new byte[] {9, 8, 7});
        c("struct_flat", flat, flatV);
        Schema address = SchemaBuilder.struct().name("Address")
            .field("street", Schema.STRING_SCHEMA)
            .field("zip", Schema.OPTIONAL_INT32_SCHEMA)
            .build();
        Schema person = SchemaBuilder.struct().name("com.example.Person")
            .field("name", Schema.STRING_SCHEMA)
            .field("addresses", SchemaBuilder.array(address).build())
            .field("tags", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).optional().build())
            .field("home", address.schema())
            .field("born", Date.SCHEMA)
            .build();
        Map<String, String> tags = new TreeMap<>();
        tags.put("role", "admin");
        Struct personV = new Struct(person).put("name", "Ann")
            .put("addresses", List.of(new Struct(address).put("street", "Main St").put("zip", 12345),
                new Struct(address).put("street", "Side St")))
            .put("tags", tags)
            .put("home", new Struct(address).put("street", "Home"))
            .put("born", new java.util.Date(-86400000L * 365));
        c("struct_nested", person, personV);
        Schema withDefaults = SchemaBuilder.struct().name("WithDefaults")
            .field("a", SchemaBuilder.int32().defaultValue(5).build())
            .field("b", SchemaBuilder.string().optional().defaultValue("bee").build())
            .field("c", Schema.OPTIONAL_INT64_SCHEMA)
            .build();
        def("struct_defaults_unset", withDefaults, new Struct(withDefaults));
        def("struct_defaults_set", withDefaults, new Struct(withDefaults).put("a", 1).put("b", "x").put("c", 3L));
        Schema inner = SchemaBuilder.struct().name("Inner").field("x", Schema.INT32_SCHEMA).build();
        c("struct_empty", SchemaBuilder.struct().build(), new Struct(SchemaBuilder.struct().build()));
        c("struct_missing_required", flat, new Struct(flat).put("i8", (byte) 1));
        c("struct_optional_null", SchemaBuilder.struct().name("Opt").optional().field("x", Schema.INT32_SCHEMA).build(),
            null);
        Schema mapOfStruct = SchemaBuilder.map(Schema.STRING_SCHEMA, inner).build();
        Map<String, Struct> msv = new TreeMap<>();
        msv.put("one", new Struct(inner).put("x", 1));
        c("map_string_struct", mapOfStruct, msv);
        Schema structKeys = SchemaBuilder.map(inner, Schema.STRING_SCHEMA).build();
        Map<Struct, String> skv = new LinkedHashMap<>();
        skv.put(new Struct(inner).put("x", 1), "one");
        c("map_struct_keys", structKeys, skv);

        // Logical types.
        c("date", Date.SCHEMA, new java.util.Date(19000L * 86400000L));
        c("date_epoch", Date.SCHEMA, new java.util.Date(0));
        c("date_negative", Date.SCHEMA, new java.util.Date(-3L * 86400000L));
        c("date_with_time", Date.SCHEMA, new java.util.Date(19000L * 86400000L + 1));
        c("time", Time.SCHEMA, new java.util.Date(((12 * 60 + 34) * 60 + 56) * 1000L + 789));
        c("time_midnight", Time.SCHEMA, new java.util.Date(0));
        c("time_end_of_day", Time.SCHEMA, new java.util.Date(86400000L));
        c("time_with_date", Time.SCHEMA, new java.util.Date(86400001L));
        c("timestamp", Timestamp.SCHEMA, new java.util.Date(1700000000123L));
        c("timestamp_negative", Timestamp.SCHEMA, new java.util.Date(-1L));
        c("timestamp_optional_null", Timestamp.builder().optional().build(), null);
        def("date_default", Date.builder().defaultValue(new java.util.Date(86400000L)).build(), null);
        dec("decimal", Decimal.schema(2), new BigDecimal("123.45"));
        dec("decimal_negative", Decimal.schema(2), new BigDecimal("-123.45"));
        dec("decimal_zero", Decimal.schema(0), BigDecimal.ZERO);
        dec("decimal_128", Decimal.schema(0), new BigDecimal("128"));
        dec("decimal_minus128", Decimal.schema(0), new BigDecimal("-128"));
        dec("decimal_minus129", Decimal.schema(0), new BigDecimal("-129"));
        dec("decimal_big", Decimal.schema(5), new BigDecimal("-123456789012345678901234567890.12345"));
        dec("decimal_negative_scale", Decimal.schema(-2), new BigDecimal(BigInteger.valueOf(123), -2));
        dec("decimal_small", Decimal.schema(10), new BigDecimal(BigInteger.ONE, 10));
        dec("decimal_small6", Decimal.schema(7), new BigDecimal(BigInteger.valueOf(12), 7));
        dec("decimal_zero_scaled", Decimal.schema(8), new BigDecimal(BigInteger.ZERO, 8));
        dec("decimal_trailing_zeros", Decimal.schema(3), new BigDecimal("1.500"));
        dec("decimal_scale_mismatch", Decimal.schema(2), new BigDecimal("1.5"));
        dec("decimal_precision_param", Decimal.builder(2).parameter("connect.decimal.precision", "10").build(),
            new BigDecimal("-0.05"));
        dec("decimal_optional_null", Decimal.builder(2).optional().build(), null);
        dec("decimal_default", Decimal.builder(2).defaultValue(new BigDecimal("9.99")).build(), null);
        Schema logicalStruct = SchemaBuilder.struct().name("Logical")
            .field("d", Date.SCHEMA)
            .field("t", Time.SCHEMA)
            .field("ts", Timestamp.SCHEMA)
            .field("dec", Decimal.schema(3))
            .field("optdec", Decimal.builder(1).optional().build())
            .build();
        dec("struct_logical", logicalStruct, new Struct(logicalStruct)
            .put("d", new java.util.Date(86400000L * 2))
            .put("t", new java.util.Date(1000))
            .put("ts", new java.util.Date(1234567890123L))
            .put("dec", new BigDecimal("-1.000")));
        dec("array_decimal", SchemaBuilder.array(Decimal.schema(1)).build(),
            List.of(new BigDecimal("0.1"), new BigDecimal("-99999999999999999999.9")));

        // Wrong Java types for the schema.
        c("wrong_type_string", Schema.STRING_SCHEMA, 5);
        c("wrong_type_int32", Schema.INT32_SCHEMA, 5L);
        c("wrong_type_bytes", Schema.BYTES_SCHEMA, "x");
        c("wrong_type_struct", flat, new Struct(inner).put("x", 1));

        // No schema: the type follows the Java class.
        c("schemaless_int32", null, 5);
        c("schemaless_int64", null, 5L);
        c("schemaless_float32", null, 1.5f);
        c("schemaless_float64", null, 1.0E-7);
        c("schemaless_string", null, "s");
        c("schemaless_bool", null, false);
        c("schemaless_bytes", null, new byte[] {1, 2, 3});
        c("schemaless_array", null, Arrays.asList(1, "two", 3.0, null, List.of(true)));
        Map<String, Object> sm = new TreeMap<>();
        sm.put("a", 1L);
        sm.put("b", Arrays.asList("x", null));
        sm.put("c", null);
        Map<String, Object> sub = new TreeMap<>();
        sub.put("d", 2.5);
        sm.put("n", sub);
        c("schemaless_map", null, sm);
        Map<Integer, Object> im = new TreeMap<>();
        im.put(1, "one");
        im.put(2, 2);
        c("schemaless_map_int_keys", null, im);
        c("schemaless_struct", null, new Struct(inner).put("x", 1));
        c("schemaless_decimal", null, new BigDecimal("1.5"));
        c("schemaless_date", null, new java.util.Date(0));
    }

    private void readCases() {
        // Plain JSON.
        readJson("object", "plain", "{\"a\":1,\"b\":[true,null,1.5],\"c\":\"x\",\"d\":{\"e\":-2}}");
        readJson("int", "plain", "123");
        readJson("minus_zero", "plain", "-0");
        readJson("minus_zero_float", "plain", "-0.0");
        readJson("float_one", "plain", "1.0");
        readJson("exp_int", "plain", "1e3");
        readJson("exp_neg", "plain", "1E-2");
        readJson("float_precise", "plain", "0.1000000000000000055511151231257827");
        readJson("string", "plain", "\"str\"");
        readJson("string_escapes", "plain", "\"\\u00e9\\ud83d\\ude00\\n\\t\\\"\\\\\\/\\b\\f\\r\"");
        readJson("string_raw_unicode", "plain", "\"h\u00e9llo \ud83d\ude00\"");
        readJson("null", "plain", "null");
        readJson("true", "plain", "true");
        readJson("leading_zeros", "plain", "007");
        readJson("leading_zeros_neg", "plain", "-007");
        readJson("leading_zeros_float", "plain", "00.5");
        readJson("int64_max", "plain", "9223372036854775807");
        readJson("int64_min", "plain", "-9223372036854775808");
        readJson("int64_overflow", "plain", "12345678901234567890");
        readJson("float_overflow", "plain", "1e400");
        readJson("float_underflow", "plain", "1e-400");
        readJson("empty", "plain", "");
        readJson("whitespace", "plain", " \n\t ");
        readJson("empty", "env", "");
        readJson("trailing_garbage", "plain", "{\"a\":1} x");
        readJson("trailing_value", "plain", "1 2");
        readJson("trailing_bracket", "plain", "[1,2]]");
        readJson("dup_keys", "plain", "{\"a\":1,\"a\":2}");
        readJson("bad_token", "plain", "{\"a\":x}");
        readJson("bad_literal", "plain", "tru");
        readJson("unterminated", "plain", "{\"a\":1");
        readJson("single_quotes", "plain", "{'a':1}");
        readJson("nan_literal", "plain", "NaN");
        readJson("comment", "plain", "/* c */ 1");
        readJson("control_in_string", "plain", "\"a\u0001b\"");
        readJson("trailing_comma", "plain", "[1,2,]");
        readJson("plus_sign", "plain", "+1");
        readJson("dot_first", "plain", ".5");
        readJson("dot_last", "plain", "1.");
        readJson("big_array", "plain", "[[[[[[[[[[1]]]]]]]]]]");

        // The envelope.
        readJson("plain_with_schemas", "env", "{\"a\":1}");
        readJson("array_with_schemas", "env", "[1,2]");
        readJson("null_with_schemas", "env", "null");
        readJson("payload_first", "env", "{\"payload\":5,\"schema\":{\"type\":\"int8\"}}");
        readJson("schema_null", "env", "{\"schema\":null,\"payload\":{\"a\":[1,2.5]}}");
        readJson("missing_payload", "env", "{\"schema\":{\"type\":\"int8\"}}");
        readJson("extra_field", "env", "{\"schema\":{\"type\":\"int8\"},\"payload\":1,\"x\":2}");
        readJson("whitespace_envelope", "env", " { \"schema\" : { \"type\" : \"string\" , \"optional\" : false } , \"payload\" : \"hi\" } ");
        readJson("payload_null_optional", "env", "{\"schema\":{\"type\":\"int32\",\"optional\":true},\"payload\":null}");
        readJson("payload_null_required", "env", "{\"schema\":{\"type\":\"int32\",\"optional\":false},\"payload\":null}");
        readJson("payload_null_default", "env", "{\"schema\":{\"type\":\"int32\",\"default\":7},\"payload\":null}");
        readJson("payload_null_default", "env-keepnull", "{\"schema\":{\"type\":\"int32\",\"default\":7},\"payload\":null}");
        readJson("optional_not_bool", "env", "{\"schema\":{\"type\":\"int32\",\"optional\":\"true\"},\"payload\":null}");
        readJson("schema_not_object", "env", "{\"schema\":\"int32\",\"payload\":1}");
        readJson("schema_no_type", "env", "{\"schema\":{},\"payload\":1}");
        readJson("schema_unknown_type", "env", "{\"schema\":{\"type\":\"int128\"},\"payload\":1}");
        readJson("array_no_items", "env", "{\"schema\":{\"type\":\"array\"},\"payload\":[]}");
        readJson("map_no_values", "env", "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"string\"}},\"payload\":{}}");
        readJson("struct_no_fields", "env", "{\"schema\":{\"type\":\"struct\"},\"payload\":{}}");
        readJson("struct_field_no_name", "env", "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int8\"}]},\"payload\":{}}");
        readJson("struct_dup_fields", "env", "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int8\",\"field\":\"a\"},{\"type\":\"int8\",\"field\":\"a\"}]},\"payload\":{}}");
        readJson("params_not_string", "env", "{\"schema\":{\"type\":\"string\",\"parameters\":{\"a\":1}},\"payload\":\"x\"}");
        readJson("version_float", "env", "{\"schema\":{\"type\":\"string\",\"version\":1.5,\"name\":\"n\",\"doc\":\"d\"},\"payload\":\"x\"}");
        readJson("default_null_required", "env", "{\"schema\":{\"type\":\"int32\",\"default\":null},\"payload\":1}");
        readJson("default_wrong_type", "env", "{\"schema\":{\"type\":\"int32\",\"default\":\"x\"},\"payload\":1}");
        readJson("struct_extra_and_missing", "env", "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"optional\":true,\"field\":\"a\"},{\"type\":\"string\",\"optional\":true,\"default\":\"d\",\"field\":\"b\"}]},\"payload\":{\"z\":[1,{}],\"a\":1}}");
        readJson("struct_missing_required", "env", "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"field\":\"a\"}]},\"payload\":{}}");
        readJson("struct_not_object", "env", "{\"schema\":{\"type\":\"struct\",\"fields\":[]},\"payload\":[]}");
        readJson("map_pairs", "env", "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"int8\"},\"values\":{\"type\":\"string\"}},\"payload\":[[1,\"a\"],[2,\"b\"]]}");
        readJson("map_pairs_bad", "env", "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"int8\"},\"values\":{\"type\":\"string\"}},\"payload\":[[1,\"a\",3]]}");
        readJson("map_object_for_int_keys", "env", "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"int8\"},\"values\":{\"type\":\"string\"}},\"payload\":{\"1\":\"a\"}}");
        readJson("map_string_keys_array", "env", "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"string\"},\"values\":{\"type\":\"string\"}},\"payload\":[]}");
        readJson("bytes_bad_base64", "env", "{\"schema\":{\"type\":\"bytes\"},\"payload\":\"!!!\"}");
        readJson("bytes_no_padding", "env", "{\"schema\":{\"type\":\"bytes\"},\"payload\":\"AQI\"}");
        readJson("decimal_from_number", "env", "{\"schema\":{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\",\"version\":1,\"parameters\":{\"scale\":\"2\"}},\"payload\":123.450}");
        readJson("decimal_from_int", "env", "{\"schema\":{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\",\"parameters\":{\"scale\":\"2\"}},\"payload\":12}");
        readJson("decimal_from_exp", "env", "{\"schema\":{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\",\"parameters\":{\"scale\":\"2\"}},\"payload\":1.5E+3}");
        readJson("decimal_from_base64", "env", "{\"schema\":{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\",\"parameters\":{\"scale\":\"2\"}},\"payload\":\"MDk=\"}");
        readJson("decimal_empty_bytes", "env", "{\"schema\":{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\",\"parameters\":{\"scale\":\"2\"}},\"payload\":\"\"}");
        readJson("decimal_no_scale", "env", "{\"schema\":{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\"},\"payload\":\"MDk=\"}");
        readJson("decimal_bool", "env", "{\"schema\":{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\",\"parameters\":{\"scale\":\"2\"}},\"payload\":true}");
        readJson("date_float", "env", "{\"schema\":{\"type\":\"int32\",\"name\":\"org.apache.kafka.connect.data.Date\"},\"payload\":1.5}");
        readJson("date_long", "env", "{\"schema\":{\"type\":\"int32\",\"name\":\"org.apache.kafka.connect.data.Date\"},\"payload\":3000000000}");
        readJson("time_out_of_range", "env", "{\"schema\":{\"type\":\"int32\",\"name\":\"org.apache.kafka.connect.data.Time\"},\"payload\":86400001}");
        readJson("time_negative", "env", "{\"schema\":{\"type\":\"int32\",\"name\":\"org.apache.kafka.connect.data.Time\"},\"payload\":-1}");
        readJson("timestamp_string", "env", "{\"schema\":{\"type\":\"int64\",\"name\":\"org.apache.kafka.connect.data.Timestamp\"},\"payload\":\"1\"}");
        readJson("unknown_logical_name", "env", "{\"schema\":{\"type\":\"int64\",\"name\":\"com.example.Thing\"},\"payload\":1}");

        // Where Kafka coerces silently; connectkit refuses (see the Go tests).
        readJson("int32_from_float", "env", "{\"schema\":{\"type\":\"int32\"},\"payload\":1.5}");
        readJson("int32_from_integral_float", "env", "{\"schema\":{\"type\":\"int32\"},\"payload\":2.0}");
        readJson("int32_from_string", "env", "{\"schema\":{\"type\":\"int32\"},\"payload\":\"12\"}");
        readJson("int8_overflow", "env", "{\"schema\":{\"type\":\"int8\"},\"payload\":300}");
        readJson("int32_overflow", "env", "{\"schema\":{\"type\":\"int32\"},\"payload\":3000000000}");
        readJson("int64_overflow", "env", "{\"schema\":{\"type\":\"int64\"},\"payload\":12345678901234567890}");
        readJson("boolean_from_int", "env", "{\"schema\":{\"type\":\"boolean\"},\"payload\":1}");
        readJson("string_from_int", "env", "{\"schema\":{\"type\":\"string\"},\"payload\":1}");
        readJson("float64_from_string_nan", "env", "{\"schema\":{\"type\":\"double\"},\"payload\":\"NaN\"}");
        readJson("float64_from_int", "env", "{\"schema\":{\"type\":\"double\"},\"payload\":3}");
        readJson("float32_rounding", "env", "{\"schema\":{\"type\":\"float\"},\"payload\":0.1}");
        readJson("float64_overflow", "env", "{\"schema\":{\"type\":\"double\"},\"payload\":1e400}");
        readJson("array_from_object", "env", "{\"schema\":{\"type\":\"array\",\"items\":{\"type\":\"int8\"}},\"payload\":{}}");
    }

    // ---- StringConverter ----------------------------------------------------

    private void stringVectors() {
        String text = "h\u00e9llo \u00ff \u0100 \ud83d\ude00 \u4e2d";
        for (String enc : List.of("UTF-8", "utf8", "ISO-8859-1", "latin1", "US-ASCII", "UTF-16", "UTF-16BE", "UTF-16LE")) {
            Map<String, String> conf = cfg("converter.encoding", enc);
            stringWrite("string/" + enc, conf, Schema.STRING_SCHEMA, text);
            StringConverter conv = new StringConverter();
            conv.configure(conf, false);
            byte[] out = conv.fromConnectData(TOPIC, Schema.STRING_SCHEMA, text);
            read("string/" + enc + "/read", "string", conf, out);
        }
        Map<String, String> utf8 = cfg();
        stringWrite("string/null", utf8, Schema.OPTIONAL_STRING_SCHEMA, null);
        read("string/null/read", "string", utf8, null);
        stringWrite("string/int32", utf8, Schema.INT32_SCHEMA, 42);
        stringWrite("string/int64", utf8, null, -7L);
        stringWrite("string/float32", utf8, null, 1.5f);
        stringWrite("string/float32_small", utf8, null, 1.0E-5f);
        stringWrite("string/float64", utf8, null, 1.0E20);
        stringWrite("string/float64_one", utf8, null, 1.0);
        stringWrite("string/nan", utf8, null, Double.NaN);
        stringWrite("string/boolean", utf8, null, true);
        stringWrite("string/decimal", utf8, null, new BigDecimal(BigInteger.valueOf(123), -2));
        stringWrite("string/decimal_plain", utf8, null, new BigDecimal("-0.05"));
        stringWrite("string/list", utf8, null, Arrays.asList(1, "a", null, 2.5, List.of()));
        Map<String, Object> m = new TreeMap<>();
        m.put("a", 1);
        m.put("b", "x y");
        stringWrite("string/map", utf8, null, m);
        Schema s = SchemaBuilder.struct().field("a", Schema.INT32_SCHEMA).field("b", Schema.OPTIONAL_STRING_SCHEMA)
            .field("c", SchemaBuilder.array(Schema.INT8_SCHEMA).optional().build()).build();
        stringWrite("string/struct", utf8, s, new Struct(s).put("a", 1).put("c", List.of((byte) 1, (byte) 2)));
        stringWrite("string/date", utf8, null, new java.util.Date(1700000000123L));
        stringWrite("string/date_epoch", utf8, null, new java.util.Date(0));
        // Decoding: malformed input.
        read("string/utf8_invalid/read", "string", utf8, hex("c328e28228f09f98ffc080eda080410a"));
        read("string/utf8_truncated/read", "string", utf8, hex("41e282"));
        read("string/utf8_4byte_bad/read", "string", utf8, hex("f4908080f5f8"));
        read("string/utf8_empty/read", "string", utf8, new byte[0]);
        read("string/ascii_high/read", "string", cfg("converter.encoding", "US-ASCII"), hex("41ff42"));
        read("string/utf16_bom_le/read", "string", cfg("converter.encoding", "UTF-16"), hex("fffe410042"));
        read("string/utf16_no_bom/read", "string", cfg("converter.encoding", "UTF-16"), hex("00410042"));
        read("string/utf16_lone_surrogate/read", "string", cfg("converter.encoding", "UTF-16BE"), hex("d83d0041dc00"));
        read("string/utf16be_bom/read", "string", cfg("converter.encoding", "UTF-16BE"), hex("feff0041"));
        read("string/utf16le_bom/read", "string", cfg("converter.encoding", "UTF-16LE"), hex("fffe4100"));
        // The serializer-level override described in StringSerializer.
        Map<String, String> both = cfg("converter.encoding", "UTF-16", "value.serializer.encoding", "ISO-8859-1",
            "value.deserializer.encoding", "ISO-8859-1");
        stringWrite("string/serializer_override", both, null, "\u00e9");
        read("string/deserializer_override/read", "string", both, hex("e9"));
    }

    private void stringWrite(String name, Map<String, String> config, Schema schema, Object value) {
        ObjectNode v = vector(name, "string", "fromConnect", config);
        v.set("schema", dumpSchema(schema));
        v.set("value", dumpValue(value, true));
        try {
            StringConverter conv = new StringConverter();
            conv.configure(config, false);
            putBytes(v, conv.fromConnectData(TOPIC, schema, value));
        } catch (RuntimeException ex) {
            v.put("error", message(ex));
        }
        vectors.add(v);
    }

    // ---- SimpleHeaderConverter ---------------------------------------------

    private void headerVectors() {
        headerWrite("string", Schema.STRING_SCHEMA, "hello \"world\"");
        headerWrite("null", Schema.OPTIONAL_STRING_SCHEMA, null);
        headerWrite("int8", Schema.INT8_SCHEMA, (byte) -5);
        headerWrite("int64", Schema.INT64_SCHEMA, Long.MIN_VALUE);
        headerWrite("float32", Schema.FLOAT32_SCHEMA, 1.5f);
        headerWrite("float64", Schema.FLOAT64_SCHEMA, 1.0E20);
        headerWrite("float64_nan", Schema.FLOAT64_SCHEMA, Double.NaN);
        headerWrite("boolean", Schema.BOOLEAN_SCHEMA, false);
        headerWrite("bytes", Schema.BYTES_SCHEMA, new byte[] {0, 1, (byte) 0xfe});
        headerWrite("list", SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).build(),
            Arrays.asList("a\"b", null, "c\\d", "e,f"));
        headerWrite("list_ints", SchemaBuilder.array(Schema.INT32_SCHEMA).build(), List.of(1, 2, 3));
        headerWrite("list_empty", SchemaBuilder.array(Schema.INT32_SCHEMA).build(), List.of());
        Map<String, Integer> m = new TreeMap<>();
        m.put("a", 1);
        m.put("b", 2);
        headerWrite("map", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build(), m);
        Schema s = SchemaBuilder.struct().field("f", Schema.INT32_SCHEMA).field("g", Schema.STRING_SCHEMA)
            .field("h", SchemaBuilder.bytes().optional().build())
            .field("i", SchemaBuilder.int32().optional().defaultValue(4).build()).build();
        headerWrite("struct", s, new Struct(s).put("f", 1).put("g", "x").put("h", new byte[] {1}));
        headerWrite("decimal", Decimal.schema(-2), new BigDecimal(BigInteger.valueOf(123), -2));
        headerWrite("decimal_plain", Decimal.schema(3), new BigDecimal("-1.250"));
        headerWrite("date", Date.SCHEMA, new java.util.Date(19000L * 86400000L));
        headerWrite("time", Time.SCHEMA, new java.util.Date(45296789L));
        headerWrite("timestamp", Timestamp.SCHEMA, new java.util.Date(1700000000123L));
        headerWrite("timestamp_before_epoch", Timestamp.SCHEMA, new java.util.Date(-86400000L));
        headerWrite("timestamp_day_1", Timestamp.SCHEMA, new java.util.Date(86400000L));

        String[] reads = {"", "hello", "hello world", "true", "false", "TRUE", " true ", "null", " null", "42", "-128",
            "127", "128", "-129", "32767", "32768", "2147483647", "2147483648", "-2147483649", "9223372036854775807",
            "9223372036854775808", "-9223372036854775809", "10000000000000000000", "12345678901234567890123",
            "1.5", "0.1", "-2.5", "1e30", "1e39", "1e-50", "1e400", "1.0", "1e3", "1.5e3", "+5", "-0", "0.0", "0",
            "1E+2", "3.4028235E38", "3.4028236E38", " 42 ", "\t7", "42abc", "0x10", "NaN", "Infinity", "-Infinity",
            "1_000", "\uff11\uff12", "2024-01-15", "12:34:56.789Z", "2024-01-15T12:34:56.789Z", "2024-13-45",
            "2024-01-15T12:34:56Z", "1234567890", "1,2", "12:30", "a:b", "[1,2,3]", "[\"a\",\"b\"]", "[]",
            "{\"a\":1,\"b\":2}", "{}", "[1,", "{a:1}", "hello, world", "   ", "\"quoted\"", "\\", "x\"y"};
        for (int i = 0; i < reads.length; i++) {
            read("header/read/" + i, "header", cfg(), reads[i].getBytes(StandardCharsets.UTF_8));
        }
        read("header/read/invalid_utf8", "header", cfg(), hex("34c332"));
        read("header/read/null", "header", cfg(), null);
    }

    private void headerWrite(String name, Schema schema, Object value) {
        ObjectNode v = vector("header/" + name, "header", "fromConnect", cfg());
        v.set("schema", dumpSchema(schema));
        v.set("value", dumpValue(value, true));
        try {
            SimpleHeaderConverter conv = new SimpleHeaderConverter();
            conv.configure(Map.of());
            putBytes(v, conv.fromConnectHeader(TOPIC, "h", schema, value));
        } catch (RuntimeException ex) {
            v.put("error", message(ex));
        }
        vectors.add(v);
    }

    // ---- Dumps ----------------------------------------------------------------

    private static ObjectNode vector(String name, String converter, String op, Map<String, String> config) {
        ObjectNode v = F.objectNode();
        v.put("name", name);
        v.put("converter", converter);
        v.put("op", op);
        ObjectNode c = v.putObject("config");
        config.forEach(c::put);
        return v;
    }

    private static void putBytes(ObjectNode v, byte[] b) {
        if (b == null) {
            v.putNull("base64");
            return;
        }
        v.put("base64", Base64.getEncoder().encodeToString(b));
        try {
            v.put("text", StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString());
        } catch (CharacterCodingException e) {
            // not text; base64 only
        }
    }

    private static String message(Throwable t) {
        StringBuilder sb = new StringBuilder(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        for (Throwable c = t.getCause(); c != null && c != t; c = c.getCause()) {
            sb.append(" / ").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
        }
        return sb.toString();
    }

    private static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    private static JsonNode dumpSchema(Schema s) {
        if (s == null) {
            return F.nullNode();
        }
        ObjectNode o = F.objectNode();
        o.put("type", s.type().getName());
        if (s.isOptional()) {
            o.put("optional", true);
        }
        if (s.name() != null) {
            o.put("name", s.name());
        }
        if (s.version() != null) {
            o.put("version", s.version());
        }
        if (s.doc() != null) {
            o.put("doc", s.doc());
        }
        if (s.parameters() != null) {
            ArrayNode p = o.putArray("parameters");
            s.parameters().forEach((k, val) -> p.addArray().add(k).add(val));
        }
        switch (s.type()) {
            case ARRAY:
                o.set("value", dumpSchema(s.valueSchema()));
                break;
            case MAP:
                o.set("key", dumpSchema(s.keySchema()));
                o.set("value", dumpSchema(s.valueSchema()));
                break;
            case STRUCT:
                ArrayNode fields = o.putArray("fields");
                for (Field f : s.fields()) {
                    fields.addObject().put("name", f.name()).set("schema", dumpSchema(f.schema()));
                }
                break;
            default:
                break;
        }
        if (s.defaultValue() != null) {
            o.set("default", dumpValue(s.defaultValue(), true));
        }
        return o;
    }

    private static JsonNode dumpValue(Object v, boolean raw) {
        if (v == null) {
            return F.nullNode();
        }
        ObjectNode o = F.objectNode();
        if (v instanceof Byte) {
            o.put("int8", (Byte) v);
        } else if (v instanceof Short) {
            o.put("int16", (Short) v);
        } else if (v instanceof Integer) {
            o.put("int32", (Integer) v);
        } else if (v instanceof Long) {
            o.put("int64", v.toString());
        } else if (v instanceof Float) {
            o.put("float32", v.toString());
        } else if (v instanceof Double) {
            o.put("float64", v.toString());
        } else if (v instanceof Boolean) {
            o.put("boolean", (Boolean) v);
        } else if (v instanceof String) {
            o.put("string", (String) v);
        } else if (v instanceof byte[]) {
            o.put("bytes", Base64.getEncoder().encodeToString((byte[]) v));
        } else if (v instanceof ByteBuffer) {
            ByteBuffer b = ((ByteBuffer) v).duplicate();
            byte[] a = new byte[b.remaining()];
            b.get(a);
            o.put("bytes", Base64.getEncoder().encodeToString(a));
        } else if (v instanceof BigDecimal) {
            BigDecimal d = (BigDecimal) v;
            o.putObject("decimal").put("unscaled", d.unscaledValue().toString()).put("scale", d.scale());
        } else if (v instanceof java.util.Date) {
            o.put("datetime", Long.toString(((java.util.Date) v).getTime()));
        } else if (v instanceof List) {
            ArrayNode a = o.putArray("array");
            for (Object e : (List<?>) v) {
                a.add(dumpValue(e, raw));
            }
        } else if (v instanceof Map) {
            ArrayNode a = o.putArray("map");
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                a.addArray().add(dumpValue(e.getKey(), raw)).add(dumpValue(e.getValue(), raw));
            }
        } else if (v instanceof Struct) {
            Struct st = (Struct) v;
            ArrayNode a = o.putArray("struct");
            for (Field f : st.schema().fields()) {
                Object fv = raw ? st.getWithoutDefault(f.name()) : st.get(f);
                a.addArray().add(f.name()).add(dumpValue(fv, raw));
            }
        } else {
            throw new IllegalArgumentException("cannot dump " + v.getClass());
        }
        return o;
    }
}
