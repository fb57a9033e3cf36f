/*
 * store_schema.c - the database schema as a list of migrations.
 *
 * Rules for whoever adds one: append, never edit a migration that has been
 * released; each entry runs in one transaction together with the bump of
 * PRAGMA user_version; write it so that it works on a database that has all
 * the earlier ones. docs/architecture.md describes the tables.
 */
#include "config.h"

#include "store_internal.h"

const char *const store_migrations[] = {
	/* 1: reference data and the durable job queue. */
	"CREATE TABLE negotiations ("
	"  id INTEGER PRIMARY KEY,"
	"  slug TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  forum TEXT,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
	");"
	"CREATE TABLE issues ("
	"  id INTEGER PRIMARY KEY,"
	"  slug TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
	");"
	/*
	 * A job is claimed by setting state = 'running' with a lease; a lease
	 * that runs out (the worker died) makes the job claimable again, and
	 * attempts counts how often that happened.
	 */
	"CREATE TABLE jobs ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL,"
	"  payload TEXT NOT NULL DEFAULT '{}',"
	"  state TEXT NOT NULL DEFAULT 'queued'"
	"    CHECK (state IN ('queued','running','done','failed')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  lease_until INTEGER,"
	"  error TEXT,"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
	");"
	"CREATE INDEX jobs_state ON jobs(state, id);",
};

const int store_migrations_count =
	(int)(sizeof(store_migrations) / sizeof(store_migrations[0]));
