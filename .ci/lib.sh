# Shared by .ci/kafka.sh and .ci/minio.sh, which source it after setting:
#   ci_name        the script's name, for messages
#   state          the state file: CONNECTKIT_* variables for the tests, and
#                  SERVER_PID and SERVER_DIR, in shell syntax
#   marker DIR     a function printing what the server's command line holds
#                  when it was started from DIR, so that a stale state file
#                  never makes us signal an unrelated process
#   grace          seconds between SIGTERM and SIGKILL on stop
#   describe       a function printing the running server, for status
# and, for a server that can be restarted (kafka.sh), a function restart,
# which main runs with the arguments after "restart", and commands, the
# usage line's list of them.

die() {
	echo "$ci_name: $*" >&2
	exit 1
}

# free_port prints a TCP port that no socket on this machine uses now, on
# any address and in any state. It is drawn from below the kernel's
# ephemeral range: a port from inside it can be taken between this check and
# the server's bind by the local end of any outgoing connection (Kafka's own
# client connections, for one), which makes the server fail with "address
# already in use".
free_port() {
	local low=32768 p i
	if [ -r /proc/sys/net/ipv4/ip_local_port_range ]; then
		read -r low _ </proc/sys/net/ipv4/ip_local_port_range
	fi
	[ "$low" -gt 11024 ] || low=32768
	for i in $(seq 1 100); do
		p=$((10000 + RANDOM % (low - 10000)))
		if ! port_in_use "$p"; then
			echo "$p"
			return
		fi
	done
	die "no free port found below $low"
}

# port_in_use says whether any TCP socket (IPv4 or IPv6, listening or
# connected) has local port p.
port_in_use() {
	local hex
	hex=$(printf ':%04X' "$1")
	if [ -r /proc/net/tcp ]; then
		awk -v h="$hex" 'FNR > 1 && substr($2, length($2) - 4) == h { found = 1 } END { exit !found }' \
			/proc/net/tcp /proc/net/tcp6 2>/dev/null
		return
	fi
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# ours says whether pid is the server started from dir.
ours() {
	local pid=$1 dir=$2
	[ -n "$pid" ] && [ -n "$dir" ] && [ -r "/proc/$pid/cmdline" ] &&
		tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$(marker "$dir")"
}

# kill_server stops the server pid started from dir: SIGTERM for a clean
# shutdown, SIGKILL if it takes longer than $grace seconds. A third argument,
# crash, sends SIGKILL at once: the server gets no chance to flush or hand
# anything over, as when it crashes.
kill_server() {
	local pid=$1 dir=$2 how=${3:-} i
	ours "$pid" "$dir" || return 0
	if [ "$how" != crash ]; then
		kill -TERM "$pid" 2>/dev/null || return 0
		for i in $(seq 1 $((grace * 10))); do
			ours "$pid" "$dir" || return 0
			sleep 0.1
		done
		echo "$ci_name: $pid did not stop within $grace s of SIGTERM; killing it" >&2
	fi
	kill -KILL "$pid" 2>/dev/null || true
	for i in $(seq 1 50); do
		ours "$pid" "$dir" || return 0
		sleep 0.1
	done
}

# show_log prints what explains a failed start: the errors in the log,
# which shutdown messages would bury, and then its end.
show_log() {
	local log=$1
	if grep -qE '(ERROR|FATAL)' "$log"; then
		echo "--- errors in $log" >&2
		grep -E '(ERROR|FATAL)' "$log" | tail -n 15 >&2
	fi
	echo "--- last lines of $log" >&2
	tail -n 20 "$log" >&2
}

# running says whether the state file names a live server of ours, and
# leaves its variables set.
running() {
	[ -f "$state" ] || return 1
	# shellcheck disable=SC1090
	. "$state"
	ours "${SERVER_PID:-}" "${SERVER_DIR:-}"
}

# refuse_second_start fails when this checkout already runs the server, and
# forgets a stale state file.
refuse_second_start() {
	if running; then
		die "already running ($(describe)); run: bash .ci/$ci_name stop"
	fi
	rm -f "$state"
}

stop_server() {
	if [ ! -f "$state" ]; then
		echo "$ci_name: nothing started by this checkout"
		return
	fi
	# shellcheck disable=SC1090
	. "$state"
	local what
	what=$(describe)
	kill_server "${SERVER_PID:-}" "${SERVER_DIR:-}"
	if [ -n "${SERVER_DIR:-}" ] && [ -d "$SERVER_DIR" ]; then
		if [ "${CONNECTKIT_KEEP_LOGS:-}" = 1 ]; then
			echo "$ci_name: kept $SERVER_DIR"
		else
			rm -rf "$SERVER_DIR"
		fi
	fi
	rm -f "$state"
	echo "$ci_name: stopped $what"
}

status_server() {
	if running; then
		echo "$ci_name: running $(describe)"
		return
	fi
	echo "$ci_name: not running"
	return 1
}

# main runs the command the script was given.
main() {
	case "${1:-}" in
	start) start ;;
	stop) stop_server ;;
	status) status_server ;;
	restart)
		declare -F restart >/dev/null || die "usage: bash .ci/$ci_name ${commands:-start|stop|status}"
		shift
		restart "$@"
		;;
	*) die "usage: bash .ci/$ci_name ${commands:-start|stop|status}" ;;
	esac
}
