#!/bin/sh
# Regenerates golden.json from cases.json by running kakao's JSONPath calls
# with Jayway json-path 2.6.0, the version kakao/kafka-sink-connector ships
# (pinned in pom.xml), through GenJaywayGolden.java. Needs Java 17+ and
# Maven; downloads the jars into ~/.m2 on first use. Run from anywhere;
# commit golden.json.
set -eu
cd "$(dirname "$0")"
mvn -q -B -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
cp="$(cat target/classpath.txt)"
mkdir -p target/classes
javac -encoding UTF-8 -Xlint:all -d target/classes -cp "$cp" src/main/java/GenJaywayGolden.java
# UTC: kakao parses timestamps in the JVM's default zone; the Go connector's
# kafka.timestamp.zone defaults to UTC.
java -Duser.timezone=UTC -Duser.language=en -Duser.country=US -cp "target/classes:$cp" GenJaywayGolden .
