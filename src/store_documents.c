/*
 * store_documents.c - documents, their sources, their pages, their links to
 * negotiations and issues, and the full-text index of their pages.
 *
 * Invariants:
 * - one document per SHA-256; the same bytes arriving again add a source;
 * - a document's pages reach pages_fts only in store_document_finish(), in
 *   the same transaction that marks it done and its job done, so a document
 *   is searchable exactly when it is done, and indexed exactly once;
 * - a URL document has no SHA-256 until it is fetched; if its bytes turn
 *   out to be a document we already have, it becomes a pointer to that one
 *   (duplicate_of), so the id a user was given stays meaningful.
 */
#include "config.h"

#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

static int
step_done(struct store *s, sqlite3_stmt *st, struct error *err,
	  const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, err, what);
	return 0;
}

static void
bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* user: who submitted it over the API, or 0. */
static int
add_source(struct store *s, int64_t doc, const char *kind, const char *name,
	   const char *ref, int64_t user, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s,
		"INSERT INTO document_sources(document_id, kind, name, ref,"
		" user_id)"
		" SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS (SELECT 1 FROM"
		"  document_sources WHERE document_id = ?1 AND kind = ?2 AND"
		"  name = ?3 AND ref IS ?4 AND user_id IS ?5)", err);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, doc);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_TRANSIENT);
	bind_text_or_null(st, 4, ref);
	if (user > 0)
		sqlite3_bind_int64(st, 5, user);
	return step_done(s, st, err, "recording where a document came from");
}

/* The audit row of a document submitted over the API. */
static int
audit_document(struct store *s, int64_t doc, const struct store_doc_new *d,
	       struct error *err)
{
	json_t *o = json_pack("{s:s, s:s}", "source", d->source_kind, "name",
			      d->source_name);
	char obj[40];
	char *detail;
	int rc;

	if (d->sha256) {
		json_object_set_new(o, "sha256", json_string(d->sha256));
		json_object_set_new(o, "size", json_integer((json_int_t)d->size));
	}
	detail = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	snprintf(obj, sizeof(obj), "document:%lld", (long long)doc);
	rc = store_audit_locked(s, d->user_id, d->sha256 ? "document.upload" :
				"document.url", obj, detail, err);
	free(detail);
	return rc;
}

/* Links inside the caller's transaction; an unknown slug is an error. */
static int
link_locked(struct store *s, int64_t doc, const char *what, const char *slug,
	    const char *provenance, const char *decision, double score,
	    const char *rule, struct error *err)
{
	const int issue = strcmp(what, "issue") == 0;
	char sql[512];
	sqlite3_stmt *st;

	/*
	 * A manual decision replaces anything; a rule or campaign link never
	 * replaces a manual one.
	 */
	snprintf(sql, sizeof(sql),
		 "INSERT INTO document_%s(document_id, %s_id, provenance,"
		 " decision, score, rule)"
		 " SELECT ?1, id, ?3, ?4, ?5, ?6 FROM %s WHERE slug = ?2"
		 " ON CONFLICT DO UPDATE SET provenance = excluded.provenance,"
		 "  decision = excluded.decision, score = excluded.score,"
		 "  rule = excluded.rule WHERE provenance != 'manual'"
		 "  OR excluded.provenance = 'manual'",
		 issue ? "issues" : "negotiations", issue ? "issue" : "negotiation",
		 issue ? "issues" : "negotiations");
	st = store_prepare(s, sql, err);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, doc);
	sqlite3_bind_text(st, 2, slug, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, provenance, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, decision, -1, SQLITE_STATIC);
	if (score >= 0)
		sqlite3_bind_double(st, 5, score);
	else
		sqlite3_bind_null(st, 5);
	bind_text_or_null(st, 6, rule);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return store_fail(s, err, "linking a document");
	}
	sqlite3_finalize(st);
	/* No row and no conflict: the slug does not exist. */
	st = store_prepare(s, issue ? "SELECT 1 FROM issues WHERE slug = ?" :
			   "SELECT 1 FROM negotiations WHERE slug = ?", err);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, slug, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return error_set(err, "no %s '%s' (see 'GET /api/v1/%s')", what,
				 slug, issue ? "issues" : "negotiations");
	}
	sqlite3_finalize(st);
	return 0;
}

