#!/bin/sh
# Regenerates vectors.json by running Joda-Time itself (version pinned in
# pom.xml, the one Confluent's storage partitioners use) through
# GenJodaGolden.java. Needs Java 17+ and Maven; downloads the Joda jar into
# ~/.m2 on first use. Run from anywhere; commit vectors.json.
set -eu
cd "$(dirname "$0")"
mvn -q -B -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
cp="$(cat target/classpath.txt)"
mkdir -p target/classes
javac -encoding UTF-8 -Xlint:all -d target/classes -cp "$cp" src/main/java/GenJodaGolden.java
# A Connect worker usually runs in UTC; the default zone decides how an ISO
# string without an offset is read, and the default locale is what Java
# falls back to for some locale values.
java -Duser.timezone=UTC -Duser.language=en -Duser.country=US \
	-cp "target/classes:$cp" GenJodaGolden .
