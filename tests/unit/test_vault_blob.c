/* test_vault_blob.c - content-addressed blobs: store, dedupe, verify. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datadir.h"
#include "tap.h"
#include "vault_blob.h"

int
main(void)
{
	char dir[] = "/tmp/fv-blob-XXXXXX";
	char hash[VAULT_HASH_HEX], hash2[VAULT_HASH_HEX];
	struct error err;
	uint64_t size = 0;
	char *p, *src, *cmd;
	FILE *f;

	if (mkdtemp(dir) == NULL || datadir_prepare(dir, 1, &err) < 0)
		return 1;
	ok(vault_blob_put_mem(dir, "abc", 3, hash, &err) == 0, "store 'abc'");
	/* SHA-256("abc") from FIPS 180-2, appendix B.1. */
	is_str(hash, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	       "its name is its SHA-256");
	p = vault_blob_path(dir, hash);
	ok(p && access(p, R_OK) == 0, "the blob is at %s", p ? p : "?");
	ok(vault_blob_verify(dir, hash, &err) == 0, "an intact blob verifies");

	src = xasprintf("%s/tmp/src", dir);
	f = fopen(src, "w");
	fputs("abc", f);
	fclose(f);
	ok(vault_blob_put_file(dir, src, 1024, hash2, &size, &err) == 0 &&
	   strcmp(hash, hash2) == 0 && size == 3, "the same bytes from a file "
	   "give the same blob");
	ok(vault_blob_put_file(dir, src, 2, hash2, &size, &err) < 0,
	   "a file past the size cap is refused: %s", err.msg);
	ok(vault_blob_put_file(dir, src, 3, hash2, &size, &err) == 0,
	   "a file at the size cap is stored");

	f = fopen(p, "w");
	fputs("abd", f);
	fclose(f);
	ok(vault_blob_verify(dir, hash, &err) < 0 && strstr(err.msg, "corrupt"),
	   "a changed blob is reported corrupt: %s", err.msg);
	unlink(p);
	ok(vault_blob_verify(dir, hash, &err) < 0 && strstr(err.msg, "missing"),
	   "a missing blob is reported: %s", err.msg);
	ok(vault_blob_path(dir, "../../etc/passwd") == NULL,
	   "a malformed hash has no path");
	ok(vault_blob_verify(dir, "ABC", &err) < 0, "verify refuses a malformed hash");

	cmd = xasprintf("ls %s/tmp | grep -c blob", dir);
	f = popen(cmd, "r");
	{
		char line[32] = "";

		(void)!fgets(line, sizeof(line), f);
		is_int(atoi(line), 0, "no temp files are left behind");
	}
	pclose(f);
	free(cmd);
	free(src);
	free(p);
	cmd = xasprintf("rm -rf %s", dir);
	(void)!system(cmd);
	free(cmd);
	return done_testing();
}
