/*
 * store_requests.c - the SQL for authorities, requests and their event
 * timelines (tables of migration 5, docs/coordinating.md).
 *
 * This layer stores what request.c decided: it neither checks transitions
 * nor computes due dates. request_events is append-only (the schema's
 * triggers refuse UPDATE and DELETE), so a request's history can only grow;
 * the request row caches the state and dates derived from it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fvlimits.h"
#include "store_internal.h"

static const char *
col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const char *t = col(st, i);

	return t ? xstrdup(t) : NULL;
}

static void
bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static int
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
store_authority_put(struct store *s, const struct store_authority *a,
		    int update, int64_t *ret_id,
		    enum store_put_status *ret_status, struct error *err)
{
	sqlite3_stmt *st = NULL;
	enum store_put_status status;
	int64_t id;
	int rc;

	if (store_begin(s, err) < 0)
		return -1;
	st = store_prepare(s, "SELECT id, email, portal_url, tags, notes"
			   " FROM authorities WHERE jurisdiction = ?1"
			   " AND lower(name) = lower(?2)", err);
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, a->jurisdiction, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, a->name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		if (!update) {
			error_set(err, "authority '%s' already exists in %s "
				  "(id %lld)", a->name, a->jurisdiction,
				  (long long)id);
			goto fail;
		}
		if (same(col(st, 1), a->email) &&
		    same(col(st, 2), a->portal_url) &&
		    same(col(st, 3), a->tags ? a->tags : "") &&
		    (a->notes == NULL || a->notes[0] == '\0' ||
		     same(col(st, 4), a->notes))) {
			status = STORE_PUT_UNCHANGED;
			goto done;
		}
		sqlite3_finalize(st);
		st = store_prepare(s, "UPDATE authorities SET email = ?2,"
				   " portal_url = ?3, tags = ?4,"
				   " notes = CASE WHEN ?5 = '' THEN notes"
				   " ELSE ?5 END, updated_at ="
				   " strftime('%Y-%m-%dT%H:%M:%SZ','now')"
				   " WHERE id = ?1", err);
		if (st == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, id);
		status = STORE_PUT_UPDATED;
	} else if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		st = store_prepare(s, "INSERT INTO authorities(name,"
				   " jurisdiction, email, portal_url, tags,"
				   " notes) VALUES (?6, ?1, ?2, ?3, ?4, ?5)",
				   err);
		if (st == NULL)
			goto fail;
		sqlite3_bind_text(st, 1, a->jurisdiction, -1,
				  SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 6, a->name, -1, SQLITE_TRANSIENT);
		id = 0;
		status = STORE_PUT_ADDED;
	} else {
		store_fail(s, err, "looking up authorities");
		goto fail;
	}
	bind_text_or_null(st, 2, a->email);
	bind_text_or_null(st, 3, a->portal_url);
	sqlite3_bind_text(st, 4, a->tags ? a->tags : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, a->notes ? a->notes : "", -1,
			  SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE) {
		store_fail(s, err, "saving an authority");
		goto fail;
	}
	if (status == STORE_PUT_ADDED)
		id = sqlite3_last_insert_rowid(s->db);
done:
	sqlite3_finalize(st);
	st = NULL;
	if (store_commit(s, err) < 0)
		goto fail;
	if (ret_id)
		*ret_id = id;
	if (ret_status)
		*ret_status = status;
	return 0;
fail:
	sqlite3_finalize(st);
	store_rollback(s);
	return -1;
}

/* "a,b" as ["a","b"]; "" as []. */
static json_t *
tags_json(const char *t)
{
	json_t *arr = json_array();

	while (t && *t) {
		const char *c = strchr(t, ',');
		size_t n = c ? (size_t)(c - t) : strlen(t);

		if (n > 0)
			json_array_append_new(arr, json_stringn(t, n));
		t = c ? c + 1 : NULL;
	}
	return arr;
}

json_t *
store_authorities_json(struct store *s, const char *jurisdiction,
		       struct error *err)
{
	sqlite3_stmt *st;
	json_t *arr;
	int rc;