int
store_document_link(struct store *s, int64_t doc, const char *what,
		    const char *slug, const char *provenance,
		    const char *decision, double score, const char *rule,
		    struct error *err)
{
	if (strcmp(what, "issue") != 0 && strcmp(what, "negotiation") != 0)
		return error_set(err, "cannot link a document to a '%s'", what);
	if (store_begin(s, err) < 0)
		return -1;
	if (link_locked(s, doc, what, slug, provenance, decision, score, rule,
			err) < 0 || store_commit(s, err) < 0) {
		store_rollback(s);
		return -1;
	}
	return 0;
}

static int64_t
queue_job(struct store *s, const char *kind, int64_t doc, struct error *err)
{
	char payload[64];

	snprintf(payload, sizeof(payload), "{\"document\":%lld}", (long long)doc);
	return store_job_add(s, kind, payload, err);
}

int
store_document_add(struct store *s, const struct store_doc_new *d,
		   int64_t *ret_id, const char **ret_status, struct error *err)
{
	sqlite3_stmt *st = NULL;
	int64_t id = 0;
	const char *status = "queued";
	int rc;

	if (store_begin(s, err) < 0)
		return -1;
	if (d->sha256) {
		st = store_prepare(s, "SELECT id, status FROM documents WHERE "
				   "sha256 = ?", err);
		if (st == NULL)
			goto fail;
		sqlite3_bind_text(st, 1, d->sha256, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			const char *cur = (const char *)sqlite3_column_text(st, 1);

			id = sqlite3_column_int64(st, 0);
			status = strcmp(cur, "done") == 0 ? "done" :
				 strcmp(cur, "unsupported") == 0 ? "unsupported" :
				 strcmp(cur, "failed") == 0 ? "failed" : "queued";
		} else if (rc != SQLITE_DONE) {
			store_fail(s, err, "looking up a document");
			goto fail;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	if (id == 0) {
		st = store_prepare(s,
			"INSERT INTO documents(sha256, size, title, lang, doc_date,"
			" parent_id, request_id) VALUES (?, ?, ?, ?, ?, ?, ?)", err);
		if (st == NULL)
			goto fail;
		bind_text_or_null(st, 1, d->sha256);
		if (d->sha256)
			sqlite3_bind_int64(st, 2, (sqlite3_int64)d->size);
		sqlite3_bind_text(st, 3, d->title && *d->title ? d->title :
				  d->source_name, -1, SQLITE_TRANSIENT);
		bind_text_or_null(st, 4, d->lang);
		bind_text_or_null(st, 5, d->doc_date);
		if (d->parent_id > 0)
			sqlite3_bind_int64(st, 6, d->parent_id);
		if (d->request_id > 0)
			sqlite3_bind_int64(st, 7, d->request_id);
		if (sqlite3_step(st) != SQLITE_DONE) {
			store_fail(s, err, "adding a document");
			goto fail;
		}
		sqlite3_finalize(st);
		st = NULL;
		id = sqlite3_last_insert_rowid(s->db);
		if (queue_job(s, d->sha256 ? "ingest" : "fetch", id, err) < 0)
			goto fail;
	} else if (strcmp(status, "failed") == 0 && d->sha256) {
		/* Sending a failed file again is asking for another try. */
		st = store_prepare(s, "UPDATE documents SET status = 'queued',"
				   " error = NULL, updated_at = " NOW
				   " WHERE id = ?", err);
		if (st == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, id);
		rc = step_done(s, st, err, "re-queueing a document");
		st = NULL;
		if (rc < 0 || queue_job(s, "ingest", id, err) < 0)
			goto fail;
		status = "queued";
	}
	if (add_source(s, id, d->source_kind, d->source_name, d->source_ref,
		       d->user_id, err) < 0)
		goto fail;
	if (d->user_id > 0 && audit_document(s, id, d, err) < 0)
		goto fail;
	for (size_t i = 0; i < d->n_negotiations; i++)
		if (link_locked(s, id, "negotiation", d->negotiations[i],
				"manual", "link", -1, NULL, err) < 0)
			goto fail;
	for (size_t i = 0; i < d->n_issues; i++)
		if (link_locked(s, id, "issue", d->issues[i], "manual", "link",
				-1, NULL, err) < 0)
			goto fail;
	if (store_commit(s, err) < 0)
		goto fail;
	*ret_id = id;
	if (ret_status)
		*ret_status = status;
	return 0;
fail:
	sqlite3_finalize(st);
	store_rollback(s);
	return -1;
}

int
store_document_load(struct store *s, int64_t id, struct store_doc *ret,
		    struct error *err)
{
	sqlite3_stmt *st = store_prepare(s,
		"SELECT d.sha256, d.size, d.title, d.mime, d.kind, d.lang,"
		"  d.status, d.error, d.pages, d.pages_done, d.parent_id,"
		"  d.duplicate_of,"
		"  (SELECT count(*) FROM documents p WHERE p.id = d.parent_id),"
		"  (SELECT name FROM document_sources WHERE document_id = d.id"
		"   ORDER BY id LIMIT 1)"
		" FROM documents d WHERE d.id = ?", err);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc == SQLITE_DONE)
			return error_set(err, "no document %lld", (long long)id);
		return store_fail(s, err, "loading a document");
	}
#define COLS(i) (sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : \
		 xstrdup((const char *)sqlite3_column_text(st, i)))
	memset(ret, 0, sizeof(*ret));
	ret->id = id;
	ret->sha256 = COLS(0);
	ret->size = (uint64_t)sqlite3_column_int64(st, 1);
	ret->title = COLS(2);
	ret->mime = COLS(3);
	ret->kind = COLS(4);
	ret->lang = COLS(5);
	ret->status = COLS(6);
	ret->error = COLS(7);
	ret->pages = sqlite3_column_int(st, 8);
	ret->pages_done = sqlite3_column_int(st, 9);
	ret->parent_id = sqlite3_column_int64(st, 10);
	ret->duplicate_of = sqlite3_column_int64(st, 11);
	ret->name = COLS(13);
