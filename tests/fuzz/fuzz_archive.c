/*
 * fuzz_archive.c - archive expansion (vault_archive_extract) over arbitrary
 * bytes. The input is written to a temp file (the API reads files), members
 * go to a temp dir that must be empty again after each run, and every member
 * handed over must be a file of the announced size inside that dir. Limits
 * are small so that each run stays fast.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vault_archive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/fv-fuzz-archive-XXXXXX";
static char *input_path;

static void
cleanup(void)
{
	if (input_path)
		unlink(input_path);
	rmdir(dir);
}

static int
on_member(const char *member, const char *tmp_path, uint64_t size, void *ctx,
	  struct error *err)
{
	struct stat sb;

	if (strncmp(tmp_path, dir, strlen(dir)) != 0 ||
	    stat(tmp_path, &sb) < 0 || (uint64_t)sb.st_size != size ||
	    !utf8_valid(member, strlen(member)))
		abort();
	return 0;
}

static void
on_skip(const char *member, const char *reason, void *ctx)
{
	if (reason == NULL || !utf8_valid(member, strlen(member)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vault_archive_limits lim;
	struct error err;
	DIR *d;
	struct dirent *de;
	FILE *f;

	if (input_path == NULL) {
		if (mkdtemp(dir) == NULL)
			abort();
		/* The input lives beside the tmp dir, not in it. */
		input_path = xasprintf("%s.in", dir);
		atexit(cleanup);
	}
	f = fopen(input_path, "wb");
	if (f == NULL)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	vault_archive_limits_default(&lim);
	lim.max_entries = 1000;
	lim.max_entry_size = 1 << 20;
	lim.max_total = 4 << 20;
	vault_archive_extract(input_path, dir, 0, &lim, on_member, on_skip,
			      NULL, NULL, &err);
	d = opendir(dir);
	if (d == NULL)
		abort();
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			abort(); /* a temp file was left behind */
	closedir(d);
	return 0;
}
