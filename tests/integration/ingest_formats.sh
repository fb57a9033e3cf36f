#!/bin/sh
# ingest_formats.sh - `ingest --wait` of every format an authority replies
# with, end to end: the output lines and --json shape (DESIGN.md), the text
# `doc text` gives back (pages separated by form feeds), what `doc show`
# says, where each page's text came from, dedup by content, links by hand
# and by rule.
. "$TESTLIB"

O="$FIXTURES/ocr"
V="$FIXTURES/vault"
# The project's seed texts live next to the tree (../shared/seeds).
SEED_FILE="$(cd "$FIXTURES/../../.." && pwd)/shared/seeds/001_0ee8bd9cf6c57378.txt"
IN="$TMP/in"
mkdir -p "$IN"

sql() { sqlite3 -bail "$DATA/foivault.db" "$@"; }
# page ID N: the text of page N of document ID, as `doc text` gives it.
page() {
	fv doc text "$1" | python3 -c 'import sys
p = sys.stdin.buffer.read().decode().split("\f")
n = int(sys.argv[1])
print(p[n - 1] if n <= len(p) else "<no page %d of %d>" % (n, len(p)))' "$2"
}
formfeeds() { fv doc text "$1" | tr -cd '\f' | wc -c | tr -d ' '; }
show() { fv doc show "$1" >"$TMP/show.json" 2>&1; cat "$TMP/show.json"; }
jget() { json_get "$(show "$1")" "$2"; }

cat >"$IN/notice.html" <<'EOF'
<!DOCTYPE html>
<html><head><title>Release notice</title>
<style>p { color: red }</style>
<script>var hidden = "scriptonlyword";</script></head>
<body><h1>Ministry release</h1>
<p>The negotiating text on <b>net neutrality</b> &amp; privacy is attached.</p>
</body></html>
EOF
printf 'Carta sobre la protecci\303\263n de datos \342\200\224 r\303\251sum\303\251 na\303\257ve\nSecond line\n' >"$IN/carta.txt"
if [ -f "$SEED_FILE" ]; then
	cp "$SEED_FILE" "$IN/call-for-openness.txt"
else # outside the project's checkout (a distcheck elsewhere): its gist
	cat >"$IN/call-for-openness.txt" <<'EOF'
A Call for Openness and Transparency in Rulemaking for the Internet
We call on the Internet community to invite national governments to refrain
from discussing Internet-related matters in the World Trade Organization
(WTO), in particular at its upcoming 11th Ministerial Conference.
Rules on source code would stop governments from auditing software.
EOF
fi

fv init --quiet

# ---- one batch of every format -------------------------------------------
set -- "$O/born-digital.pdf" "$O/en-clean.png" "$O/mixed.pdf" \
	"$O/multipage.tif" "$O/bates.pdf" "$V/sample.docx" "$V/sample.odt" \
	"$V/sample.xlsx" "$IN/notice.html" "$IN/carta.txt" \
	"$IN/call-for-openness.txt"
fv ingest --wait "$@" >"$TMP/out" 2>"$TMP/err"
is $? 0 "ingest --wait of 11 good files exits 0"
is "$(wc -l <"$TMP/out" | tr -d ' ')" 11 "one line per input"
bad=0
n=0
for f in "$@"; do
	n=$((n + 1))
	line=$(sed -n "${n}p" "$TMP/out")
	printf '%s\n' "$line" | grep -Eq "^[0-9]+	done	$f\$" || {
		bad=1
		echo "#   line $n: '$line'"
	}
done
is "$bad" 0 "each line is ID<TAB>done<TAB>INPUT, in input order"
test ! -s "$TMP/err"; ok $? "nothing on stderr (no progress bar without a terminal)"
idof() { awk -F '\t' -v f="$1" '$3 == f { print $1 }' "$TMP/out"; }
BD=$(idof "$O/born-digital.pdf"); PNG=$(idof "$O/en-clean.png")
MIX=$(idof "$O/mixed.pdf"); TIF=$(idof "$O/multipage.tif")
BATES=$(idof "$O/bates.pdf"); DOCX=$(idof "$V/sample.docx")
ODT=$(idof "$V/sample.odt"); XLSX=$(idof "$V/sample.xlsx")
HTML=$(idof "$IN/notice.html"); TXT=$(idof "$IN/carta.txt")
SEED=$(idof "$IN/call-for-openness.txt")
is "$(printf '%s\n' $BD $PNG $MIX $TIF $BATES $DOCX $ODT $XLSX $HTML $TXT $SEED | sort -u | wc -l | tr -d ' ')" 11 \
	"11 distinct document ids"

