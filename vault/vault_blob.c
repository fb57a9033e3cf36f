/*
 * vault_blob.c - see vault_blob.h.
 *
 * Hashing and copying happen in one pass over the input. The temp file is
 * created with O_EXCL under DATA/tmp (same file system as the vault, so the
 * final rename is atomic) and removed on every error path.
 */
#include "config.h"

#include "vault_blob.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datadir.h"

#define BLOB_CHUNK (64 * 1024)

static int
valid_hash(const char *h)
{
	if (h == NULL || strlen(h) != 64)
		return 0;
	for (int i = 0; i < 64; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return 0;
	return 1;
}

char *
vault_blob_path(const char *data_dir, const char *hash)
{
	char *vault, *p;

	if (!valid_hash(hash))
		return NULL;
	vault = datadir_path(data_dir, "vault");
	p = xasprintf("%s/%.2s/%.2s/%s", vault, hash, hash + 2, hash);
	free(vault);
	return p;
}

static void
to_hex(const unsigned char *md, char out[VAULT_HASH_HEX])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

static int
write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* mkdir -p for the two fan-out levels under DATA/vault. */
static int
make_parents(const char *path, struct error *err)
{
	char *copy = xstrdup(path);
	char *slash = strrchr(copy, '/');
	int rc = 0;

	if (slash) {
		char *mid;

		*slash = '\0';
		mid = strrchr(copy, '/');
		if (mid) {
			*mid = '\0';
			if (mkdir(copy, 0750) < 0 && errno != EEXIST)
				rc = error_set(err, "cannot create %s: %s", copy,
					       strerror(errno));
			*mid = '/';
		}
		if (rc == 0 && mkdir(copy, 0750) < 0 && errno != EEXIST)
			rc = error_set(err, "cannot create %s: %s", copy,
				       strerror(errno));
	}
	free(copy);
	return rc;
}

/*
 * Streams from src_fd (or mem) into a temp file, hashing as it goes, then
 * renames it into place unless an identical blob is already there.
 */
static int
put(const char *data_dir, int src_fd, const void *mem, size_t mem_len,
    uint64_t max_size, char ret_hash[VAULT_HASH_HEX], uint64_t *ret_size,
    struct error *err)
{
	crypto_hash_sha256_state st;
	unsigned char md[crypto_hash_sha256_BYTES];
	char hash[VAULT_HASH_HEX];
	char *tmpdir = datadir_path(data_dir, "tmp");
	char *tmp = xasprintf("%s/blob.XXXXXX", tmpdir);
	char *final = NULL;
	unsigned char *chunk = NULL;
	uint64_t total = 0;
	int fd, rc = -1;

	fd = mkstemp(tmp);
	if (fd < 0) {
		error_set(err, "cannot create a file in %s: %s", tmpdir,
			  strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	crypto_hash_sha256_init(&st);
	if (mem != NULL) {
		if (mem_len > max_size) {
			error_set(err, "the file is larger than the limit of "
				  "%llu bytes", (unsigned long long)max_size);
			goto out;
		}
		crypto_hash_sha256_update(&st, mem, mem_len);
		if (write_all(fd, mem, mem_len) < 0) {
			error_set(err, "cannot write to %s: %s", tmpdir,
				  strerror(errno));
			goto out;
		}
		total = mem_len;
	} else {
		chunk = xmalloc(BLOB_CHUNK);
		for (;;) {
			ssize_t n = read(src_fd, chunk, BLOB_CHUNK);

			if (n < 0) {
				if (errno == EINTR)
					continue;
				error_set(err, "cannot read: %s", strerror(errno));
				goto out;
			}
			if (n == 0)
				break;
			total += (uint64_t)n;
			if (total > max_size) {
				error_set(err, "the file is larger than the "
					  "limit of %llu bytes",
					  (unsigned long long)max_size);
				goto out;
			}
			crypto_hash_sha256_update(&st, chunk, (size_t)n);
			if (write_all(fd, chunk, (size_t)n) < 0) {
				error_set(err, "cannot write to %s: %s", tmpdir,
					  strerror(errno));
				goto out;
			}
		}
	}
	if (fsync(fd) < 0) {
		error_set(err, "cannot flush to disk: %s", strerror(errno));
		goto out;
	}
	crypto_hash_sha256_final(&st, md);
	to_hex(md, hash);
	final = vault_blob_path(data_dir, hash);
	if (access(final, F_OK) != 0) {
		if (make_parents(final, err) < 0)
			goto out;
		if (rename(tmp, final) < 0) {
			error_set(err, "cannot move the blob into the vault: %s",
				  strerror(errno));
			goto out;
		}
		free(tmp);
		tmp = NULL;
	}
	memcpy(ret_hash, hash, VAULT_HASH_HEX);
	if (ret_size)
		*ret_size = total;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp)
		unlink(tmp);
	free(tmp);
	free(tmpdir);
	free(final);
	free(chunk);
	return rc;
}

int
vault_blob_put_file(const char *data_dir, const char *src_path,
		    uint64_t max_size, char ret_hash[VAULT_HASH_HEX],
		    uint64_t *ret_size, struct error *err)
{
	int fd = open(src_path, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return error_set(err, "%s: %s", src_path, strerror(errno));
	rc = put(data_dir, fd, NULL, 0, max_size, ret_hash, ret_size, err);
	close(fd);
	return rc;
}

int
vault_blob_put_mem(const char *data_dir, const void *data, size_t len,
		   char ret_hash[VAULT_HASH_HEX], struct error *err)
{
	return put(data_dir, -1, data ? data : "", len, UINT64_MAX, ret_hash,
		   NULL, err);
}

int
vault_blob_verify(const char *data_dir, const char *hash, struct error *err)
{
	crypto_hash_sha256_state st;
	unsigned char md[crypto_hash_sha256_BYTES];
	char got[VAULT_HASH_HEX];
	char *path = vault_blob_path(data_dir, hash);
	unsigned char *chunk = NULL;
	int fd = -1, rc = -1;

	if (path == NULL)
		return error_set(err, "'%s' is not a SHA-256 hash", hash);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		error_set(err, "blob %s is missing: %s", hash, strerror(errno));
		goto out;
	}
	chunk = xmalloc(BLOB_CHUNK);
	crypto_hash_sha256_init(&st);
	for (;;) {
		ssize_t n = read(fd, chunk, BLOB_CHUNK);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			error_set(err, "blob %s: %s", hash, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		crypto_hash_sha256_update(&st, chunk, (size_t)n);
	}
	crypto_hash_sha256_final(&st, md);
	to_hex(md, got);
	if (strcmp(got, hash) != 0) {
		error_set(err, "blob %s is corrupt: its content hashes to %s",
			  hash, got);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(chunk);
	free(path);
	return rc;
}
