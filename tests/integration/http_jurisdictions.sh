#!/bin/sh
# http_jurisdictions.sh - the laws and the deadline calculator over HTTP:
# GET /api/v1/jurisdictions[/{code}[/holidays]], GET and POST
# /api/v1/deadline. The server must give the same dates as the CLI (one
# engine, one input vocabulary), and every bad input gets a JSON error with
# the right status, never a 500.
. "$TESTLIB"

# A per-instance closure, to show the server loads DATA/laws at start.
fv init --quiet
mkdir -p "$DATA/laws"
cat >"$DATA/laws/EU-closure.law" <<'EOF'
[law]
code = EU
[holidays]
holiday = 2019-11-04 : Staff away-day
EOF
start_server

# -- The list and one law.
r=$(http GET /api/v1/jurisdictions)
like "$r" '^200 ' "the list answers 200"
b=${r#* }
is "$(json_get "$b" 'len(j["results"])')" 27 "27 jurisdictions (26 laws and Singapore)"
is "$(json_get "$b" '[x["deadline"] for x in j["results"] if x["code"] == "GB"][0]')" \
   "20 working days" "each with its deadline as text"
is "$(json_get "$b" '[x["no_foi_law"] for x in j["results"] if x["code"] == "SG"][0]')" \
   True "Singapore is listed as having no FOI law"
r=$(http GET /api/v1/jurisdictions/GB-SCT)
like "$r" '^200 ' "one law by code"
b=${r#* }
is "$(json_get "$b" 'j["code"]')" GB-SCT "GB-SCT is its own law (FOISA 2002)"
is "$(json_get "$b" 'type(j["facts"]["initial"]["unverified"]).__name__')" bool \
   "each fact says whether it is unverified"
r=$(http GET /api/v1/jurisdictions/gb)
like "$r" '^200 .*"code":"GB"' "codes are case-insensitive"
r=$(http GET /api/v1/jurisdictions/XX)
like "$r" "^404 .*\"code\":\"not_found\".*unknown jurisdiction 'XX'" "an unknown code is 404, named"
r=$(http GET "/api/v1/jurisdictions/%27%20OR%201%3D1")
like "$r" '^404 ' "a hostile code is just not found"

# -- Holidays.
r=$(http GET "/api/v1/jurisdictions/GB/holidays?year=2026")
like "$r" '^200 ' "holidays for a year"
b=${r#* }
like "$b" '"2026-12-28"' "include the substitute day for Boxing Day 2026"
is "$(json_get "$b" '[d["name"] for d in j["holidays"] if d["date"] == "2026-01-02"]')" \
   "['2nd January (Scotland)']" "and Scotland's 2 January (a bank holiday in any part of the UK)"
r=$(http GET "/api/v1/jurisdictions/EU/holidays?year=2019")
like "$r" '"Staff away-day"' "the instance's closure from DATA/laws is listed"
r=$(http GET "/api/v1/jurisdictions/GB/holidays?year=1989")
like "$r" '^400 .*1990' "a year out of range is 400, saying the range"
r=$(http GET "/api/v1/jurisdictions/GB/holidays?year=20x6")
like "$r" '^400 ' "a year that is not a number is 400"
r=$(http GET "/api/v1/jurisdictions/GB/holidays?yaer=2026")
like "$r" "^400 .*unknown parameter 'yaer'" "a misspelt parameter is 400, not ignored"
r=$(http GET "/api/v1/jurisdictions/XX/holidays?year=2026")
like "$r" '^404 ' "holidays of an unknown code: 404"

# -- GET /api/v1/deadline: the same dates as the CLI.
r=$(http GET "/api/v1/deadline?jurisdiction=GB&received=2025-12-19")
like "$r" '^200 ' "a deadline by query string"
b=${r#* }
is "$(json_get "$b" 'j["due"]')" 2026-01-22 "GB: received 19 Dec 2025, due 22 Jan 2026"
is "$(json_get "$b" '[s["name"] for s in j["skipped"] if s["holiday"]]')" \
   "['Christmas Day', 'Boxing Day', \"New Year's Day\", '2nd January (Scotland)']" \
   "the skipped holidays are named"
cli=$(fv deadline --jurisdiction GB --received 2025-12-19 --pause 2026-01-05:2026-01-07 \
	--reply 2026-01-20 --as-of 2026-02-01 --json)
r=$(http GET "/api/v1/deadline?jurisdiction=GB&received=2025-12-19&pause=2026-01-05:2026-01-07&reply=2026-01-20&as_of=2026-02-01")
b=${r#* }
is "$(json_get "$b" 'json.dumps(j, sort_keys=True)')" \
   "$(json_get "$cli" 'json.dumps(j, sort_keys=True)')" \
   "the API and the CLI give the same answer, field by field"
r=$(http GET "/api/v1/deadline?jurisdiction=EU&received=2019-10-25&extension=")
is "$(json_get "${r#* }" 'j["due"]')" 2019-12-10 \
   "EU [EU3] with the usual extension, moved a day by the instance's closure"
r=$(http GET "/api/v1/deadline?jurisdiction=EU&received=2019-10-25&extension=10@2019-11-12")
is "$(json_get "${r#* }" 'j["extensions"][0]["amount"], j["extensions"][0]["date"]')" \
   "(10, '2019-11-12')" "extension=N@DATE"

# -- GET: bad input.
r=$(http GET "/api/v1/deadline?jurisdiction=GB")
like "$r" '^400 .*"code":"bad_request".*required' "received missing: 400, saying what is required"
r=$(http GET "/api/v1/deadline")
like "$r" '^400 ' "no parameters: 400"
r=$(http GET "/api/v1/deadline?jurisdiction=GB&received=2025-02-29")
like "$r" '^400 .*February 2025 has 28 days' "an impossible date: 400, saying why"
r=$(http GET "/api/v1/deadline?jurisdiction=GB&received=2025-01-06&as-of=2025-02-01")
like "$r" "^400 .*unknown parameter 'as-of'" "the CLI's dashed spelling is not the API's"
r=$(http GET "/api/v1/deadline?jurisdiction=GB&received=2025-01-06&recieved=2025-01-07")
like "$r" "^400 .*unknown parameter 'recieved'" "a misspelt parameter is 400"
r=$(http GET "/api/v1/deadline?jurisdiction=GB&received=2025-01-06&received=2025-01-07")
like "$r" '^400 .*twice' "a parameter given twice is 400"
r=$(http GET "/api/v1/deadline?jurisdiction=ZZ&received=2025-01-06")
like "$r" '^404 ' "an unknown jurisdiction: 404"
r=$(http GET "/api/v1/deadline?jurisdiction=SG&received=2025-01-06")
like "$r" '^422 .*Singapore has no freedom of information law' "Singapore: 422, no law to compute"
r=$(http GET "/api/v1/deadline?jurisdiction=CA&received=2025-01-06&pause=2025-01-07:2025-01-09")
like "$r" '^422 .*neither' "a pause under a law that stops for nothing: 422"
r=$(http GET "/api/v1/deadline?jurisdiction=GB&received=2025-01-06&extension=-5")
like "$r" '^400 .*negative' "a negative extension: 400"
r=$(http GET "/api/v1/deadline?jurisdiction=GB&received=2100-12-20")
like "$r" '^422 .*after 2100' "a deadline past 2100: 422"
long=$(python3 -c 'print("pause=2025-01-07&" * 3000)')
r=$(http GET "/api/v1/deadline?${long}jurisdiction=GB&received=2025-01-06")
# libmicrohttpd answers 431 from its per-connection pool and closes; curl
# may see only the close.
like "$r" '^(431|414|000)' "a 50 KB query string is refused by the connection's memory cap"
r=$(http GET /api/v1/health)
like "$r" '^200 ' "and the server carries on"

# -- POST /api/v1/deadline: events as JSON.
post() { http POST /api/v1/deadline -H 'Content-Type: application/json' --data-binary "$1"; }
r=$(post '{"jurisdiction":"GB","received":"2025-12-19","events":[
	{"kind":"fee-requested","date":"2026-01-05"},
	{"kind":"fee-paid","date":"2026-01-07"}]}')
like "$r" '^200 ' "POST with events"
is "$(json_get "${r#* }" 'j["due"]')" 2026-01-27 "a fee notice paid two days later: 22 Jan becomes 27 Jan"
r=$(post '{"jurisdiction":"EU","received":"2019-10-25","events":[{"kind":"extension","date":"2019-11-12","amount":10}],"as_of":"2019-12-20"}')
is "$(json_get "${r#* }" 'j["due"], j["status"]')" "('2019-12-03', 'overdue')" \
   "an extension event with an amount, and as_of (the closure counted)"
r=$(post '{"jurisdiction":"GB","received":"2025-12-19","event":[]}')
like "$r" "^422 .*unknown field 'event'" "an unknown field: 422 (a typo must not change a date silently)"
r=$(post '{"jurisdiction":"GB","received":"19/12/2025"}')
like "$r" '^422 .*received' "a malformed date: 422 naming the field"
r=$(post '{"jurisdiction":"GB"}')
like "$r" '^422 .*received is required' "no received date: 422"
r=$(post '{"received":"2025-12-19"}')
like "$r" '^422 .*jurisdiction is required' "no jurisdiction: 422"
r=$(post '{"jurisdiction":"GB","received":"2025-12-19","events":[{"kind":"bribe","date":"2026-01-05"}]}')
like "$r" "^422 .*event 1: unknown kind 'bribe'" "an unknown event kind: 422 naming the event"
r=$(post '{"jurisdiction":"GB","received":"2025-12-19","events":[{"kind":"reply","date":"2026-01-05","amount":3}]}')
like "$r" '^422 .*only an extension has a length' "an amount on a reply: 422"
r=$(post '{"jurisdiction":"GB","received":"2025-12-19","events":{"kind":"reply"}}')
like "$r" '^422 .*expected an array' "events not an array: 422"
r=$(post '{"jurisdiction":"GB","received":"2025-12-19","events":[{"kind":"extension","date":"2026-01-05","amount":99999999999}]}')
like "$r" '^422 .*at most' "a huge extension: 422"
r=$(post '{"jurisdiction":"GB","received":')
like "$r" '^400 ' "malformed JSON: 400"
r=$(post '[1,2,3]')
like "$r" '^(400|422) ' "a JSON array instead of an object: rejected"
many=$(python3 -c 'import json; print(json.dumps({"jurisdiction":"GB","received":"2025-01-06","events":[{"kind":"reply","date":"2025-01-07"}]*5000}))')
printf '%s' "$many" >"$TMP/many.json"
r=$(http POST /api/v1/deadline -H 'Content-Type: application/json' --data-binary @"$TMP/many.json")
like "$r" '^(413|422) ' "thousands of events: rejected before computing"
r=$(post '{"jurisdiction":"XX","received":"2025-12-19"}')
like "$r" '^404 ' "POST for an unknown jurisdiction: 404"

# -- Many at once: the calendars' caches are shared by the server's threads.
pids=""
for i in 1 2 3 4 5 6 7 8; do
	curl -s -m 20 "$URL/api/v1/deadline?jurisdiction=GB&received=2025-12-19" >"$TMP/par.$i" &
	pids="$pids $!"
done
wait $pids # not a bare wait: the server is a background job too
same=0
for i in 1 2 3 4 5 6 7 8; do
	[ "$(json_get "$(cat "$TMP/par.$i")" 'j["due"]')" = 2026-01-22 ] || same=1
done
ok $same "eight concurrent requests all get 22 Jan 2026"
r=$(http GET /api/v1/health)
like "$r" '^200 ' "and the server is still healthy"
grep -q ' 500 ' "$TMP/server.err"; is $? 1 "no request ended in a 500"
stop_server

# -- A broken law file stops the server at start, naming file:line.
printf '[law]\ncode = EU\n[holidays]\nholiday = 2019-02-30 : Nonsense\n' >"$DATA/laws/EU-typo.law"
timeout 30 "$FOIVAULT" --data "$DATA" serve --listen 127.0.0.1:0 >"$TMP/out" 2>"$TMP/err"
is $? 1 "serve with a malformed law file exits 1"
like "$(cat "$TMP/err")" 'EU-typo.law:4: ' "and names the file and line"
done_testing