#undef COLS
	sqlite3_finalize(st);
	/* The depth of archive nesting, for the archive expansion cap. */
	{
		int64_t p = ret->parent_id;

		while (p > 0 && ret->depth < 64) {
			st = store_prepare(s, "SELECT parent_id FROM documents "
					   "WHERE id = ?", err);
			if (st == NULL)
				return -1;
			sqlite3_bind_int64(st, 1, p);
			p = sqlite3_step(st) == SQLITE_ROW ?
				sqlite3_column_int64(st, 0) : 0;
			sqlite3_finalize(st);
			ret->depth++;
		}
	}
	return 0;
}

void
store_doc_release(struct store_doc *d)
{
	if (d == NULL)
		return;
	free(d->sha256);
	free(d->title);
	free(d->mime);
	free(d->kind);
	free(d->lang);
	free(d->status);
	free(d->error);
	free(d->name);
	memset(d, 0, sizeof(*d));
}

int
store_document_start(struct store *s, int64_t id, const char *mime,
		     const char *kind, int pages, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s,
		"UPDATE documents SET status = 'processing', mime = ?2,"
		" kind = ?3, pages = ?4, error = NULL, updated_at = " NOW
		" WHERE id = ?1 AND status IN ('queued','processing')", err);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	bind_text_or_null(st, 2, mime);
	bind_text_or_null(st, 3, kind);
	sqlite3_bind_int(st, 4, pages);
	return step_done(s, st, err, "starting a document");
}

int
store_document_set_blob(struct store *s, int64_t id, const char *sha256,
			uint64_t size, const char *name, int64_t *ret_dup,
			struct error *err)
{
	sqlite3_stmt *st = NULL;
	int64_t dup = 0;

