#!/bin/sh
# init_datadir.sh - init creates the data dir, is idempotent, and refuses
# places it cannot or must not use, without damaging anything.
. "$TESTLIB"

out=$(fv init); ok $? "init exits 0"
like "$out" "initialised" "init says it initialised"
for d in vault tmp laws; do
	test -d "$DATA/$d"; ok $? "init creates $d/"
done
test -f "$DATA/foivault.db"; ok $? "init creates the database"
test -f "$DATA/foivault.conf"; ok $? "init writes a commented foivault.conf"
is "$(sqlite3 "$DATA/foivault.db" 'PRAGMA journal_mode')" wal "the database is in WAL mode"
is "$(sqlite3 "$DATA/foivault.db" 'PRAGMA integrity_check')" ok "integrity_check is ok"
n=$(sqlite3 "$DATA/foivault.db" 'SELECT count(*) FROM negotiations')
like "$n" '^(1[0-9]|[2-9][0-9])$' "negotiations are seeded ($n)"
is "$(sqlite3 "$DATA/foivault.db" "SELECT name FROM issues WHERE slug='data-localisation'")" \
	"Data localisation" "issues are seeded"

sqlite3 "$DATA/foivault.db" "UPDATE issues SET description='edited' WHERE slug='spam'"
echo "# my settings" >>"$DATA/foivault.conf"
out=$(fv init); ok $? "init runs again"
like "$out" "up to date" "and reports the dir up to date"
is "$(sqlite3 "$DATA/foivault.db" "SELECT description FROM issues WHERE slug='spam'")" \
	edited "init keeps an admin's edits"
tail -1 "$DATA/foivault.conf" | grep -q "my settings"; ok $? "init keeps foivault.conf"
is "$(sqlite3 "$DATA/foivault.db" 'SELECT count(*) FROM issues')" \
	"$(sqlite3 "$DATA/foivault.db" 'SELECT count(*) FROM issues')" "no duplicates"

# A database from a newer foivault: refused, and left as it was.
cp -r "$DATA" "$TMP/newer"
sqlite3 "$TMP/newer/foivault.db" 'PRAGMA user_version=999'
sum=$(md5sum <"$TMP/newer/foivault.db")
"$FOIVAULT" --data "$TMP/newer" init 2>"$TMP/err"; is $? 1 "a newer database is refused"
like "$(cat "$TMP/err")" "newer than this foivault" "with a clear message"
is "$(md5sum <"$TMP/newer/foivault.db")" "$sum" "and is not modified"

# Another program's SQLite file, and garbage.
mkdir -p "$TMP/foreign"
sqlite3 "$TMP/foreign/foivault.db" 'CREATE TABLE accounts(x); INSERT INTO accounts VALUES(42)'
"$FOIVAULT" --data "$TMP/foreign" init 2>"$TMP/err"; is $? 1 "a foreign SQLite file is refused"
like "$(cat "$TMP/err")" "another program" "with a clear message"
is "$(sqlite3 "$TMP/foreign/foivault.db" 'SELECT x FROM accounts')" 42 "and is untouched"
mkdir -p "$TMP/garbage"
head -c 8192 /dev/urandom >"$TMP/garbage/foivault.db"
"$FOIVAULT" --data "$TMP/garbage" init 2>"$TMP/err"; is $? 1 "a corrupt file is refused"
like "$(cat "$TMP/err")" "not a foivault database" "with a clear message"

# Places init cannot use.
touch "$TMP/afile"
"$FOIVAULT" --data "$TMP/afile" init 2>"$TMP/err"; is $? 1 "a file as data dir is refused"
like "$(cat "$TMP/err")" "not a directory" "with a clear message"
if [ "$(id -u)" = 0 ]; then
	# root ignores permissions: test with a read-only mount-like dir via a non-root user if any.
	if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
		mkdir -p "$TMP/ro"; chmod 755 "$TMP/ro"; chmod 755 "$TMP"
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$FOIVAULT" --data "$TMP/ro/data" init 2>"$TMP/err"
		is $? 1 "an unwritable place is refused"
		like "$(cat "$TMP/err")" "(cannot create|not writable).*Permission denied" "with the reason"
	fi
else
	mkdir -p "$TMP/ro"; chmod 555 "$TMP/ro"
	"$FOIVAULT" --data "$TMP/ro/data" init 2>"$TMP/err"; is $? 1 "an unwritable place is refused"
	like "$(cat "$TMP/err")" "(cannot create|not writable).*Permission denied" "with the reason"
fi
done_testing
