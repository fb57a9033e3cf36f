/*
 * store_search.c - full-text search over the vault: documents ranked by
 * relevance or date, each with its best hit pages and their snippets, the
 * total, facet counts; and search inside one document.
 *
 * How a search runs (one read transaction, so that total, facets and
 * results describe the same snapshot):
 *
 * 1. One pass of the FTS5 MATCH over pages maps each hit page to its
 *    document through the covering index pages_document_of (never the
 *    page's row, which holds its text) and keeps, per document, in C: the
 *    hit page count, the best page BM25 and its FV_SEARCH_SNIPPET_PAGES
 *    best pages. The expression runs once per search.
 * 2. Each of those documents goes into temp.fv_search_hits only if it
 *    passes the query's filters and the viewer's visibility condition
 *    (store_visible_sql, the one condition that decides who may see a
 *    document), both in the SQL of the statement that inserts it; a
 *    document that fails them is forgotten. Filters-only queries take the
 *    documents that pass the filters and the same condition.
 * 3. The total and every facet are counted over that table, so they obey
 *    the same filters and the same visibility, never filtered afterwards.
 * 4. The requested page of results is read from it in the requested order,
 *    and only the pages kept in 1 for those documents get snippets.
 *
 * Ranking (docs/search.md): a document's score is its best page's BM25
 * (negated, so higher is better), raised a little for each further hit page
 * (1 + 0.15 ln n) and by up to 2x when the words searched for appear in its
 * title or reference (1 + the share of terms found there). Title matching
 * uses FTS5's own unicode61 tokenizer with remove_diacritics 2, so case and
 * accents fold exactly as in the page index.
 *
 * Snippets: FTS5's snippet() copies page text verbatim. We mark hits with
 * two Unicode noncharacters (never in real text), then HTML-escape the
 * whole snippet and turn the markers into <mark> and </mark>; a stray
 * marker in a hostile page can only open a mark that is closed, or close
 * none, so the output never holds any markup but balanced <mark> elements.
 *
 * Parameters: the visibility condition owns ?1..?19 apart from what the
 * callers below bind (it uses ?9 today); this file binds its own from ?20.
 */
#include "config.h"

#include "store_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "fvlimits.h"
#include "vault_query.h"

#define P_MATCH 20      /* the FTS5 expression */
#define P_TERMS 21      /* pointer to struct search_terms */
#define P_FILTER 22     /* one per filter, up to FV_MAX_QUERY_FILTERS */
#define P_DATE_FROM 40
#define P_DATE_TO 41
#define P_LIMIT 42
#define P_OFFSET 43
#define P_DOC 44
#define P_OPEN 45       /* snippet markers and ellipsis */
#define P_CLOSE 46
#define P_ELLIPSIS 47
#define P_HITS 49       /* a document's hit page count */
#define P_BEST 50       /* and its best page's BM25 */
#define P_WANTED 51     /* pointer to struct wanted_pages */
#define P_WANTED_FIRST 52
#define P_WANTED_LAST 53

/* The snippet markers: U+FDD0 and U+FDD1, Unicode noncharacters. */
#define MARK_OPEN "\xef\xb7\x90"
#define MARK_CLOSE "\xef\xb7\x91"
#define MARK_LEN 3

#define TERMS_PTR_TYPE "foivault_search_terms"
#define WANTED_PTR_TYPE "foivault_search_wanted"

/* ---- folding words as the index does -------------------------------------- */

struct token_list {
	char **tok;
	size_t n, cap, max;
};

struct search_term {
	struct token_list tokens;
	int prefix;
};

struct search_terms {
	fts5_tokenizer api;
	Fts5Tokenizer *tok;
	struct search_term *terms;
	size_t n;
};

static int
token_cb(void *ctx, int flags, const char *t, int n, int start, int end)
{
	struct token_list *l = ctx;

	(void)start;
	(void)end;
	if (flags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	if (l->n == l->max)
		return SQLITE_DONE;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->tok = xrealloc(l->tok, l->cap * sizeof(*l->tok));
	}
	l->tok[l->n++] = xstrndup(t, (size_t)n);
	return SQLITE_OK;
}

static void
token_list_release(struct token_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->tok[i]);
	free(l->tok);
	memset(l, 0, sizeof(*l));
}

static void
tokenize(struct search_terms *st, const char *text, size_t max,
	 struct token_list *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->max = max;
	if (text && st->tok)
		st->api.xTokenize(st->tok, ret, FTS5_TOKENIZE_DOCUMENT, text,
				  (int)strlen(text), token_cb);
}

/* Whether the tokens of term t occur in a row in title tokens l. */
static int
term_in(const struct search_term *t, const struct token_list *l)
{
	const struct token_list *w = &t->tokens;

	if (w->n == 0 || w->n > l->n)
		return 0;
	for (size_t i = 0; i + w->n <= l->n; i++) {
		size_t k;

		for (k = 0; k < w->n; k++) {
			const char *a = l->tok[i + k], *b = w->tok[k];

			if (k == w->n - 1 && t->prefix ?
			    strncmp(a, b, strlen(b)) != 0 : strcmp(a, b) != 0)
				break;
		}
		if (k == w->n)
			return 1;
	}
	return 0;
}