	if (store_begin(s, err) < 0)
		return -1;
	st = store_prepare(s, "SELECT id FROM documents WHERE sha256 = ?", err);
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		dup = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (dup) {
		/* Move the URL source over, keep this id as a pointer. */
		st = store_prepare(s,
			"UPDATE document_sources SET document_id = ?2"
			" WHERE document_id = ?1", err);
		if (st == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, dup);
		if (step_done(s, st, err, "merging sources") < 0) {
			st = NULL;
			goto fail;
		}
		st = store_prepare(s,
			"UPDATE documents SET duplicate_of = ?2, status = 'done',"
			" size = ?3, updated_at = " NOW " WHERE id = ?1", err);
	} else {
		st = store_prepare(s,
			"UPDATE documents SET sha256 = ?4, size = ?3,"
			" title = CASE WHEN title = '' OR title LIKE 'http%' THEN"
			"  coalesce(?5, title) ELSE title END, updated_at = " NOW
			" WHERE id = ?1", err);
	}
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	if (dup)
		sqlite3_bind_int64(st, 2, dup);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)size);
	if (!dup) {
		sqlite3_bind_text(st, 4, sha256, -1, SQLITE_STATIC);
		bind_text_or_null(st, 5, name);
	}
	if (step_done(s, st, err, "recording a fetched document") < 0)
		goto fail_nost;
	if (!dup && queue_job(s, "ingest", id, err) < 0)
		goto fail_nost;
	if (store_commit(s, err) < 0)
		goto fail_nost;
	*ret_dup = dup;
	return 0;
fail:
	sqlite3_finalize(st);
fail_nost:
	store_rollback(s);
	return -1;
}

int
store_page_put(struct store *s, int64_t doc, const struct store_page *p,
	       struct error *err)
{
	sqlite3_stmt *st = NULL;

	if (store_begin(s, err) < 0)
		return -1;
	st = store_prepare(s,
		"INSERT OR REPLACE INTO pages(document_id, n, text, source,"
		" confidence, langs, width, height, dpi, ms, words, note)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, doc);
	sqlite3_bind_int(st, 2, p->n);
	sqlite3_bind_text(st, 3, p->text ? p->text : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, p->source, -1, SQLITE_STATIC);
	if (p->confidence >= 0)
		sqlite3_bind_double(st, 5, p->confidence);
	bind_text_or_null(st, 6, p->langs);
	if (p->width > 0)
		sqlite3_bind_int(st, 7, p->width);
	if (p->height > 0)
		sqlite3_bind_int(st, 8, p->height);
	if (p->dpi > 0)
		sqlite3_bind_int(st, 9, p->dpi);
	sqlite3_bind_int64(st, 10, p->ms);
	bind_text_or_null(st, 11, p->words_json);
	bind_text_or_null(st, 12, p->note);
	if (step_done(s, st, err, "storing a page") < 0)
		goto fail_nost;
	st = store_prepare(s,
		"UPDATE documents SET pages_done = (SELECT count(*) FROM pages"
		" WHERE document_id = ?1), updated_at = " NOW " WHERE id = ?1",
		err);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, doc);
	if (step_done(s, st, err, "counting pages") < 0)
		goto fail_nost;
	if (store_commit(s, err) < 0)
		goto fail_nost;
	return 0;
fail:
	sqlite3_finalize(st);
fail_nost:
	store_rollback(s);
	return -1;
}

int
store_page_exists(struct store *s, int64_t doc, int n)
{
	sqlite3_stmt *st = store_prepare(s, "SELECT 1 FROM pages WHERE "
					 "document_id = ? AND n = ?", NULL);
	int rc;

	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, doc);
	sqlite3_bind_int(st, 2, n);
	rc = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return rc;
}

int
store_document_finish(struct store *s, int64_t doc, int64_t job,
		      const char *owner, const char *status, const char *note,
		      struct error *err)
{
	sqlite3_stmt *st = NULL;
	int done = strcmp(status, "done") == 0;

	if (store_begin(s, err) < 0)
		return -1;
	if (done) {
		/* Index exactly once: only a document not yet done. */
		st = store_prepare(s,
			"INSERT INTO pages_fts(rowid, text) SELECT p.id, p.text"
			" FROM pages p JOIN documents d ON d.id = p.document_id"
			" WHERE p.document_id = ?1 AND d.status != 'done'", err);
		if (st == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, doc);
		if (step_done(s, st, err, "indexing pages") < 0)
			goto fail_nost;
	}
	st = store_prepare(s,
		"UPDATE documents SET status = ?2, error = ?3,"
		" pages_done = (SELECT count(*) FROM pages WHERE document_id = ?1),"
		" indexed_at = CASE WHEN ?2 = 'done' THEN " NOW " END,"
		" updated_at = " NOW " WHERE id = ?1", err);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, doc);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	bind_text_or_null(st, 3, note);
	if (step_done(s, st, err, "finishing a document") < 0)
		goto fail_nost;
	if (job > 0 && store_job_finish(s, job, owner,
					strcmp(status, "failed") == 0 ? note : NULL,
					err) < 0)
		goto fail_nost;
	if (store_commit(s, err) < 0)
		goto fail_nost;
	return 0;
