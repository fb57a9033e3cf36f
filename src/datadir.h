/*
 * datadir.h - the data directory: where an instance keeps its database, its
 * vault of original files and its scratch space.
 *
 *   DATA/foivault.db       SQLite database (plus -wal and -shm while open)
 *   DATA/foivault.conf     optional settings (see docs/admin.md)
 *   DATA/vault/            original files, content-addressed by SHA-256
 *   DATA/tmp/              uploads and downloads in progress
 *   DATA/laws/             optional per-instance law files and closures
 */
#ifndef FOIVAULT_DATADIR_H
#define FOIVAULT_DATADIR_H

#include "util.h"

/*
 * Creates the directory and its subdirectories if missing (create != 0), or
 * checks that they exist; in both cases checks that they are writable.
 */
int datadir_prepare(const char *dir, int create, struct error *err);
/*
 * The server holds an exclusive lock on DATA/serve.lock while it runs, so
 * that other commands know whether its workers are processing the queue.
 * datadir_lock_serve() returns the lock's fd (keep it open) or -1 with a
 * message if another server holds it.
 */
int datadir_lock_serve(const char *dir, struct error *err);
/* 1 if a server holds the lock, 0 if not. */
int datadir_serve_running(const char *dir);
/* DATA/name, newly allocated. */
char *datadir_path(const char *dir, const char *name);

#endif
