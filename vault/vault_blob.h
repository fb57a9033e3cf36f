/*
 * vault_blob.h - the content-addressed store of original files.
 *
 * A blob is kept at DATA/vault/ab/cd/abcdef...(64 hex digits of its
 * SHA-256). Storing the same bytes twice keeps one copy. A blob is written
 * to DATA/tmp first, flushed to disk and renamed into place, so a crash
 * leaves either the whole blob or none; blobs are never modified, and
 * vault_blob_verify() proves a blob still has the bytes it was stored with.
 */
#ifndef FOIVAULT_VAULT_BLOB_H
#define FOIVAULT_VAULT_BLOB_H

#include <stdint.h>

#include "util.h"

#define VAULT_HASH_HEX 65 /* 64 hex digits and a NUL */

/*
 * Copies the file at src_path into the vault of data_dir. ret_hash gets the
 * hex SHA-256, ret_size the size. max_size caps what is accepted.
 */
int vault_blob_put_file(const char *data_dir, const char *src_path,
			uint64_t max_size, char ret_hash[VAULT_HASH_HEX],
			uint64_t *ret_size, struct error *err);
/* Stores a buffer. */
int vault_blob_put_mem(const char *data_dir, const void *data, size_t len,
		       char ret_hash[VAULT_HASH_HEX], struct error *err);
/* The path of a stored blob (newly allocated); NULL if hash is malformed. */
char *vault_blob_path(const char *data_dir, const char *hash);
/* Re-hashes a stored blob: 0 if intact, -1 with a message if not. */
int vault_blob_verify(const char *data_dir, const char *hash,
		      struct error *err);

#endif