fail:
	sqlite3_finalize(st);
fail_nost:
	store_rollback(s);
	return -1;
}

int
store_document_text(struct store *s, int64_t doc, struct buf *out,
		    struct error *err)
{
	sqlite3_stmt *st = store_prepare(s,
		"SELECT text FROM pages WHERE document_id = ? ORDER BY n", err);
	int rc, first = 1;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, doc);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((!first && buf_add(out, "\f", 1) < 0) ||
		    buf_add(out, sqlite3_column_text(st, 0),
			    (size_t)sqlite3_column_bytes(st, 0)) < 0) {
			sqlite3_finalize(st);
			return error_set(err, "the text is larger than %zu bytes",
					 out->max);
		}
		first = 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, err, "reading pages");
	return 0;
}

/* The statuses that mean "finished" for someone waiting on documents. */
int
store_document_status(struct store *s, int64_t doc, char **ret_status,
		      char **ret_error, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s, "SELECT status, error FROM "
					 "documents WHERE id = ?", err);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, doc);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? error_set(err, "no document %lld",
						     (long long)doc) :
			store_fail(s, err, "reading a document");
	}
	*ret_status = xstrdup((const char *)sqlite3_column_text(st, 0));
	*ret_error = sqlite3_column_type(st, 1) == SQLITE_NULL ? NULL :
		xstrdup((const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return 0;
}

const struct store_viewer store_public = { 0, 0, STORE_ROLE_NONE };

/*
 * The one condition that decides whether viewer v may see document d
 * (aliased "d" in the query), bound as parameter ?9. Today: embargoed
 * documents are hidden from everyone but the operator and admins until
 * their date; the accounts issue extends this with campaign membership.
 */
static const char visible_sql[] =
	" AND (?9 = 1 OR d.embargo_until IS NULL OR"
	"      d.embargo_until <= strftime('%Y-%m-%d','now'))";

static void
bind_viewer(sqlite3_stmt *st, const struct store_viewer *v)
{
	sqlite3_bind_int(st, 9, v == NULL || v->admin);
}

/* The same condition for the other store modules (search). */
const char *const store_visible_sql = visible_sql;

void
store_bind_viewer(sqlite3_stmt *st, const struct store_viewer *v)
{
	bind_viewer(st, v);
}

static json_t *
links_json(struct store *s, int64_t doc, int issue, struct error *err)
{
	char sql[512];
	sqlite3_stmt *st;
	json_t *arr = json_array();

	snprintf(sql, sizeof(sql),
		 "SELECT t.slug, t.name, l.provenance, l.score, l.rule FROM"
		 " document_%s l JOIN %s t ON t.id = l.%s_id WHERE"
		 " l.document_id = ? AND l.decision = 'link' ORDER BY t.name",
		 issue ? "issues" : "negotiations", issue ? "issues" :
		 "negotiations", issue ? "issue" : "negotiation");
	st = store_prepare(s, sql, err);
	if (st == NULL) {
		json_decref(arr);
		return NULL;
	}
	sqlite3_bind_int64(st, 1, doc);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *o = json_object();

		json_object_set_new(o, "slug", store_json_text(st, 0));
		json_object_set_new(o, "name", store_json_text(st, 1));
		json_object_set_new(o, "provenance", store_json_text(st, 2));
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			json_object_set_new(o, "score",
					    json_real(sqlite3_column_double(st, 3)));
		if (sqlite3_column_type(st, 4) != SQLITE_NULL)
			json_object_set_new(o, "rule", store_json_text(st, 4));
		json_array_append_new(arr, o);
	}
	sqlite3_finalize(st);
	return arr;
}

