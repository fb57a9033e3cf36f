/*
 * test_store_search.c - search over a real SQLite vault built through the
 * store API: ranking, the operators, folding, symbols, every filter, facets,
 * pagination, sorting, snippet escaping, the embargo (hidden from results,
 * totals, facets and snippets alike) and hostile queries (a parse error or
 * results, never an SQL error).
 */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fvlimits.h"
#include "store.h"
#include "tap.h"
#include "vault_query.h"

static char dir[] = "/tmp/fv-search-XXXXXX";
static struct store *s;

struct doc_spec {
	const char *title, *date, *lang, *kind;
	const char *negotiation, *issue;
	const char *pages[4];
};

static int64_t
add_doc(const struct doc_spec *d, int n)
{
	struct store_doc_new nd = { 0 };
	const char *neg[1] = { d->negotiation }, *iss[1] = { d->issue };
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
	nd.n_negotiations = d->negotiation ? 1 : 0;
	nd.issues = iss;
	nd.n_issues = d->issue ? 1 : 0;
	while (np < 4 && d->pages[np])
		np++;
	if (store_document_add(s, &nd, &id, NULL, &err) < 0 ||
	    store_document_start(s, id, "application/pdf", d->kind, np,
				 &err) < 0) {
		diag("add: %s", err.msg);
		return 0;
	}
	for (int i = 0; i < np; i++) {
		struct store_page p = { 0 };

		p.n = i + 1;
		p.text = d->pages[i];
		p.source = "text";
		p.confidence = -1;
		if (store_page_put(s, id, &p, &err) < 0)
			diag("page: %s", err.msg);
	}
	if (store_document_finish(s, id, 0, NULL, "done", NULL, &err) < 0)
		diag("finish: %s", err.msg);
	return id;
}

/* Parses and runs q; res NULL with err set on a parse or store error. */
static json_t *
search_opts(const char *text, size_t len, const struct store_viewer *v,
	    struct store_search_opts *o, char *ret_err)
{
	struct vault_query *q = NULL;
	struct error err;
	json_t *res;

	ret_err[0] = '\0';
	if (vault_query_parse(text, len, &q, NULL, &err) < 0) {
		snprintf(ret_err, 512, "parse: %s", err.msg);
		return NULL;
	}
	res = store_search(s, v, q, o, &err);
	if (res == NULL)
		snprintf(ret_err, 512, "store: %s", err.msg);
	vault_query_free(q);
	return res;
}

static char last_err[512];

static json_t *
search_v(const char *text, const struct store_viewer *v)
{
	struct store_search_opts o = { .text = text, .page = 1,
				       .per_page = 20, .facets = 1 };

	return search_opts(text, strlen(text), v, &o, last_err);
}

static json_t *
search(const char *text)
{
	return search_v(text, &store_public);
}

static int64_t
total(json_t *res)
{
	return res ? json_integer_value(json_object_get(res, "total")) : -1;
}

/* The ids of the results, as "1,2,3". */
static const char *
ids(json_t *res)
{
	static char buf[256];
	size_t i, n = 0;
	json_t *d;

	buf[0] = '\0';
	json_array_foreach(json_object_get(res, "results"), i, d)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%lld",
				      i ? "," : "", (long long)json_integer_value(
					      json_object_get(d, "id")));
	return buf;
}

/* The hit page numbers of result i, as "2,3". */
static const char *
pages_of(json_t *res, size_t i)
{
	static char buf[256];
	json_t *d = json_array_get(json_object_get(res, "results"), i), *p;
	size_t k, n = 0;

	buf[0] = '\0';
	json_array_foreach(json_object_get(d, "pages"), k, p)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%lld",
				      k ? "," : "", (long long)json_integer_value(
					      json_object_get(p, "n")));
	return buf;
}

static const char *
snippet_of(json_t *res, size_t i, size_t k)
{
	json_t *d = json_array_get(json_object_get(res, "results"), i);

	return json_string_value(json_object_get(json_array_get(
		json_object_get(d, "pages"), k), "snippet"));
}

/* The count of value in facet name, or 0. */
static int64_t
facet_count(json_t *res, const char *name, const char *value)
{
	json_t *arr = json_object_get(json_object_get(res, "facets"), name), *f;
	size_t i;

	json_array_foreach(arr, i, f)
		if (strcmp(json_string_value(json_object_get(f, "value")),
			   value) == 0)
			return json_integer_value(json_object_get(f, "count"));
	return 0;
}

/* A snippet holds no markup but <mark> and </mark>. */
static int
only_marks(const char *snip)
{
	int rest = 0;

	for (const char *p = snip; *p;) {
		if (strncmp(p, "<mark>", 6) == 0)
			p += 6;
		else if (strncmp(p, "</mark>", 7) == 0)
			p += 7;
		else
			rest |= *p == '<' || *p++ == '>';
	}
	return !rest;
}