	st = store_prepare(s, "SELECT id, name, jurisdiction, email,"
			   " portal_url, tags, notes FROM authorities"
			   " WHERE ?1 IS NULL OR jurisdiction = upper(?1)"
			   " ORDER BY jurisdiction, lower(name), id", err);
	if (st == NULL)
		return NULL;
	bind_text_or_null(st, 1, jurisdiction);
	arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, json_pack(
			"{s:I, s:o, s:o, s:o, s:o, s:o, s:o}",
			"id", (json_int_t)sqlite3_column_int64(st, 0),
			"name", store_json_text(st, 1),
			"jurisdiction", store_json_text(st, 2),
			"email", store_json_text(st, 3),
			"portal_url", store_json_text(st, 4),
			"tags", tags_json(col(st, 5)),
			"notes", store_json_text(st, 6)));
	if (rc != SQLITE_DONE) {
		store_fail(s, err, "listing authorities");
		json_decref(arr);
		arr = NULL;
	}
	sqlite3_finalize(st);
	return arr;
}

int
store_request_add(struct store *s, int64_t authority, const char *title,
		  const char *reference, int64_t *ret_id, struct error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (store_begin(s, err) < 0)
		return -1;
	st = store_prepare(s, "SELECT 1 FROM authorities WHERE id = ?1", err);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, authority);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		error_set(err, "no authority %lld ('foivault authority list' "
			  "shows them)", (long long)authority);
		goto fail;
	} else if (rc != SQLITE_ROW) {
		store_fail(s, err, "looking up an authority");
		goto fail;
	}
	sqlite3_finalize(st);
	st = store_prepare(s, "INSERT INTO requests(authority_id, title,"
			   " reference) VALUES (?1, ?2, ?3)", err);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, authority);
	sqlite3_bind_text(st, 2, title, -1, SQLITE_TRANSIENT);
	bind_text_or_null(st, 3, reference);
	if (sqlite3_step(st) != SQLITE_DONE) {
		store_fail(s, err, "adding a request");
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (ret_id)
		*ret_id = sqlite3_last_insert_rowid(s->db);
	return store_commit(s, err);
fail:
	sqlite3_finalize(st);
	store_rollback(s);
	return -1;
}

int
store_request_get(struct store *s, int64_t id, struct store_request *ret,
		  struct error *err)
{
	struct store_request r = { 0 };
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	st = store_prepare(s, "SELECT r.id, r.authority_id, a.name,"
			   " a.jurisdiction, r.title, r.reference, r.state"
			   " FROM requests r JOIN authorities a"
			   " ON a.id = r.authority_id WHERE r.id = ?1", err);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		return 1;
	}
	if (rc != SQLITE_ROW) {
		store_fail(s, err, "reading a request");
		sqlite3_finalize(st);
		return -1;
	}
	r.id = sqlite3_column_int64(st, 0);
	r.authority_id = sqlite3_column_int64(st, 1);
	r.authority = col_dup(st, 2);
	r.jurisdiction = col_dup(st, 3);
	r.title = col_dup(st, 4);
	r.reference = col_dup(st, 5);
	r.state = col_dup(st, 6);
	sqlite3_finalize(st);

	st = store_prepare(s, "SELECT id, at, date, kind, amount, actor_id,"
			   " note FROM request_events WHERE request_id = ?1"
			   " ORDER BY id LIMIT ?2", err);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, FV_MAX_DEADLINE_EVENTS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_request_event *e;

		if (r.nevents == cap) {
			cap = cap ? cap * 2 : 8;
			r.events = xrealloc(r.events, cap * sizeof(*r.events));
		}
		e = &r.events[r.nevents++];
		e->id = sqlite3_column_int64(st, 0);
		e->at = col_dup(st, 1);
		e->date = col_dup(st, 2);
		e->kind = col_dup(st, 3);
		e->amount = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 :
			sqlite3_column_int(st, 4);
		e->actor = sqlite3_column_int64(st, 5);
		e->note = col_dup(st, 6);
	}
	if (rc != SQLITE_DONE) {
		store_fail(s, err, "reading a request's events");
		goto fail;
	}
	sqlite3_finalize(st);
	*ret = r;
	return 0;
fail:
	sqlite3_finalize(st);
	store_request_release(&r);
	return -1;
}

