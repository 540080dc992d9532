#!/usr/bin/env bash
# Regenerates golden.jsonl: runs kakao's kafka-sink-connector, built from
# its source, in Kafka Connect 4.3.1's ConnectStandalone against a broker
# (README.md). Needs Java 17, Maven, python3, kcat and a Kafka broker with
# no kakao-* topics.
#
#   bash run.sh KAKAO_SOURCE_DIR BOOTSTRAP
#
# KAKAO_SOURCE_DIR is a checkout of github.com/kakao/kafka-sink-connector;
# nothing of it is kept here.
set -euo pipefail
src=$1 bootstrap=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# kakao's classes, compiled against the dependencies its build.gradle names.
cat > pom.xml <<'POM'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>x</groupId><artifactId>kakao</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>connect-api</artifactId><version>2.8.0</version></dependency>
    <dependency><groupId>com.jayway.jsonpath</groupId><artifactId>json-path</artifactId><version>2.6.0</version></dependency>
  </dependencies>
</project>
POM
mvn -q -B dependency:build-classpath -Dmdep.outputFile=kakao-cp.txt
mkdir -p classes plugin/kakao
javac -d classes -cp "$(cat kakao-cp.txt)" $(find "$src/src/main/java" -name '*.java')
jar cf plugin/kakao/kafka-sink-connector-1.0.jar -C classes .
# Its plugin directory: the connector and json-path with json-smart; the
# worker gives connect-api, kafka-clients and slf4j.
tr ':' '\n' < kakao-cp.txt | grep -E 'json-path|json-smart|accessors-smart|/asm-' | xargs -I{} cp {} plugin/kakao/

# The worker: connect-runtime 4.3.1 (the REST differential test's pom).
mvn -q -B -f "$here/../../../../worker/rest/testdata/connect-standalone/pom.xml" \
  dependency:build-classpath -Dmdep.outputFile="$work/connect-cp.txt"
cp=$(cat connect-cp.txt)

cat > Mk.java <<'JAVA'
import org.apache.kafka.clients.admin.*;
import java.util.*;
public class Mk { public static void main(String[] a) throws Exception {
  try (Admin ad = Admin.create(Map.of("bootstrap.servers", a[0]))) {
    List<NewTopic> t = new ArrayList<>();
    for (int i = 1; i < a.length; i++) t.add(new NewTopic(a[i], 1, (short) 1));
    ad.createTopics(t).all().get();
  } } }
JAVA
javac -d . -cp "$cp" Mk.java
conns="color keyed default nested"
java -cp ".:$cp" Mk "$bootstrap" kakao-in $(for c in $conns; do echo kakao-out-$c; done)

# The corpus, one record a line: key TAB value, or the value alone (no
# key); -Z makes an empty value (the tombstone) a null one.
python3 - "$here/corpus.jsonl" > input.txt <<'PY'
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    v = r["value"] if r["value"] is not None else ""
    print(v if r["key"] is None else r["key"] + "\t" + v)
PY
kcat -P -Z -b "$bootstrap" -t kakao-in -K $'\t' -H src=corpus -l input.txt

cat > worker.properties <<PROPS
bootstrap.servers=$bootstrap
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
offset.storage.file.filename=$work/connect.offsets
plugin.path=$work/plugin
offset.flush.interval.ms=1000
listeners=http://127.0.0.1:18093
consumer.auto.offset.reset=earliest
PROPS
for c in $conns; do
  { cat "$here/connectors/$c.properties"
    echo connector.class=com.kakao.connector.kafka.KafkaSinkConnector
    echo tasks.max=1
    echo topics=kakao-in
    echo kafka.sink.bootstrap=$bootstrap; } > $c.properties
done

start=$(date -u +%s%3N)
java -Duser.timezone=UTC -cp "$cp" org.apache.kafka.connect.cli.ConnectStandalone \
  worker.properties $(for c in $conns; do echo $c.properties; done) > connect.log 2>&1 &
pid=$!
sleep 40
kill $pid
wait $pid || true
end=$(date -u +%s%3N)
for c in $conns; do kcat -C -b "$bootstrap" -t kakao-out-$c -e -q -J > out-$c.jsonl; done
cd "$here" && python3 make_golden.py "$start" "$end" "$work"