# ---- born-digital PDF: the text layer, two pages ----------------------------
is "$(formfeeds "$BD")" 1 "born-digital PDF: 2 pages, one form feed"
like "$(page "$BD" 1)" 'under the Freedom of Information Act' "page 1 is the English letter, exactly"
like "$(page "$BD" 2)" "Demande d'accès aux documents administratifs" "page 2 is the French one, accents intact"
is "$(sql "SELECT group_concat(source, ',') FROM (SELECT source FROM pages WHERE document_id = $BD ORDER BY n)")" \
	"text_layer,text_layer" "both pages come from the text layer (no OCR)"
is "$(jget "$BD" 'j["kind"], j["mime"], j["pages"], j["status"]')" \
	"('pdf', 'application/pdf', 2, 'done')" "doc show: kind, type, pages, status"
is "$(jget "$BD" '[(s["kind"], s["name"]) for s in j["sources"]]')" \
	"[('path', 'born-digital.pdf')]" "doc show: one source, named by the file name"
is "$(jget "$BD" 'j["sources"][0]["ref"]')" "$(realpath "$O/born-digital.pdf")" \
	"the source keeps the full path (resolved)"

# ---- a scanned PNG: OCR -----------------------------------------------------
t=$(page "$PNG" 1)
like "$t" 'Request for access to documents' "scanned PNG: the title line is read"
like "$t" 'Freedom of Information Act' "and the body"
like "$t" 'electronic commerce since 2019' "down to the last lines"
is "$(formfeeds "$PNG")" 0 "one page, no form feed"
is "$(sql "SELECT source, confidence > 70, langs FROM pages WHERE document_id = $PNG")" \
	"ocr|1|eng" "its page is OCR'd, in English, with a confidence"
is "$(jget "$PNG" 'j["kind"], j["mime"], j["pages"], j["sources"][0]["name"]')" \
	"('image', 'image/png', 1, 'en-clean.png')" "doc show: image, 1 page, its name"
test -s "$DATA/cache/pages/$PNG/1.png"; ok $? "a page image is cached for the viewer"

# ---- mixed PDF: decided page by page ----------------------------------------
is "$(sql "SELECT group_concat(source, ',') FROM (SELECT source FROM pages WHERE document_id = $MIX ORDER BY n)")" \
	"text_layer,ocr" "mixed PDF: page 1 from its text layer, page 2 OCR'd"
like "$(page "$MIX" 1)" 'les comptes rendus des réunions tenues à Genève' "page 1 text, exact"
like "$(page "$MIX" 2)" 'Solicitud de acceso' "page 2 read by OCR"
like "$(page "$MIX" 2)" 'Comercio Digital' "page 2, second line"

# ---- multi-page TIFF (G4 fax) --------------------------------------------------
is "$(formfeeds "$TIF")" 1 "multi-page TIFF: 2 pages"
like "$(page "$TIF" 1)" 'Freedom of Information Act' "TIFF page 1 (English)"
like "$(page "$TIF" 2)" 'Nous demandons la communication' "TIFF page 2 (French)"
is "$(sql "SELECT count(*) FROM pages WHERE document_id = $TIF AND source = 'ocr' AND dpi = 200")" 2 \
	"both pages OCR'd at the fax's 200 dpi"
is "$(jget "$TIF" 'j["kind"], j["pages"], j["pages_done"]')" "('image', 2, 2)" "doc show: 2 pages done"

# ---- a scan with only a Bates number as text layer ------------------------------
is "$(sql "SELECT source FROM pages WHERE document_id = $BATES")" ocr \
	"a Bates stamp in the margin does not count as a text layer: OCR"
like "$(page "$BATES" 1)" 'Freedom of Information Act' "and the scan's body is read"

