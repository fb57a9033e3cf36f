/*
 * http_requests.c - authorities, requests and the overdue report over HTTP
 * (read-only for now; docs/api.md):
 *
 *   GET /api/v1/authorities[?jurisdiction=CODE]   the authorities
 *   GET /api/v1/requests/{id}                     one request, its timeline
 *                                                 and its deadline's working
 *   GET /api/v1/overdue[?as_of=DATE&format=json|csv]
 *
 * All three need a logged-in account (ACCESS_USER in routes.c): requests
 * will belong to campaigns that may be members-only, so nothing here is
 * public. When campaigns arrive, request visibility joins store_viewer
 * (http_viewer()) the way documents do.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "http.h"
#include "http_handlers.h"
#include "request.h"

void
http_authorities_list(struct http_req *r)
{
	struct store *s = http_store(r);
	const char *jur = http_query(r, "jurisdiction");
	struct error err;
	json_t *arr;

	if (s == NULL)
		return;
	if (jur && (strlen(jur) > 16 || jur[0] == '\0')) {
		http_send_error(r, 400, "bad_request", "jurisdiction: a code "
				"such as GB or US-CA");
		return;
	}
	arr = store_authorities_json(s, jur, &err);
	if (arr == NULL)
		http_send_error(r, 500, "database", "%s", err.msg);
	else
		http_send_json(r, 200, json_pack("{s:o}", "results", arr));
}

void
http_request_get(struct http_req *r)
{
	const struct jurisdiction_set *laws = http_laws(r);
	struct store *s = http_store(r);
	struct error err;
	long long id;
	json_t *o;

	if (s == NULL)
		return;
	if (laws == NULL) {
		http_send_error(r, 500, "internal", "the laws are not loaded");
		return;
	}
	if (parse_ll(http_param(r, "id"), 1, INT64_MAX, "id", &id,
		     &err) < 0) {
		http_send_error(r, 404, "not_found", "no such request");
		return;
	}
	o = request_show_json(s, laws, id, &err);
	if (o == NULL && err.msg[0])
		http_send_error(r, 500, "internal", "%s", err.msg);
	else if (o == NULL)
		http_send_error(r, 404, "not_found", "no request %lld", id);
	else
		http_send_json(r, 200, o);
}

void
http_overdue(struct http_req *r)
{
	const char *as_of_s = http_query(r, "as_of");
	const char *format = http_query(r, "format");
	struct store *s;
	struct error err;
	int as_of = request_today();
	json_t *arr;

	if (as_of_s && calendar_parse_date(as_of_s, &as_of, &err) < 0) {
		http_send_error(r, 400, "bad_request", "as_of: %s", err.msg);
		return;
	}
	if (format && strcmp(format, "json") != 0 &&
	    strcmp(format, "csv") != 0) {
		http_send_error(r, 400, "bad_request", "format: json or csv");
		return;
	}
	if ((s = http_store(r)) == NULL)
		return;
	arr = request_overdue_json(s, as_of, &err);
	if (arr == NULL) {
		http_send_error(r, 500, "database", "%s", err.msg);
		return;
	}
	if (format && strcmp(format, "csv") == 0) {
		size_t len;
		char *csv = request_overdue_csv(arr, &len);

		json_decref(arr);
		http_send_data(r, 200, "text/csv; charset=utf-8", csv, len);
		return;
	}
	{
		char d[CALENDAR_DATE_LEN];

		http_send_json(r, 200, json_pack("{s:s, s:o}", "as_of",
				calendar_format_date(as_of, d),
				"results", arr));
	}
}
