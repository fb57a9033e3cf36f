#!/bin/sh
# serve_shutdown.sh - graceful shutdown, port in use, and migrations at
# serve start.
. "$TESTLIB"

start_server
r=$(http GET /api/v1/health); like "$r" '^200 ' "server up"

# A second server on the same data dir is refused.
"$FOIVAULT" --data "$DATA" serve --listen 127.0.0.1:0 2>"$TMP/err" >/dev/null
is $? 1 "a second server on the same data dir exits 1"
like "$(cat "$TMP/err")" "another foivault server is running" "and says why"

# A second server on the same port fails with a clear message.
port=${URL##*:}
"$FOIVAULT" --data "$TMP/other" init --quiet
"$FOIVAULT" --data "$TMP/other" serve --listen "127.0.0.1:$port" 2>"$TMP/err" >/dev/null
is $? 1 "a port in use exits 1"
like "$(cat "$TMP/err")" "[Aa]ddress already in use" "and says the address is in use"
is "$(wc -l <"$TMP/err" | tr -d ' ')" 1 "in one line"

# A request in flight finishes during shutdown. The client signals once
# the first byte of the answer arrived (so the server has accepted it: a
# fixed sleep raced with a slow start under the sanitizers), then reads
# the rest slowly while the server stops.
timeout 30 python3 - "${URL#http://}" "$TMP/started" >"$TMP/slow.code" <<'PY' &
import socket, sys, time
host, port = sys.argv[1].rsplit(":", 1)
s = socket.create_connection((host, int(port)), timeout=20)
s.sendall(b"GET /api/v1/negotiations HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
data = s.recv(1)
open(sys.argv[2], "w").close()
while True:
    time.sleep(0.05)
    chunk = s.recv(512)
    if not chunk:
        break
    data += chunk
print(data.split(b" ", 2)[1].decode() if data.rstrip().endswith(b"}") else "truncated")
PY
cpid=$!
for _ in $(seq 1 200); do
	[ -e "$TMP/started" ] && break
	sleep 0.05
done
stop_server
is "$SERVER_STATUS" 0 "SIGTERM: exit status 0"
wait $cpid
is "$(cat "$TMP/slow.code")" 200 "the request in flight was answered in full"
grep -q 'shutting down' "$TMP/server.err"; ok $? "the server logs the shutdown"
test ! -s "$DATA/foivault.db-wal"; ok $? "the WAL was checkpointed"
is "$(sqlite3 "$DATA/foivault.db" 'PRAGMA integrity_check')" ok "the database is intact"

start_server
kill -INT "$SERVER_PID"; wait "$SERVER_PID"; is $? 0 "SIGINT: exit status 0"
SERVER_PID=""

"$FOIVAULT" --data "$DATA" serve --listen 'localhost:80' 2>"$TMP/err"
is $? 1 "a host name as listen address is refused"
like "$(cat "$TMP/err")" 'not an IP address' "with a clear message"
done_testing
