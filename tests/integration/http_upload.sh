#!/bin/sh
# http_upload.sh - POST /api/v1/documents: multipart uploads streamed to
# DATA/tmp and queued like 'foivault ingest', then processed by the
# server's workers; JSON {"url": ...} submissions; hostile file names,
# malformed bodies, unknown fields and slugs, the [limits] max_upload cap
# (413, no temp file left) and the fetch rules for a loopback URL.
. "$TESTLIB"

O="$FIXTURES/ocr"
sql() { sqlite3 -bail "$DATA/foivault.db" "$@"; }
tmpfiles() { find "$DATA/tmp" -type f | wc -l | tr -d ' '; }

fv init --quiet
printf '[worker]\ncount = 1\n' >"$DATA/foivault.conf"
fv user add uploader --email up@example.org --role advocate --no-password >/dev/null
TOKEN=$(fv token create --user uploader --name upload --write)
READ=$(fv token create --user uploader --name look)
UID_=$(sql "SELECT id FROM users WHERE name = 'uploader'")
start_server
AUTH="Authorization: Bearer $TOKEN"

# wait_doc ID: polls GET /api/v1/documents/ID until it has ended (bounded
# by a count, not a time); prints the final JSON.
wait_doc() {
	for _ in $(seq 1 600); do
		curl -s -m 20 "$URL/api/v1/documents/$1" >"$TMP/doc.json"
		case $(json_get "$(cat "$TMP/doc.json")" 'j.get("status")') in
		queued|processing) ;;
		*) break ;; # ended, or no such document, or no server
		esac
		sleep 0.2
	done
	cat "$TMP/doc.json"
}

# ---- a real PDF with every form field --------------------------------------
r=$(http POST /api/v1/documents -H "$AUTH" -F "file=@$O/born-digital.pdf" \
	--form-string 'title=Letters; DROP TABLE documents;--' -F date=2017-11-30 \
	-F lang=eng -F negotiation=wto-jsi-ecommerce -F issue=source-code \
	-F issue=encryption)
