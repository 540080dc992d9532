#!/usr/bin/env bash
# Starts and stops a real Apache Kafka broker for the integration tests: one
# KRaft node acting as broker and controller, on 127.0.0.1, run by the JVM
# already on the machine from the jars Maven resolves from Maven Central.
#
#   bash .ci/kafka.sh start   # prints the version and address, writes .ci/.state/kafka.env
#   bash .ci/kafka.sh stop    # stops the broker and removes its directory
#   bash .ci/kafka.sh status
#   bash .ci/kafka.sh restart [--clean]
#
# restart is an outage for the tests that must ride one out: it kills the
# running broker (SIGKILL, a crash: no controlled shutdown, so the new
# process recovers its logs; what was acknowledged survives in the page
# cache) and starts it again from the same directory, so with the same data,
# ports and cluster id, and returns once it answers. --clean stops it as stop
# does instead (SIGTERM, a controlled shutdown). Clients see their
# connections drop and the address refuse connections until the new process
# listens: about 5 s after --clean, about 15 s after a crash, for the
# controller lets the new process in only once the session of the killed
# one has expired (broker.session.timeout.ms, 9 s).
#
# .ci/.state/kafka.env holds CONNECTKIT_KAFKA_BOOTSTRAP (what the tests read),
# CONNECTKIT_KAFKA_VERSION, SERVER_PID and SERVER_DIR, in shell syntax;
# restart updates SERVER_PID.
#
# Settings, all optional:
#   CONNECTKIT_KAFKA_VERSION        Kafka version to run (default: the pinned one below)
#   CONNECTKIT_KAFKA_PORT           client port (default: a free one)
#   CONNECTKIT_KAFKA_CONTROLLER_PORT controller port (default: a free one)
#   CONNECTKIT_KAFKA_HEAP           -Xmx of the broker (default 512m)
#   CONNECTKIT_KAFKA_START_TIMEOUT  seconds to wait for the broker (default 120)
#   CONNECTKIT_CACHE_DIR            where resolved jars are kept across runs
#                                   (default ${XDG_CACHE_HOME:-$HOME/.cache}/connectkit)
#   CONNECTKIT_KEEP_LOGS=1          keep the broker's directory (and log) on stop
set -euo pipefail

# The pinned broker. Bump it deliberately: the integration suite is what
# shows a new version works.
readonly PINNED_KAFKA_VERSION=4.3.1

here=$(cd "$(dirname "$0")" && pwd)
version=${CONNECTKIT_KAFKA_VERSION:-$PINNED_KAFKA_VERSION}
# The jars depend on the version and on the pom, so both name the cache.
pom_sum=$(sha256sum "$here/kafka/pom.xml" | cut -c1-8)
cache=${CONNECTKIT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/connectkit}/kafka-$version-$pom_sum
state_dir=$here/.state
state=$state_dir/kafka.env

ci_name=kafka.sh
commands='start|stop|status|restart [--clean]'
grace=30
marker() { echo "kafka.Kafka $1/server.properties"; }
describe() { echo "Apache Kafka ${CONNECTKIT_KAFKA_VERSION:-?} on ${CONNECTKIT_KAFKA_BOOTSTRAP:-?}, pid ${SERVER_PID:-?}"; }
# shellcheck source=.ci/lib.sh
. "$here/lib.sh"

need_java() {
	command -v java >/dev/null ||
		die "java not found: the broker needs a Java 17+ runtime (Debian: apt-get install -y openjdk-17-jre-headless)"
	local v
	v=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
	[ -n "$v" ] && [ "$v" -ge 17 ] ||
		die "Kafka $version needs Java 17 or newer; java -version says: $(java -version 2>&1 | head -1)"
}

# need_kcat installs kcat, which checks the broker answers (and which the
# interop tests drive), when it is missing.
need_kcat() {
	command -v kcat >/dev/null && return
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "kafka.sh: installing kcat (Debian package)"
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcat; } >/dev/null ||
			die "could not install kcat with apt-get"
	fi
	command -v kcat >/dev/null || die "kcat not found: install it (Debian: apt-get install -y kcat)"
}

# resolve copies kafka_2.13 and its runtime dependencies into $cache/libs,
# once: Maven keeps the downloads in ~/.m2, the copy survives the run.
resolve() {
	if [ -f "$cache/libs/.complete" ]; then
		return
	fi
	command -v mvn >/dev/null ||
		die "mvn not found: Maven resolves the broker's jars from Maven Central (Debian: apt-get install -y maven)"
	echo "kafka.sh: resolving org.apache.kafka:kafka_2.13:$version with Maven"
	mkdir -p "$cache"
	local tmp log
	tmp=$(mktemp -d "$cache/libs.XXXXXX")
	log=$tmp.log
	if ! mvn -B -q -f "$here/kafka/pom.xml" \
		-Dkafka.version="$version" \
		dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		rm -rf "$tmp" "$log"
		die "Maven could not resolve org.apache.kafka:kafka_2.13:$version (output above)"
	fi
	rm -f "$log"
	touch "$tmp/.complete"
	rm -rf "$cache/libs"
	mv "$tmp" "$cache/libs"
}

write_config() {
	local dir=$1 port=$2 cport=$3
	cat >"$dir/server.properties" <<EOF
# One KRaft node, broker and controller, for tests. Written by .ci/kafka.sh.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data

# A single node: every internal topic has one replica.
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
num.network.threads=2
num.io.threads=4

# Like the embedded cluster (connectortest.NewCluster): no implicit topics,
# 1 MiB records fit, groups rebalance promptly and accept short sessions.
auto.create.topics.enable=false
message.max.bytes=8388608
replica.fetch.max.bytes=8388608
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=100
group.consumer.min.heartbeat.interval.ms=100
group.consumer.heartbeat.interval.ms=100
# Golden records carry old timestamps; nothing is deleted while tests run.
log.retention.ms=-1
EOF
	cat >"$dir/log4j2.properties" <<'EOF'
status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = out
logger.state.name = state.change.logger
logger.state.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
EOF
}

