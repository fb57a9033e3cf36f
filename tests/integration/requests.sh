#!/bin/sh
# requests.sh - authorities, requests and overdue tracking end to end:
# authority add/list/import (with hostile CSV lines), a GB request whose
# due dates are checked against the deadline engine (Christmas, Boxing
# Day, New Year and 2 January in Scotland skipped; a fee pause), invalid
# transitions, `overdue` as JSON and as CSV parsed by python3's csv module,
# and the read-only HTTP endpoints behind a token.
. "$TESTLIB"

fv init --quiet

# ---- authorities -------------------------------------------------------------
GB=$(fv authority add --name 'Cabinet Office' --jurisdiction gb \
	--email foi@cabinetoffice.gov.uk --tags 'trade, central')
is $? 0 "authority add"
fv authority add --name 'cabinet office' --jurisdiction GB >/dev/null 2>"$TMP/err"
is $? 1 "the same authority again is refused"
like "$(cat "$TMP/err")" "already exists in GB \(id $GB\)" "... naming the first"
fv authority add --name 'Ministère' --jurisdiction XX >/dev/null 2>"$TMP/err"
is $? 1 "unknown jurisdiction refused"
like "$(cat "$TMP/err")" "unknown jurisdiction 'XX'" "... with the code"
fv authority add --name 'No law' >/dev/null 2>&1
is $? 2 "missing --jurisdiction is a usage error"
fv authority add --name 'Bad' --jurisdiction GB --email nope >/dev/null 2>&1
is $? 1 "a bad e-mail address refused"

{
	printf 'name,jurisdiction,email,portal,tags\n'
	printf 'Home Office,GB,foi@homeoffice.gov.uk,https://www.gov.uk/,home\n'
	printf '"Department for Business, Energy and ""Trade""",GB,,,"trade,energy"\n'
	printf '"broken quote,GB,,,\n'
	printf 'Too,GB'; i=0; while [ $i -lt 10000 ]; do printf ',x'; i=$((i + 1)); done; printf '\n'
	printf 'Nul@Office,GB,,,\n' | tr @ '\000'
	printf 'Nowhere,ZZ,,,\n'
	printf 'home office,gb,,,\n'
	printf '"Scottish Government",GB-SCT,foi@gov.scot,,"devolved\n'
	printf 'multi-line tag"\n'
	printf 'Cabinet Office,GB,foi@cabinetoffice.gov.uk,,"trade,central"\n'
} >"$TMP/auth.csv"
fv authority import "$TMP/auth.csv" >"$TMP/imp.out" 2>"$TMP/imp.err"
is $? 1 "import with rejected lines exits 1"
imp=$(cat "$TMP/imp.out")
like "$imp" "$(printf '^2\tadded\t')" "line 2 added"
like "$imp" "$(printf '^3\tadded\t[0-9]+\tDepartment for Business, Energy and "Trade"')" \
	"line 3 (quoted comma and quotes) added"
