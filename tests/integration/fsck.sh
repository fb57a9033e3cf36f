#!/bin/sh
# fsck.sh - fsck finds corrupt and missing originals, stuck documents and
# unreferenced blobs; --repair re-queues what can be re-processed and never
# deletes an original.
. "$TESTLIB"

fv init --quiet
printf 'Minutes of the meeting on source code and data flows.\n' >"$TMP/a.txt"
printf 'A second document about encryption.\n' >"$TMP/b.txt"
fv ingest --wait "$TMP/a.txt" "$TMP/b.txt" >/dev/null; ok $? "two documents ingested"

out=$(fv fsck); ok $? "a fresh vault is clean"
like "$out" '2 documents, 2 originals verified, 0 problems' "and fsck says so"

# One changed byte in an original.
blob=$(find "$DATA/vault" -type f | head -1)
hash=$(basename "$blob")
cp "$blob" "$TMP/pristine"
chmod u+w "$blob"; printf 'X' | dd of="$blob" bs=1 seek=3 conv=notrunc 2>/dev/null
out=$(fv fsck); is $? 1 "a corrupt original: exit 1"
like "$out" "$hash is corrupt" "names the corrupt blob"

# A missing original.
mv "$blob" "$TMP/saved"
out=$(fv fsck); is $? 1 "a missing original: exit 1"
like "$out" "$hash is missing" "names the missing blob"
mv "$TMP/saved" "$blob"

# An unreferenced blob is reported and kept, even with --repair.
mkdir -p "$DATA/vault/00/00"
orphan="$DATA/vault/00/00/0000000000000000000000000000000000000000000000000000000000000000"
echo stray >"$orphan"
out=$(fv fsck --repair)
like "$out" "is not the original of any document \(kept\)" "an orphan blob is reported"
test -f "$orphan"; ok $? "and not deleted by --repair"
rm -f "$orphan"

# Undo the corruption; then make a document stuck (done, pages lost).
cp "$TMP/pristine" "$blob"
id=$(sqlite3 "$DATA/foivault.db" "SELECT id FROM documents WHERE sha256='$hash'")
sqlite3 "$DATA/foivault.db" "UPDATE documents SET status='processing' WHERE id=$id"
out=$(fv fsck); is $? 1 "a stuck document: exit 1"
like "$out" "document $id: processing but no job" "is reported"
out=$(fv fsck --repair); like "$out" "re-queued document $id" "--repair re-queues it"
fv ingest --wait "$TMP/a.txt" "$TMP/b.txt" >/dev/null
is "$(sqlite3 "$DATA/foivault.db" "SELECT status FROM documents WHERE id=$id")" done "it is processed again"
out=$(fv fsck); ok $? "and the vault is clean again"
is "$(sqlite3 "$DATA/foivault.db" "SELECT count(*) FROM pages_fts WHERE pages_fts MATCH 'encryption'")" 1 \
	"the index holds each page once"
done_testing