static void
terms_free(struct search_terms *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < st->n; i++)
		token_list_release(&st->terms[i].tokens);
	free(st->terms);
	if (st->tok)
		st->api.xDelete(st->tok);
	free(st);
}

/* FTS5's unicode61 tokenizer as the index uses it, and q's terms through it. */
static struct search_terms *
terms_new(struct store *s, const struct vault_query *q, struct error *err)
{
	static const char *const args[] = { "remove_diacritics", "2" };
	struct search_terms *st = xcalloc(1, sizeof(*st));
	fts5_api *api = NULL;
	sqlite3_stmt *stmt;
	void *ud = NULL;

	stmt = store_prepare(s, "SELECT fts5(?1)", err);
	if (stmt == NULL)
		goto fail;
	sqlite3_bind_pointer(stmt, 1, &api, "fts5_api_ptr", NULL);
	sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (api == NULL || api->xFindTokenizer(api, "unicode61", &ud,
					       &st->api) != SQLITE_OK ||
	    st->api.xCreate(ud, (const char **)args, 2, &st->tok) != SQLITE_OK) {
		st->tok = NULL;
		error_set(err, "database: the FTS5 tokenizer is missing");
		goto fail;
	}
	st->terms = xcalloc(q->n_terms ? q->n_terms : 1, sizeof(*st->terms));
	for (size_t i = 0; i < q->n_terms; i++) {
		tokenize(st, q->terms[i].text, 64, &st->terms[st->n].tokens);
		st->terms[st->n].prefix = q->terms[i].prefix;
		if (st->terms[st->n].tokens.n)
			st->n++;
		else
			token_list_release(&st->terms[st->n].tokens);
	}
	return st;
fail:
	terms_free(st);
	return NULL;
}

/*
 * fv_search_score(best_bm25, hit_pages, title, reference, terms): the
 * document's relevance, as described at the top of this file.
 */
static void
score_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct search_terms *st = sqlite3_value_pointer(argv[4], TERMS_PTR_TYPE);
	double best = -sqlite3_value_double(argv[0]);
	int n = sqlite3_value_int(argv[1]);
	double score = best * (1.0 + 0.15 * log(n > 1 ? n : 1));

	(void)argc;
	if (st && st->n) {
		struct token_list title;
		char *text = xasprintf("%s %s",
			sqlite3_value_text(argv[2]) ?
			(const char *)sqlite3_value_text(argv[2]) : "",
			sqlite3_value_text(argv[3]) ?
			(const char *)sqlite3_value_text(argv[3]) : "");
		size_t found = 0;

		tokenize(st, text, 256, &title);
		for (size_t i = 0; i < st->n; i++)
			found += term_in(&st->terms[i], &title);
		token_list_release(&title);
		free(text);
		score *= 1.0 + (double)found / (double)st->n;
	}
	sqlite3_result_double(ctx, score);
}

/* ---- snippets ------------------------------------------------------------ */

/* Length of the valid UTF-8 character at s (n bytes left), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t need;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return 0;
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return utf8_valid((const char *)s, need) ? need : 0;
}

/*
 * The snippet as HTML: text escaped, whitespace and control characters
 * collapsed to single spaces, markers turned into balanced <mark> elements.
 * Newly allocated; always valid UTF-8.
 */
static char *
snippet_html(const char *in)
{
	const unsigned char *s = (const unsigned char *)(in ? in : "");
	size_t n = strlen((const char *)s), i = 0;
	struct buf b;
	int open = 0, space = 0;

	buf_init(&b, 8 * n + 64);
	while (i < n) {
		size_t len;

		if (n - i >= MARK_LEN && memcmp(s + i, MARK_OPEN, MARK_LEN) == 0) {
			if (space && b.len)
				buf_addstr(&b, " ");
			space = 0;
			if (!open)
				buf_addstr(&b, "<mark>");
			open = 1;
			i += MARK_LEN;
			continue;
		}
		if (n - i >= MARK_LEN && memcmp(s + i, MARK_CLOSE, MARK_LEN) == 0) {
			if (open)
				buf_addstr(&b, "</mark>");
			open = 0;
			i += MARK_LEN;
			continue;
		}
		if (s[i] < 0x20 || s[i] == 0x7f || s[i] == ' ') {
			space = 1;
			i++;
			continue;
		}
		if (space && b.len)
			buf_addstr(&b, " ");
		space = 0;
		len = utf8_len(s + i, n - i);
		switch (len ? s[i] : 0) {
		case 0:
			buf_addstr(&b, "\xef\xbf\xbd");
			i++;
			continue;
		case '<': buf_addstr(&b, "&lt;"); break;
		case '>': buf_addstr(&b, "&gt;"); break;
		case '&': buf_addstr(&b, "&amp;"); break;
		case '"': buf_addstr(&b, "&quot;"); break;
		case '\'': buf_addstr(&b, "&#39;"); break;
		default: buf_add(&b, s + i, len); break;
		}
		i += len;
	}
	if (open)
		buf_addstr(&b, "</mark>");
	return buf_detach(&b, NULL);
}

