/*
 * http_search.c - searching the vault over the API:
 *
 *   GET /api/v1/search?q=&sort=&page=&per_page=    documents, hit pages,
 *                                                  snippets, total, facets
 *   GET /api/v1/documents/{id}/search?q=           every hit page of one
 *                                                  document, for the viewer
 *
 * The query language is parsed by vault_query (a query it cannot read is a
 * 400 with its message, "what is wrong and where"); everything the viewer
 * may not see is left out inside the store's SQL (store_search.c), so this
 * file only reads parameters and answers.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fvlimits.h"
#include "http.h"
#include "http_handlers.h"
#include "vault_query.h"

struct search_params {
	const char *q;
	const char *sort;
	const char *page;
	const char *per_page;
	int allow_paging;       /* the document search takes q only */
	struct error err;
};

static int
take_param(void *arg, const char *name, const char *value)
{
	struct search_params *p = arg;
	const char **slot = NULL;

	if (strcmp(name, "q") == 0)
		slot = &p->q;
	else if (p->allow_paging && strcmp(name, "sort") == 0)
		slot = &p->sort;
	else if (p->allow_paging && strcmp(name, "page") == 0)
		slot = &p->page;
	else if (p->allow_paging && strcmp(name, "per_page") == 0)
		slot = &p->per_page;
	if (slot == NULL)
		return error_set(&p->err, "unknown parameter '%.40s' (known: %s)",
				 name, p->allow_paging ?
				 "q, sort, page, per_page" : "q");
	if (*slot != NULL)
		return error_set(&p->err, "parameter '%s' given twice", name);
	*slot = value ? value : "";
	return 0;
}

/* Reads the parameters and parses q; on failure answers 400. */
static struct vault_query *
read_query(struct http_req *r, struct search_params *p)
{
	struct vault_query *q = NULL;
	size_t len;

	if (http_query_foreach(r, take_param, p) != 0) {
		http_send_error(r, 400, "bad_request", "%s", p->err.msg);
		return NULL;
	}
	if (p->q == NULL) {
		http_send_error(r, 400, "bad_query", "the query is empty: give "
				"it as ?q=... (see docs/search.md)");
		return NULL;
	}
	len = strlen(p->q);
	if (len > FV_MAX_QUERY_BYTES) {
		http_send_error(r, 400, "bad_query", "the query is too long: "
				"%zu bytes, at most %d", len,
				FV_MAX_QUERY_BYTES);
		return NULL;
	}
	if (vault_query_parse(p->q, len, &q, NULL, &p->err) < 0) {
		http_send_error(r, 400, "bad_query", "%s", p->err.msg);
		return NULL;
	}
	return q;
}

static int
read_number(struct http_req *r, const char *v, const char *name, int def,
	    int max, int *ret)
{
	struct error err;
	long long n;

	if (v == NULL) {
		*ret = def;
		return 0;
	}
	if (parse_ll(v, 1, max, name, &n, &err) < 0) {
		http_send_error(r, 400, "bad_request", "%s", err.msg);
		return -1;
	}
	*ret = (int)n;
	return 0;
}

void
http_search(struct http_req *r)
{
	struct search_params p = { .allow_paging = 1 };
	struct store_search_opts o = { .facets = 1 };
	struct vault_query *q = NULL;
	struct store *s;
	struct error err;
	json_t *res;

	q = read_query(r, &p);
	if (q == NULL)
		return;
	o.text = p.q;
	if (p.sort && store_search_sort_parse(p.sort, &o.sort) < 0) {
		http_send_error(r, 400, "bad_request", "sort must be relevance, "
				"date or -date, not '%.40s'", p.sort);
		goto out;
	}
	if (read_number(r, p.page, "page", 1, FV_SEARCH_MAX_PAGE,
			&o.page) < 0 ||
	    read_number(r, p.per_page, "per_page", FV_SEARCH_DEFAULT_PER_PAGE,
			FV_SEARCH_MAX_PER_PAGE, &o.per_page) < 0)
		goto out;
	s = http_store(r);
	if (s == NULL)
		goto out;
	res = store_search(s, http_viewer(r), q, &o, &err);
	if (res == NULL)
		http_send_error(r, 500, "database", "%s", err.msg);
	else
		http_send_json(r, 200, res);
out:
	vault_query_free(q);
}

void
http_document_search(struct http_req *r)
{
	struct search_params p = { .allow_paging = 0 };
	struct vault_query *q = NULL;
	struct store *s;
	struct error err;
	long long id;
	json_t *res;

	if (parse_ll(http_param(r, "id"), 1, INT64_MAX, "id", &id, &err) < 0) {
		http_send_error(r, 404, "not_found", "no such document");
		return;
	}
	q = read_query(r, &p);
	if (q == NULL)
		return;
	if (q->match == NULL) {
		http_send_error(r, 400, "bad_query", "the query has only "
				"filters: give words to find in the document");
		goto out;
	}
	s = http_store(r);
	if (s == NULL)
		goto out;
	res = store_search_document(s, http_viewer(r), id, q, &err);
	if (res == NULL && err.msg[0])
		http_send_error(r, 500, "database", "%s", err.msg);
	else if (res == NULL)
		http_send_error(r, 404, "not_found", "no document %lld", id);
	else {
		json_object_set_new(res, "query", json_string(p.q));
		http_send_json(r, 200, res);
	}
out:
	vault_query_free(q);
}
