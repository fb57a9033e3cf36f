/*
 * store_fsck.c - the database side of `foivault fsck`: SQLite's and FTS5's
 * own integrity checks, the list of documents with what the queue knows of
 * them, and putting a document back in the queue.
 */
#include "config.h"

#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

int
store_integrity_check(struct store *s, struct buf *report, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s, "PRAGMA integrity_check", err);
	int ok = 1;

	if (st == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 0);

		if (line && strcmp(line, "ok") != 0) {
			buf_printf(report, "database: %s\n", line);
			ok = 0;
		}
	}
	sqlite3_finalize(st);
	/* FTS5 checks its index against the pages it was built from. */
	if (sqlite3_exec(s->db, "INSERT INTO pages_fts(pages_fts, rank) "
			 "VALUES ('integrity-check', 0)", NULL, NULL,
			 NULL) != SQLITE_OK) {
		buf_printf(report, "search index: %s\n", sqlite3_errmsg(s->db));
		ok = 0;
	}
	return ok ? 0 : 1;
}

int
store_fsck_documents(struct store *s, store_fsck_fn fn, void *ctx,
		     struct error *err)
{
	sqlite3_stmt *st = store_prepare(s,
		"SELECT d.id, d.sha256, d.status, d.pages,"
		"  (SELECT count(*) FROM pages p WHERE p.document_id = d.id),"
		"  (SELECT count(*) FROM jobs j WHERE j.state IN"
		"   ('queued','running') AND j.payload = json_object('document',"
		"   d.id)), d.duplicate_of"
		" FROM documents d ORDER BY d.id", err);
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_fsck_doc d;

		d.id = sqlite3_column_int64(st, 0);
		d.sha256 = (const char *)sqlite3_column_text(st, 1);
		d.status = (const char *)sqlite3_column_text(st, 2);
		d.pages = sqlite3_column_int(st, 3);
		d.pages_stored = sqlite3_column_int(st, 4);
		d.jobs = sqlite3_column_int(st, 5);
		d.duplicate_of = sqlite3_column_int64(st, 6);
		fn(&d, ctx);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, err, "listing documents");
	return 0;
}

int
store_document_requeue(struct store *s, int64_t doc, struct error *err)
{
	sqlite3_stmt *st = NULL;
	char payload[64];

	if (store_begin(s, err) < 0)
		return -1;
	/* Take its pages out of the index before they are made again. */
	st = store_prepare(s,
		"INSERT INTO pages_fts(pages_fts, rowid, text) SELECT 'delete',"
		" p.id, p.text FROM pages p JOIN documents d ON d.id ="
		" p.document_id WHERE p.document_id = ?1 AND d.status = 'done'",
		err);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, doc);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail_db;
	sqlite3_finalize(st);
	st = store_prepare(s,
		"DELETE FROM pages WHERE document_id = ?1;", err);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, doc);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail_db;
	sqlite3_finalize(st);
	st = store_prepare(s,
		"UPDATE documents SET status = 'queued', error = NULL,"
		" pages_done = 0, indexed_at = NULL WHERE id = ?1", err);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, doc);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail_db;
	sqlite3_finalize(st);
	st = NULL;
	snprintf(payload, sizeof(payload), "{\"document\":%lld}",
		 (long long)doc);
	if (store_job_add(s, "ingest", payload, err) < 0 ||
	    store_commit(s, err) < 0)
		goto fail;
	return 0;
fail_db:
	store_fail(s, err, "re-queueing a document");
fail:
	sqlite3_finalize(st);
	store_rollback(s);
	return -1;
}