/* Binds the snippet markers (the statement calls snippet(...?45,?46,?47)). */
static void
bind_markers(sqlite3_stmt *st)
{
	sqlite3_bind_text(st, P_OPEN, MARK_OPEN, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, P_CLOSE, MARK_CLOSE, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, P_ELLIPSIS, "\xe2\x80\xa6", -1, SQLITE_STATIC);
}

#define SNIPPET_SQL(tokens) \
	"snippet(pages_fts, 0, ?45, ?46, ?47, " #tokens ")"

/* {"n": page, "snippet": html} from columns 0 and 1. */
static json_t *
page_hit_json(sqlite3_stmt *st)
{
	char *html = snippet_html((const char *)sqlite3_column_text(st, 1));
	json_t *o = json_pack("{s:i, s:s}", "n", sqlite3_column_int(st, 0),
			      "snippet", html);

	free(html);
	return o;
}

/* ---- filters --------------------------------------------------------------- */

/*
 * Tesseract's language codes (what documents.lang holds: "eng",
 * "eng+fra") for the two-letter codes people type.
 */
static const char *const lang_codes[][2] = {
	{ "ar", "ara" }, { "bg", "bul" }, { "cs", "ces" }, { "da", "dan" },
	{ "de", "deu" }, { "el", "ell" }, { "en", "eng" }, { "es", "spa" },
	{ "et", "est" }, { "fi", "fin" }, { "fr", "fra" }, { "ga", "gle" },
	{ "hr", "hrv" }, { "hu", "hun" }, { "id", "ind" }, { "it", "ita" },
	{ "ja", "jpn" }, { "ko", "kor" }, { "lt", "lit" }, { "lv", "lav" },
	{ "ms", "msa" }, { "mt", "mlt" }, { "nb", "nor" }, { "nl", "nld" },
	{ "no", "nor" }, { "pl", "pol" }, { "pt", "por" }, { "ro", "ron" },
	{ "ru", "rus" }, { "sk", "slk" }, { "sl", "slv" }, { "sv", "swe" },
	{ "th", "tha" }, { "tr", "tur" }, { "uk", "ukr" }, { "vi", "vie" },
	{ "zh", "chi_sim" },
};

/* The language as documents.lang spells it; buf holds at least 8 bytes. */
static const char *
lang_code(const char *v, char *buf, size_t size)
{
	size_t n = strcspn(v, "-");

	if (n >= size)
		n = size - 1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(lang_codes); i++)
		if (strcmp(lang_codes[i][0], buf) == 0)
			return lang_codes[i][1];
	return buf;
}

/*
 * Appends the SQL condition of q's filters on documents d. Which filter
 * binds which parameter: filter i binds ?(P_FILTER + i).
 *
 * jurisdiction:, authority:, campaign: and request: match nothing: schema
 * v3 has no table that ties a document to a jurisdiction, an authority, a
 * campaign or a request reference (documents.request_id points at requests
 * that do not exist yet). The requests and campaigns issues add those
 * tables; their filters belong here then.
 */
static void
filters_sql(const struct vault_query *q, struct buf *sql)
{
	for (size_t i = 0; i < q->n_filters; i++) {
		const int p = P_FILTER + (int)i;

		switch (q->filters[i].field) {
		case VAULT_QUERY_NEGOTIATION:
		case VAULT_QUERY_ISSUE: {
			const int iss = q->filters[i].field == VAULT_QUERY_ISSUE;

			buf_printf(sql,
				" AND EXISTS (SELECT 1 FROM document_%s l JOIN"
				" %s t ON t.id = l.%s_id WHERE l.document_id ="
				" d.id AND l.decision = 'link' AND (t.slug = ?%d"
				" COLLATE NOCASE OR t.name = ?%d COLLATE NOCASE))",
				iss ? "issues" : "negotiations",
				iss ? "issues" : "negotiations",
				iss ? "issue" : "negotiation", p, p);
			break;
		}
		case VAULT_QUERY_TYPE:
			buf_printf(sql, " AND d.kind = ?%d", p);
			break;
		case VAULT_QUERY_LANG:
			buf_printf(sql, " AND instr('+' || d.lang || '+',"
				   " '+' || ?%d || '+') > 0", p);
			break;
		case VAULT_QUERY_AFTER:
		case VAULT_QUERY_BEFORE:
			break;  /* all together below */
		case VAULT_QUERY_JURISDICTION:
		case VAULT_QUERY_AUTHORITY:
		case VAULT_QUERY_CAMPAIGN:
		case VAULT_QUERY_REQUEST:
			buf_addstr(sql, " AND 0");
			break;
		}
	}
	if (q->date_from[0])
		buf_printf(sql, " AND d.doc_date >= ?%d", P_DATE_FROM);
	if (q->date_to[0])
		buf_printf(sql, " AND d.doc_date IS NOT NULL AND"
			   " substr(d.doc_date, 1, 10) <= ?%d", P_DATE_TO);
}

