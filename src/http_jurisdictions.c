/*
 * http_jurisdictions.c - the FOI laws and their deadlines over HTTP:
 *
 *   GET  /api/v1/jurisdictions                     the laws, summarised
 *   GET  /api/v1/jurisdictions/{code}              one law, fact by fact,
 *                                                  unverified facts flagged
 *   GET  /api/v1/jurisdictions/{code}/holidays?year=YYYY
 *   GET  /api/v1/deadline?jurisdiction=&received=&...   (deadline_input.h)
 *   POST /api/v1/deadline  {"jurisdiction","received","events","as_of"}
 *
 * Public: this is the law, not anyone's data. The laws are loaded once when
 * the server starts (http_laws()) and are read-only; the calendars' year
 * caches are built once under a lock and read without one, so any number
 * of threads may compute at once.
 *
 * Status codes: 404 for an unknown jurisdiction code, wherever it appears;
 * 400 for a query parameter that is unknown, missing or malformed; 422 for
 * a JSON body field that is wrong, and for input that is well-formed but
 * cannot be computed (no FOI law, events that cannot happen).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "deadline.h"
#include "deadline_input.h"
#include "fvlimits.h"
#include "http.h"
#include "http_handlers.h"
#include "jurisdiction.h"

static const char deadline_params[] =
	"jurisdiction, received, as_of, extension, pause, clarification, "
	"clarification_restart, fee, reply, appeal_filed, appeal_decided";

/* The laws, or a 500 if the server was started without them. */
static const struct jurisdiction_set *
laws_or_500(struct http_req *r)
{
	const struct jurisdiction_set *laws = http_laws(r);

	if (laws == NULL)
		http_send_error(r, 500, "internal", "the laws are not loaded");
	return laws;
}

/* The law named by code, or a 404 listing the known codes. */
static const struct jurisdiction *
find_law(struct http_req *r, const char *code)
{
	const struct jurisdiction_set *laws = laws_or_500(r);
	const struct jurisdiction *j;
	struct error err;

	if (laws == NULL)
		return NULL;
	j = jurisdiction_set_lookup(laws, code, &err);
	if (j == NULL)
		http_send_error(r, 404, "not_found", "%s", err.msg);
	return j;
}

void
http_jurisdictions_list(struct http_req *r)
{
	const struct jurisdiction_set *laws = laws_or_500(r);
	json_t *arr;

	if (laws == NULL)
		return;
	arr = json_array();
	for (size_t i = 0; i < jurisdiction_set_count(laws); i++)
		json_array_append_new(arr, jurisdiction_summary_to_json(
			jurisdiction_set_at(laws, i)));
	http_send_json(r, 200, json_pack("{s:o}", "results", arr));
}

void
http_jurisdiction_get(struct http_req *r)
{
	const struct jurisdiction *j = find_law(r, http_param(r, "code"));

	if (j != NULL)
		http_send_json(r, 200, jurisdiction_to_json(j));
}

static int
only_year(void *arg, const char *name, const char *value)
{
	(void)value;
	if (strcmp(name, "year") == 0)
		return 0;
	*(const char **)arg = name;
	return 1;
}

void
http_jurisdiction_holidays(struct http_req *r)
{
	const struct jurisdiction *j = find_law(r, http_param(r, "code"));
	const char *y, *unknown = NULL;
	struct error err;
	long long year;
	json_t *o;

	if (j == NULL)
		return;
	if (http_query_foreach(r, only_year, &unknown) != 0) {
		http_send_error(r, 400, "bad_request", "unknown parameter "
				"'%.40s' (only year)", unknown);
		return;
	}
	y = http_query(r, "year");
	if (y == NULL) {
		/* Today's year where most users are is UTC's, give or take. */
		time_t t = time(NULL);
		struct tm tm;

		year = gmtime_r(&t, &tm) ? tm.tm_year + 1900 : 2000;
	} else if (parse_ll(y, CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR, "year",
			    &year, &err) < 0) {
		http_send_error(r, 400, "bad_request", "%s", err.msg);
		return;
	}
	o = jurisdiction_holidays_to_json(j, (int)year, &err);
	if (o == NULL)
		http_send_error(r, 400, "bad_request", "%s", err.msg);
	else
		http_send_json(r, 200, o);
}

/* Computes and answers; takes nothing, borrows everything. */
static void
send_deadline(struct http_req *r, const struct jurisdiction *j, int received,
	      const struct deadline_event *ev, size_t nev, int as_of)
{
	struct deadline *d = NULL;
	struct error err;

	if (deadline_compute(j, received, ev, nev, as_of, &d, &err) < 0) {
		http_send_error(r, 422, "invalid", "%s", err.msg);
		return;
	}
	http_send_json(r, 200, deadline_to_json(d));
	deadline_free(d);
}

struct query_ctx {
	struct deadline_input in;
	struct error err;
};

static int
take_param(void *arg, const char *name, const char *value)
{
	struct query_ctx *q = arg;
	int rc;

	/* The API spells names with underscores, the CLI with dashes. */
	if (strchr(name, '-') != NULL)
		rc = -2;
	else
		rc = deadline_input_set(&q->in, name, value, &q->err);
	if (rc == -2)
		error_set(&q->err, "unknown parameter '%.40s' (known: %s)",
			  name, deadline_params);
	return rc;
}

