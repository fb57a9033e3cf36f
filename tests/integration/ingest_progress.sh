#!/bin/sh
# ingest_progress.sh - the progress bar of `ingest --wait`: drawn on stderr
# when stderr is a terminal (documents and pages done / total, growing as
# archives are expanded), never when it is not, and never on stdout, so
# that the result lines and --json stay clean. util-linux script(1) gives
# the command a pseudo-terminal.
. "$TESTLIB"

if ! command -v script >/dev/null 2>&1; then
	echo "1..0 # SKIP script(1) from util-linux is not installed"
	exit 0
fi

IN="$TMP/in"
mkdir -p "$IN"
cp "$FIXTURES/ocr/born-digital.pdf" "$IN/letter.pdf"
printf 'first member: progressword one\n' >"$IN/one.txt"
printf 'second member: progressword two\n' >"$IN/two.txt"
(cd "$IN" && timeout 30 python3 -c 'import zipfile
with zipfile.ZipFile("pair.zip", "w") as z:
    z.write("one.txt"); z.write("two.txt")')
rm "$IN/one.txt" "$IN/two.txt"
printf 'a plain note: progressword three\n' >"$IN/note.txt"
fv init --quiet

# ontty OUT CMD: runs the shell command CMD on a pseudo-terminal, the
# terminal's output (stdout and stderr unless CMD redirects them) in OUT.
ontty() {
	timeout 60 script -qec "$2" /dev/null >"$1" </dev/null
}
FV="'$FOIVAULT' --data '$DATA'"

# ---- on a terminal --------------------------------------------------------
ontty "$TMP/tty" "$FV ingest --wait '$IN/letter.pdf' '$IN/pair.zip' '$IN/note.txt' >'$TMP/out'"
is $? 0 "ingest --wait on a terminal exits 0"
T=$(tr '\r' '\n' <"$TMP/tty")
like "$T" '^\[[# ]{30}\] documents [0-9]+/[0-9]+, pages [0-9]+/[0-9]+' \
	"stderr gets a bar: [###...] documents D/N, pages P/M"
like "$(printf '%s\n' "$T" | grep -v '^$' | tail -n 1)" \
	'^\[#{30}\] documents 5/5, pages 5/5' \
	"it ends full: 5 documents (the zip and its 2 members), 5 pages"
grep -q "$(printf '\r')" "$TMP/tty"; ok $? "it is redrawn in place (carriage returns)"
is "$(cut -f 2 "$TMP/out" | tr '\n' ' ')" "done done done " \
	"stdout, redirected to a file, holds the three result lines"
grep -q 'documents' "$TMP/out"; is $? 1 "and no bar"
grep -q "$(printf '\r')" "$TMP/out"; is $? 1 "nor any carriage return"

ontty "$TMP/tty" "$FV ingest --wait --json '$IN/letter.pdf' '$IN/note.txt' >'$TMP/out.json'"
is $? 0 "ingest --wait --json on a terminal exits 0"
like "$(tr '\r' '\n' <"$TMP/tty")" 'documents 2/2, pages 3/3' "--json: the bar is on the terminal"
is "$(json_get "$(cat "$TMP/out.json")" '[o["status"] for o in j]')" "['done', 'done']" \
	"and stdout is clean JSON"

ontty "$TMP/tty" "$FV ingest --wait '$IN/letter.pdf' 2>/dev/null"
is $? 0 "stdout on a terminal, stderr not"
like "$(cat "$TMP/tty")" "done	$IN/letter.pdf" "the result line is on the terminal"
grep -q 'documents' "$TMP/tty"; is $? 1 "but no bar: stderr is not a terminal"

# ---- not on a terminal ------------------------------------------------------
fv ingest --wait "$IN/letter.pdf" "$IN/pair.zip" >"$TMP/out" 2>"$TMP/err"
is $? 0 "ingest --wait without a terminal exits 0"
is "$(wc -c <"$TMP/err" | tr -d ' ')" 0 "nothing on stderr: no bar"
is "$(cut -f 2 "$TMP/out" | tr '\n' ' ')" "done done " "just the result lines"

ontty "$TMP/tty" "$FV ingest '$IN/letter.pdf'"
is $? 0 "ingest without --wait on a terminal exits 0"
grep -q 'documents' "$TMP/tty"; is $? 1 "no bar without --wait"
done_testing