static void
bind_filters(sqlite3_stmt *st, const struct vault_query *q)
{
	for (size_t i = 0; i < q->n_filters; i++) {
		const struct vault_query_filter *f = &q->filters[i];
		char buf[16];

		if (f->field == VAULT_QUERY_LANG)
			sqlite3_bind_text(st, P_FILTER + (int)i,
					  lang_code(f->value, buf, sizeof(buf)),
					  -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_text(st, P_FILTER + (int)i, f->value, -1,
					  SQLITE_STATIC);
	}
	if (q->date_from[0])
		sqlite3_bind_text(st, P_DATE_FROM, q->date_from, -1,
				  SQLITE_STATIC);
	if (q->date_to[0])
		sqlite3_bind_text(st, P_DATE_TO, q->date_to, -1, SQLITE_STATIC);
}

/* ---- the search -------------------------------------------------------------- */

/* A hit page kept for its snippet. */
struct top_page {
	int64_t rowid;
	int n;
	double rank;            /* BM25, lower is better */
};

/* What the MATCH found in one document (step 1 at the top of the file). */
struct doc_hits {
	int64_t doc;
	int n;                  /* hit pages */
	int ntop;
	struct top_page top[FV_SEARCH_SNIPPET_PAGES];   /* top[0] the best */
};

/*
 * The documents hit, in an array with an open-addressing index by id
 * (slot holds array index + 1; 0 is empty). Bounded by the documents in
 * the vault: one entry per document, however many pages it has.
 */
struct hit_table {
	struct doc_hits *v;
	size_t n, cap;
	uint32_t *slot;
	size_t nslot;           /* a power of two, at least 2 * cap */
};

static size_t
hit_hash(int64_t doc, size_t nslot)
{
	return (size_t)(((uint64_t)doc * 0x9e3779b97f4a7c15ULL) >> 32) &
	       (nslot - 1);
}

static void
hit_table_release(struct hit_table *t)
{
	free(t->v);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

static struct doc_hits *
hit_table_find(const struct hit_table *t, int64_t doc)
{
	if (t->nslot == 0)
		return NULL;
	for (size_t i = hit_hash(doc, t->nslot);; i = (i + 1) & (t->nslot - 1)) {
		if (t->slot[i] == 0)
			return NULL;
		if (t->v[t->slot[i] - 1].doc == doc)
			return &t->v[t->slot[i] - 1];
	}
}

/* The entry of doc, added empty if it is not there yet. */
static struct doc_hits *
hit_table_get(struct hit_table *t, int64_t doc)
{
	struct doc_hits *d = hit_table_find(t, doc);
	size_t i;

	if (d)
		return d;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
		free(t->slot);
		t->nslot = 2 * t->cap;
		t->slot = xcalloc(t->nslot, sizeof(*t->slot));
		for (size_t k = 0; k < t->n; k++) {
			for (i = hit_hash(t->v[k].doc, t->nslot); t->slot[i];
			     i = (i + 1) & (t->nslot - 1))
				;
			t->slot[i] = (uint32_t)k + 1;
		}
	}
	for (i = hit_hash(doc, t->nslot); t->slot[i];
	     i = (i + 1) & (t->nslot - 1))
		;
	d = &t->v[t->n];
	memset(d, 0, sizeof(*d));
	d->doc = doc;
	t->slot[i] = (uint32_t)++t->n;
	return d;
}

/* Counts a hit page of d and keeps it if it is among the best so far. */
static void
keep_page(struct doc_hits *d, int64_t rowid, int n, double rank)
{
	int i;

	d->n++;
	if (d->ntop == FV_SEARCH_SNIPPET_PAGES &&
	    rank >= d->top[d->ntop - 1].rank)
		return;
	if (d->ntop < FV_SEARCH_SNIPPET_PAGES)
		d->ntop++;
	/* Insertion into top[], best first; ties keep the earlier page. */
	for (i = d->ntop - 1; i > 0 && d->top[i - 1].rank > rank; i--)
		d->top[i] = d->top[i - 1];
	d->top[i].rowid = rowid;
	d->top[i].n = n;
	d->top[i].rank = rank;
}

/*
 * Step 1: every page that matches, mapped to its document, into t. FTS5
 * drives (the hits come in rowid order), and the covering index gives
 * each page's document and number without reading the page.
 */
static int
scan_hits(struct store *s, const struct vault_query *q, struct hit_table *t,
	  struct error *err)
{
	sqlite3_stmt *st = store_prepare(s,
		"SELECT p.document_id, p.n, f.rowid, f.rank FROM pages_fts f"
		" CROSS JOIN pages p INDEXED BY pages_document_of"
		" ON p.id = f.rowid WHERE pages_fts MATCH ?20", err);
	struct doc_hits *last = NULL;
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, P_MATCH, q->match, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t doc = sqlite3_column_int64(st, 0);

		/* A document's pages are mostly consecutive rowids. */
		if (last == NULL || last->doc != doc)
			last = hit_table_get(t, doc);
		keep_page(last, sqlite3_column_int64(st, 2),
			  sqlite3_column_int(st, 1), sqlite3_column_double(st, 3));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, err, "searching");
	return 0;
}

