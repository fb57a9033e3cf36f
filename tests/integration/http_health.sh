#!/bin/sh
# http_health.sh - the health check and the reference-data endpoints.
. "$TESTLIB"

start_server
r=$(http GET /api/v1/health)
like "$r" '^200 ' "health answers 200"
body=${r#* }
is "$(json_get "$body" 'j["status"]')" ok "status ok"
is "$(json_get "$body" 'j["database"]["ok"]')" True "database ok"
is "$(json_get "$body" 'j["queue"]["queued"]')" 0 "queue depth 0"
like "$(json_get "$body" 'j["version"]')" '^[0-9]+\.' "the version"
h=$(curl -s -m 10 -D - -o /dev/null "$URL/api/v1/health")
like "$h" 'Content-Type: application/json' "JSON content type"
like "$h" 'X-Content-Type-Options: nosniff' "nosniff"
is "$(curl -s -m 10 -o /dev/null -w '%{http_code}' -I "$URL/api/v1/health")" 200 "HEAD answers like GET"

r=$(http GET /api/v1/negotiations)
like "$r" '^200 ' "negotiations list"
like "$r" '"slug":"wto-jsi-ecommerce"' "includes the WTO JSI"
r=$(http GET /api/v1/issues/source-code)
like "$r" '^200 .*"name":"Source code"' "one issue by slug"
r=$(http GET /api/v1/negotiations/no-such)
like "$r" '^404 .*"code":"not_found"' "unknown slug is 404 JSON"
r=$(http GET "/api/v1/issues/%27%3B%20DROP%20TABLE%20issues%3B--")
like "$r" '^404 ' "an SQL-ish slug is just not found"
r=$(http GET /api/v1/issues)
like "$r" '"slug":"net-neutrality"' "issues survive that"

grep -q '^access: GET /api/v1/health 200 [0-9]* [0-9.]*ms' "$TMP/server.err"
ok $? "one access log line per request, with status, bytes and time"
grep -q 'DROP' "$TMP/server.err"; is $? 0 "the log shows the decoded path"
done_testing
