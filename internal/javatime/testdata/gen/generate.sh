#!/bin/sh
# Regenerates ../vectors.tsv by running java.time itself (the JDK's
# DateTimeFormatter; the vectors were made with OpenJDK 17) on the cases of
# ../cases.tsv through JavaTime.java. Needs a JDK 17+. Run from anywhere;
# commit vectors.tsv.
set -eu
cd "$(dirname "$0")"
mkdir -p target/classes
javac -encoding UTF-8 -Xlint:all -d target/classes src/main/java/JavaTime.java
# As a Connect worker usually runs: UTC, English.
grep -v '^#' ../cases.tsv | java -Duser.timezone=UTC -Duser.language=en -Duser.country=US \
	-Dfile.encoding=UTF-8 -cp target/classes JavaTime > ../vectors.tsv
