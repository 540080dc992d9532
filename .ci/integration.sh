#!/usr/bin/env bash
# The integration suite, in one command: starts Apache Kafka (.ci/kafka.sh)
# and MinIO (.ci/minio.sh) on 127.0.0.1, runs go test -tags integration
# against them, and stops them, also when a test fails or the run is
# interrupted.
#
#   bash .ci/integration.sh                         # go test -tags integration -count=1 ./...
#   bash .ci/integration.sh -run TestRuntime ./sink # other go test arguments
#   bash .ci/integration.sh -run BrokerRestart ./sink/kafkasink # the tests that restart Kafka
#
# The tests that restart the broker run after the others; see below.
#
# Needs Go, gcc, Java 17+ and Maven; installs kcat with apt-get when missing.
# The first run resolves Kafka from Maven Central and builds MinIO (minutes);
# both are cached under ${XDG_CACHE_HOME:-$HOME/.cache}/connectkit.
set -euo pipefail
cd "$(dirname "$0")/.."

stop_servers() {
	bash .ci/minio.sh stop || true
	bash .ci/kafka.sh stop || true
}
trap stop_servers EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== integration: go vet -tags integration"
go vet -tags integration ./...

echo "== integration: start Apache Kafka"
bash .ci/kafka.sh start
echo "== integration: start MinIO"
bash .ci/minio.sh start

# shellcheck disable=SC1091
. .ci/.state/kafka.env
# shellcheck disable=SC1091
. .ci/.state/minio.env
export CONNECTKIT_KAFKA_BOOTSTRAP CONNECTKIT_S3_ENDPOINT CONNECTKIT_S3_ACCESS_KEY CONNECTKIT_S3_SECRET_KEY CONNECTKIT_S3_REGION
# A test whose server variable is missing fails rather than skips.
export CONNECTKIT_INTEGRATION_REQUIRED=1

# A test that restarts the broker (connectortest.RestartExternalKafka) cuts
# off every other test using it, and go test runs packages in parallel; such
# tests have BrokerRestart in their names and run in a second go test, on
# their own, one package at a time (-p 1), with the command that restarts
# the broker in CONNECTKIT_KAFKA_RESTART. The first run skips them. So it
# does tests whose names end in Alone: they pass on their own but time out
# while every package's tests load the two cores beside the broker.
#
# Your arguments go to both runs, after the -skip or -run this script adds;
# go test keeps the last of a flag given twice, so:
#   - a -run whose pattern holds BrokerRestart makes the second run the only
#     one, any other -run the first; without -run both go;
#   - a -skip of yours replaces the first run's, and the restart tests it
#     lets through fail there, for want of CONNECTKIT_KAFKA_RESTART.
main_run=1 restart_run=1
prev=
for arg in "$@"; do
	pattern=
	case "$arg" in
	-run=* | --run=* | -test.run=* | --test.run=*) pattern=${arg#*=} ;;
	*) case "$prev" in -run | --run | -test.run | --test.run) pattern=$arg ;; esac ;;
	esac
	if [ -n "$pattern" ]; then
		case "$pattern" in
		*BrokerRestart*) main_run= ;;
		*) restart_run= ;;
		esac
	fi
	prev=$arg
done
if [ "$#" -eq 0 ]; then
	set -- ./...
fi

status=0
if [ -n "$main_run" ]; then
	echo "== integration: go test -tags integration against Apache Kafka $CONNECTKIT_KAFKA_VERSION ($CONNECTKIT_KAFKA_BOOTSTRAP) and MinIO $CONNECTKIT_MINIO_VERSION ($CONNECTKIT_S3_ENDPOINT)"
	go test -tags integration -count=1 -skip 'BrokerRestart|Alone$' "$@" || status=$?
fi
if [ -n "$restart_run" ]; then
	echo "== integration: the tests that restart Apache Kafka (BrokerRestart) or need the machine to themselves (Alone), one package at a time"
	CONNECTKIT_KAFKA_RESTART="bash $(printf %q "$PWD/.ci/kafka.sh") restart" \
		go test -tags integration -count=1 -p 1 -run 'BrokerRestart|Alone$' "$@" || status=$?
fi
exit "$status"