like "$imp" "$(printf '^4\trejected\t')" "line 4 (unbalanced quote) rejected"
like "$imp" "$(printf '^5\trejected\tmore than')" "line 5 (10,000 fields) rejected"
like "$imp" "$(printf '^6\trejected\tNUL')" "line 6 (NUL byte) rejected"
like "$imp" "$(printf '^7\trejected\tunknown jurisdiction')" "line 7 (unknown jurisdiction) rejected"
like "$imp" "$(printf '^8\trejected\tduplicate of line 2')" "line 8 (duplicate) rejected"
like "$imp" "$(printf '^9\tadded\t[0-9]+\tScottish Government')" "line 9 (multi-line quoted field) added"
like "$imp" "$(printf '^11\tunchanged\t%s' "$GB")" "line 11 (existing, same) unchanged"
like "$(cat "$TMP/imp.err")" '3 added, 0 updated, 1 unchanged, 5 rejected' "summary"
like "$imp" "$(printf '^4\trejected\ta quoted field runs on')" "the unbalanced quote is named"
fv authority import "$TMP/auth.csv" >/dev/null 2>"$TMP/imp.err"
like "$(cat "$TMP/imp.err")" '0 added, 0 updated, 4 unchanged, 5 rejected' "importing again adds nothing"
n=$(fv authority list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
is "$n" 4 "four authorities, no duplicates"
n=$(fv authority list --jurisdiction GB-SCT | wc -l)
is "$n" 1 "list --jurisdiction"

# ---- a GB request and its dates ------------------------------------------------
R=$(fv request add --authority "$GB" --title 'E-commerce JSI negotiating texts' --reference 'FOI2025/001')
is $? 0 "request add"
fv request add --authority 999 --title x >/dev/null 2>&1
is $? 1 "request for an unknown authority refused"
fv request event "$R" released --date 2025-12-20 2>"$TMP/err"
is $? 1 "draft -> released refused"
like "$(cat "$TMP/err")" "state 'draft'.*allowed: sent withdrawn note" \
	"the error names the state and the allowed kinds"
fv request event "$R" teleported 2>/dev/null
is $? 2 "an unknown kind is a usage error"
fv request event "$R" sent --date 2025-12-19 --note 'by e-mail'
is $? 0 "sent 2025-12-19"
due=$(fv request show --json "$R" | python3 -c 'import json,sys; print(json.load(sys.stdin)["due"])')
engine=$(fv deadline --jurisdiction GB --received 2025-12-19 | head -1)
is "$due" 2026-01-22 "due 2026-01-22 (Christmas, Boxing Day, New Year, 2 Jan Scotland skipped)"
is "$due" "$engine" "... as the deadline engine says"
fv request show --json "$R" >"$TMP/show.json"
skipped=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(s["date"] for s in d["deadline"]["skipped"] if s["holiday"]))' "$TMP/show.json")
like "$skipped" '2025-12-25 2025-12-26 2026-01-01 2026-01-02' "the working lists the holidays skipped"
fv request event "$R" fee-requested --date 2026-01-05
is $? 0 "fee requested 2026-01-05"
fv request event "$R" released --date 2026-01-06 2>"$TMP/err"
is $? 1 "no release while the fee is outstanding"
like "$(cat "$TMP/err")" "state 'fee-requested'" "... naming the state"
fv request event "$R" fee-paid --date 2026-01-04 2>/dev/null
is $? 1 "an event dated before the previous one refused"
fv request event "$R" fee-paid --date 2026-01-07
is $? 0 "fee paid 2026-01-07"
fv request show --json "$R" >"$TMP/show.json"
is "$(json_get "$(cat "$TMP/show.json")" 'j["due"]')" 2026-01-27 "the fee pause moves it to 2026-01-27"
is "$(fv deadline --jurisdiction GB --received 2025-12-19 --fee 2026-01-05:2026-01-07 | head -1)" \
	2026-01-27 "... as the deadline engine says"
is "$(json_get "$(cat "$TMP/show.json")" 'len(j["events"])')" 3 "three events"
like "$(json_get "$(cat "$TMP/show.json")" 'j["appeal"]["oversight"]')" "Information Commissioner" \
	"the oversight body is shown"
fv request show "$R" >"$TMP/show.txt"
like "$(cat "$TMP/show.txt")" 'due +2026-01-27' "plain show has the due date"
like "$(cat "$TMP/show.txt")" 'fee-requested' "plain show has the timeline"

