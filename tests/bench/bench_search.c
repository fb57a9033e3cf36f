/*
 * bench_search.c - how fast search is, against the bare FTS5 query.
 *
 * Builds a vault of BENCH_PAGES pages (default 10,000; $BENCH_SEARCH_PAGES
 * overrides) from the project's seed texts: their sentences shuffled into
 * pages of ~250 words, 20 pages a document, dates over 2012-2024, three
 * types and languages, each document linked to one or two negotiations and
 * issues, one in twenty embargoed. The bulk load writes the tables the way
 * store_document_finish() does (pages, then pages_fts in the same
 * transaction), through raw sqlite3 in one transaction, and its throughput
 * is printed as the indexing rate.
 *
 * Then, for a mix of queries (words, phrases, OR, NOT, prefixes, filters),
 * times in the same run:
 *   - store_search(): results page, total, facets and snippets, for the
 *     public viewer (visibility condition applied), as the API serves it;
 *   - the bare FTS5 query through the sqlite3 C API:
 *     SELECT rowid, rank FROM pages_fts WHERE pages_fts MATCH ?
 *     ORDER BY rank LIMIT 20
 * and prints p50 and p95 of each and their ratio. Seeds come from
 * $BENCH_SEEDS, or ../shared/seeds next to the source tree. Not a TAP test.
 *
 * $BENCH_SEARCH_DB names a vault file to keep: built there if it does not
 * exist, reused as it is if it does (the indexing rate is then not
 * measured), so that runs at 1,000,000 pages need not rebuild each time;
 * $BENCH_SEARCH_RUNS (1 to 30) sets how often each query runs.
 */
#include "config.h"

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "vault_query.h"

#define PAGES_PER_DOC 20
#define WORDS_PER_PAGE 250
#define RUNS 30                 /* at most; $BENCH_SEARCH_RUNS for fewer */

static char **sentences;
static size_t nsent;

static void
die(const char *what, const char *msg)
{
	fprintf(stderr, "bench_search: %s: %s\n", what, msg);
	exit(1);
}

static void
load_seeds(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;

	if (d == NULL)
		die(dir, "cannot open the seed texts (set BENCH_SEEDS)");
	while ((e = readdir(d)) != NULL) {
		char *path, *text, *p;
		FILE *f;
		long n;

		if (strstr(e->d_name, ".txt") == NULL)
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		free(path);
		if (f == NULL || fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0) {
			if (f)
				fclose(f);
			continue;
		}
		rewind(f);
		text = xmalloc((size_t)n + 1);
		text[fread(text, 1, (size_t)n, f)] = '\0';
		fclose(f);
		for (p = strtok(text, ".\n"); p; p = strtok(NULL, ".\n")) {
			while (*p == ' ')
				p++;
			if (strlen(p) < 20)
				continue;
			if (nsent == cap) {
				cap = cap ? 2 * cap : 1024;
				sentences = xrealloc(sentences, cap * sizeof(char *));
			}
			sentences[nsent++] = xasprintf("%s.", p);
		}
		free(text);
	}
	closedir(d);
	if (nsent == 0)
		die(dir, "no sentences in the seed texts");
}

static void
exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		die(sql, msg ? msg : "error");
}

static const char *const negs[] = { "wto-jsi-ecommerce", "tpp", "tisa",
				     "rcep", "usmca", "depa", "ttip" };
static const char *const isss[] = { "source-code", "data-localisation",
				    "cross-border-data-flows", "encryption",
				    "spam", "privacy", "net-neutrality" };