# ---- office documents, HTML, text: extracted, no OCR --------------------------------
t=$(page "$DOCX" 1)
like "$t" 'Trade in Services Agreement' "DOCX: the text"
like "$t" 'Article 1: Cross-border data flows' "DOCX: runs joined"
like "$t" 'separated & escaped <ok> café €' "DOCX: entities decoded"
printf '%s' "$t" | grep -q secret; is $? 1 "DOCX: deleted text is left out"
t=$(page "$ODT" 1)
like "$t" 'Span inside & more' "ODT: the text"
printf '%s' "$t" | grep -q 'hidden comment'; is $? 1 "ODT: comments left out"
is "$(formfeeds "$XLSX")" 1 "XLSX: one page per sheet"
like "$(page "$XLSX" 1)" 'Item	Cost' "XLSX sheet 1 (Budget), cells tab-separated"
like "$(page "$XLSX" 1)" 'Rich text	42.5' "XLSX: shared strings and numbers"
like "$(page "$XLSX" 2)" 'Données' "XLSX sheet 2 (Notes)"
t=$(page "$HTML" 1)
like "$t" 'Ministry release' "HTML: the text"
like "$t" 'The negotiating text on net neutrality & privacy is attached.' "HTML: without markup, entities decoded"
printf '%s' "$t" | grep -q 'scriptonlyword\|color: red\|<b>'; is $? 1 "HTML: no script, style or tags"
is "$(page "$TXT" 1)" "$(printf 'Carta sobre la protecci\303\263n de datos \342\200\224 r\303\251sum\303\251 na\303\257ve\nSecond line')" \
	"UTF-8 text file: the text, byte for byte"
is "$(sql "SELECT group_concat(DISTINCT source) FROM pages WHERE document_id IN ($DOCX, $ODT, $XLSX, $HTML, $TXT, $SEED)")" \
	text "office, HTML and text pages have source 'text'"
for pair in "$DOCX docx" "$ODT odt" "$XLSX xlsx" "$HTML html" "$TXT text"; do
	set -- $pair
	is "$(jget "$1" 'j["kind"]')" "$2" "doc show: kind $2"
done
is "$(jget "$XLSX" 'j["pages"]')" 2 "doc show: the XLSX has 2 pages"
is "$(jget "$HTML" 'j["mime"]')" text/html "the HTML file is text/html"

# ---- the index -------------------------------------------------------------
is "$(sql "SELECT count(*) FROM pages_fts_docsize")" \
	"$(sql "SELECT count(*) FROM pages")" "every page of every document is in the full-text index"
is "$(sql "SELECT group_concat(DISTINCT p.document_id) FROM pages_fts f JOIN pages p ON p.id = f.rowid WHERE pages_fts MATCH 'chiffrement'")" \
	"$BD,$MIX,$TIF" "a word is found on the pages that carry it"

# ---- rule links ----------------------------------------------------------------
is "$(jget "$SEED" '[(n["slug"], n["provenance"]) for n in j["negotiations"] if n["slug"] == "wto-mc11"]')" \
	"[('wto-mc11', 'rule')]" "a text about the 11th Ministerial Conference links to MC11, by rule"
is "$(jget "$SEED" '[(i["slug"], i["provenance"]) for i in j["issues"] if i["slug"] == "source-code"]')" \
	"[('source-code', 'rule')]" "and to the source-code issue"
like "$(jget "$SEED" '[n["rule"] for n in j["negotiations"] if n["slug"] == "wto-mc11"][0]')" \
	'11th ministerial conference' "the link says which rule made it"
is "$(jget "$TXT" 'len(j["negotiations"]) + len(j["issues"])')" 0 \
	"a text about nothing in particular gets no link"

# ---- the same file again: same id, one more source, no second processing ---------
cp "$O/born-digital.pdf" "$IN/renamed-release.pdf"
pages_before=$(sql "SELECT count(*) FROM pages")
fv ingest --wait "$O/born-digital.pdf" "$IN/renamed-release.pdf" >"$TMP/out2"
is $? 0 "ingesting known files again exits 0"
is "$(cat "$TMP/out2")" "$(printf '%s\tdone\t%s\n%s\tdone\t%s' "$BD" "$O/born-digital.pdf" "$BD" "$IN/renamed-release.pdf")" \
	"the same bytes under any name give the same id, done"
is "$(jget "$BD" '[(s["kind"], s["name"]) for s in j["sources"]]')" \
	"[('path', 'born-digital.pdf'), ('path', 'renamed-release.pdf')]" \
	"two sources: the same path again adds none, a new name adds one"
