#!/bin/sh
# deadline_cli.sh - `foivault deadline` and `foivault jurisdictions`: due
# dates and their working on the command line, the JSON interface fixed by
# DESIGN.md ("due" and the skipped days), --as-of, pauses and extensions,
# per-instance law files, and every bad-input path with its exit status.
# Expected dates: GB from gov.uk/bank-holidays, EU from the reference's
# worked example [EU3] (see tests/unit/test_deadline.c).
. "$TESTLIB"

# No data directory at all: deadline needs no database.
[ ! -e "$DATA" ]; ok $? "the data dir does not exist"

# -- GB over Christmas: 25, 26 Dec, 1 Jan and Scotland's 2 Jan are skipped.
fv deadline --jurisdiction GB --received 2025-12-19 >"$TMP/out" 2>"$TMP/err"
is $? 0 "deadline works without a data directory"
is "$(head -n 1 "$TMP/out")" 2026-01-22 "GB: received Fri 19 Dec 2025, due Thu 22 Jan 2026"
out=$(cat "$TMP/out")
like "$out" '2025-12-25 +Christmas Day' "the working names Christmas Day"
like "$out" '2025-12-26 +Boxing Day' "and Boxing Day"
like "$out" "2026-01-01 +New Year's Day" "and New Year's Day"
like "$out" '2026-01-02 +2nd January \(Scotland\)' "and Scotland's 2 January (s.10(6): any part of the UK)"
like "$out" 'Day 0: the request was received on Friday 19 December 2025' "the explanation says what day 0 is"
like "$out" 'very overdue +after Thu 2026-02-19' "the very-overdue date"
is "$(wc -c <"$TMP/err" | tr -d ' ')" 0 "nothing on stderr"

# -- JSON: the fixed interface.
fv deadline --jurisdiction GB --received 2025-12-19 --json >"$TMP/gb.json"
is $? 0 "--json exits 0"
j=$(cat "$TMP/gb.json")
is "$(json_get "$j" 'j["due"]')" 2026-01-22 '"due" is the due date'
is "$(json_get "$j" '[s["name"] for s in j["skipped"] if s["holiday"]]')" \
   "['Christmas Day', 'Boxing Day', \"New Year's Day\", '2nd January (Scotland)']" \
   '"skipped" names the holidays'
is "$(json_get "$j" 'sum(1 for s in j["skipped"] if s["weekend"] and not s["holiday"])')" 10 \
   "and lists the 10 weekend days"
is "$(json_get "$j" 'j["skipped"][0]')" \
   "{'date': '2025-12-20', 'name': 'Saturday', 'holiday': False, 'weekend': True, 'unverified': False, 'rolled': False}" \
   "each skipped day has date, name and flags"
is "$(json_get "$j" 'j["jurisdiction"], j["received"], j["status"], j["as_of"]')" \
   "('GB', '2025-12-19', 'pending', None)" "jurisdiction, received, status"
like "$(json_get "$j" 'j["explanation"]')" 'The 20th working day after day 0 is Thursday 22 January 2026' \
   "the explanation is in the JSON too"

# -- The EU worked example [EU3]: registered 25/10/2019, due 18/11/2019;
# extended by 15 working days, 9/12/2019.
is "$(fv deadline --jurisdiction EU --received 2019-10-25 | head -n 1)" 2019-11-18 \
   "EU [EU3]: registered 25 Oct 2019, due 18 Nov 2019"
is "$(fv deadline --jurisdiction EU --received 2019-10-25 --extension | head -n 1)" 2019-12-09 \
   "EU [EU3]: --extension (the usual 15 working days) gives 9 Dec 2019"
is "$(fv deadline --jurisdiction eu --received 2019-10-25 --extension 15 | head -n 1)" 2019-12-09 \
   "an explicit length, and a lower-case code"
j=$(fv deadline --jurisdiction EU --received 2019-10-25 --extension 10@2019-11-12 --json)
is "$(json_get "$j" 'j["due"], j["initial_due"]')" "('2019-12-02', '2019-11-18')" \
   "--extension N@DATE: 10 working days, taken on 12 Nov"
is "$(json_get "$j" 'j["extensions"][0]["date"], j["extensions"][0]["amount"], j["extensions"][0]["applied"]')" \
   "('2019-11-12', 10, True)" "the extension is in the JSON"
