#!/usr/bin/env bash
# Starts and stops a MinIO server for the integration tests, on 127.0.0.1,
# with a temporary data directory and generated credentials. MinIO is built
# with go install at a pinned version, once; the binary is cached.
#
#   bash .ci/minio.sh start   # prints the version and endpoint, writes .ci/.state/minio.env
#   bash .ci/minio.sh stop    # stops the server and removes its directory
#   bash .ci/minio.sh status
#
# .ci/.state/minio.env holds CONNECTKIT_S3_ENDPOINT, CONNECTKIT_S3_ACCESS_KEY,
# CONNECTKIT_S3_SECRET_KEY and CONNECTKIT_S3_REGION (what the tests read),
# CONNECTKIT_MINIO_VERSION, SERVER_PID and SERVER_DIR, in shell syntax.
#
# Settings, all optional:
#   CONNECTKIT_MINIO_PORT           S3 port (default: a free one)
#   CONNECTKIT_MINIO_START_TIMEOUT  seconds to wait for readiness (default 60)
#   CONNECTKIT_CACHE_DIR            where the binary is kept across runs
#                                   (default ${XDG_CACHE_HOME:-$HOME/.cache}/connectkit)
#   CONNECTKIT_KEEP_LOGS=1          keep the server's directory (and log) on stop
set -euo pipefail

# The pinned server. MinIO's release tags (RELEASE.2025-...) are not semantic
# versions, so the Go module proxy knows its commits by pseudo-version; this
# is the commit of 2026-02-12.
readonly MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
readonly REGION=us-east-1

here=$(cd "$(dirname "$0")" && pwd)
cache=${CONNECTKIT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/connectkit}/minio-$MINIO_VERSION
bin=$cache/bin/minio
state_dir=$here/.state
state=$state_dir/minio.env

ci_name=minio.sh
grace=15
marker() { echo " $1/data"; }
describe() { echo "MinIO ${CONNECTKIT_MINIO_VERSION:-?} on ${CONNECTKIT_S3_ENDPOINT:-?}, pid ${SERVER_PID:-?}"; }
# shellcheck source=.ci/lib.sh
. "$here/lib.sh"

# build installs the pinned MinIO into the cache, once. It takes several
# minutes on two cores.
build() {
	if [ -x "$bin" ]; then
		return
	fi
	command -v go >/dev/null || die "go not found: MinIO is built with go install"
	echo "minio.sh: building github.com/minio/minio@$MINIO_VERSION (a few minutes, once)"
	mkdir -p "$cache"
	local tmp start=$SECONDS
	tmp=$(mktemp -d "$cache/bin.XXXXXX")
	if ! GOBIN=$tmp CGO_ENABLED=0 GOFLAGS=-buildvcs=false \
		go install "github.com/minio/minio@$MINIO_VERSION" >"$tmp.log" 2>&1; then
		grep -v '^go: downloading' "$tmp.log" | tail -n 30 >&2
		rm -rf "$tmp" "$tmp.log"
		die "go install github.com/minio/minio@$MINIO_VERSION failed (output above)"
	fi
	rm -f "$tmp.log"
	rm -rf "$cache/bin"
	mv "$tmp" "$cache/bin"
	echo "minio.sh: built in $((SECONDS - start)) s"
}

# random prints n (at most 64) random hex digits.
random() {
	local s
	s=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	echo "${s:0:$1}"
}

start() {
	refuse_second_start
	command -v curl >/dev/null || die "curl not found: it checks the server is ready (Debian: apt-get install -y curl)"
	build

	local port cport user password endpoint
	port=${CONNECTKIT_MINIO_PORT:-$(free_port)}
	cport=$(free_port)
	[ "$port" != "$cport" ] || cport=$(free_port)
	# Globals, for the trap: until the server is ready, any failure stops
	# it and removes its files.
	dir=$(mktemp -d "${TMPDIR:-/tmp}/connectkit-minio.XXXXXX")
	pid=
	trap 'kill_server "$pid" "$dir"; rm -rf "$dir"' EXIT
	mkdir -p "$dir/data"
	user=ck$(random 10)
	password=$(random 32)
	endpoint=http://127.0.0.1:$port

	# The console is off, and bound to loopback all the same; no update
	# checks: the machine reaches no other hosts.
	MINIO_ROOT_USER=$user MINIO_ROOT_PASSWORD=$password MINIO_REGION=$REGION \
		MINIO_BROWSER=off MINIO_UPDATE=off MINIO_CONFIG_ENV_FILE=/dev/null \
		"$bin" server --address "127.0.0.1:$port" --console-address "127.0.0.1:$cport" \
		"$dir/data" >"$dir/minio.log" 2>&1 </dev/null &
	pid=$!

	local deadline=$((SECONDS + ${CONNECTKIT_MINIO_START_TIMEOUT:-60}))
	until curl -fsS -o /dev/null "$endpoint/minio/health/ready" 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null; then
			show_log "$dir/minio.log"
			die "MinIO exited before it was ready on $endpoint"
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			show_log "$dir/minio.log"
			die "MinIO was not ready on $endpoint within ${CONNECTKIT_MINIO_START_TIMEOUT:-60} s"
		fi
		sleep 0.3
	done

	# A go install build reports DEVELOPMENT.GOGET as its version; the
	# module version it was built from is in the binary's build info.
	local version
	version=$(go version -m "$bin" 2>/dev/null | awk '$1 == "mod" { print $3; exit }')
	mkdir -p "$state_dir"
	(
		umask 077
		cat >"$state" <<EOF
CONNECTKIT_S3_ENDPOINT=$endpoint
CONNECTKIT_S3_ACCESS_KEY=$user
CONNECTKIT_S3_SECRET_KEY=$password
CONNECTKIT_S3_REGION=$REGION
CONNECTKIT_MINIO_VERSION=${version:-$MINIO_VERSION}
SERVER_PID=$pid
SERVER_DIR=$dir
EOF
	)
	trap - EXIT
	echo "minio.sh: MinIO github.com/minio/minio@${version:-$MINIO_VERSION} ($("$bin" --version 2>/dev/null | head -1)) on $endpoint, pid $pid, log $dir/minio.log"
}

main "$@"
