#!/bin/sh
# Regenerates json_vectors.json and string_header_vectors.json by running
# Apache Kafka's own converters (version pinned in pom.xml) through
# GenJsonGolden.java. Needs Java 17+ and Maven; downloads the Kafka jars into
# ~/.m2 on first use. Run from anywhere; commit the two .json files.
set -eu
cd "$(dirname "$0")"
mvn -q -B -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
cp="$(cat target/classpath.txt)"
mkdir -p target/classes
javac -encoding UTF-8 -Xlint:all -d target/classes -cp "$cp" src/main/java/GenJsonGolden.java
# UTC: Values and StringConverter format dates in the JVM's default zone.
java -Duser.timezone=UTC -Duser.language=en -Duser.country=US -cp "target/classes:$cp" GenJsonGolden .