static void
expect(const char *q, const char *want_ids, const char *name)
{
	json_t *res = search(q);

	if (res == NULL) {
		ok(0, "%s: %s", name, last_err);
		return;
	}
	is_str(ids(res), want_ids, "%s (%s)", name, q);
	json_decref(res);
}

int
main(void)
{
	static const struct doc_spec docs[] = {
		{ "Source code rules", "2018-05-01", "eng", "pdf",
		  "wto-jsi-ecommerce", "source-code",
		  { "Introduction about trade in common terms.",
		    "Members shall not require the transfer of source code "
		    "as a condition.",
		    "Source code, source code and source code disclosure.",
		    NULL } },
		{ "Nota sobre localización", "2020-01-10", "spa", "text",
		  "tisa", "data-localisation",
		  { "El Número de la propuesta sobre localización de datos, "
		    "common.",
		    "The symbol JOB/GC/178 appears here; also JOB/GC/17 and 8.",
		    NULL } },
		{ "Hostile page", "2019-03-03", "eng", "html", NULL,
		  "encryption",
		  { "before <script>alert('x')</script> & \"encryption\" "
		    "\xef\xb7\x91 after \xef\xb7\x90 common",
		    NULL } },
		{ "Embargoed memo", "2021-06-01", "fra", "pdf", "tpp", "spam",
		  { "Secret zebra text about encryption, common.", NULL } },
		{ "Minutes", "2017-02-02", "eng", "pdf", "tpp", NULL,
		  { "encryption standards were discussed, common.", NULL } },
		{ "Encryption policy", NULL, "eng", "pdf", NULL, NULL,
		  { "encryption standards were discussed, at length today.",
		    NULL } },
	};
	struct store_search_opts o = { .page = 1, .per_page = 2, .facets = 1 };
	struct error err;
	json_t *res, *r2;
	char *path, e[512];
	int64_t id[6];
	int applied;
	sqlite3 *raw;

	if (mkdtemp(dir) == NULL)
		return 1;
	path = xasprintf("%s/foivault.db", dir);
	if (store_open(path, STORE_CREATE, &s, &err) < 0 ||
	    store_migrate(s, &applied, &err) < 0) {
		printf("Bail out! %s\n", err.msg);
		return 1;
	}
	for (int i = 0; i < 6; i++)
		id[i] = add_doc(&docs[i], i + 1);
	ok(id[0] == 1 && id[5] == 6, "six documents added");
	/* No store function sets an embargo yet; the requests issue will. */
	sqlite3_open(path, &raw);
	sqlite3_exec(raw, "UPDATE documents SET embargo_until = '2999-01-01'"
		     " WHERE id = 4", NULL, NULL, NULL);
	sqlite3_close(raw);

	/* ---- ranking, hit pages, operators --------------------------------- */
	res = search("\"source code\"");
	ok(res != NULL, "phrase search runs %s", last_err);
	is_int(total(res), 1, "one document has the phrase");
	is_str(ids(res), "1", "the source-code document");
	is_str(pages_of(res, 0), "2,3", "hit pages 2 and 3, in page order");
	is_int(json_integer_value(json_object_get(json_array_get(
		json_object_get(res, "results"), 0), "hit_pages")), 2,
	       "hit_pages counts them");
	ok(snippet_of(res, 0, 1) && strstr(snippet_of(res, 0, 1),
		"<mark>Source code</mark>, <mark>source code</mark>") != NULL,
	   "snippet marks the phrase: %s", snippet_of(res, 0, 1));
	ok(json_real_value(json_object_get(json_array_get(json_object_get(
		res, "results"), 0), "score")) > 0, "a positive score");
	json_decref(res);

	expect("\"transfer of source code\"", "1", "a longer phrase");
	expect("\"code transfer\"", "", "words in another order are no phrase");
	expect("numero OR alert", "2,3", "OR (public; by relevance)");
	expect("encryption -script", "6,5", "NOT excludes the hostile page");
	expect("encryption NOT alert", "6,5", "NOT keyword");
	expect("localiz*", "2", "prefix");
	expect("numero", "2", "accents fold: numero finds Número");
	expect("NUMERO", "2", "case folds");
	expect("JOB/GC/178", "2", "a document symbol");
	expect("JOB/GC/179", "", "another symbol does not match");
	expect("source", "1", "a word in the title and the text");

	/*
	 * Title weighting: page 6 is longer than page 5 (lower BM25), but
	 * its title has the word.
	 */
	expect("standards encryption", "6,5", "the title lifts a document");
	expect("standards", "5,6", "without it, the shorter page first");
	expect("standards -encryption", "", "an exclusion is not the title");

	/* ---- snippets are escaped ------------------------------------------ */
	res = search("alert");
	ok(res && total(res) == 1, "the hostile page is found");
	{
		const char *sn = snippet_of(res, 0, 0);

		ok(sn && strstr(sn, "&lt;script&gt;") != NULL,
		   "<script> comes back escaped: %s", sn ? sn : "(null)");
		ok(sn && strstr(sn, "<mark>alert</mark>") != NULL, "hit marked");
		ok(sn && only_marks(sn), "no markup but <mark>");
		ok(sn && strstr(sn, "&quot;") && strstr(sn, "&amp;") &&
		   strstr(sn, "&#39;"), "quotes and ampersands escaped");
		ok(sn && strstr(sn, "\xef\xb7") == NULL,
		   "stray marker characters never reach the output");
	}
	json_decref(res);

	/* ---- filters --------------------------------------------------------- */
	expect("issue:source-code", "1", "filters only: issue");
	expect("issue:\"Source code\"", "1", "issue by name");
	expect("negotiation:tisa", "2", "negotiation");
	expect("negotiation:tpp", "5", "negotiation, embargoed one hidden");
	expect("type:text", "2", "type");
	expect("lang:es", "2", "lang: es is Tesseract's spa");
	expect("lang:spa", "2", "lang as stored");
	expect("lang:pt-BR", "", "no Portuguese");
	expect("after:2019 common", "2", "after: a year is after it ends");
	expect("before:2019", "1,5", "before: (filters only: newest first)");
	expect("after:2018 before:2020 common", "3", "a year");
	expect("jurisdiction:GB common", "", "jurisdiction: nothing recorded");
	expect("authority:\"Ministry of Trade\" common", "",
	       "authority: nothing recorded");
	expect("campaign:jsi common", "", "campaign: no campaigns yet");
	expect("request:FOI-1 common", "", "request: no requests yet");
	expect("issue:source-code issue:spam", "", "all filters must hold");
	res = search("issue:source-code");
	ok(res && json_array_size(json_object_get(json_array_get(
		json_object_get(res, "results"), 0), "pages")) == 0,
	   "filters-only results have no hit pages");
	json_decref(res);

	/* ---- facets, and the embargo everywhere ------------------------------ */
	res = search("common");
	is_int(total(res), 4, "common: four public documents");
	is_int(facet_count(res, "type", "pdf"), 2, "facet type pdf");
	is_int(facet_count(res, "type", "html"), 1, "facet type html");
	is_int(facet_count(res, "year", "2020"), 1, "facet year");
	is_int(facet_count(res, "year", "2021"), 0,
	       "the embargoed document's year is not counted");
	is_int(facet_count(res, "issue", "spam"), 0,
	       "nor its issue");
	is_int(facet_count(res, "negotiation", "tpp"), 1, "tpp once (public)");
	is_int(facet_count(res, "lang", "fra"), 0, "nor its language");
	ok(json_array_size(json_object_get(json_object_get(res, "facets"),
					   "jurisdiction")) == 0,
	   "no jurisdiction facet values (not in the schema yet)");
	json_decref(res);
	res = search_v("common", NULL);
	is_int(total(res), 5, "the operator sees the embargoed one");
	is_int(facet_count(res, "issue", "spam"), 1, "and counts it");
	json_decref(res);
	res = search("zebra");
	ok(res && total(res) == 0 &&
	   json_array_size(json_object_get(res, "results")) == 0,
	   "a word only the embargoed document has finds nothing");
	json_decref(res);
	res = search_v("zebra", NULL);
	is_int(total(res), 1, "the operator finds it");
	json_decref(res);
	{
		struct vault_query *q = NULL;
		struct store_viewer admin = { .admin = 1 };

		vault_query_parse("zebra", 5, &q, NULL, &err);
		res = store_search_document(s, &store_public, 4, q, &err);
		ok(res == NULL && err.msg[0] == '\0',
		   "searching inside the embargoed document: not found");
		res = store_search_document(s, &admin, 4, q, &err);
		ok(res != NULL, "an admin may");
		json_decref(res);
		vault_query_free(q);
		vault_query_parse("source", 6, &q, NULL, &err);
		res = store_search_document(s, &store_public, 1, q, &err);
		is_int(json_integer_value(json_object_get(res, "hit_pages")), 2,
		       "search inside a document: every hit page");
		ok(res && strstr(json_string_value(json_object_get(
			json_array_get(json_object_get(res, "pages"), 0),
			"snippet")), "<mark>source</mark>") != NULL,
		   "with snippets");
		json_decref(res);
		res = store_search_document(s, &store_public, 99, q, &err);
		ok(res == NULL && err.msg[0] == '\0', "no such document");
		vault_query_free(q);
	}

	/* ---- pagination and sorting ------------------------------------------ */
	o.text = "common";
	res = search_opts("common", 6, &store_public, &o, e);
	o.page = 2;
	r2 = search_opts("common", 6, &store_public, &o, e);
	ok(res && r2 && json_array_size(json_object_get(res, "results")) == 2 &&
	   json_array_size(json_object_get(r2, "results")) == 2,
	   "two pages of two");
	{
		char *a = xstrdup(ids(res)), *b = xstrdup(ids(r2));

		ok(*a && *b && strstr(a, b) == NULL && strstr(b, a) == NULL,
		   "different documents: %s / %s", a, b);
		free(a);
		free(b);
	}
	is_int(total(r2), 4, "the total on every page");
	json_decref(res);
	json_decref(r2);
	o.page = 3;
	res = search_opts("common", 6, &store_public, &o, e);
	ok(res && json_array_size(json_object_get(res, "results")) == 0 &&
	   total(res) == 4, "past the last page: no results, same total");
	json_decref(res);
	o.page = 1;
	o.per_page = 10;
	o.sort = STORE_SEARCH_DATE;
	res = search_opts("common", 6, &store_public, &o, e);
	is_str(ids(res), "5,1,3,2", "sort date: oldest first");
	json_decref(res);
	o.sort = STORE_SEARCH_DATE_DESC;
	res = search_opts("common", 6, &store_public, &o, e);
	is_str(ids(res), "2,3,1,5", "sort -date: newest first");
	json_decref(res);
	o.sort = STORE_SEARCH_RELEVANCE;
	o.per_page = FV_SEARCH_MAX_PER_PAGE + 1;
	res = search_opts("common", 6, &store_public, &o, e);
	ok(res == NULL && strstr(e, "per_page"), "per_page past the limit: %s",
	   e);
	o.per_page = 10;
	res = search_opts("negotiation:tpp", 15, NULL, &o, e);
	is_str(ids(res), "4,5", "filters-only by relevance: newest first");
	json_decref(res);

	/* ---- hostile queries: a parse error or results, never SQL errors ----- */
	{
		static const char *const hostile[] = {
			"'; DROP TABLE documents; --", "\") OR 1=1 --",
			"a\" OR \"1\"=\"1", "NEAR(a b)", "near(a b)", "a:b",
			"*", "\"", "((((", "))))", "a AND", "OR", "NOT a",
			"-a", "a -", "{a b}: c", "^a", "a + b", "col:text",
			"rowid:1", "text:source", "\"\"", "a*b*c", "%_%",
			"\\", "a' b", "issue:'x", "lang:x'--", "after:2019'",
			"type:pdf;drop", "\xff\xfe", "\xc3(", "a\x01" "b",
			"JOB/GC/178*", "WT/MIN(17)/60", "\"source code\"*",
		};
		int errors = 0, parse_errors = 0;
		char *big;

		for (size_t i = 0; i < ARRAY_SIZE(hostile); i++) {
			res = search(hostile[i]);
			if (res == NULL && strncmp(last_err, "parse:", 6) != 0) {
				errors++;
				diag("%s -> %s", hostile[i], last_err);
			}
			parse_errors += res == NULL;
			json_decref(res);
		}
		o.text = NULL;
		res = search_opts("source\0code", 11, &store_public, &o, e);
		if (res == NULL && strncmp(e, "parse:", 6) != 0)
			errors++;
		json_decref(res);
		big = xmalloc(10 * 1024 + 1);
		for (int i = 0; i < 10 * 1024; i++)
			big[i] = "a (\"b) OR c'"[i % 12];
		big[10 * 1024] = '\0';
		res = search_opts(big, strlen(big), &store_public, &o, e);
		ok(res == NULL && strstr(e, "too long"), "a 10 KB query: %s", e);
		free(big);
		is_int(errors, 0, "no SQL error for %zu hostile queries (%d "
		       "refused by the parser)", ARRAY_SIZE(hostile) + 1,
		       parse_errors);
		res = store_document_json(s, NULL, 1, &err);
		ok(res != NULL, "the documents table is still there");
		json_decref(res);
		res = search("source");
		is_int(total(res), 1, "and search still works");
		json_decref(res);
	}

	store_close(s);
	{
		char *cmd = xasprintf("rm -rf '%s'", dir);

		if (system(cmd) != 0)
			diag("could not remove %s", dir);
		free(cmd);
	}
	free(path);
	return done_testing();
}