# launch starts the broker configured in dir in the background, appending
# to its log (a restart keeps what the previous process wrote), and sets pid.
launch() {
	local dir=$1
	java -Xms256m -Xmx"${CONNECTKIT_KAFKA_HEAP:-512m}" -XX:+UseG1GC -Djava.awt.headless=true \
		-Djava.net.preferIPv4Stack=true \
		-Dlog4j2.configurationFile="file:$dir/log4j2.properties" \
		-cp "$cache/libs/*" kafka.Kafka "$dir/server.properties" >>"$dir/server.log" 2>&1 </dev/null &
	pid=$!
}

# await_broker waits until the broker pid, started from dir, answers on
# bootstrap; it fails, with the errors in its log, when the process exits
# first or takes longer than CONNECTKIT_KAFKA_START_TIMEOUT.
await_broker() {
	local pid=$1 dir=$2 bootstrap=$3 timeout=${CONNECTKIT_KAFKA_START_TIMEOUT:-120} deadline
	deadline=$((SECONDS + timeout))
	until kcat -L -b "$bootstrap" -m 2 2>/dev/null | grep -q '1 brokers'; do
		if ! kill -0 "$pid" 2>/dev/null; then
			show_log "$dir/server.log"
			die "the broker exited before it answered on $bootstrap"
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			show_log "$dir/server.log"
			die "the broker did not answer on $bootstrap within $timeout s"
		fi
		sleep 0.5
	done
}

write_state() {
	local bootstrap=$1 running=$2 pid=$3 dir=$4
	mkdir -p "$state_dir"
	cat >"$state" <<EOF
CONNECTKIT_KAFKA_BOOTSTRAP=$bootstrap
CONNECTKIT_KAFKA_VERSION=$running
SERVER_PID=$pid
SERVER_DIR=$dir
EOF
}

start() {
	refuse_second_start
	need_java
	need_kcat
	resolve

	local port cport
	port=${CONNECTKIT_KAFKA_PORT:-$(free_port)}
	cport=${CONNECTKIT_KAFKA_CONTROLLER_PORT:-$(free_port)}
	[ "$port" != "$cport" ] || cport=$(free_port)
	# Globals, for the trap: until the broker answers, any failure stops it
	# and removes its files.
	dir=$(mktemp -d "${TMPDIR:-/tmp}/connectkit-kafka.XXXXXX")
	pid=
	trap 'kill_server "$pid" "$dir"; rm -rf "$dir"' EXIT
	write_config "$dir" "$port" "$cport"

	# A cluster id is 16 random bytes in URL-safe base64 without padding.
	local cluster_id
	cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
	if ! java -cp "$cache/libs/*" -Dlog4j2.configurationFile="file:$dir/log4j2.properties" \
		kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" >"$dir/format.log" 2>&1; then
		cat "$dir/format.log" >&2
		die "formatting the KRaft storage directory failed (output above)"
	fi

	launch "$dir"
	local bootstrap=127.0.0.1:$port
	await_broker "$pid" "$dir" "$bootstrap"

	# The version the running broker reports, not the one we asked for.
	local running
	running=$(sed -n 's/.*Kafka version: \([^ ]*\).*/\1/p' "$dir/server.log" | head -1)
	write_state "$bootstrap" "${running:-$version}" "$pid" "$dir"
	trap - EXIT
	echo "kafka.sh: Apache Kafka ${running:-unknown (pinned $version)} (KRaft broker+controller) on $bootstrap, pid $pid, log $dir/server.log"
}

# restart stops the broker this checkout runs and starts it again from its
# directory; the header says why it kills by default. Nothing is formatted,
# so its topics, offsets and cluster id survive.
restart() {
	local how=crash
	case "${1:-}" in
	"") ;;
	--clean) how=clean ;;
	*) die "usage: bash .ci/$ci_name restart [--clean]" ;;
	esac
	running || die "not running, so nothing to restart; run: bash .ci/$ci_name start"
	# The jars are found by version: another one would open these logs
	# with a broker other than the one that wrote them.
	[ "$CONNECTKIT_KAFKA_VERSION" = "$version" ] ||
		die "the broker runs Kafka $CONNECTKIT_KAFKA_VERSION; restarting it as $version (CONNECTKIT_KAFKA_VERSION) is refused"
	need_java
	need_kcat
	resolve

	local old=$SERVER_PID dir=$SERVER_DIR bootstrap=$CONNECTKIT_KAFKA_BOOTSTRAP down=$SECONDS
	if [ "$how" = crash ]; then
		kill_server "$old" "$dir" crash
	else
		kill_server "$old" "$dir"
	fi
	# While it lives, the new process could take neither the ports nor the
	# lock on the logs.
	! ours "$old" "$dir" || die "pid $old is still running after SIGKILL"

	launch "$dir"
	# At once, so that stop finds the new process even if it never answers.
	write_state "$bootstrap" "$CONNECTKIT_KAFKA_VERSION" "$pid" "$dir"
	await_broker "$pid" "$dir" "$bootstrap"
	echo "kafka.sh: restarted Apache Kafka $CONNECTKIT_KAFKA_VERSION on $bootstrap ($how): pid $old -> $pid, unavailable for about $((SECONDS - down)) s"
}

main "$@"