json_t *
store_document_json(struct store *s, const struct store_viewer *v,
		    int64_t doc, struct error *err)
{
	char sql[1024];
	sqlite3_stmt *st;
	json_t *o, *src, *ln, *li;
	int rc;

	snprintf(sql, sizeof(sql),
		 "SELECT id, sha256, size, title, mime, kind, lang, doc_date,"
		 " reference, status, error, pages, pages_done, parent_id,"
		 " duplicate_of, created_at, indexed_at, embargo_until"
		 " FROM documents d WHERE id = ?1%s", visible_sql);
	if (err)
		err->msg[0] = '\0';
	st = store_prepare(s, sql, err);
	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, doc);
	bind_viewer(st, v);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			store_fail(s, err, "reading a document");
		return NULL;
	}
	o = json_object();
	json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, 0)));
	json_object_set_new(o, "sha256", store_json_text(st, 1));
	json_object_set_new(o, "size", sqlite3_column_type(st, 2) == SQLITE_NULL ?
			    json_null() : json_integer(sqlite3_column_int64(st, 2)));
	json_object_set_new(o, "title", store_json_text(st, 3));
	json_object_set_new(o, "mime", store_json_text(st, 4));
	json_object_set_new(o, "kind", store_json_text(st, 5));
	json_object_set_new(o, "lang", store_json_text(st, 6));
	json_object_set_new(o, "date", store_json_text(st, 7));
	json_object_set_new(o, "reference", store_json_text(st, 8));
	json_object_set_new(o, "status", store_json_text(st, 9));
	json_object_set_new(o, "error", store_json_text(st, 10));
	json_object_set_new(o, "pages", json_integer(sqlite3_column_int(st, 11)));
	json_object_set_new(o, "pages_done",
			    json_integer(sqlite3_column_int(st, 12)));
	json_object_set_new(o, "parent", sqlite3_column_type(st, 13) ==
			    SQLITE_NULL ? json_null() :
			    json_integer(sqlite3_column_int64(st, 13)));
	if (sqlite3_column_type(st, 14) != SQLITE_NULL)
		json_object_set_new(o, "duplicate_of",
				    json_integer(sqlite3_column_int64(st, 14)));
	json_object_set_new(o, "created_at", store_json_text(st, 15));
	json_object_set_new(o, "indexed_at", store_json_text(st, 16));
	json_object_set_new(o, "embargo_until", store_json_text(st, 17));
	sqlite3_finalize(st);

	st = store_prepare(s, "SELECT kind, name, ref, created_at FROM "
			   "document_sources WHERE document_id = ? ORDER BY id",
			   err);
	if (st == NULL) {
		json_decref(o);
		return NULL;
	}
	sqlite3_bind_int64(st, 1, doc);
	src = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(src, json_pack("{s:o, s:o, s:o, s:o}",
			"kind", store_json_text(st, 0),
			"name", store_json_text(st, 1),
			"ref", store_json_text(st, 2),
			"at", store_json_text(st, 3)));
	sqlite3_finalize(st);
	json_object_set_new(o, "sources", src);
	ln = links_json(s, doc, 0, err);
	li = links_json(s, doc, 1, err);
	if (ln == NULL || li == NULL) {
		json_decref(ln);
		json_decref(li);
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "negotiations", ln);
	json_object_set_new(o, "issues", li);
	return o;
}

