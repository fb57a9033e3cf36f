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
/* DATA/name, newly allocated. */
char *datadir_path(const char *dir, const char *name);

#endif