like "$r" '^202 ' "a PDF upload answers 202"
body=${r#* }
PDF=$(json_get "$body" 'j["id"]')
is "$(json_get "$body" 'j["status"], j["name"]')" "('queued', 'born-digital.pdf')" \
	"queued, under its file name"
doc=$(wait_doc "$PDF")
is "$(json_get "$doc" 'j["status"]')" done "the server's workers process it"
is "$(json_get "$doc" 'j["title"]')" "Letters; DROP TABLE documents;--" \
	"SQL in a title is stored as text"
r=$(http GET "/api/v1/documents/$PDF/text")
like "$r" '^200 .*under the Freedom of Information Act' "its text is served"
is "$(sql "SELECT kind || ' ' || name || ' ' || user_id FROM document_sources WHERE document_id = $PDF")" \
	"upload born-digital.pdf $UID_" "the source records the upload and the uploader"
is "$(sql "SELECT group_concat(s, ' ') FROM (SELECT slug AS s FROM issues i JOIN document_issues d ON d.issue_id = i.id WHERE d.document_id = $PDF AND provenance = 'manual' ORDER BY slug)")" \
	"encryption source-code" "repeated issue fields link each issue by hand"
is "$(sql "SELECT doc_date || ' ' || lang FROM documents WHERE id = $PDF")" \
	"2017-11-30 eng" "date and language are kept"
is "$(sql "SELECT count(*) FROM audit_log WHERE action = 'document.upload' AND actor_id = $UID_ AND object = 'document:$PDF'")" \
	1 "the upload is in the audit log"
is "$(tmpfiles)" 0 "no temp file is left after an upload"

# The same bytes again: the same document, already done.
r=$(http POST /api/v1/documents -H "$AUTH" -F "file=@$O/born-digital.pdf;filename=copy.pdf")
like "$r" '^200 ' "the same bytes again: 200, nothing new to process"
is "$(json_get "${r#* }" 'j["id"], j["status"]')" "($PDF, 'done')" "the existing document"

# ---- hostile file names --------------------------------------------------------
# A multipart body built byte by byte: a name with ../, control characters
# and invalid UTF-8.
python3 - "$TMP/evil.body" <<'PY'
import sys
b = b"----fvtest"
name = b"../../../../tmp/evil\x01\x1b[31m\xff.txt"
body = (b"--" + b + b"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
        name + b"\"\r\nContent-Type: text/plain\r\n\r\nA hostile name, harmless text.\n\r\n--" +
        b + b"--\r\n")
open(sys.argv[1], "wb").write(body)
PY
r=$(http POST /api/v1/documents -H "$AUTH" \
	-H 'Content-Type: multipart/form-data; boundary=----fvtest' \
	--data-binary "@$TMP/evil.body")
like "$r" '^202 ' "an upload with a hostile file name is accepted"
EVIL=$(json_get "${r#* }" 'j["id"]')
is "$(sql "SELECT name FROM document_sources WHERE document_id = $EVIL")" \
	"evil__[31m_.txt" "stored under a safe name: no path, no control bytes"
ok "$([ ! -e /tmp/evil ] && ! find "$DATA" -name '*evil*' | grep -q .; echo $?)" \
	"nothing is written under the client's name"
is "$(json_get "$(wait_doc "$EVIL")" 'j["status"]')" done "and it is processed"

# ---- refused bodies ------------------------------------------------------------
r=$(http POST /api/v1/documents -H "$AUTH" -F "file=@$O/page-en.txt" -F colour=blue)
like "$r" "^422 .*unknown field 'colour'" "an unknown field: 422"
r=$(http POST /api/v1/documents -H "$AUTH" -F "file=@$O/page-en.txt" -F issue=no-such-issue)
like "$r" "^422 .*no issue 'no-such-issue'" "an unknown issue: 422"
r=$(http POST /api/v1/documents -H "$AUTH" -F "file=@$O/page-en.txt" -F date=2017-02-30)
like "$r" '^422 .*date' "an impossible date: 422"
r=$(http POST /api/v1/documents -H "$AUTH" -F "file=@$O/page-en.txt" --form-string "title=$(printf 'a\tb')")
like "$r" '^422 .*control' "a control character in a field: 422"
r=$(http POST /api/v1/documents -H "$AUTH" -F "upload=@$O/page-en.txt")
like "$r" "^422 .*named 'file'" "a file under another field name: 422"
r=$(http POST /api/v1/documents -H "$AUTH" -F "file=@$O/page-en.txt" -F "file=@$O/page-fr.txt")
like "$r" '^422 .*one file' "two files: 422"
r=$(http POST /api/v1/documents -H "$AUTH" -F "file=@$O/page-en.txt" -F "$(head -c 300 /dev/zero | tr '\0' k)=v")
like "$r" '^400 .*name is longer' "a 300-byte field name: 400"
r=$(http POST /api/v1/documents -H "$AUTH" -F title=nothing)
like "$r" '^400 .*no file' "a form without a file: 400"
r=$(http POST /api/v1/documents -H "$AUTH" \
	-H 'Content-Type: multipart/form-data; boundary=xyz' --data-binary 'not a multipart body at all')
like "$r" '^400 ' "a malformed multipart body: 400"
printf -- '--xyz\r\nContent-Disposition: form-data; name="file"; filename="t.txt"\r\n\r\ntruncated here' >"$TMP/trunc.body"
r=$(http POST /api/v1/documents -H "$AUTH" \
	-H 'Content-Type: multipart/form-data; boundary=xyz' --data-binary "@$TMP/trunc.body")
like "$r" '^400 .*malformed' "a truncated multipart body: 400"
r=$(http POST /api/v1/documents -H "$AUTH" -H 'Content-Type: multipart/form-data' --data-binary 'x')
like "$r" '^400 .*boundary' "multipart without a boundary: 400"
r=$(http POST /api/v1/documents -H "$AUTH" -H 'Content-Type: text/plain' --data-binary 'x')
like "$r" '^415 ' "another content type: 415"
r=$(http POST /api/v1/documents -H "Authorization: Bearer $READ" -F "file=@$O/page-en.txt")
like "$r" '^403 ' "a read token cannot upload"
r=$(http POST /api/v1/documents -F "file=@$O/page-en.txt")
like "$r" '^401 ' "nor can an anonymous visitor"
is "$(tmpfiles)" 0 "no refused upload left a temp file"
is "$(sql "SELECT count(*) FROM documents")" 2 "and none stored a document"

# ---- JSON: a URL to fetch --------------------------------------------------------
r=$(http POST /api/v1/documents -H "$AUTH" -H 'Content-Type: application/json' \
	--data '{"url": "http://127.0.0.1:9/secret.pdf", "title": "Loopback", "issues": ["spam"]}')
like "$r" '^202 .*"queued"' "a URL answers 202"
LOOP=$(json_get "${r#* }" 'j["id"]')
doc=$(wait_doc "$LOOP")
is "$(json_get "$doc" 'j["status"]')" failed "a loopback URL ends failed"
like "$(json_get "$doc" 'j["error"]')" 'loopback' "with the refusal as the reason"
is "$(sql "SELECT kind || ' ' || user_id FROM document_sources WHERE document_id = $LOOP")" \
	"url $UID_" "the submitter is recorded"
r=$(http POST /api/v1/documents -H "$AUTH" -H 'Content-Type: application/json' --data '{"url": "ftp://example.org/a.pdf"}')
like "$r" '^422 .*http and https' "an ftp URL: 422"
r=$(http POST /api/v1/documents -H "$AUTH" -H 'Content-Type: application/json' --data '{"url": "http://example.org/", "colour": 1}')
like "$r" '^422 ' "an unknown JSON field: 422"
r=$(http POST /api/v1/documents -H "$AUTH" -H 'Content-Type: application/json' --data '{"title": "no url"}')
like "$r" '^422 .*url' "no url: 422"
r=$(http POST /api/v1/documents -H "$AUTH" -H 'Content-Type: application/json' --data '{"url": ')
like "$r" '^400 ' "invalid JSON: 400"
stop_server

# ---- the size cap ------------------------------------------------------------------
printf '[limits]\nmax_upload = 4K\n[worker]\ncount = 1\n' >"$DATA/foivault.conf"
start_server
head -c 10000 /dev/zero | tr '\0' 'a' >"$TMP/big.txt"
r=$(http POST /api/v1/documents -H "$AUTH" -F "file=@$TMP/big.txt")
like "$r" '^413 .*4096 bytes' "a file over max_upload, caught while streaming: 413"
is "$(tmpfiles)" 0 "the partial file is removed"
head -c 600000 /dev/zero | tr '\0' 'b' >"$TMP/huge.txt"
r=$(http POST /api/v1/documents -H "$AUTH" -F "file=@$TMP/huge.txt")
like "$r" '^413 ' "a body over the cap by its Content-Length: 413 before reading"
is "$(tmpfiles)" 0 "no temp file"
head -c 3000 /dev/zero | tr '\0' 'c' >"$TMP/small.txt"
r=$(http POST /api/v1/documents -H "$AUTH" -F "file=@$TMP/small.txt")
like "$r" '^202 ' "a file under the cap is accepted"
r=$(http GET /api/v1/health)
like "$r" '^200 ' "the server is still up"
stop_server
is "$SERVER_STATUS" 0 "and stops cleanly"
if grep -qF "$TOKEN" "$TMP/server.err" "$TMP/server.out"; then
	ok 1 "the token appears in the server's output"
else
	ok 0 "the token never appears in the server's output"
fi
done_testing
