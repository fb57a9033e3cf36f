/*
 * store.c - opening the database, migrations, transactions, health, and the
 * per-thread connections of the server.
 *
 * Invariants: every connection runs in WAL mode with foreign keys on and a
 * busy timeout; every write transaction starts with BEGIN IMMEDIATE (a
 * deferred transaction that reads and then writes fails at once with "database
 * is locked" despite the timeout). The schema version is PRAGMA user_version
 * and changes inside the migration's own transaction, so a crash leaves the
 * database at the old or the new version, never between.
 */
#include "config.h"

#include "store_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STORE_BUSY_TIMEOUT_MS 10000

int
store_fail(struct store *s, struct error *err, const char *what)
{
	return error_set(err, "%s: %s", what,
			 s && s->db ? sqlite3_errmsg(s->db) : "no database");
}

sqlite3_stmt *
store_prepare(struct store *s, const char *sql, struct error *err)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		store_fail(s, err, "database");
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

int
store_exec(struct store *s, const char *sql, struct error *err)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		error_set(err, "database: %s", msg ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

json_t *
store_json_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? json_string((const char *)t) : json_null();
}

static int
pragma_int(struct store *s, const char *sql, int *ret, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s, sql, err);
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		store_fail(s, err, "database");
		sqlite3_finalize(st);
		return -1;
	}
	*ret = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/*
 * Refuses files that are not foivault databases. A new, empty file has
 * application_id 0 and no tables; anything else without our id is foreign.
 */
static int
check_ours(struct store *s, struct error *err)
{
	int app_id, version, tables;

	if (pragma_int(s, "PRAGMA application_id", &app_id, err) < 0) {
		if (sqlite3_errcode(s->db) == SQLITE_NOTADB ||
		    sqlite3_errcode(s->db) == SQLITE_CORRUPT)
			return error_set(err, "%s is not a foivault database "
					 "(not SQLite, or corrupt)", s->path);
		return -1;
	}
	if (pragma_int(s, "PRAGMA user_version", &version, err) < 0)
		return -1;
	if (pragma_int(s, "SELECT count(*) FROM sqlite_master", &tables,
		       err) < 0)
		return -1;
	if (app_id != STORE_APPLICATION_ID && (app_id != 0 || tables > 0))
		return error_set(err, "%s is an SQLite database of another "
				 "program, not foivault's: refusing to touch it",
				 s->path);
	if (version > store_schema_latest())
		return error_set(err, "%s has schema version %d, newer than "
				 "this foivault knows (%d): upgrade foivault "
				 "(the database was not changed)", s->path,
				 version, store_schema_latest());
	return 0;
}

int
store_open(const char *path, int flags, struct store **ret,
	   struct error *err)
{
	struct store *s = xcalloc(1, sizeof(*s));
	int oflags = SQLITE_OPEN_NOMUTEX;
	struct stat sb;
	int rc = -1;

	s->path = xstrdup(path);
	if (flags & STORE_READONLY)
		oflags |= SQLITE_OPEN_READONLY;
	else
		oflags |= SQLITE_OPEN_READWRITE;
	if (flags & STORE_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	if (!(flags & STORE_CREATE) && stat(path, &sb) < 0) {
		error_set(err, "%s: no database here (run 'foivault init' "
			  "first)", path);
		goto out;
	}
	if (sqlite3_open_v2(path, &s->db, oflags, NULL) != SQLITE_OK) {
		error_set(err, "%s: cannot open database: %s", path,
			  s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto out;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
	if (check_ours(s, err) < 0)
		goto out;
	if (!(flags & STORE_READONLY) &&
	    store_exec(s, "PRAGMA journal_mode=WAL", err) < 0)
		goto out;
	if (store_exec(s, "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL",
		       err) < 0)
		goto out;
	*ret = s;
	s = NULL;
	rc = 0;
out:
	store_close(s);
	return rc;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
}

const char *
store_engine_version(void)
{
	return sqlite3_libversion();
}

int
store_schema_latest(void)
{
	return store_migrations_count;
}

int
store_schema_version(struct store *s)
{
	int v = -1;

	if (pragma_int(s, "PRAGMA user_version", &v, NULL) < 0)
		return -1;
	return v;
}

int
store_begin(struct store *s, struct error *err)
{
	return store_exec(s, "BEGIN IMMEDIATE", err);
}

int
store_commit(struct store *s, struct error *err)
{
	return store_exec(s, "COMMIT", err);
}

void
store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int
store_migrate(struct store *s, int *ret_applied, struct error *err)
{
	int applied = 0, version;
	char sql[96];

	for (;;) {
		if (store_begin(s, err) < 0)
			return -1;
		/* Read inside the write lock: two processes may migrate. */
		version = store_schema_version(s);
		if (version < 0) {
			store_rollback(s);
			return store_fail(s, err, "reading the schema version");
		}
		if (version >= store_migrations_count)
			break;
		if (version == 0) {
			snprintf(sql, sizeof(sql), "PRAGMA application_id=%d",
				 STORE_APPLICATION_ID);
			if (store_exec(s, sql, err) < 0)
				goto fail;
		}
		if (store_exec(s, store_migrations[version], err) < 0) {
			char msg[sizeof(err->msg)];

			snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
			error_set(err, "migration to schema version %d failed "
				  "(database unchanged): %s", version + 1, msg);
			goto fail;
		}
		snprintf(sql, sizeof(sql), "PRAGMA user_version=%d",
			 version + 1);
		if (store_exec(s, sql, err) < 0 || store_commit(s, err) < 0)
			goto fail;
		applied++;
	}
	/* Reference data is re-seeded idempotently: only what is missing. */
	if (store_seed_reference(s, err) < 0)
		goto fail;
	if (store_commit(s, err) < 0)
		goto fail;
	if (ret_applied)
		*ret_applied = applied;
	return 0;
fail:
	store_rollback(s);
	return -1;
}

int
store_checkpoint(struct store *s, struct error *err)
{
	return store_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)", err);
}

int
store_health(struct store *s, struct store_health *ret, struct error *err)
{
	sqlite3_stmt *st;
	struct store_health h = { 0 };

	h.schema_version = store_schema_version(s);
	if (h.schema_version < 0)
		return store_fail(s, err, "database");
	st = store_prepare(s,
		"SELECT coalesce(sum(state = 'queued'), 0),"
		"       coalesce(sum(state = 'running'), 0),"
		"       coalesce(sum(state = 'failed'), 0) FROM jobs", err);
	if (st == NULL)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return store_fail(s, err, "database");
	}
	h.jobs_queued = sqlite3_column_int64(st, 0);
	h.jobs_running = sqlite3_column_int64(st, 1);
	h.jobs_failed = sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
	*ret = h;
	return 0;
}

static pthread_key_t thread_key;
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;

static void
thread_store_free(void *p)
{
	store_close(p);
}

static void
thread_key_init(void)
{
	if (pthread_key_create(&thread_key, thread_store_free) != 0)
		abort();
}

struct store *
store_thread(const char *path, struct error *err)
{
	struct store *s;

	pthread_once(&thread_key_once, thread_key_init);
	s = pthread_getspecific(thread_key);
	if (s != NULL)
		return s;
	if (store_open(path, 0, &s, err) < 0)
		return NULL;
	pthread_setspecific(thread_key, s);
	return s;
}