is "$(sql "SELECT count(*) FROM pages")" "$pages_before" "no page was stored twice"
is "$(sql "SELECT count(*) FROM jobs WHERE payload = '{\"document\":$BD}'")" 1 "and no second job was queued"

# ---- --json ----------------------------------------------------------------------
fv ingest --wait --json "$O/en-lines.jpg" "$O/en-clean.png" >"$TMP/out.json"
is $? 0 "ingest --wait --json exits 0"
j=$(cat "$TMP/out.json")
is "$(json_get "$j" 'type(j).__name__, len(j)')" "('list', 2)" "--json prints an array, one object per input"
is "$(json_get "$j" '[sorted(o) for o in j]')" "[['id', 'input', 'status'], ['id', 'input', 'status']]" \
	"each with id, status and input (no error when it succeeded)"
is "$(json_get "$j" '[(o["status"], o["input"]) for o in j]')" \
	"[('done', '$O/en-lines.jpg'), ('done', '$O/en-clean.png')]" "statuses and inputs"
is "$(json_get "$j" 'j[1]["id"]')" "$PNG" "ids are numbers, the same as before for known bytes"
JPG=$(json_get "$j" 'j[0]["id"]')
like "$(page "$JPG" 1)" 'Request for access' "a JPEG crop is read too"
fv ingest --json "$IN/nonexistent.pdf" >"$TMP/out.json" 2>/dev/null
is $? 1 "a missing file: exit 1"
is "$(json_get "$(cat "$TMP/out.json")" '[(o["id"], o["status"], o["error"]) for o in j]')" \
	"[(None, 'failed', 'No such file or directory')]" "--json: id null, status failed, the error"

# ---- --lang ----------------------------------------------------------------------
fv ingest --wait --lang spa "$O/es-clean.png" >"$TMP/out"
is $? 0 "ingest --lang spa exits 0"
ES=$(cut -f1 "$TMP/out")
like "$(page "$ES" 1)" 'Solicitud de acceso a la información pública' "read in Spanish: the accents are right"
is "$(sql "SELECT langs FROM pages WHERE document_id = $ES")" spa "the page records the language it was read in"
is "$(jget "$ES" 'j["lang"]')" spa "and the document its language hint"

# ---- links by hand, title, date -----------------------------------------------------
fv ingest --wait --negotiation tisa --issue spam --issue source-code \
	--title "Letter from the ministry" --date 2024-03-01 "$O/en-lines.gif" >"$TMP/out"
is $? 0 "ingest with --negotiation, --issue, --title, --date exits 0"
GIF=$(cut -f1 "$TMP/out")
is "$(jget "$GIF" '[(n["slug"], n["provenance"]) for n in j["negotiations"]]')" \
	"[('tisa', 'manual')]" "linked by hand to the negotiation"
is "$(jget "$GIF" 'sorted((i["slug"], i["provenance"]) for i in j["issues"])')" \
	"[('source-code', 'manual'), ('spam', 'manual')]" "and to both issues"
is "$(jget "$GIF" 'j["title"], j["date"]')" "('Letter from the ministry', '2024-03-01')" "title and date kept"
fv ingest --issue source-code "$IN/call-for-openness.txt" >/dev/null
is "$(jget "$SEED" '[(i["slug"], i["provenance"]) for i in j["issues"] if i["slug"] == "source-code"]')" \
	"[('source-code', 'manual')]" "a link by hand replaces the rule's"

docs_before=$(sql "SELECT count(*) FROM documents")
fv ingest --wait --negotiation no-such-talks "$O/en-fax.tif" >"$TMP/out" 2>"$TMP/err"
is $? 2 "an unknown negotiation slug: exit 2"
like "$(cat "$TMP/err")" "no negotiation 'no-such-talks'" "with a message naming it"
like "$(head -n 1 "$TMP/err")" "no negotiation 'no-such-talks'" "on the first line, before the usage"
fv ingest --issue nope "$O/en-fax.tif" 2>"$TMP/err" >/dev/null
is $? 2 "an unknown issue slug: exit 2"
like "$(cat "$TMP/err")" "no issue 'nope'" "with a message naming it"
is "$(sql "SELECT count(*) FROM documents")" "$docs_before" "and nothing was stored"

is "$(sql 'PRAGMA integrity_check')" ok "the database is intact"
is "$(sql "SELECT count(*) FROM jobs WHERE state NOT IN ('done', 'failed')")" 0 "no job left queued or running"
done_testing
