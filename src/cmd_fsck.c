/*
 * cmd_fsck.c - "foivault fsck": checks that the evidence is intact.
 *
 * - SQLite's integrity_check and the FTS5 index's own check;
 * - every document's original: present in the vault and still hashing to
 *   its name (a changed byte is reported as corrupt);
 * - documents stuck between states: queued or processing with no job,
 *   done with pages missing;
 * - blobs in the vault that no document refers to, and leftovers in tmp/.
 * With --repair it queues stuck documents again (they are re-processed from
 * their original) and removes temp files older than a day. It never
 * deletes a blob: an unreferenced original is still evidence.
 * Exit status: 0 all good, 1 problems found (repaired or not).
 */
#include "config.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "datadir.h"
#include "vault_blob.h"

const char cmd_fsck_usage[] =
	"usage: foivault [--data DIR] fsck [--repair] [--quiet]\n"
	"Checks the database, the search index and every original in the\n"
	"vault (re-hashing it). Reports each problem on one line.\n"
	"  --repair  queue stuck or incomplete documents again, remove stale\n"
	"            temp files (never deletes an original)\n"
	"  --quiet   print problems only\n"
	"Exit status 0 if everything is intact, 1 if problems were found.\n";

#define FSCK_TMP_AGE (24 * 3600)

struct fsck {
	struct cli *cli;
	struct store *s;
	int repair, problems, repaired;
	int64_t docs, blobs_ok;
	/* Hashes that documents refer to, sorted, for the orphan check. */
	char **hashes;
	size_t nhashes, cap;
};

static void
problem(struct fsck *f, const char *fmt, ...) PRINTF_LIKE(2, 3);

static void
problem(struct fsck *f, const char *fmt, ...)
{
	va_list ap;

	f->problems++;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void
requeue(struct fsck *f, int64_t id)
{
	struct error err;

	if (!f->repair)
		return;
	if (store_document_requeue(f->s, id, &err) < 0) {
		printf("  could not re-queue document %lld: %s\n", (long long)id,
		       err.msg);
		return;
	}
	printf("  re-queued document %lld\n", (long long)id);
	f->repaired++;
}

static void
check_doc(const struct store_fsck_doc *d, void *ctx)
{
	struct fsck *f = ctx;
	struct error err;

	f->docs++;
	if (d->sha256) {
		if (f->nhashes == f->cap) {
			f->cap = f->cap ? f->cap * 2 : 256;
			f->hashes = xrealloc(f->hashes,
					     f->cap * sizeof(*f->hashes));
		}
		f->hashes[f->nhashes++] = xstrdup(d->sha256);
		if (vault_blob_verify(f->cli->data_dir, d->sha256, &err) < 0) {
			problem(f, "document %lld: %s", (long long)d->id, err.msg);
			return; /* nothing to re-process it from */
		}
		f->blobs_ok++;
	}
	if ((strcmp(d->status, "queued") == 0 ||
	     strcmp(d->status, "processing") == 0) && d->jobs == 0 &&
	    d->duplicate_of == 0) {
		problem(f, "document %lld: %s but no job will process it",
			(long long)d->id, d->status);
		if (d->sha256)
			requeue(f, d->id);
	} else if (strcmp(d->status, "done") == 0 && d->duplicate_of == 0 &&
		   d->pages_stored < d->pages) {
		problem(f, "document %lld: done but only %d of %d pages stored",
			(long long)d->id, d->pages_stored, d->pages);
		requeue(f, d->id);
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walks vault/ab/cd/HASH and reports blobs no document refers to. */
static void
check_orphans(struct fsck *f)
{
	char *vault = datadir_path(f->cli->data_dir, "vault");
	DIR *d1 = opendir(vault);
	struct dirent *e1;

	qsort(f->hashes, f->nhashes, sizeof(*f->hashes), cmp_str);
	while (d1 && (e1 = readdir(d1)) != NULL) {
		char *p1;
		DIR *d2;
		struct dirent *e2;

		if (e1->d_name[0] == '.')
			continue;
		p1 = xasprintf("%s/%s", vault, e1->d_name);
		d2 = opendir(p1);
		while (d2 && (e2 = readdir(d2)) != NULL) {
			char *p2;
			DIR *d3;
			struct dirent *e3;

			if (e2->d_name[0] == '.')
				continue;
			p2 = xasprintf("%s/%s", p1, e2->d_name);
			d3 = opendir(p2);
			while (d3 && (e3 = readdir(d3)) != NULL) {
				char *key = e3->d_name;

				if (key[0] == '.')
					continue;
				if (bsearch(&key, f->hashes, f->nhashes,
					    sizeof(*f->hashes), cmp_str) == NULL)
					problem(f, "vault: %s/%s is not the "
						"original of any document (kept)",
						p2, key);
			}
			if (d3)
				closedir(d3);
			free(p2);
		}
		if (d2)
			closedir(d2);
		free(p1);
	}
	if (d1)
		closedir(d1);
	free(vault);
}

static void
check_tmp(struct fsck *f)
{
	char *tmp = datadir_path(f->cli->data_dir, "tmp");
	DIR *d = opendir(tmp);
	struct dirent *e;
	time_t now = time(NULL);

	while (d && (e = readdir(d)) != NULL) {
		struct stat sb;
		char *p;

		if (e->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", tmp, e->d_name);
		if (lstat(p, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    now - sb.st_mtime > FSCK_TMP_AGE) {
			problem(f, "tmp: %s is a leftover from an interrupted "
				"upload or fetch", p);
			if (f->repair && unlink(p) == 0) {
				printf("  removed %s\n", p);
				f->repaired++;
			}
		}
		free(p);
	}
	if (d)
		closedir(d);
	free(tmp);
}

int
cmd_fsck(struct cli *cli, int argc, char **argv)
{
	struct fsck f = { 0 };
	struct error err;
	struct buf report;
	int quiet = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--repair") == 0)
			f.repair = 1;
		else if (strcmp(argv[i], "--quiet") == 0)
			quiet = 1;
		else
			return cli_usage_error(cli, "unknown argument '%s'",
					       argv[i]);
	}
	f.cli = cli;
	if (cli_open_store(cli, 0, &f.s, &err) < 0)
		return cli_fail(&err);
	buf_init(&report, 1 << 20);
	rc = store_integrity_check(f.s, &report, &err);
	if (rc < 0) {
		buf_release(&report);
		store_close(f.s);
		return cli_fail(&err);
	}
	if (rc > 0) {
		f.problems++;
		fputs(report.data, stdout);
	}
	buf_release(&report);
	if (store_fsck_documents(f.s, check_doc, &f, &err) < 0) {
		store_close(f.s);
		return cli_fail(&err);
	}
	check_orphans(&f);
	check_tmp(&f);
	if (!quiet || f.problems)
		printf("fsck: %lld documents, %lld originals verified, %d "
		       "problem%s%s\n", (long long)f.docs, (long long)f.blobs_ok,
		       f.problems, f.problems == 1 ? "" : "s",
		       f.repair ? (f.repaired ? ", repairs made" : ", nothing "
				   "repaired") : "");
	for (size_t i = 0; i < f.nhashes; i++)
		free(f.hashes[i]);
	free(f.hashes);
	store_close(f.s);
	return f.problems ? EXIT_USER : EXIT_OK;
}
