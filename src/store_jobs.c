/*
 * store_jobs.c - the durable job queue.
 *
 * A job is claimed by one owner (a worker, named "pid@host") with a lease
 * that the owner renews while it works. A job whose lease ran out (its
 * worker hung or died without its supervisor noticing) can be claimed again;
 * a supervisor that sees its worker die puts the worker's jobs back at once
 * with the reason. attempts counts claims, so the caller can give up on a
 * job that keeps killing workers. Claiming is one UPDATE ... RETURNING, so
 * two workers can never hold the same job.
 */
#include "config.h"

#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

int64_t
store_job_add(struct store *s, const char *kind, const char *payload,
	      struct error *err)
{
	sqlite3_stmt *st = store_prepare(s, "INSERT INTO jobs(kind, payload) "
					 "VALUES (?, ?)", err);
	int64_t id;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, payload, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return store_fail(s, err, "queueing a job");
	}
	id = sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(st);
	return id;
}

int
store_job_claim(struct store *s, const char *owner, int lease_s,
		struct store_job *ret, struct error *err)
{
	sqlite3_stmt *st;
	int rc;

	st = store_prepare(s,
		"UPDATE jobs SET state = 'running', owner = ?1,"
		"  lease_until = unixepoch() + ?2, attempts = attempts + 1,"
		"  updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')"
		" WHERE id = (SELECT id FROM jobs WHERE state = 'queued'"
		"   OR (state = 'running' AND lease_until < unixepoch())"
		"   ORDER BY id LIMIT 1)"
		" RETURNING id, kind, payload, attempts, error", err);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, owner, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, lease_s);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *e = (const char *)sqlite3_column_text(st, 4);

		ret->id = sqlite3_column_int64(st, 0);
		ret->kind = xstrdup((const char *)sqlite3_column_text(st, 1));
		ret->payload = xstrdup((const char *)sqlite3_column_text(st, 2));
		ret->attempts = sqlite3_column_int(st, 3);
		ret->last_error = e ? xstrdup(e) : NULL;
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = 1;
	} else {
		rc = store_fail(s, err, "claiming a job");
	}
	sqlite3_finalize(st);
	return rc;
}

int
store_job_renew(struct store *s, int64_t id, const char *owner, int lease_s,
		struct error *err)
{
	sqlite3_stmt *st = store_prepare(s,
		"UPDATE jobs SET lease_until = unixepoch() + ?3"
		" WHERE id = ?1 AND owner = ?2 AND state = 'running'", err);
	int rc = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, owner, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, lease_s);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_fail(s, err, "renewing a job lease");
	else if (sqlite3_changes(s->db) == 0)
		rc = error_set(err, "job %lld is no longer ours", (long long)id);
	sqlite3_finalize(st);
	return rc;
}

int
store_job_finish(struct store *s, int64_t id, const char *owner,
		 const char *error, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s,
		"UPDATE jobs SET state = ?3, error = ?4, lease_until = NULL,"
		"  updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')"
		" WHERE id = ?1 AND (owner = ?2 OR ?2 IS NULL)", err);
	int rc = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, owner, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, error ? "failed" : "done", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, error, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_fail(s, err, "finishing a job");
	sqlite3_finalize(st);
	return rc;
}

int
store_jobs_release_owner(struct store *s, const char *owner,
			 const char *reason, int refund, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s,
		"UPDATE jobs SET state = 'queued', owner = NULL,"
		"  lease_until = NULL, error = ?2, attempts = attempts - ?3,"
		"  updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')"
		" WHERE owner = ?1 AND state = 'running'", err);
	int rc = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, owner, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, refund ? 1 : 0);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_fail(s, err, "releasing jobs");
	sqlite3_finalize(st);
	return rc;
}

json_t *
store_jobs_owners(struct store *s, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s, "SELECT DISTINCT owner FROM jobs "
					 "WHERE state = 'running' AND owner IS "
					 "NOT NULL", err);
	json_t *arr;

	if (st == NULL)
		return NULL;
	arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, store_json_text(st, 0));
	sqlite3_finalize(st);
	return arr;
}

int64_t
store_jobs_pending(struct store *s, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s,
		"SELECT count(*) FROM jobs WHERE state IN ('queued','running')",
		err);
	int64_t n = -1;

	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		store_fail(s, err, "counting jobs");
	sqlite3_finalize(st);
	return n;
}

void
store_job_release(struct store_job *j)
{
	if (j == NULL)
		return;
	free(j->kind);
	free(j->payload);
	free(j->last_error);
	memset(j, 0, sizeof(*j));
}