/*
 * Fills temp.fv_search_hits with the documents that match, for viewer v:
 * those of t (a full-text query) or, for a filters-only query, all. The
 * filters and the visibility condition are in the SQL that inserts each.
 * Returns the number of documents inserted, or -1.
 */
static int64_t
collect_hits(struct store *s, const struct store_viewer *v,
	     const struct vault_query *q, struct search_terms *terms,
	     const struct hit_table *t, struct error *err)
{
	struct buf sql;
	sqlite3_stmt *st;
	int64_t total = 0;
	int rc = SQLITE_DONE;

	buf_init(&sql, 64 * 1024);
	if (q->match) {
		buf_addstr(&sql,
			"INSERT INTO temp.fv_search_hits(doc, n, score)"
			" SELECT d.id, ?49, fv_search_score(?50, ?49, d.title,"
			"  d.reference, ?21)"
			" FROM documents d WHERE d.id = ?44 AND d.status = 'done'");
	} else {
		buf_addstr(&sql,
			"INSERT INTO temp.fv_search_hits(doc, n, score)"
			" SELECT d.id, 0, 0 FROM documents d"
			" WHERE d.status = 'done' AND d.duplicate_of IS NULL");
	}
	filters_sql(q, &sql);
	buf_addstr(&sql, store_visible_sql);
	st = store_prepare(s, sql.data, err);
	buf_release(&sql);
	if (st == NULL)
		return -1;
	sqlite3_bind_pointer(st, P_TERMS, terms, TERMS_PTR_TYPE, NULL);
	bind_filters(st, q);
	store_bind_viewer(st, v);
	if (q->match == NULL) {
		rc = sqlite3_step(st);
		total = sqlite3_changes(s->db);
	}
	for (size_t i = 0; q->match && i < t->n && rc == SQLITE_DONE; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, P_DOC, t->v[i].doc);
		sqlite3_bind_int(st, P_HITS, t->v[i].n);
		sqlite3_bind_double(st, P_BEST, t->v[i].top[0].rank);
		rc = sqlite3_step(st);
		total += sqlite3_changes(s->db);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, err, "searching");
	return total;
}

/* [{"value", "count"(, "name")}] from (value, count(, name)) rows. */
static json_t *
facet(struct store *s, const char *sql, int named, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s, sql, err);
	json_t *arr;
	int rc;

	if (st == NULL)
		return NULL;
	sqlite3_bind_int(st, 1, FV_SEARCH_FACET_VALUES);
	arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_object();

		json_object_set_new(o, "value", store_json_text(st, 0));
		json_object_set_new(o, "count",
				    json_integer(sqlite3_column_int64(st, 1)));
		if (named)
			json_object_set_new(o, "name", store_json_text(st, 2));
		json_array_append_new(arr, o);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		store_fail(s, err, "counting facets");
		return NULL;
	}
	return arr;
}

/*
 * Every query over temp.fv_search_hits names it first with CROSS JOIN: the
 * planner has no statistics for it and would otherwise scan all documents
 * (or links) and probe the table, a cost that grows with the vault rather
 * than with the hits.
 */
#define FACET_LINKS(what, col) \
	"SELECT t.slug, count(*) AS c, t.name FROM temp.fv_search_hits h" \
	" CROSS JOIN document_" what " l ON l.document_id = h.doc AND" \
	"  l.decision = 'link' JOIN " what " t ON t.id = l." col "_id" \
	" GROUP BY t.id ORDER BY c DESC, t.slug LIMIT ?1"
#define FACET_DOCS(expr) \
	"SELECT " expr " AS v, count(*) AS c FROM temp.fv_search_hits h" \
	" CROSS JOIN documents d ON d.id = h.doc WHERE v IS NOT NULL AND v != ''" \
	" GROUP BY v ORDER BY c DESC, v LIMIT ?1"

/* The facets of the documents in temp.fv_search_hits (total of them). */
static json_t *
facets_json(struct store *s, int64_t total, struct error *err)
{
	static const struct {
		const char *name, *sql;
		int named;
	} facets[] = {
		{ "negotiation", FACET_LINKS("negotiations", "negotiation"), 1 },
		{ "issue", FACET_LINKS("issues", "issue"), 1 },
		{ "year", FACET_DOCS("substr(d.doc_date, 1, 4)"), 0 },
		{ "type", FACET_DOCS("d.kind"), 0 },
		{ "lang", FACET_DOCS("d.lang"), 0 },
	};
	json_t *o = json_object();

	for (size_t i = 0; i < ARRAY_SIZE(facets); i++) {
		json_t *arr = total == 0 ? json_array() :
			facet(s, facets[i].sql, facets[i].named, err);

		if (arr == NULL) {
			json_decref(o);
			return NULL;
		}
		json_object_set_new(o, facets[i].name, arr);
	}
	/*
	 * No jurisdiction or authority is recorded for a document in schema
	 * v3 (they come with requests): these facets are empty, not guessed.
	 */
	json_object_set_new(o, "jurisdiction", json_array());
	json_object_set_new(o, "authority", json_array());
	return o;
}