# A second request, answered on time, and a third never sent.
R2=$(fv request add --authority "$GB" --title 'Answered')
fv request event "$R2" sent --date 2025-12-19 && fv request event "$R2" refused --date 2026-01-10 --note 's.27 international relations'
is $? 0 "a refusal with its exemption"
appeal=$(fv request show --json "$R2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["appeal_by"])')
like "$appeal" '^2026-' "after a reply the appeal deadline is shown"
R3=$(fv request add --authority "$GB" --title 'Draft')
is "$(fv request list --state draft | cut -f1)" "$R3" "request list --state"

# ---- overdue --------------------------------------------------------------------
fv overdue --as-of 2026-01-26 --json >"$TMP/od.json"
is $? 0 "overdue --json"
is "$(json_get "$(cat "$TMP/od.json")" 'len(j)')" 0 "nothing overdue on 2026-01-26 after the pause"
fv overdue --as-of 2026-01-31 --json >"$TMP/od.json"
is "$(json_get "$(cat "$TMP/od.json")" '(j[0]["id"], j[0]["days_overdue"], j[0]["very_overdue"], j[0]["last_event"])')" \
	"($R, 4, False, 'fee-paid')" "4 days overdue on 2026-01-31, last event fee-paid"
R4=$(fv request add --authority "$GB" --title 'Plain, "quoted"
and multi-line')
fv request event "$R4" sent --date 2025-12-19
fv overdue --as-of 2026-01-26 --csv >"$TMP/od.csv"
is $? 0 "overdue --csv"
got=$(python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
print(len(rows), rows[0]["id"], rows[0]["days_overdue"], rows[0]["due"], rows[0]["jurisdiction"], repr(rows[0]["title"]))
' "$TMP/od.csv")
is "$got" "1 $R4 4 2026-01-22 GB 'Plain, \"quoted\"\\nand multi-line'" \
	"CSV parsed by python: 4 days overdue on 2026-01-26, the title intact"
R5=$(fv request add --authority "$GB" --title '=HYPERLINK("http://evil.example/","x")')
fv request event "$R5" sent --date 2025-12-19
fv overdue --as-of 2026-01-26 --csv >"$TMP/od5.csv"
got=$(python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
print([r["title"] for r in rows if r["id"] == sys.argv[2]][0], [r["days_overdue"] for r in rows][0])
' "$TMP/od5.csv" "$R5")
is "$got" "'=HYPERLINK(\"http://evil.example/\",\"x\") 4" \
	"a title a spreadsheet would run as a formula gets a leading apostrophe; numbers do not"
fv request event "$R5" withdrawn --date 2026-01-02 # out of the later lists
fv overdue --as-of 2026-04-01 --json >"$TMP/od.json"
is "$(json_get "$(cat "$TMP/od.json")" '[r["id"] for r in j]')" "[$R4, $R]" "most overdue first"
is "$(json_get "$(cat "$TMP/od.json")" 'j[0]["very_overdue"]')" True "very overdue flagged"
fv overdue --as-of 2026-02-30 >/dev/null 2>&1
is $? 2 "a bad --as-of is a usage error"

# ---- HTTP ------------------------------------------------------------------------
printf 'a long enough password\n' >"$TMP/pw"
fv user add alice --email alice@example.org --role coordinator --password-file "$TMP/pw" >/dev/null 2>&1
fv user approve alice >/dev/null 2>&1
TOK=$(fv token create --user alice --name test)
start_server
AUTH="Authorization: Bearer $TOK"
is "$(http GET /api/v1/requests/$R | cut -c1-3)" 401 "requests need an account"
is "$(http GET /api/v1/overdue | cut -c1-3)" 401 "overdue needs an account"
is "$(http GET /api/v1/authorities | cut -c1-3)" 401 "authorities need an account"
out=$(http GET /api/v1/requests/$R -H "$AUTH")
is "${out%% *}" 200 "GET /api/v1/requests/ID"
is "$(json_get "${out#* }" 'j["due"], j["state"]')" "('2026-01-27', 'fee-paid')" "... with due date and state"
is "$(http GET /api/v1/requests/99999 -H "$AUTH" | cut -c1-3)" 404 "unknown request 404"
is "$(http GET /api/v1/requests/abc -H "$AUTH" | cut -c1-3)" 404 "bad id 404"
out=$(http GET '/api/v1/authorities?jurisdiction=GB' -H "$AUTH")
is "$(json_get "${out#* }" 'len(j["results"])')" 3 "GET /api/v1/authorities?jurisdiction=GB"
out=$(http GET '/api/v1/overdue?as_of=2026-01-31' -H "$AUTH")
is "$(json_get "${out#* }" '[(r["id"], r["days_overdue"]) for r in j["results"]]')" \
	"[($R4, 9), ($R, 4)]" "GET /api/v1/overdue?as_of=2026-01-31"
curl -s -m 20 -D "$TMP/hdr" -o "$TMP/od2.csv" -H "$AUTH" "$URL/api/v1/overdue?as_of=2026-01-26&format=csv"
like "$(cat "$TMP/hdr")" 'Content-Type: text/csv' "CSV served as text/csv"
cmp -s "$TMP/od.csv" "$TMP/od2.csv"
is $? 0 "the API's CSV is the CLI's"
is "$(http GET '/api/v1/overdue?format=xml' -H "$AUTH" | cut -c1-3)" 400 "unknown format 400"
is "$(http GET '/api/v1/overdue?as_of=yesterday' -H "$AUTH" | cut -c1-3)" 400 "bad as_of 400"

done_testing