void
store_request_release(struct store_request *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nevents; i++) {
		free(r->events[i].at);
		free(r->events[i].date);
		free(r->events[i].kind);
		free(r->events[i].note);
	}
	free(r->events);
	free(r->authority);
	free(r->jurisdiction);
	free(r->title);
	free(r->reference);
	free(r->state);
	memset(r, 0, sizeof(*r));
}

int
store_request_event_add(struct store *s, int64_t request, const char *date,
			const char *kind, int amount, int64_t actor,
			const char *note, const struct store_request_dates *d,
			struct error *err)
{
	sqlite3_stmt *st;

	st = store_prepare(s, "INSERT INTO request_events(request_id, date,"
			   " kind, amount, actor_id, note)"
			   " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", err);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, request);
	sqlite3_bind_text(st, 2, date, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_TRANSIENT);
	if (amount >= 0)
		sqlite3_bind_int(st, 4, amount);
	if (actor > 0)
		sqlite3_bind_int64(st, 5, actor);
	sqlite3_bind_text(st, 6, note ? note : "", -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return store_fail(s, err, "adding an event");
	}
	sqlite3_finalize(st);
	st = store_prepare(s, "UPDATE requests SET state = ?2, received = ?3,"
			   " due = ?4, very_overdue = ?5, appeal_by = ?6,"
			   " explanation = ?7, updated_at ="
			   " strftime('%Y-%m-%dT%H:%M:%SZ','now')"
			   " WHERE id = ?1", err);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, request);
	sqlite3_bind_text(st, 2, d->state, -1, SQLITE_TRANSIENT);
	bind_text_or_null(st, 3, d->received);
	bind_text_or_null(st, 4, d->due);
	bind_text_or_null(st, 5, d->very_overdue);
	bind_text_or_null(st, 6, d->appeal_by);
	bind_text_or_null(st, 7, d->explanation);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return store_fail(s, err, "updating a request");
	}
	sqlite3_finalize(st);
	return 0;
}

json_t *
store_requests_json(struct store *s, const char *state, int with_due,
		    struct error *err)
{
	sqlite3_stmt *st;
	json_t *arr;
	int rc;

	st = store_prepare(s, "SELECT r.id, r.title, r.reference, r.state,"
			   " a.id, a.name, a.jurisdiction, r.received, r.due,"
			   " r.very_overdue, r.appeal_by, r.updated_at,"
			   " e.kind, e.date"
			   " FROM requests r JOIN authorities a"
			   " ON a.id = r.authority_id"
			   " LEFT JOIN request_events e ON e.id ="
			   " (SELECT max(id) FROM request_events"
			   "  WHERE request_id = r.id)"
			   " WHERE (?1 IS NULL OR r.state = ?1)"
			   " AND (?2 = 0 OR r.due IS NOT NULL)"
			   " ORDER BY r.id LIMIT ?3", err);
	if (st == NULL)
		return NULL;
	bind_text_or_null(st, 1, state);
	sqlite3_bind_int(st, 2, with_due);
	sqlite3_bind_int(st, 3, FV_MAX_REQUEST_LIST);
	arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *last = sqlite3_column_type(st, 12) == SQLITE_NULL ?
			json_null() : json_pack("{s:o, s:o}",
				"kind", store_json_text(st, 12),
				"date", store_json_text(st, 13));

		json_array_append_new(arr, json_pack(
			"{s:I, s:o, s:o, s:o, s:{s:I, s:o}, s:o, s:o, s:o,"
			" s:o, s:o, s:o, s:o}",
			"id", (json_int_t)sqlite3_column_int64(st, 0),
			"title", store_json_text(st, 1),
			"reference", store_json_text(st, 2),
			"state", store_json_text(st, 3),
			"authority", "id",
			(json_int_t)sqlite3_column_int64(st, 4),
			"name", store_json_text(st, 5),
			"jurisdiction", store_json_text(st, 6),
			"received", store_json_text(st, 7),
			"due", store_json_text(st, 8),
			"very_overdue", store_json_text(st, 9),
			"appeal_by", store_json_text(st, 10),
			"updated", store_json_text(st, 11),
			"last_event", last));
	}
	if (rc != SQLITE_DONE) {
		store_fail(s, err, "listing requests");
		json_decref(arr);
		arr = NULL;
	}
	sqlite3_finalize(st);
	return arr;
}
