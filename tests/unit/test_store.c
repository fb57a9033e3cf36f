/* test_store.c - opening, migrating, refusing foreign and newer databases. */
#include "config.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "tap.h"

static char dir[] = "/tmp/fv-store-XXXXXX";

static char *
path(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

/* Raw sqlite3 is allowed here: the test builds hostile files on purpose. */
static void
raw(const char *file, const char *sql)
{
	sqlite3 *db;

	sqlite3_open(file, &db);
	sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
}

int
main(void)
{
	struct store *s = NULL;
	struct store_health h;
	struct error err;
	char *db, *p;
	json_t *arr, *o;
	int applied = -1, fd;

	if (mkdtemp(dir) == NULL)
		return 1;
	db = path("foivault.db");
	ok(store_open(db, 0, &s, &err) < 0, "opening a missing database fails");
	ok(strstr(err.msg, "foivault init") != NULL, "and says to run init: %s",
	   err.msg);

	ok(store_open(db, STORE_CREATE, &s, &err) == 0, "create a database");
	is_int(store_schema_version(s), 0, "a new database is at version 0");
	ok(store_migrate(s, &applied, &err) == 0, "migrate");
	is_int(applied, store_schema_latest(), "all migrations applied");
	is_int(store_schema_version(s), store_schema_latest(), "at the latest version");
	ok(store_migrate(s, &applied, &err) == 0 && applied == 0,
	   "migrating again applies nothing");
	arr = store_negotiations_list(s, &err);
	ok(arr && json_array_size(arr) >= 10, "negotiations are seeded (%zu)",
	   arr ? json_array_size(arr) : 0);
	json_decref(arr);
	arr = store_issues_list(s, &err);
	ok(arr && json_array_size(arr) >= 12, "issues are seeded (%zu)",
	   arr ? json_array_size(arr) : 0);
	json_decref(arr);
	o = store_issue_get(s, "source-code", &err);
	ok(o && strcmp(json_string_value(json_object_get(o, "name")),
		       "Source code") == 0, "issue by slug");
	json_decref(o);
	o = store_issue_get(s, "no-such-issue", &err);
	ok(o == NULL && err.msg[0] == '\0', "unknown slug: NULL, no error");
	ok(store_health(s, &h, &err) == 0 && h.jobs_queued == 0 &&
	   h.schema_version == store_schema_latest(), "health");
	ok(store_checkpoint(s, &err) == 0, "checkpoint");
	store_close(s);
	s = NULL;

	/* A database from a newer foivault is refused and left untouched. */
	raw(db, "PRAGMA user_version=9999");
	ok(store_open(db, 0, &s, &err) < 0, "a newer schema is refused");
	ok(strstr(err.msg, "newer") != NULL, "the message says why: %s", err.msg);
	raw(db, "PRAGMA user_version=1");

	/* Another program's SQLite file. */
	p = path("other.db");
	raw(p, "CREATE TABLE t(x); INSERT INTO t VALUES (1)");
	ok(store_open(p, 0, &s, &err) < 0, "a foreign SQLite file is refused");
	ok(strstr(err.msg, "another program") != NULL, "message: %s", err.msg);
	free(p);

	/* Garbage where the database should be. */
	p = path("garbage.db");
	fd = open(p, O_WRONLY | O_CREAT, 0600);
	for (int i = 0; i < 64; i++)
		(void)!write(fd, "this is not a database at all!!\n", 32);
	close(fd);
	ok(store_open(p, 0, &s, &err) < 0, "a corrupt file is refused");
	ok(strstr(err.msg, "not a foivault database") != NULL, "message: %s",
	   err.msg);
	free(p);

	/* Transactions: a rolled-back write is gone. */
	ok(store_open(db, 0, &s, &err) == 0, "reopen");
	ok(store_begin(s, &err) == 0, "BEGIN IMMEDIATE");
	store_rollback(s);
	ok(store_begin(s, &err) == 0 && store_commit(s, &err) == 0,
	   "begin and commit");
	store_close(s);
	free(db);
	p = xasprintf("rm -rf %s", dir);
	(void)!system(p);
	free(p);
	return done_testing();
}