/* The slugs of a document's links (st: "SELECT slug ... WHERE doc = ?1"). */
static json_t *
slugs_json(sqlite3_stmt *st, int64_t doc)
{
	json_t *arr = json_array();

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, doc);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, store_json_text(st, 0));
	return arr;
}

/* A document on the page of results. */
struct result_doc {
	int64_t id;
	json_t *obj;            /* borrowed from the results array */
};

/* The rowids of the pages that get snippets, sorted, and their snippets. */
struct wanted_pages {
	int64_t *rowid;
	char **html;
	size_t n;
};

static int
cmp_rowid(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

/* The index of rowid in w, or -1. */
static ssize_t
wanted_find(const struct wanted_pages *w, int64_t rowid)
{
	const int64_t *p = bsearch(&rowid, w->rowid, w->n, sizeof(*w->rowid),
				   cmp_rowid);

	return p ? p - w->rowid : -1;
}

/* fv_search_wanted(rowid, pages): whether the page gets a snippet. */
static void
wanted_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct wanted_pages *w = sqlite3_value_pointer(argv[1],
							     WANTED_PTR_TYPE);

	(void)argc;
	sqlite3_result_int(ctx, w && wanted_find(w, sqlite3_value_int64(
		argv[0])) >= 0);
}

static int
by_page(const void *a, const void *b)
{
	const struct top_page *x = a, *y = b;

	return (x->n > y->n) - (x->n < y->n);
}

/*
 * Sets "pages" of the documents on the page of results: the best hit pages
 * step 1 kept for each, in page order, each with its snippet. FTS5 drives
 * one more pass of the MATCH, over the rowid range of those pages, and
 * makes snippets for them only: a pass that computes no rank is cheap,
 * while a MATCH constrained to one rowid costs a fresh start of the
 * expression for each page.
 */
static int
add_hit_pages(struct store *s, const struct vault_query *q,
	      const struct hit_table *t, struct result_doc *docs, size_t ndocs,
	      struct error *err)
{
	struct wanted_pages w = { 0 };
	sqlite3_stmt *st = NULL;
	int rc = -1, step;

	w.rowid = xcalloc(ndocs * FV_SEARCH_SNIPPET_PAGES + 1,
			  sizeof(*w.rowid));
	for (size_t i = 0; i < ndocs; i++) {
		const struct doc_hits *h = hit_table_find(t, docs[i].id);

		for (int k = 0; h && k < h->ntop; k++)
			w.rowid[w.n++] = h->top[k].rowid;
	}
	w.html = xcalloc(w.n + 1, sizeof(*w.html));
	qsort(w.rowid, w.n, sizeof(*w.rowid), cmp_rowid);
	if (w.n) {
		st = store_prepare(s, "SELECT rowid, " SNIPPET_SQL(24)
				   " FROM pages_fts WHERE pages_fts MATCH ?20"
				   " AND rowid BETWEEN ?52 AND ?53"
				   " AND fv_search_wanted(rowid, ?51)", err);
		if (st == NULL)
			goto out;
		sqlite3_bind_text(st, P_MATCH, q->match, -1, SQLITE_STATIC);
		bind_markers(st);
		sqlite3_bind_pointer(st, P_WANTED, &w, WANTED_PTR_TYPE, NULL);
		sqlite3_bind_int64(st, P_WANTED_FIRST, w.rowid[0]);
		sqlite3_bind_int64(st, P_WANTED_LAST, w.rowid[w.n - 1]);
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			ssize_t i = wanted_find(&w, sqlite3_column_int64(st, 0));

			if (i >= 0 && w.html[i] == NULL)
				w.html[i] = snippet_html((const char *)
						sqlite3_column_text(st, 1));
		}
		if (step != SQLITE_DONE) {
			store_fail(s, err, "reading snippets");
			goto out;
		}
	}
	for (size_t i = 0; i < ndocs; i++) {
		const struct doc_hits *h = hit_table_find(t, docs[i].id);
		struct top_page top[FV_SEARCH_SNIPPET_PAGES];
		json_t *arr = json_array();
		int ntop = h ? h->ntop : 0;

		json_object_set_new(docs[i].obj, "pages", arr);
		if (ntop)
			memcpy(top, h->top, (size_t)ntop * sizeof(top[0]));
		qsort(top, (size_t)ntop, sizeof(top[0]), by_page);
		for (int k = 0; k < ntop; k++) {
			ssize_t x = wanted_find(&w, top[k].rowid);

			if (x < 0 || w.html[x] == NULL) {
				error_set(err, "reading snippets: page %lld "
					  "changed during the search",
					  (long long)top[k].rowid);
				goto out;
			}
			json_array_append_new(arr, json_pack("{s:i, s:s}", "n",
				top[k].n, "snippet", w.html[x]));
		}
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	for (size_t i = 0; i < w.n; i++)
		free(w.html[i]);
	free(w.html);
	free(w.rowid);
	return rc;
}