void
http_deadline_get(struct http_req *r)
{
	struct query_ctx q;
	const struct jurisdiction *j;
	struct deadline_event *ev = NULL;
	size_t nev = 0;

	deadline_input_init(&q.in, 1);
	if (http_query_foreach(r, take_param, &q) != 0) {
		http_send_error(r, 400, "bad_request", "%s", q.err.msg);
		goto out;
	}
	if (q.in.jurisdiction == NULL || q.in.received < 0) {
		http_send_error(r, 400, "bad_request", "jurisdiction and "
				"received are required, e.g. ?jurisdiction=GB&"
				"received=2025-12-19");
		goto out;
	}
	j = find_law(r, q.in.jurisdiction);
	if (j == NULL)
		goto out;
	if (deadline_input_events(&q.in, j, &ev, &nev, &q.err) < 0) {
		http_send_error(r, 422, "invalid", "%s", q.err.msg);
		goto out;
	}
	send_deadline(r, j, q.in.received, ev, nev, q.in.as_of);
out:
	free(ev);
	deadline_input_release(&q.in);
}

/* A date field of the body: absent (if optional), null, or "YYYY-MM-DD". */
static int
body_date(json_t *v, const char *what, int required, int *ret,
	  struct error *err)
{
	struct error e;

	*ret = -1;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return error_set(err, "%s is required (YYYY-MM-DD)",
					 what);
		return 0;
	}
	if (!json_is_string(v))
		return error_set(err, "%s: expected a date string YYYY-MM-DD",
				 what);
	if (calendar_parse_date(json_string_value(v), ret, &e) < 0)
		return error_set(err, "%s: %s", what, e.msg);
	return 0;
}

/* Fails on a member of o that is not in keys (a typo changes dates). */
static int
known_keys(json_t *o, const char *const *keys, size_t n, const char *where,
	   const char *expected, struct error *err)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v) {
		size_t i;

		for (i = 0; i < n && strcmp(keys[i], k) != 0; i++)
			;
		if (i == n)
			return error_set(err, "%sunknown field '%.40s' "
					 "(expected %s)", where, k, expected);
	}
	return 0;
}

static int
body_event(json_t *o, size_t i, struct deadline_event *ev, struct error *err)
{
	static const char *const keys[] = { "kind", "date", "amount" };
	json_t *kind = json_object_get(o, "kind");
	json_t *amount = json_object_get(o, "amount");
	char where[48];
	int k;

	snprintf(where, sizeof(where), "event %zu: ", i + 1);
	if (!json_is_object(o))
		return error_set(err, "event %zu: expected an object "
				 "{\"kind\",\"date\"}", i + 1);
	if (known_keys(o, keys, ARRAY_SIZE(keys), where, "kind, date, amount",
		       err) < 0)
		return -1;
	if (!json_is_string(kind))
		return error_set(err, "event %zu: kind: expected a string such "
				 "as \"fee-requested\"", i + 1);
	k = deadline_event_kind_from_name(json_string_value(kind));
	if (k < 0)
		return error_set(err, "event %zu: unknown kind '%.40s' "
				 "(one of clarification-requested, "
				 "clarification-given, fee-requested, fee-paid, "
				 "extension, reply, appeal-filed, "
				 "appeal-decided)", i + 1, json_string_value(kind));
	ev->kind = (enum deadline_event_kind)k;
	snprintf(where, sizeof(where), "event %zu: date", i + 1);
	if (body_date(json_object_get(o, "date"), where, 1, &ev->day, err) < 0)
		return -1;
	ev->amount = 0;
	if (amount == NULL || json_is_null(amount))
		return 0;
	if (k != DEADLINE_EXTENSION)
		return error_set(err, "event %zu: amount: only an extension "
				 "has a length", i + 1);
	if (!json_is_integer(amount))
		return error_set(err, "event %zu: amount: expected a whole "
				 "number", i + 1);
	if (json_integer_value(amount) < 0)
		return error_set(err, "event %zu: amount: the length cannot be "
				 "negative", i + 1);
	if (json_integer_value(amount) > FV_MAX_PERIOD)
		return error_set(err, "event %zu: amount: at most %d", i + 1,
				 FV_MAX_PERIOD);
	ev->amount = (int)json_integer_value(amount);
	return 0;
}

void
http_deadline_post(struct http_req *r)
{
	static const char *const keys[] = {
		"jurisdiction", "received", "events", "as_of"
	};
	json_t *body = http_body_json(r);
	json_t *code = json_object_get(body, "jurisdiction");
	json_t *events = json_object_get(body, "events");
	const struct jurisdiction *j;
	struct deadline_event *ev = NULL;
	struct error err;
	size_t nev = 0;
	int received, as_of;

	if (known_keys(body, keys, ARRAY_SIZE(keys), "",
		       "jurisdiction, received, events, as_of", &err) < 0)
		goto invalid;
	if (!json_is_string(code) || json_string_length(code) == 0) {
		error_set(&err, "jurisdiction is required: a code such as "
			  "\"GB\"");
		goto invalid;
	}
	if (body_date(json_object_get(body, "received"), "received", 1,
		      &received, &err) < 0 ||
	    body_date(json_object_get(body, "as_of"), "as_of", 0, &as_of,
		      &err) < 0)
		goto invalid;
	if (events != NULL && !json_is_null(events)) {
		if (!json_is_array(events)) {
			error_set(&err, "events: expected an array of "
				  "{\"kind\",\"date\"}");
			goto invalid;
		}
		nev = json_array_size(events);
		if (nev > FV_MAX_DEADLINE_EVENTS) {
			error_set(&err, "events: at most %d",
				  FV_MAX_DEADLINE_EVENTS);
			goto invalid;
		}
		ev = xcalloc(nev + 1, sizeof(*ev));
		for (size_t i = 0; i < nev; i++)
			if (body_event(json_array_get(events, i), i, &ev[i],
				       &err) < 0)
				goto invalid;
	}
	j = find_law(r, json_string_value(code));
	if (j != NULL)
		send_deadline(r, j, received, ev, nev, as_of);
	goto out;
invalid:
	http_send_error(r, 422, "invalid", "%s", err.msg);
out:
	free(ev);
}
