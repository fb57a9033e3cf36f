/*
 * store_internal.h - shared by the store*.c files only. Nothing outside the
 * store layer may include this: it is what keeps all SQL in one layer.
 */
#ifndef FOIVAULT_STORE_INTERNAL_H
#define FOIVAULT_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store.h"

struct store {
	sqlite3 *db;
	char *path;
};

/* Formats "what: sqlite's message" into err and returns -1. */
int store_fail(struct store *s, struct error *err, const char *what);
/* Prepares sql; on failure fills err and returns NULL. */
sqlite3_stmt *store_prepare(struct store *s, const char *sql,
			    struct error *err);
/* Runs SQL with no parameters and no results (one or more statements). */
int store_exec(struct store *s, const char *sql, struct error *err);
/* Column i as a jansson string, or JSON null for SQL NULL. */
json_t *store_json_text(sqlite3_stmt *st, int i);

/* store_users.c: store_audit() inside the caller's transaction. */
int store_audit_locked(struct store *s, int64_t actor, const char *action,
		       const char *object, const char *detail,
		       struct error *err);

/*
 * store_documents.c: the condition that decides whether a viewer may see
 * document "d" (" AND (...)", to append to a WHERE clause), and what binds
 * its parameters. It uses parameters below ?20; store_search.c binds its
 * own from ?20 up.
 */
extern const char *const store_visible_sql;
void store_bind_viewer(sqlite3_stmt *st, const struct store_viewer *v);

/* store_schema.c: the migrations, in order; index i is version i + 1. */
extern const char *const store_migrations[];
extern const int store_migrations_count;

/* store_reference.c: inserts the built-in negotiations and issues if absent. */
int store_seed_reference(struct store *s, struct error *err);

#endif
