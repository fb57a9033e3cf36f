#!/bin/sh
# cli_basics.sh - help, version, usage errors and exit codes (DESIGN.md:
# 0 success, 1 user error with one line on stderr, 2 usage error).
. "$TESTLIB"

out=$("$FOIVAULT" --version); ok $? "--version exits 0"
like "$out" '^foivault [0-9]+\.[0-9]+' "--version prints the version"
like "$out" 'tesseract 5' "--version names the Tesseract it uses"

out=$("$FOIVAULT" help); ok $? "help exits 0"
like "$out" 'serve' "help lists serve"
like "$out" 'init' "help lists init"

out=$("$FOIVAULT" serve --help); ok $? "serve --help exits 0"
like "$out" '--listen' "serve --help shows its options"
out=$("$FOIVAULT" help init); ok $? "help init exits 0"
like "$out" 'usage: foivault' "help init shows the usage"

"$FOIVAULT" frobnicate 2>"$TMP/err"; is $? 2 "an unknown command exits 2"
like "$(cat "$TMP/err")" "unknown command 'frobnicate'" "and says so"
is "$(wc -l <"$TMP/err" | tr -d ' ')" 1 "in one line"

"$FOIVAULT" --bogus init 2>"$TMP/err"; is $? 2 "an unknown global option exits 2"
like "$(cat "$TMP/err")" "unknown option '--bogus'" "and names it"
"$FOIVAULT" --data 2>"$TMP/err"; is $? 2 "--data without a value exits 2"
"$FOIVAULT" --data "$DATA" init --frob 2>"$TMP/err"; is $? 2 "an unknown command option exits 2"
"$FOIVAULT" 2>/dev/null; is $? 2 "no command at all exits 2"

"$FOIVAULT" --data "$TMP/nowhere" serve 2>"$TMP/err"; is $? 1 "serve without init exits 1"
like "$(cat "$TMP/err")" "foivault init" "and tells the user to run init"
is "$(wc -l <"$TMP/err" | tr -d ' ')" 1 "in one line"

fv init --quiet
printf '[server]\nthreads = many\n' >"$DATA/foivault.conf"
fv serve 2>"$TMP/err"; is $? 1 "a bad config file exits 1"
like "$(cat "$TMP/err")" 'foivault.conf:2: .*server.threads' "and points at the line"
printf '[server]\nlisten = 127.0.0.1:0\n' >"$TMP/other.conf"
"$FOIVAULT" --data "$DATA" --config "$TMP/other.conf" serve --threads 0 2>"$TMP/err"
is $? 2 "an out-of-range flag exits 2"
like "$(cat "$TMP/err")" 'threads' "and names the flag"

rm "$DATA/foivault.conf"
FOIVAULT_DATA="$DATA" "$FOIVAULT" init >"$TMP/out"; ok $? "FOIVAULT_DATA selects the data dir"
like "$(cat "$TMP/out")" "$DATA is up to date" "init reports the existing dir"
done_testing
