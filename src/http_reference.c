/*
 * http_reference.c - the negotiations and policy issues that documents and
 * campaigns are linked to: GET /api/v1/negotiations[/{slug}] and
 * GET /api/v1/issues[/{slug}]. Public: this is reference data.
 */
#include "config.h"

#include "http.h"
#include "http_handlers.h"

static void
send_list(struct http_req *r, json_t *(*fn)(struct store *, struct error *))
{
	struct error err;
	struct store *s = http_store(r);
	json_t *arr;

	if (s == NULL)
		return;
	arr = fn(s, &err);
	if (arr == NULL) {
		http_send_error(r, 500, "database", "%s", err.msg);
		return;
	}
	http_send_json(r, 200, json_pack("{s:o}", "results", arr));
}

static void
send_one(struct http_req *r, const char *what,
	 json_t *(*fn)(struct store *, const char *, struct error *))
{
	struct error err;
	struct store *s = http_store(r);
	const char *slug = http_param(r, "slug");
	json_t *o;

	if (s == NULL)
		return;
	o = fn(s, slug, &err);
	if (o == NULL && err.msg[0] != '\0')
		http_send_error(r, 500, "database", "%s", err.msg);
	else if (o == NULL)
		http_send_error(r, 404, "not_found", "no %s '%s'", what, slug);
	else
		http_send_json(r, 200, o);
}

void
http_negotiations_list(struct http_req *r)
{
	send_list(r, store_negotiations_list);
}

void
http_negotiation_get(struct http_req *r)
{
	send_one(r, "negotiation", store_negotiation_get);
}

void
http_issues_list(struct http_req *r)
{
	send_list(r, store_issues_list);
}

void
http_issue_get(struct http_req *r)
{
	send_one(r, "issue", store_issue_get);
}