static const char *const order_sql[] = {
	[STORE_SEARCH_RELEVANCE] = "h.score DESC, d.id",
	[STORE_SEARCH_DATE] = "d.doc_date IS NULL, d.doc_date, d.id",
	[STORE_SEARCH_DATE_DESC] = "d.doc_date IS NULL, d.doc_date DESC, d.id DESC",
};

static json_t *
results_json(struct store *s, const struct vault_query *q,
	     const struct store_search_opts *o, const struct hit_table *t,
	     struct error *err)
{
	sqlite3_stmt *st = NULL, *neg = NULL, *iss = NULL;
	struct result_doc docs[FV_SEARCH_MAX_PER_PAGE];
	size_t ndocs = 0;
	enum store_search_sort sort = o->sort;
	json_t *arr = NULL;
	char sql[1024];
	int rc = SQLITE_DONE;

	if (q->match == NULL && sort == STORE_SEARCH_RELEVANCE)
		sort = STORE_SEARCH_DATE_DESC;  /* nothing to rank by */
	snprintf(sql, sizeof(sql),
		 "SELECT d.id, d.title, d.doc_date, d.mime, d.kind, d.lang,"
		 " d.reference, h.score, h.n FROM temp.fv_search_hits h"
		 " CROSS JOIN documents d ON d.id = h.doc ORDER BY %s"
		 " LIMIT ?42 OFFSET ?43", order_sql[sort]);
	st = store_prepare(s, sql, err);
	neg = store_prepare(s, "SELECT t.slug FROM document_negotiations l JOIN"
			    " negotiations t ON t.id = l.negotiation_id WHERE"
			    " l.document_id = ?1 AND l.decision = 'link'"
			    " ORDER BY t.slug", err);
	iss = store_prepare(s, "SELECT t.slug FROM document_issues l JOIN"
			    " issues t ON t.id = l.issue_id WHERE"
			    " l.document_id = ?1 AND l.decision = 'link'"
			    " ORDER BY t.slug", err);
	if (st == NULL || neg == NULL || iss == NULL)
		goto fail;
	sqlite3_bind_int(st, P_LIMIT, o->per_page);
	sqlite3_bind_int64(st, P_OFFSET, (int64_t)(o->page - 1) * o->per_page);
	arr = json_array();
	while (ndocs < ARRAY_SIZE(docs) &&
	       (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		json_t *d = json_object();

		json_array_append_new(arr, d);
		json_object_set_new(d, "id", json_integer(id));
		json_object_set_new(d, "title", store_json_text(st, 1));
		json_object_set_new(d, "date", store_json_text(st, 2));
		json_object_set_new(d, "reference", store_json_text(st, 6));
		/* See facets_json(): not in the schema yet. */
		json_object_set_new(d, "jurisdiction", json_null());
		json_object_set_new(d, "authority", json_null());
		json_object_set_new(d, "mime", store_json_text(st, 3));
		json_object_set_new(d, "type", store_json_text(st, 4));
		json_object_set_new(d, "lang", store_json_text(st, 5));
		json_object_set_new(d, "negotiations", slugs_json(neg, id));
		json_object_set_new(d, "issues", slugs_json(iss, id));
		json_object_set_new(d, "score", q->match ?
			json_real(sqlite3_column_double(st, 7)) : json_null());
		json_object_set_new(d, "hit_pages",
				    json_integer(sqlite3_column_int(st, 8)));
		json_object_set_new(d, "pages", json_array());
		docs[ndocs].id = id;
		docs[ndocs++].obj = d;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_fail(s, err, "reading results");
		goto fail;
	}
	if (q->match && ndocs && add_hit_pages(s, q, t, docs, ndocs, err) < 0)
		goto fail;
	goto out;
fail:
	json_decref(arr);
	arr = NULL;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(neg);
	sqlite3_finalize(iss);
	return arr;
}

static const char *const sort_names[] = {
	[STORE_SEARCH_RELEVANCE] = "relevance",
	[STORE_SEARCH_DATE] = "date",
	[STORE_SEARCH_DATE_DESC] = "-date",
};

int
store_search_sort_parse(const char *name, enum store_search_sort *ret)
{
	for (size_t i = 0; i < ARRAY_SIZE(sort_names); i++)
		if (strcmp(name, sort_names[i]) == 0) {
			*ret = (enum store_search_sort)i;
			return 0;
		}
	return -1;
}

/*
 * The connection's temp table and search functions, made together the
 * first time the connection searches (registering a function again would
 * expire every statement the connection has prepared).
 */
static int
prepare_connection(struct store *s, struct error *err)
{
	if (sqlite3_table_column_metadata(s->db, "temp", "fv_search_hits",
					  "doc", NULL, NULL, NULL, NULL,
					  NULL) == SQLITE_OK)
		return 0;
	if (sqlite3_create_function_v2(s->db, "fv_search_score", 5,
				       SQLITE_UTF8, NULL, score_fn, NULL, NULL,
				       NULL) != SQLITE_OK)
		return store_fail(s, err, "database");
	if (sqlite3_create_function_v2(s->db, "fv_search_wanted", 2,
				       SQLITE_UTF8, NULL, wanted_fn, NULL, NULL,
				       NULL) != SQLITE_OK)
		return store_fail(s, err, "database");
	return store_exec(s, "CREATE TEMP TABLE IF NOT EXISTS fv_search_hits("
			  " doc INTEGER PRIMARY KEY, n INTEGER, score REAL)",
			  err);
}

json_t *
store_search(struct store *s, const struct store_viewer *v,
	     const struct vault_query *q, const struct store_search_opts *o,
	     struct error *err)
{
	struct search_terms *terms = NULL;
	struct hit_table hits = { 0 };
	json_t *res = NULL, *results = NULL, *facets = NULL;
	int64_t total;
	int in_tx = 0;