j=$(fv deadline --jurisdiction EU --received 2019-10-25 --extension 40 --json)
is "$(json_get "$j" 'j["due"]')" 2019-12-09 "an extension longer than the law allows is capped"
like "$(json_get "$j" 'j["extensions"][0]["note"]')" 'at most 15 working days' "with a note"
out=$(fv deadline --jurisdiction EU --received 2019-10-25 --extension --extension)
like "$out" 'not counted: the law allows only one extension' "a second extension is shown, not counted"

# -- A pause: under FOIA 2000 a fee notice stops the clock (s.10(2)); the
# three working days 5-7 Jan 2026 are not counted.
out=$(fv deadline --jurisdiction GB --received 2025-12-19 --pause 2026-01-05:2026-01-07)
is "$(printf '%s\n' "$out" | head -n 1)" 2026-01-27 "GB: a 3-working-day fee pause moves 22 Jan to 27 Jan"
like "$out" 'fee +Mon 2026-01-05 to Wed 2026-01-07, clock stopped \(3 days, 3 working days\)' \
   "the pause is shown with its length"
is "$(fv deadline --jurisdiction GB --received 2025-12-19 --fee 2026-01-05:2026-01-07 | head -n 1)" 2026-01-27 \
   "--fee FROM:TO is the same pause"
j=$(fv deadline --jurisdiction US --received 2025-06-02 --pause 2025-06-05 --json)
is "$(json_get "$j" 'j["due"], j["status"], j["paused_since"]')" "(None, 'paused', '2025-06-05')" \
   "a pause with no end: no due date while the clock is stopped"
is "$(fv deadline --jurisdiction US --received 2025-06-02 --pause 2025-06-05: | head -n 1)" none \
   "plain output says none on the first line"
# Under the EU regulation a pause is a clarification (Commission practice).
j=$(fv deadline --jurisdiction EU --received 2024-01-08 --pause 2024-01-15:2024-01-19 --json)
is "$(json_get "$j" 'j["pauses"][0]["reason"], j["due"]')" "('clarification', '2024-02-05')" \
   "EU: --pause is a clarification pause (5 working days: 29 Jan to 5 Feb)"

# -- A clarification that restarts the clock (FOIA s.1(3), ICO), then an
# undated extension: it is dated at the restart, so it counts.
j=$(fv deadline --jurisdiction GB --received 2025-12-19 --clarification 2026-01-05:2026-01-09 --extension --json)
is "$(json_get "$j" 'j["due"], j["rule"]["day0"]')" "('2026-03-06', '2026-01-09')" \
   "GB: clarification on 9 Jan restarts the clock; 20 + 20 working days from it"
is "$(json_get "$j" 'j["rule"]["day0_reason"]')" \
   "clarification arrived on Friday 9 January 2026, which restarts the clock" \
   "the new day 0 is explained in full"
is "$(fv deadline --jurisdiction GB --received 2025-12-19 --clarification-restart 2026-01-09 | head -n 1)" 2026-02-06 \
   "--clarification-restart DATE: 20 working days from 9 Jan 2026"

# -- --as-of: overdue and very overdue (on the due date itself: not yet).
st() { json_get "$(fv deadline --jurisdiction GB --received 2025-12-19 --json --as-of "$1")" \
	'j["status"], j["overdue"], j["very_overdue_now"]'; }
is "$(st 2026-01-22)" "('pending', False, False)" "--as-of the due date: not overdue"
is "$(st 2026-01-23)" "('overdue', True, False)" "--as-of the day after: overdue"
is "$(st 2026-02-19)" "('overdue', True, False)" "--as-of the very-overdue date: overdue"
is "$(st 2026-02-20)" "('very_overdue', True, True)" "--as-of after it: very overdue"
out=$(fv deadline --jurisdiction GB --received 2025-12-19 --as-of 2026-01-26)
like "$out" 'status +overdue on Mon 2026-01-26 \(4 days past the due date\)' "plain output gives the status"
like "$out" 'On Monday 26 January 2026 the response is overdue by 4 days' "and so does the explanation"

# -- A reply and an appeal.
j=$(fv deadline --jurisdiction GB --received 2025-12-19 --reply 2026-01-20 --appeal-filed 2026-02-02 --json)
is "$(json_get "$j" 'j["status"], j["appeal"]["deadline"], j["appeal"]["decision"]["due"]')" \
   "('answered', '2026-03-18', '2026-03-02')" \
   "GB: internal review within 40 working days of the reply (St Patrick's Day skipped), decided within 20"
