import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;
import org.apache.kafka.connect.storage.KafkaOffsetBackingStore;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.storage.OffsetStorageReaderImpl;
import org.apache.kafka.connect.storage.OffsetStorageWriter;
import org.apache.kafka.connect.util.TopicAdmin;

/**
 * Writes or reads source offsets with Kafka Connect's own offset stores.
 *
 *   Offsets file  write|read PATH
 *   Offsets topic write|read BOOTSTRAP TOPIC
 *
 * write: each stdin line is {"c": connector, "p": {partition}, "o": {offset} or null},
 * stored through an OffsetStorageWriter, one flush per connector.
 * read: each stdin line is {"c": connector, "p": {partition}}; each stdout line is
 * what OffsetStorageReaderImpl returns for it, in the typed form of render().
 */
public class Offsets {
    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        String kind = args[0], op = args[1];
        JsonConverter keys = converter(true), values = converter(false);
        OffsetBackingStore store;
        if (kind.equals("file")) {
            Map<String, String> props = new HashMap<>();
            props.put(StandaloneConfig.OFFSET_STORAGE_FILE_FILENAME_CONFIG, args[2]);
            props.put("key.converter", JsonConverter.class.getName());
            props.put("value.converter", JsonConverter.class.getName());
            props.put("bootstrap.servers", "127.0.0.1:9");
            FileOffsetBackingStore fs = new FileOffsetBackingStore(keys);
            fs.configure(new StandaloneConfig(props));
            store = fs;
        } else {
            String bootstrap = args[2], topic = args[3];
            Map<String, Object> p = new HashMap<>();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
            Map<String, Object> c = new HashMap<>();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            Map<String, Object> a = new HashMap<>();
            a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            store = KafkaOffsetBackingStore.readWriteStore(topic, producer, consumer, new TopicAdmin(a), keys);
            Map<String, String> props = new HashMap<>();
            props.put("group.id", "offsets-oracle");
            props.put("offset.storage.topic", topic);
            props.put("config.storage.topic", "unused-configs");
            props.put("status.storage.topic", "unused-status");
            props.put("offset.storage.replication.factor", "1");
            props.put("key.converter", JsonConverter.class.getName());
            props.put("value.converter", JsonConverter.class.getName());
            props.put("bootstrap.servers", bootstrap);
            store.configure(new DistributedConfig(props)); // makes the store's KafkaBasedLog from the clients above
        }
        store.start();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<Map<String, Object>> lines = new ArrayList<>();
        for (String line; (line = in.readLine()) != null; ) {
            if (!line.isEmpty()) lines.add(JSON.readValue(line, LinkedHashMap.class));
        }
        if (op.equals("write")) {
            Map<String, OffsetStorageWriter> writers = new LinkedHashMap<>();
            for (Map<String, Object> l : lines) {
                String conn = (String) l.get("c");
                writers.computeIfAbsent(conn, n -> new OffsetStorageWriter(store, n, keys, values))
                    .offset(asMap(l.get("p")), asMap(l.get("o")));
            }
            for (OffsetStorageWriter w : writers.values()) {
                if (w.beginFlush(30, TimeUnit.SECONDS)) {
                    w.doFlush((err, r) -> {
                        if (err != null) throw new RuntimeException(err);
                    }).get(30, TimeUnit.SECONDS);
                }
            }
        } else {
            StringBuilder out = new StringBuilder();
            for (Map<String, Object> l : lines) {
                OffsetStorageReaderImpl r = new OffsetStorageReaderImpl(store, (String) l.get("c"), keys, values);
                out.append(render(r.offset(asMap(l.get("p"))))).append('\n');
            }
            System.out.print(out);
            System.out.flush();
        }
        store.stop();
        System.exit(0);
    }

    /** A HashMap filled with put, as connectors build partitions and offsets. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) {
        if (o == null) return null;
        Map<String, Object> m = new HashMap<>();
        for (Map.Entry<String, Object> e : ((Map<String, Object>) o).entrySet()) m.put(e.getKey(), e.getValue());
        return m;
    }

    static JsonConverter converter(boolean isKey) {
        JsonConverter c = new JsonConverter();
        Map<String, Object> conf = new HashMap<>();
        conf.put("schemas.enable", "false");
        c.configure(conf, isKey);
        return c;
    }

    /**
     * A rendering that keeps Java's types: L:long, I:int, D:bits of a double in hex,
     * F:bits of a float, S:UTF-8 in hex, B:true, maps with keys in UTF-8 hex, sorted, lists, null.
     */
    static String hex(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) b.append(String.format("%02x", x & 0xff));
        return b.toString();
    }

    static String render(Object v) throws Exception {
        if (v == null) return "null";
        if (v instanceof Long) return "L:" + v;
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) return "I:" + v;
        if (v instanceof Double) return "D:" + Long.toHexString(Double.doubleToRawLongBits((Double) v));
        if (v instanceof Float) return "F:" + Integer.toHexString(Float.floatToRawIntBits((Float) v));
        if (v instanceof String) return "S:" + hex((String) v);
        if (v instanceof Boolean) return "B:" + v;
        if (v instanceof Map) {
            StringBuilder b = new StringBuilder("{");
            TreeMap<String, Object> sorted = new TreeMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) sorted.put(hex((String) e.getKey()), e.getValue());
            boolean first = true;
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                if (!first) b.append(',');
                first = false;
                b.append(e.getKey()).append(':').append(render(e.getValue()));
            }
            return b.append('}').toString();
        }
        if (v instanceof List) {
            StringBuilder b = new StringBuilder("[");
            boolean first = true;
            for (Object e : (List<?>) v) {
                if (!first) b.append(',');
                first = false;
                b.append(render(e));
            }
            return b.append(']').toString();
        }
        return "?" + v.getClass().getName() + ":" + v;
    }
}