json_t *
store_page_json(struct store *s, const struct store_viewer *v, int64_t doc,
		int n, struct error *err)
{
	char sql[1024];
	sqlite3_stmt *st;
	json_t *o;

	/* Pages of a document still processing are not shown: not final. */
	snprintf(sql, sizeof(sql),
		 "SELECT p.n, p.text, p.source, p.confidence, p.langs, p.width,"
		 " p.height, p.dpi, p.ms, p.note FROM pages p JOIN documents d"
		 " ON d.id = p.document_id WHERE p.document_id = ?1 AND p.n = ?2"
		 " AND d.status = 'done'%s", visible_sql);
	if (err)
		err->msg[0] = '\0';
	st = store_prepare(s, sql, err);
	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, doc);
	sqlite3_bind_int(st, 2, n);
	bind_viewer(st, v);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return NULL;
	}
	o = json_object();
	json_object_set_new(o, "document", json_integer(doc));
	json_object_set_new(o, "page", json_integer(sqlite3_column_int(st, 0)));
	json_object_set_new(o, "text", store_json_text(st, 1));
	json_object_set_new(o, "source", store_json_text(st, 2));
	json_object_set_new(o, "confidence",
			    sqlite3_column_type(st, 3) == SQLITE_NULL ? json_null() :
			    json_real(sqlite3_column_double(st, 3)));
	json_object_set_new(o, "languages", store_json_text(st, 4));
	json_object_set_new(o, "width", json_integer(sqlite3_column_int(st, 5)));
	json_object_set_new(o, "height", json_integer(sqlite3_column_int(st, 6)));
	json_object_set_new(o, "dpi", json_integer(sqlite3_column_int(st, 7)));
	json_object_set_new(o, "ms", json_integer(sqlite3_column_int64(st, 8)));
	json_object_set_new(o, "note", store_json_text(st, 9));
	sqlite3_finalize(st);
	return o;
}

int
store_document_progress(struct store *s, int64_t doc,
			struct store_progress *ret, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s,
		"WITH RECURSIVE t(id) AS (SELECT ?1 UNION ALL"
		"  SELECT d.id FROM documents d JOIN t ON d.parent_id = t.id)"
		" SELECT count(*),"
		"  coalesce(sum(status IN ('done','failed','unsupported')), 0),"
		"  coalesce(sum(status IN ('failed','unsupported')), 0),"
		"  coalesce(sum(pages), 0), coalesce(sum(pages_done), 0)"
		" FROM documents WHERE id IN t", err);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, doc);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return store_fail(s, err, "reading progress");
	}
	ret->docs = sqlite3_column_int64(st, 0);
	ret->finished = sqlite3_column_int64(st, 1);
	ret->failed = sqlite3_column_int64(st, 2);
	ret->pages = sqlite3_column_int64(st, 3);
	ret->pages_done = sqlite3_column_int64(st, 4);
	sqlite3_finalize(st);
	return 0;
}

int
store_document_original(struct store *s, const struct store_viewer *v,
			int64_t doc, char **ret_sha256, char **ret_name,
			char **ret_mime, struct error *err)
{
	char sql[1024];
	sqlite3_stmt *st;
	int rc;

	snprintf(sql, sizeof(sql),
		 "SELECT d.sha256, (SELECT name FROM document_sources WHERE"
		 " document_id = d.id ORDER BY kind = 'url', id LIMIT 1), d.mime"
		 " FROM documents d WHERE d.id = ?1 AND d.sha256 IS NOT NULL%s",
		 visible_sql);
	st = store_prepare(s, sql, err);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, doc);
	bind_viewer(st, v);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return store_fail(s, err, "reading a document");
		return error_set(err, "no document %lld", (long long)doc);
	}
	*ret_sha256 = xstrdup((const char *)sqlite3_column_text(st, 0));
	*ret_name = xstrdup(sqlite3_column_text(st, 1) ?
			    (const char *)sqlite3_column_text(st, 1) : "document");
	*ret_mime = xstrdup(sqlite3_column_text(st, 2) ?
			    (const char *)sqlite3_column_text(st, 2) :
			    "application/octet-stream");
	sqlite3_finalize(st);
	return 0;
}

int
store_document_set_found_metadata(struct store *s, int64_t doc,
				  const char *reference, const char *date,
				  struct error *err)
{
	/* Found by rule: never over what a person entered. */
	sqlite3_stmt *st = store_prepare(s,
		"UPDATE documents SET reference = coalesce(reference, ?2),"
		" doc_date = coalesce(doc_date, ?3), updated_at = " NOW
		" WHERE id = ?1", err);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, doc);
	bind_text_or_null(st, 2, reference);
	bind_text_or_null(st, 3, date);
	return step_done(s, st, err, "recording a document's reference");
}

char *
store_document_url(struct store *s, int64_t doc, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s, "SELECT ref FROM document_sources "
					 "WHERE document_id = ? AND kind = 'url' "
					 "ORDER BY id LIMIT 1", err);
	char *url = NULL;

	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, doc);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		url = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return url;
}
