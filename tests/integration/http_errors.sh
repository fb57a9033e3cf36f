#!/bin/sh
# http_errors.sh - curl abuse of every generic error path: each answers
# with the right status and a JSON error body, and the server survives.
. "$TESTLIB"

printf '[limits]\nmax_body = 4k\n' >"$TMP/small.conf"
fv init --quiet
timeout 300 "$FOIVAULT" --data "$DATA" --config "$TMP/small.conf" serve --listen 127.0.0.1:0 \
	>"$TMP/server.out" 2>"$TMP/server.err" &
SERVER_PID=$!
for _ in $(seq 1 200); do
	URL=$(sed -n 's/^foivault: listening on \(http:[^ ]*\)\/$/\1/p' "$TMP/server.out")
	[ -n "$URL" ] && break
	sleep 0.05
done

err_code() { json_get "${1#* }" 'j["error"]["code"]'; }

r=$(http GET /nope); like "$r" '^404 ' "unknown path: 404"
is "$(err_code "$r")" not_found "with a JSON error code"
like "$(json_get "${r#* }" 'j["error"]["message"]')" 'no such resource' "and a message"

r=$(http DELETE /api/v1/health); like "$r" '^405 ' "wrong method: 405"
is "$(err_code "$r")" method_not_allowed "code method_not_allowed"
h=$(curl -s -m 10 -D - -o /dev/null -X POST "$URL/api/v1/health")
like "$h" 'Allow: GET, HEAD' "405 lists the allowed methods"

r=$(http FROB /api/v1/health); like "$r" '^501 ' "an unknown method: 501"
is "$(err_code "$r")" not_implemented "code not_implemented"

r=$(http GET /api/v1/health -H 'Content-Type: text/plain' --data-binary 'x' -X GET)
like "$r" '^415 ' "a body where none is taken: 415"

big=$(head -c 5000 /dev/zero | tr '\0' 'a')
r=$(http GET /api/v1/health -H "Content-Length: 99999999999" --data-binary '' )
like "$r" '^(413|400) ' "a huge declared Content-Length is refused"
r=$(http GET /api/v1/health -H 'Content-Length: abc')
like "$r" '^400 ' "a non-numeric Content-Length: 400"

# Huge headers: larger than the per-connection memory.
hdr=$(head -c 100000 /dev/zero | tr '\0' 'h')
code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -H "X-Big: $hdr" "$URL/api/v1/health")
like "$code" '^(431|413|400|000)$' "a 100 kB header is refused ($code)"

# Malformed request lines straight on the socket.
port=${URL##*:}
resp=$(printf 'GARBAGE\r\n\r\n' | timeout 5 python3 -c '
import socket,sys
s=socket.create_connection(("127.0.0.1",int(sys.argv[1])),timeout=5)
s.sendall(sys.stdin.buffer.read())
print(s.recv(200).decode("latin1").split("\r\n")[0])' "$port")
# libmicrohttpd answers 400 or drops the connection; either way no crash.
like "${resp:-closed}" '^(HTTP/1\.[01] 400|closed)' "a malformed request line is refused (${resp:-closed})"
resp=$(printf 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n' | timeout 5 python3 -c '
import socket,sys
s=socket.create_connection(("127.0.0.1",int(sys.argv[1])),timeout=5)
s.sendall(sys.stdin.buffer.read())
print(s.recv(200).decode("latin1").split("\r\n")[0])' "$port")
like "$resp" '^HTTP/1\.[01] (400|200)' "a malformed header line does not crash ($resp)"
resp=$(printf 'GET /%s HTTP/1.1\r\nHost: x\r\n\r\n' "$(head -c 6000 /dev/zero | tr '\0' 'p')" | timeout 5 python3 -c '
import socket,sys
s=socket.create_connection(("127.0.0.1",int(sys.argv[1])),timeout=5)
s.sendall(sys.stdin.buffer.read())
print(s.recv(200).decode("latin1").split("\r\n")[0])' "$port")
like "$resp" '^HTTP/1\.[01] (414|431|400)' "a 6000-byte path is refused ($resp)"

r=$(http GET '/api/v1/issues/%00%ff%fe')
like "$r" '^(404|400) ' "percent-encoded junk in a path"

kill -0 "$SERVER_PID"; ok $? "the server is still running after all that"
r=$(http GET /api/v1/health); like "$r" '^200 ' "and still healthy"
is "$(sqlite3 "$DATA/foivault.db" 'PRAGMA integrity_check')" ok "the database is intact"
done_testing
