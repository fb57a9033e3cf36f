#!/bin/sh
# search.sh - `foivault search`, `search --json` and GET /api/v1/search over
# a small real corpus (the project's seed texts, ingested with --wait): they
# agree on the documents, page numbers and snippets; snippets are escaped;
# a query that cannot be understood exits 1 / answers 400 with the
# parser's message; search inside one document; paging limits.
. "$TESTLIB"

SEEDS="$(cd "$FIXTURES/../../.." && pwd)/shared/seeds"
IN="$TMP/in"
mkdir -p "$IN"
if [ -d "$SEEDS" ] && [ -n "$(ls "$SEEDS"/*.txt 2>/dev/null)" ]; then
	cp "$SEEDS"/*.txt "$IN/"
else # outside the project's checkout (a distcheck elsewhere): their gist
	cat >"$IN/openness.txt" <<'EOF'
A Call for Openness and Transparency in Rulemaking for the Internet
We call on governments to refrain from discussing Internet-related matters
in the World Trade Organization (WTO). Rules on source code would stop
governments from auditing software.
EOF
	cat >"$IN/privacy.txt" <<'EOF'
Trade agreements and privacy: cross-border data transfer, source code and
cybersecurity, net neutrality, consumer protection.
EOF
fi
printf 'Release memo on encryption policy.\nThe footnote compares tariffs: 5 < 7 and 9 > 3, "quoted" & <no tag here>.\nEl Número de la propuesta JOB/GC/178.\n' >"$IN/memo.txt"

fv init --quiet
fv ingest --wait "$IN"/*.txt >"$TMP/ingest.out" 2>&1
is $? 0 "the corpus is ingested"

# ---- the CLI -----------------------------------------------------------------
fv search '"source code"' >"$TMP/plain" 2>"$TMP/err"
is $? 0 "search exits 0"
like "$(head -1 "$TMP/plain")" '^[0-9]+ documents? match' "plain output starts with the count"
like "$(cat "$TMP/plain")" 'p\. 1: .*\*source code\*' "hit page with the marked phrase"

fv search --json '"source code"' >"$TMP/cli.json"
is $? 0 "search --json exits 0"
cli_ids=$(json_get "$(cat "$TMP/cli.json")" '",".join(str(d["id"]) for d in j["results"])')
like "$cli_ids" '^[0-9]' "--json has results ($cli_ids)"
is "$(json_get "$(cat "$TMP/cli.json")" 'all(set(d) >= {"id","title","pages","hit_pages","negotiations","issues","score"} for d in j["results"])')" True \
	"each result has id, title, pages, hit_pages, links, score"
is "$(json_get "$(cat "$TMP/cli.json")" 'all(p["n"] >= 1 and "<mark>" in p["snippet"] for d in j["results"] for p in d["pages"])')" True \
	"every hit page has a number and a marked snippet"
is "$(json_get "$(cat "$TMP/cli.json")" 'sorted(j["facets"])')" \
	"['authority', 'issue', 'jurisdiction', 'lang', 'negotiation', 'type', 'year']" "all facets"

fv search --json numero >"$TMP/num.json"
is "$(json_get "$(cat "$TMP/num.json")" '[d["title"] for d in j["results"]]')" "['memo.txt']" "numero finds Número"
fv search --json JOB/GC/178 >"$TMP/sym.json"
is "$(json_get "$(cat "$TMP/sym.json")" 'j["total"]')" 1 "a document symbol"
fv search --json footnote >"$TMP/esc.json"
snip=$(json_get "$(cat "$TMP/esc.json")" 'j["results"][0]["pages"][0]["snippet"]')
like "$snip" 'The <mark>footnote</mark> compares tariffs: 5 &lt; 7 and 9 &gt; 3, &quot;quoted&quot; &amp; &lt;no tag here&gt;\.' \
	"the snippet is HTML-escaped"
is "$(printf '%s' "$snip" | sed 's,</*mark>,,g' | tr -cd '<>')" "" "with only <mark> markup"
like "$(fv search footnote)" 'tariffs: 5 < 7 and 9 > 3, "quoted" & <no tag here>' \
	"the plain output shows the text as it is"

out=$(fv search zzzyyyxxx)
is "$?:$out" "0:no documents match" "no match: exit 0, says so"

fv search 'spam "data localisation' >"$TMP/out" 2>"$TMP/err"
is $? 1 "a bad query exits 1"
like "$(head -1 "$TMP/err")" '^foivault: search: unterminated quote at character 6' "with the parser's message"
is "$(sed -n 3p "$TMP/err")" '       ^' "and a caret under the place"
fv search >/dev/null 2>&1
is $? 2 "no query is a usage error"
fv search --per-page 101 spam >/dev/null 2>&1
is $? 2 "--per-page past the limit is a usage error"

# ---- the API agrees with the CLI ---------------------------------------------
start_server
res=$(http GET '/api/v1/search?q=%22source+code%22')
is "${res%% *}" 200 "GET /api/v1/search answers 200"
api=${res#* }
is "$(json_get "$api" '",".join(str(d["id"]) for d in j["results"])')" "$cli_ids" "same documents as the CLI"
is "$(json_get "$api" 'json.dumps([[p for p in d["pages"]] for d in j["results"]])')" \
	"$(json_get "$(cat "$TMP/cli.json")" 'json.dumps([[p for p in d["pages"]] for d in j["results"]])')" \
	"same pages and snippets"
is "$(json_get "$api" 'json.dumps(j["facets"])')" \
	"$(json_get "$(cat "$TMP/cli.json")" 'json.dumps(j["facets"])')" "same facets"

res=$(http GET '/api/v1/search?q=spam+%22data+localisation')
is "${res%% *}" 400 "a bad query is a 400"
like "$res" 'unterminated quote at character 6' "with the parser's message"
res=$(http GET '/api/v1/search')
is "${res%% *}" 400 "no q is a 400"
res=$(http GET '/api/v1/search?q=a&per_page=1000')
is "${res%% *}" 400 "per_page past the limit is a 400"
res=$(http GET '/api/v1/search?q=a&sort=size')
is "${res%% *}" 400 "an unknown sort is a 400"
res=$(http GET '/api/v1/search?q=a&bogus=1')
is "${res%% *}" 400 "an unknown parameter is a 400"
long=$(python3 -c 'print("a" * 1001)')
res=$(http GET "/api/v1/search?q=$long")
is "${res%% *}" 400 "a query past 1000 bytes is a 400"
res=$(http GET '/api/v1/search?q=%27%3B+DROP+TABLE+documents%3B+--')
is "${res%% *}" 200 "SQL in a query is only words"

res=$(http GET '/api/v1/search?q=the&per_page=2&page=2&sort=-date')
is "$(json_get "${res#* }" '(j["page"], j["per_page"], j["sort"], len(j["results"]) <= 2)')" \
	"(2, 2, '-date', True)" "paging and sorting parameters"

memo=$(json_get "$(cat "$TMP/num.json")" 'j["results"][0]["id"]')
res=$(http GET "/api/v1/documents/$memo/search?q=propuesta")
is "${res%% *}" 200 "search inside one document"
is "$(json_get "${res#* }" '[p["n"] for p in j["pages"]]')" "[1]" "its hit pages"
res=$(http GET "/api/v1/documents/999/search?q=propuesta")
is "${res%% *}" 404 "inside a document that does not exist: 404"

stop_server
done_testing