like "$(json_get "$j" 'j["unverified"]')" "appeal_window" "the unverified facts it relied on are listed"
out=$(fv deadline --jurisdiction GB --received 2025-12-19 --reply 2026-01-20)
like "$out" 'appeal by +Wed 2026-03-18 \(internal review\)' "plain output: the appeal deadline"
like "$out" 'unverified +appeal_window' "and flags the unverified facts"
like "$out" 'Not confirmed from a primary source: appeal_window' "which the explanation names"

# -- Bad input: exit 2 for a malformed command line, 1 for what cannot be
# computed; one message line starting "foivault: ".
bad() { # EXPECTED-STATUS REGEX NAME ARGS...
	want=$1 re=$2 name=$3
	shift 3
	fv deadline "$@" >"$TMP/out" 2>"$TMP/err"
	is "$?" "$want" "$name: exit $want"
	like "$(head -n 1 "$TMP/err")" "^foivault: $re" "$name: says so"
	is "$(wc -c <"$TMP/out" | tr -d ' ')" 0 "$name: nothing on stdout"
}
bad 1 "unknown jurisdiction 'XX' \(known: AR, AU, .*GB, GB-SCT, .*ZA\)" "unknown jurisdiction" \
	--jurisdiction XX --received 2025-01-06
is "$(wc -l <"$TMP/err" | tr -d ' ')" 1 "unknown jurisdiction: in one line"
bad 1 "SG: Singapore has no freedom of information law" "Singapore" \
	--jurisdiction SG --received 2025-01-06
is "$(wc -l <"$TMP/err" | tr -d ' ')" 1 "Singapore: in one line"
bad 2 "--received: '2025-02-29' is not a date: February 2025 has 28 days" "29 Feb of a common year" \
	--jurisdiction GB --received 2025-02-29
bad 2 "--received: '2025-13-01' is not a date: there is no month 13" "month 13" \
	--jurisdiction GB --received 2025-13-01
bad 2 "--received: '2025-1-6' is not a date in the form YYYY-MM-DD" "a short date" \
	--jurisdiction GB --received 2025-1-6
bad 2 "--received: '06/01/2025' is not a date" "a date in another format" \
	--jurisdiction GB --received 06/01/2025
bad 2 "--received: '1989-12-31' is out of range: dates must be in the years 1990 to 2100" "a year before 1990" \
	--jurisdiction GB --received 1989-12-31
bad 2 "--as-of: '2101-01-01' is out of range" "a year after 2100" \
	--jurisdiction GB --received 2025-01-06 --as-of 2101-01-01
bad 1 "the deadline falls after 2100" "a deadline past 2100" \
	--jurisdiction GB --received 2100-12-20
bad 2 "--extension: the length cannot be negative \(-5\)" "a negative extension" \
	--jurisdiction GB --received 2025-01-06 --extension -5
bad 2 "--extension: the length cannot be negative" "a negative extension with =" \
	--jurisdiction GB --received 2025-01-06 --extension=-20
bad 2 "--extension: .*not a number" "an extension that is not a number" \
	--jurisdiction GB --received 2025-01-06 --extension ten
bad 2 "--pause: it ends \(2025-01-07\) before it starts \(2025-01-09\)" "a pause that ends before it starts" \
	--jurisdiction GB --received 2025-01-06 --pause 2025-01-09:2025-01-07
bad 1 "--pause: 2025-01-02 is before the request was received \(2025-01-06\)" "a pause before the request" \
	--jurisdiction GB --received 2025-01-06 --pause 2025-01-02:2025-01-07
bad 1 "--pause: under the law of CA neither" "a pause under a law that stops for nothing" \
	--jurisdiction CA --received 2025-01-06 --pause 2025-01-07:2025-01-09
bad 1 "--clarification-restart: under the law of EU a clarification pauses" "a restart under a pause law" \
	--jurisdiction EU --received 2025-01-06 --clarification-restart 2025-01-09
bad 1 "a second reply on 2025-01-10" "two replies" \
	--jurisdiction GB --received 2025-01-06 --reply 2025-01-08 --reply 2025-01-10
bad 1 "appeal decided on 2025-01-10, but no appeal was filed" "an appeal decided without an appeal" \
	--jurisdiction GB --received 2025-01-06 --appeal-decided 2025-01-10
