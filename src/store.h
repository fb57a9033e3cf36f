/*
 * store.h - the database layer. All SQL in foivault lives in store*.c files;
 * the rest of the program sees functions and plain data (or jansson values
 * for what goes straight out as JSON), never sqlite3 handles.
 *
 * One struct store is one SQLite connection and must only be used by one
 * thread at a time; the HTTP server gives each of its threads its own
 * through store_thread().
 */
#ifndef FOIVAULT_STORE_H
#define FOIVAULT_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "util.h"

struct store;

/* 'FOIV': set in every foivault database, to refuse foreign SQLite files. */
#define STORE_APPLICATION_ID 0x464f4956

enum store_open_flags {
	STORE_CREATE = 1 << 0,   /* create the file if missing */
	STORE_READONLY = 1 << 1,
};

/*
 * Opens the database at path (WAL, foreign keys, busy timeout) and checks
 * that it is ours and not from a newer foivault. Does not migrate.
 */
int store_open(const char *path, int flags, struct store **ret,
	       struct error *err);
void store_close(struct store *s);

/* The SQLite library's version, for 'foivault version'. */
const char *store_engine_version(void);

/* The schema version this build knows, and the database's. */
int store_schema_latest(void);
int store_schema_version(struct store *s);
/*
 * Applies pending migrations, each in its own transaction, and seeds the
 * reference data. Idempotent. ret_applied (may be NULL) gets the count.
 */
int store_migrate(struct store *s, int *ret_applied, struct error *err);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
int store_begin(struct store *s, struct error *err);
int store_commit(struct store *s, struct error *err);
void store_rollback(struct store *s);

/* Writes the WAL back into the main file and truncates it. */
int store_checkpoint(struct store *s, struct error *err);

struct store_health {
	int schema_version;
	int64_t jobs_queued;
	int64_t jobs_running;
	int64_t jobs_failed;
};
int store_health(struct store *s, struct store_health *ret,
		 struct error *err);

/*
 * The calling thread's own connection to path, opened on first use and
 * closed when the thread exits. The path must be the same for the life of
 * the process (the server has one database).
 */
struct store *store_thread(const char *path, struct error *err);

/* Reference data (store_reference.c). */
json_t *store_negotiations_list(struct store *s, struct error *err);
json_t *store_issues_list(struct store *s, struct error *err);
/* One negotiation or issue by slug; NULL with err empty if not found. */
json_t *store_negotiation_get(struct store *s, const char *slug,
			      struct error *err);
json_t *store_issue_get(struct store *s, const char *slug, struct error *err);

#endif
