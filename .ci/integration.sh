#!/usr/bin/env bash
# The integration suite, in one command: starts Apache Kafka (.ci/kafka.sh)
# and MinIO (.ci/minio.sh) on 127.0.0.1, runs go test -tags integration
# against them, and stops them, also when a test fails or the run is
# interrupted.
#
#   bash .ci/integration.sh                         # go test -tags integration -count=1 ./...
#   bash .ci/integration.sh -run TestRuntime ./sink # other go test arguments
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

echo "== integration: go test -tags integration against Apache Kafka $CONNECTKIT_KAFKA_VERSION ($CONNECTKIT_KAFKA_BOOTSTRAP) and MinIO $CONNECTKIT_MINIO_VERSION ($CONNECTKIT_S3_ENDPOINT)"
if [ "$#" -eq 0 ]; then
	set -- ./...
fi
go test -tags integration -count=1 "$@"
