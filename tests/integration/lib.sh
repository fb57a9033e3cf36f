# tests/integration/lib.sh - sourced by every integration test.
#
# Gives a TAP producer (ok, is, like, done_testing), a temporary data dir
# that is removed at exit, and start_server, which runs the real
# `foivault serve` on 127.0.0.1 with an ephemeral port. Everything started
# here is bounded by `timeout` and killed at exit, so a hung test cannot
# outlive its run.

set -u
: "${FOIVAULT:?FOIVAULT must point at the foivault binary}"

T_COUNT=0
T_FAILED=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/fv-it.XXXXXX")
DATA="$TMP/data"
SERVER_PID=""
URL=""

cleanup() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

ok() { # CONDITION-EXIT-STATUS NAME
	T_COUNT=$((T_COUNT + 1))
	if [ "$1" = 0 ]; then
		echo "ok $T_COUNT - $2"
	else
		echo "not ok $T_COUNT - $2"
		T_FAILED=$((T_FAILED + 1))
	fi
}

is() { # GOT WANT NAME
	T_COUNT=$((T_COUNT + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $T_COUNT - $3"
	else
		echo "not ok $T_COUNT - $3"
		echo "#   got:      '$1'"
		echo "#   expected: '$2'"
		T_FAILED=$((T_FAILED + 1))
	fi
}

like() { # GOT REGEX NAME
	T_COUNT=$((T_COUNT + 1))
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		echo "ok $T_COUNT - $3"
	else
		echo "not ok $T_COUNT - $3"
		echo "#   got:      '$1'"
		echo "#   expected: /$2/"
		T_FAILED=$((T_FAILED + 1))
	fi
}

done_testing() {
	echo "1..$T_COUNT"
	[ "$T_FAILED" = 0 ]
	exit $?
}

fv() { # runs foivault on the test's data dir
	timeout 60 "$FOIVAULT" --data "$DATA" "$@"
}

# start_server [SERVE-ARGS...]: init if needed, start, wait for the URL.
start_server() {
	[ -f "$DATA/foivault.db" ] || fv init --quiet
	timeout 300 "$FOIVAULT" --data "$DATA" serve --listen 127.0.0.1:0 "$@" \
		>"$TMP/server.out" 2>"$TMP/server.err" &
	SERVER_PID=$!
	for _ in $(seq 1 200); do
		URL=$(sed -n 's/^foivault: listening on \(http:[^ ]*\)\/$/\1/p' "$TMP/server.out")
		[ -n "$URL" ] && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "# server did not start:"
	sed 's/^/#   /' "$TMP/server.err"
	echo "Bail out! server did not start"
	exit 1
}

# stop_server: SIGTERM and wait; sets SERVER_STATUS to its exit status.
stop_server() {
	kill -TERM "$SERVER_PID"
	wait "$SERVER_PID"
	SERVER_STATUS=$?
	SERVER_PID=""
}

# http METHOD PATH [curl args...]: prints "STATUS BODY" on one line.
http() {
	local method=$1 path=$2
	shift 2
	curl -s -m 20 -o "$TMP/body" -w '%{http_code}' -X "$method" "$@" "$URL$path" >"$TMP/status"
	printf '%s %s' "$(cat "$TMP/status")" "$(tr -d '\n' <"$TMP/body")"
}

# json_get JSON PYTHON-EXPR: evaluates EXPR with the parsed JSON as j.
json_get() {
	python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2" 2>&1
}
