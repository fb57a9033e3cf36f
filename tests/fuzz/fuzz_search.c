/*
 * fuzz_search.c - libFuzzer target for search end to end below HTTP: the
 * query language (vault_query_parse(), also fuzzed alone as "query") and
 * then store_search() and store_search_document() against a small real
 * vault, built with the store API in a temp dir on the first call (six
 * documents in three languages, one with markup in its text, one under
 * embargo), the way tests/unit/test_store_search.c builds its own.
 *
 * The input is the query as typed (at most FUZZ_SEARCH_MAX_INPUT bytes,
 * more than the parser accepts). The search options (sort, page, page
 * size, facets, public or admin viewer) are picked from a hash of the
 * input, so that the fuzzer reaches all of them with the same corpus as
 * the query target.
 *
 * Checked: a query that parses always searches without an error (an SQL
 * or FTS5 error is a bug), the results are no more than a page and no more
 * than the total, the public never sees the embargoed document, and
 * snippets hold no markup but <mark>. The temp dir goes at exit.
 */
#include "config.h"

#include <ftw.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "util.h"
#include "vault_query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_SEARCH_MAX_INPUT 2048
#define EMBARGOED_DOC 4

static char dir[] = "/tmp/fv-fuzz-search-XXXXXX";
static struct store *store;
static int64_t ndocs;

struct doc {
	const char *title, *date, *lang, *neg, *issue, *pages[3];
};

static const struct doc docs[] = {
	{ "Source code rules", "2018-05-01", "eng", "wto-jsi-ecommerce",
	  "source-code", { "Introduction about trade in common terms.",
			   "Members shall not require the transfer of source "
			   "code as a condition.", "Source code, source code." } },
	{ "Nota sobre localización", "2020-01-10", "spa", "tisa",
	  "data-localisation", { "El Número de la propuesta, common.",
				 "The symbol JOB/GC/178 appears; WT/MIN(17)/60.",
				 NULL } },
	{ "Hostile page", "2019-03-03", "eng", NULL, "encryption",
	  { "before <script>alert('x')</script> & \"encryption\" "
	    "\xef\xb7\x91 after <mark>fake</mark> common", NULL, NULL } },
	{ "Embargoed memo", "2021-06-01", "fra", "tpp", "spam",
	  { "Secret zebra text about encryption, common.", NULL, NULL } },
	{ "Minutes", "2017-02-02", "eng", "tpp", NULL,
	  { "encryption standards were discussed, common.", NULL, NULL } },
	{ "暗号化 policy", NULL, "jpn", NULL, NULL,
	  { "暗号化 standards と near or not AND \"quoted\" *", NULL, NULL } },
};

static void
die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_search: %s: %s\n", what, detail ? detail : "");
	abort();
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