/* Builds the vault; returns the pages indexed per second. */
static double
build(const char *path, int pages)
{
	static const char *const kinds[] = { "pdf", "text", "email" };
	static const char *const langs[] = { "eng", "spa", "fra" };
	sqlite3 *db;
	sqlite3_stmt *doc, *page, *ln, *li;
	struct buf text;
	int64_t t0;
	double s;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(path, sqlite3_errmsg(db));
	exec(db, "BEGIN");
	t0 = now_usec();
	sqlite3_prepare_v2(db, "INSERT INTO documents(sha256, size, title, "
			   "mime, kind, lang, doc_date, status, pages, "
			   "pages_done, embargo_until) VALUES (?1, 1000, ?2, "
			   "'application/pdf', ?3, ?4, ?5, 'processing', ?6, ?6,"
			   " ?7)", -1, &doc, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO pages(document_id, n, text, "
			   "source) VALUES (?1, ?2, ?3, 'text')", -1, &page,
			   NULL);
	sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO document_negotiations("
			   "document_id, negotiation_id, provenance) SELECT ?1,"
			   " id, 'rule' FROM negotiations WHERE slug = ?2", -1,
			   &ln, NULL);
	sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO document_issues("
			   "document_id, issue_id, provenance) SELECT ?1, id, "
			   "'rule' FROM issues WHERE slug = ?2", -1, &li, NULL);
	buf_init(&text, 1 << 20);
	srand(42);
	for (int d = 0; d * PAGES_PER_DOC < pages; d++) {
		char sha[65], title[128], date[16];
		int64_t id;

		snprintf(sha, sizeof(sha), "%064x", d + 1);
		snprintf(title, sizeof(title), "%.60s",
			 sentences[(size_t)rand() % nsent]);
		snprintf(date, sizeof(date), "%04d-%02d-%02d", 2012 + rand() % 13,
			 1 + rand() % 12, 1 + rand() % 28);
		sqlite3_bind_text(doc, 1, sha, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(doc, 2, title, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(doc, 3, kinds[d % 3], -1, SQLITE_STATIC);
		sqlite3_bind_text(doc, 4, langs[(d / 3) % 3], -1, SQLITE_STATIC);
		sqlite3_bind_text(doc, 5, date, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(doc, 6, PAGES_PER_DOC);
		if (d % 20 == 7)
			sqlite3_bind_text(doc, 7, "2999-01-01", -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(doc, 7);
		if (sqlite3_step(doc) != SQLITE_DONE)
			die("documents", sqlite3_errmsg(db));
		sqlite3_reset(doc);
		id = sqlite3_last_insert_rowid(db);
		for (int k = 0; k < 1 + d % 2; k++) {
			sqlite3_bind_int64(ln, 1, id);
			sqlite3_bind_text(ln, 2, negs[(size_t)rand() % ARRAY_SIZE(negs)],
					  -1, SQLITE_STATIC);
			sqlite3_step(ln);
			sqlite3_reset(ln);
			sqlite3_bind_int64(li, 1, id);
			sqlite3_bind_text(li, 2, isss[(size_t)rand() % ARRAY_SIZE(isss)],
					  -1, SQLITE_STATIC);
			sqlite3_step(li);
			sqlite3_reset(li);
		}
		for (int n = 1; n <= PAGES_PER_DOC; n++) {
			int words = 0;

			buf_reset(&text);
			while (words < WORDS_PER_PAGE) {
				const char *snt = sentences[(size_t)rand() % nsent];

				buf_addstr(&text, snt);
				buf_addstr(&text, " ");
				for (const char *c = snt; *c; c++)
					words += *c == ' ';
				words++;
			}
			sqlite3_bind_int64(page, 1, id);
			sqlite3_bind_int(page, 2, n);
			sqlite3_bind_text(page, 3, text.data, (int)text.len,
					  SQLITE_STATIC);
			if (sqlite3_step(page) != SQLITE_DONE)
				die("pages", sqlite3_errmsg(db));
			sqlite3_reset(page);
		}
	}
	/* What store_document_finish() does, for every document at once. */
	exec(db, "INSERT INTO pages_fts(rowid, text) SELECT id, text FROM pages;"
	     "UPDATE documents SET status = 'done', indexed_at = "
	     "strftime('%Y-%m-%dT%H:%M:%SZ','now')");
	exec(db, "COMMIT");
	s = (double)(now_usec() - t0) / 1e6;
	sqlite3_finalize(doc);
	sqlite3_finalize(page);
	sqlite3_finalize(ln);
	sqlite3_finalize(li);
	buf_release(&text);
	exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	sqlite3_close(db);
	return pages / s;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
pct(double *v, int n, double p)
{
	int i = (int)(p * (n - 1) + 0.5);

	return v[i];
}

int
main(void)
{
	static const char *const queries[] = {
		"trade", "data", "source code", "\"source code\"",
		"\"cross-border data\"", "encrypt*", "privacy OR spam",
		"data -privacy", "digital trade rules", "localisation*",
		"issue:source-code data", "negotiation:tpp after:2018 privacy",
		"type:pdf lang:es internet", "negotiation:tisa",
	};
	const char *seeds = getenv("BENCH_SEEDS");
	const char *np = getenv("BENCH_SEARCH_PAGES");
	const char *keep = getenv("BENCH_SEARCH_DB");
	int pages = np ? atoi(np) : 10000;
	int runs = getenv("BENCH_SEARCH_RUNS") ?
		atoi(getenv("BENCH_SEARCH_RUNS")) : RUNS;
	char dir[] = "/tmp/fv-bench-search-XXXXXX";
	double all_ours[ARRAY_SIZE(queries) * RUNS], all_raw[ARRAY_SIZE(queries) * RUNS];
	int n_ours = 0, n_raw = 0;
	struct store *s;
	struct error err;
	sqlite3 *raw;
	sqlite3_stmt *bare;
	char *path;
	double rate = 0;

	if (pages < PAGES_PER_DOC)
		pages = PAGES_PER_DOC;
	if (runs < 1 || runs > RUNS)
		runs = RUNS;
	load_seeds(seeds ? seeds : SRCDIR_SEEDS);
	if (mkdtemp(dir) == NULL)
		die(dir, "mkdtemp");
	path = keep && *keep ? xstrdup(keep) : xasprintf("%s/foivault.db", dir);
	if (keep == NULL || !*keep || access(path, F_OK) != 0) {
		if (store_open(path, STORE_CREATE, &s, &err) < 0 ||
		    store_migrate(s, NULL, &err) < 0)
			die(path, err.msg);
		store_close(s);
		rate = build(path, pages);
		printf("vault: %d pages in %d documents from %zu seed sentences;"
		       " indexed %.0f pages/s (bulk, one transaction)\n", pages,
		       (pages + PAGES_PER_DOC - 1) / PAGES_PER_DOC, nsent, rate);
	} else {
		printf("vault: reusing %s\n", path);
	}
	/* Migrations a kept vault may lack (the bench may outlive a schema). */
	if (store_open(path, 0, &s, &err) < 0 ||
	    store_migrate(s, NULL, &err) < 0)
		die(path, err.msg);
	if (sqlite3_open_v2(path, &raw, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(raw, "SELECT rowid, rank FROM pages_fts WHERE "
			       "pages_fts MATCH ? ORDER BY rank LIMIT 20", -1,
			       &bare, NULL) != SQLITE_OK)
		die(path, sqlite3_errmsg(raw));

	printf("%-38s %7s %9s %9s %9s %9s %7s\n", "query (store_search: page "
	       "of 20, facets, snippets)", "total", "ours p50", "ours p95",
	       "fts5 p50", "fts5 p95", "ratio");
	for (size_t i = 0; i < ARRAY_SIZE(queries); i++) {
		struct store_search_opts o = { .text = queries[i], .page = 1,
					       .per_page = 20, .facets = 1 };
		struct vault_query *q = NULL;
		double ours[RUNS], bare_t[RUNS];
		int64_t total = 0;

		if (vault_query_parse(queries[i], strlen(queries[i]), &q, NULL,
				      &err) < 0)
			die(queries[i], err.msg);
		for (int r = 0; r < runs; r++) {
			int64_t t0 = now_usec();
			json_t *res = store_search(s, &store_public, q, &o, &err);

			ours[r] = (double)(now_usec() - t0) / 1000;
			if (res == NULL)
				die(queries[i], err.msg);
			total = json_integer_value(json_object_get(res, "total"));
			json_decref(res);
			if (q->match) {
				t0 = now_usec();
				sqlite3_bind_text(bare, 1, q->match, -1,
						  SQLITE_STATIC);
				while (sqlite3_step(bare) == SQLITE_ROW)
					;
				sqlite3_reset(bare);
				bare_t[r] = (double)(now_usec() - t0) / 1000;
			}
		}
		memcpy(all_ours + n_ours, ours, (size_t)runs * sizeof(double));
		n_ours += runs;
		qsort(ours, (size_t)runs, sizeof(double), cmp_double);
		if (q->match) {
			memcpy(all_raw + n_raw, bare_t, (size_t)runs * sizeof(double));
			n_raw += runs;
			qsort(bare_t, (size_t)runs, sizeof(double), cmp_double);
			printf("%-38s %7lld %7.2fms %7.2fms %7.2fms %7.2fms %6.1fx\n",
			       queries[i], (long long)total, pct(ours, runs, .5),
			       pct(ours, runs, .95), pct(bare_t, runs, .5),
			       pct(bare_t, runs, .95),
			       pct(ours, runs, .5) / pct(bare_t, runs, .5));
		} else {
			printf("%-38s %7lld %7.2fms %7.2fms %9s %9s %7s\n",
			       queries[i], (long long)total, pct(ours, runs, .5),
			       pct(ours, runs, .95), "-", "-", "-");
		}
		vault_query_free(q);
	}
	qsort(all_ours, (size_t)n_ours, sizeof(double), cmp_double);
	qsort(all_raw, (size_t)n_raw, sizeof(double), cmp_double);
	printf("all queries: ours p50 %.2f ms, p95 %.2f ms, p99 %.2f ms; "
	       "bare FTS5 p50 %.2f ms, p95 %.2f ms, p99 %.2f ms\n",
	       pct(all_ours, n_ours, .5), pct(all_ours, n_ours, .95),
	       pct(all_ours, n_ours, .99), pct(all_raw, n_raw, .5),
	       pct(all_raw, n_raw, .95), pct(all_raw, n_raw, .99));
	sqlite3_finalize(bare);
	sqlite3_close(raw);
	store_close(s);
	{
		char *cmd = xasprintf("rm -rf '%s'", dir);

		if (system(cmd) != 0)
			fprintf(stderr, "bench_search: could not remove %s\n", dir);
		free(cmd);
	}
	free(path);
	return 0;
}