	if (o->page < 1 || o->page > FV_SEARCH_MAX_PAGE || o->per_page < 1 ||
	    o->per_page > FV_SEARCH_MAX_PER_PAGE ||
	    (size_t)o->sort >= ARRAY_SIZE(sort_names)) {
		error_set(err, "page must be 1 to %d and per_page 1 to %d",
			  FV_SEARCH_MAX_PAGE, FV_SEARCH_MAX_PER_PAGE);
		return NULL;
	}
	if (prepare_connection(s, err) < 0)
		return NULL;
	terms = terms_new(s, q, err);
	if (terms == NULL)
		return NULL;
	/* Temp writes only: a deferred transaction never locks the database. */
	if (store_exec(s, "BEGIN", err) < 0)
		goto out;
	in_tx = 1;
	if (q->match && scan_hits(s, q, &hits, err) < 0)
		goto out;
	total = collect_hits(s, v, q, terms, &hits, err);
	if (total < 0)
		goto out;
	results = results_json(s, q, o, &hits, err);
	if (results == NULL)
		goto out;
	if (o->facets && (facets = facets_json(s, total, err)) == NULL)
		goto out;
	res = json_object();
	json_object_set_new(res, "query", json_string(o->text ? o->text : ""));
	json_object_set_new(res, "sort", json_string(sort_names[o->sort]));
	json_object_set_new(res, "total", json_integer(total));
	json_object_set_new(res, "page", json_integer(o->page));
	json_object_set_new(res, "per_page", json_integer(o->per_page));
	json_object_set_new(res, "results", results);
	results = NULL;
	if (facets)
		json_object_set_new(res, "facets", facets);
	facets = NULL;
out:
	/* Rolling back empties the temp table and ends the snapshot. */
	if (in_tx)
		store_exec(s, "ROLLBACK", NULL);
	json_decref(results);
	json_decref(facets);
	terms_free(terms);
	hit_table_release(&hits);
	return res;
}

json_t *
store_search_document(struct store *s, const struct store_viewer *v,
		      int64_t doc, const struct vault_query *q,
		      struct error *err)
{
	char sql[1024];
	sqlite3_stmt *st = NULL;
	json_t *res = NULL, *arr = NULL;
	int rc, in_tx = 0;

	if (err)
		err->msg[0] = '\0';
	if (q->match == NULL) {
		error_set(err, "the query has only filters: give words to find "
			  "in the document");
		return NULL;
	}
	if (store_exec(s, "BEGIN", err) < 0)
		return NULL;
	in_tx = 1;
	snprintf(sql, sizeof(sql), "SELECT d.title FROM documents d"
		 " WHERE d.id = ?1%s", store_visible_sql);
	st = store_prepare(s, sql, err);
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, doc);
	store_bind_viewer(st, v);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_ROW) {
		/* Hidden or absent: the same answer (err empty: not found). */
		if (rc != SQLITE_DONE)
			store_fail(s, err, "reading a document");
		goto out;
	}
	st = store_prepare(s, "SELECT p.n, " SNIPPET_SQL(32)
			   " FROM pages p CROSS JOIN pages_fts f"
			   " ON f.rowid = p.id WHERE p.document_id = ?44"
			   " AND pages_fts MATCH ?20 ORDER BY p.n LIMIT ?42",
			   err);
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, P_DOC, doc);
	sqlite3_bind_text(st, P_MATCH, q->match, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, P_LIMIT, FV_SEARCH_DOC_MAX_PAGES);
	bind_markers(st);
	arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, page_hit_json(st));
	if (rc != SQLITE_DONE) {
		store_fail(s, err, "searching a document");
		goto out;
	}
	res = json_pack("{s:I, s:i, s:o}", "document", (json_int_t)doc,
			"hit_pages", (int)json_array_size(arr), "pages", arr);
	arr = NULL;
out:
	sqlite3_finalize(st);
	if (in_tx)
		store_exec(s, "ROLLBACK", NULL);
	json_decref(arr);
	return res;
}