static void
cleanup(void)
{
	store_close(store);
	store = NULL;
	nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static void
add_doc(const struct doc *d, int n)
{
	struct store_doc_new nd = { 0 };
	const char *neg[1] = { d->neg }, *iss[1] = { d->issue };
	struct error err;
	char sha[65];
	int64_t id = 0;
	int np = 0;

	snprintf(sha, sizeof(sha), "%064x", n);
	nd.sha256 = sha;
	nd.size = 1;
	nd.title = d->title;
	nd.lang = d->lang;
	nd.doc_date = d->date;
	nd.source_kind = "path";
	nd.source_name = d->title;
	nd.negotiations = neg;
	nd.n_negotiations = d->neg ? 1 : 0;
	nd.issues = iss;
	nd.n_issues = d->issue ? 1 : 0;
	while (np < 3 && d->pages[np])
		np++;
	if (store_document_add(store, &nd, &id, NULL, &err) < 0 ||
	    store_document_start(store, id, "application/pdf", "pdf", np,
				 &err) < 0)
		die("add", err.msg);
	for (int i = 0; i < np; i++) {
		struct store_page p = { 0 };

		p.n = i + 1;
		p.text = d->pages[i];
		p.source = "text";
		p.confidence = -1;
		if (store_page_put(store, id, &p, &err) < 0)
			die("page", err.msg);
	}
	if (store_document_finish(store, id, 0, NULL, "done", NULL, &err) < 0)
		die("finish", err.msg);
	ndocs = id;
}

static void
setup(void)
{
	struct error err;
	sqlite3 *raw;
	char *path;
	int applied;

	if (mkdtemp(dir) == NULL)
		die("mkdtemp", dir);
	atexit(cleanup);
	path = xasprintf("%s/foivault.db", dir);
	if (store_open(path, STORE_CREATE, &store, &err) < 0 ||
	    store_migrate(store, &applied, &err) < 0)
		die("store", err.msg);
	for (size_t i = 0; i < ARRAY_SIZE(docs); i++)
		add_doc(&docs[i], (int)i + 1);
	/* As in test_store_search.c: no store function sets an embargo yet. */
	if (sqlite3_open(path, &raw) != SQLITE_OK ||
	    sqlite3_exec(raw, "UPDATE documents SET embargo_until = "
			 "'2999-01-01' WHERE id = 4", NULL, NULL, NULL) !=
	    SQLITE_OK)
		die("embargo", sqlite3_errmsg(raw));
	sqlite3_close(raw);
	free(path);
}

/* A snippet holds no markup but <mark> and </mark>. */
static void
check_snippet(const char *snip)
{
	for (const char *p = snip; p && *p;) {
		if (strncmp(p, "<mark>", 6) == 0)
			p += 6;
		else if (strncmp(p, "</mark>", 7) == 0)
			p += 7;
		else if (*p == '<' || *p == '>')
			die("markup in a snippet", snip);
		else
			p++;
	}
}

static void
check_pages(json_t *pages)
{
	size_t k;
	json_t *p;

	json_array_foreach(pages, k, p)
		check_snippet(json_string_value(json_object_get(p, "snippet")));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct store_viewer admin = { .admin = 1 };
	struct vault_query *q = NULL;
	struct store_search_opts o = { 0 };
	const struct store_viewer *v;
	struct error err = { "" };
	json_t *res, *results, *d;
	uint32_t h = 2166136261u;
	size_t i;

	if (store == NULL)
		setup();
	if (size > FUZZ_SEARCH_MAX_INPUT)
		size = FUZZ_SEARCH_MAX_INPUT;
	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	if (vault_query_parse((const char *)data, size, &q, NULL, &err) < 0)
		return 0;
	o.text = "fuzz";
	o.sort = (enum store_search_sort)(h % 3);
	o.page = (int)(h >> 2) % 3 + 1;
	o.per_page = (int)(h >> 4) % 4 + 1;
	o.facets = (int)(h >> 6) & 1;
	v = (h >> 7) & 1 ? &admin : &store_public;
	res = store_search(store, v, q, &o, &err);
	if (res == NULL)
		die("store_search", err.msg);
	results = json_object_get(res, "results");
	if (json_array_size(results) > (size_t)o.per_page ||
	    json_integer_value(json_object_get(res, "total")) <
	    (json_int_t)json_array_size(results))
		die("more results than a page or the total", NULL);
	json_array_foreach(results, i, d) {
		if (v == &store_public &&
		    json_integer_value(json_object_get(d, "id")) == EMBARGOED_DOC)
			die("the public sees the embargoed document", NULL);
		check_pages(json_object_get(d, "pages"));
	}
	json_decref(res);
	if (q->match != NULL) {
		int64_t doc = (int64_t)(h >> 8) % (ndocs + 1) + 1;

		err.msg[0] = '\0';
		res = store_search_document(store, v, doc, q, &err);
		if (res == NULL && err.msg[0] != '\0')
			die("store_search_document", err.msg);
		if (res && v == &store_public && doc == EMBARGOED_DOC)
			die("the public searches in the embargoed document",
			    NULL);
		if (res)
			check_pages(json_object_get(res, "pages"));
		json_decref(res);
	}
	vault_query_free(q);
	return 0;
}