bad 2 "--jurisdiction CODE is required" "no jurisdiction" --received 2025-01-06
bad 2 "--received DATE is required" "no received date" --jurisdiction GB
bad 2 "--received needs a value" "--received without a value" --jurisdiction GB --received
bad 2 "--received needs a value" "--received followed by an option" --jurisdiction GB --received --json
bad 2 "--received given twice" "--received twice" --jurisdiction GB --received 2025-01-06 --received 2025-01-07
bad 2 "unknown option '--bogus'" "an unknown option" --jurisdiction GB --received 2025-01-06 --bogus
bad 2 "unknown option '--as_of'" "an option with an underscore" --jurisdiction GB --received 2025-01-06 --as_of 2025-02-01
bad 2 "unexpected argument 'GB'" "a stray argument" --jurisdiction GB --received 2025-01-06 GB

# -- jurisdictions
out=$(fv jurisdictions); is $? 0 "jurisdictions exits 0"
like "$out" '^AR +15 working days +Argentina' "lists codes, deadlines and names"
like "$out" 'GB-SCT +20 working days +Scotland' "including GB-SCT"
like "$out" 'SG +no FOI law +Singapore' "and Singapore, as having no FOI law"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 27 "27 jurisdictions"
j=$(fv jurisdictions --json)
is "$(json_get "$j" 'len(j["results"])')" 27 "--json: the same list"
is "$(json_get "$j" '[x for x in j["results"] if x["code"] == "CA"][0]["deadline"]')" \
   "30 calendar days, rolled" "--json: each with its deadline"
out=$(fv jurisdictions show GB); is $? 0 "jurisdictions show GB"
like "$out" 'extension +20 working days, once \[s.10\(3\); ICO guidance\]' "shows a fact with its citation"
like "$out" 'UNVERIFIED: s.10\(3\) allows a "reasonable" time' "and flags what is unverified"
j=$(fv jurisdictions show gb --json)
is "$(json_get "$j" 'j["facts"]["extension"]["unverified"], j["facts"]["initial"]["unverified"]')" \
   "(True, False)" "show --json: unverified facts flagged, fact by fact"
fv jurisdictions show XX 2>"$TMP/err"; is $? 1 "show XX exits 1"
like "$(cat "$TMP/err")" "^foivault: unknown jurisdiction 'XX'" "and names it"
out=$(fv jurisdictions holidays GB --year 2026); is $? 0 "jurisdictions holidays GB --year 2026"
like "$out" '2026-12-28 Mon  Boxing Day \(substitute day\)' "lists the substitute day for Boxing Day 2026"
fv jurisdictions holidays GB --year 1989 2>/dev/null; is $? 2 "--year 1989 exits 2"
fv jurisdictions frob 2>/dev/null; is $? 2 "an unknown subcommand exits 2"
fv jurisdictions show 2>/dev/null; is $? 2 "show without a code exits 2"
out=$("$FOIVAULT" help); like "$out" 'deadline' "help lists deadline"
like "$out" 'jurisdictions' "and jurisdictions"
out=$("$FOIVAULT" deadline --help); like "$out" '--pause FROM\[:TO\]' "deadline --help shows the options"

# -- Per-instance law files in DATA/laws: an office closure moves the date.
mkdir -p "$DATA/laws"
cat >"$DATA/laws/GB-closures.law" <<'EOF'
# Our authority closes between New Year and Epiphany.
[law]
code = GB
[holidays]
holiday = 2026-01-05..2026-01-07 : Office closure
EOF
out=$(fv deadline --jurisdiction GB --received 2025-12-19)
is "$(printf '%s\n' "$out" | head -n 1)" 2026-01-27 "a closure in DATA/laws moves the due date"
like "$out" '2026-01-05 +Office closure' "and is named in the working"
is "$(fv --data "$TMP/elsewhere" deadline --jurisdiction GB --received 2025-12-19 | head -n 1)" 2026-01-22 \
   "another data dir is not affected"
printf '[law]\ncode = GB\n[holidays]\nholiday = 2026-02-30 : Nonsense\n' >"$DATA/laws/GB-typo.law"
fv deadline --jurisdiction GB --received 2025-12-19 >/dev/null 2>"$TMP/err"
is $? 1 "a malformed law file: exit 1"
like "$(cat "$TMP/err")" "^foivault: .*GB-typo.law:4: " "and the message names file:line"
done_testing
