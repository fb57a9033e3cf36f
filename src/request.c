/*
 * request.c - the request state machine, its mapping onto the deadline
 * engine, and the overdue report (request.h, docs/coordinating.md).
 *
 * Invariants: events are only appended (the schema enforces it); an event
 * is accepted only if the transition table allows its kind in the current
 * state, its date is not before the previous event's, and the deadline
 * engine can count the whole timeline with it. The request row's state and
 * dates are rewritten in the same transaction as the event, so they always
 * describe the timeline they were computed from.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "deadline.h"
#include "fvlimits.h"
#include "jurisdiction.h"
#include "request.h"

/* Kinds that keep the request waiting on the authority. */
#define AWAITING "clarification-requested fee-requested extended " \
	"partially-released released refused no-records appeal-filed " \
	"withdrawn closed note"

/* The one transition table: state, then the event kinds allowed in it. */
static const struct {
	const char *state;
	const char *kinds;	/* space-separated */
	int awaiting;		/* the authority owes a reply: may be overdue */
} transitions[] = {
	{ "draft", "sent withdrawn note", 0 },
	{ "sent", "acknowledged " AWAITING, 1 },
	{ "acknowledged", AWAITING, 1 },
	{ "clarification-requested", "clarification-given withdrawn closed "
	  "note", 0 },
	{ "clarification-given", AWAITING, 1 },
	{ "fee-requested", "fee-paid withdrawn closed note", 0 },
	{ "fee-paid", AWAITING, 1 },
	{ "extended", AWAITING, 1 },
	{ "partially-released", "partially-released released refused "
	  "no-records appeal-filed closed note", 0 },
	{ "released", "appeal-filed closed note", 0 },
	{ "refused", "appeal-filed closed note", 0 },
	{ "no-records", "appeal-filed closed note", 0 },
	{ "appeal-filed", "extended appeal-decided withdrawn closed note", 0 },
	{ "appeal-decided", "partially-released released closed note", 0 },
	{ "withdrawn", "closed note", 0 },
	{ "closed", "note", 0 },
};

static const char *const kinds[] = {
	"sent", "acknowledged", "clarification-requested",
	"clarification-given", "fee-requested", "fee-paid", "extended",
	"partially-released", "released", "refused", "no-records",
	"appeal-filed", "appeal-decided", "withdrawn", "closed", "note",
};

int
request_kind_valid(const char *kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (strcmp(kinds[i], kind) == 0)
			return 1;
	return 0;
}

static int
find_state(const char *state)
{
	for (size_t i = 0; i < ARRAY_SIZE(transitions); i++)
		if (strcmp(transitions[i].state, state) == 0)
			return (int)i;
	return -1;
}

const char *
request_allowed_kinds(const char *state)
{
	int i = find_state(state);

	return i < 0 ? "" : transitions[i].kinds;
}

/* Whether word is one of the space-separated words of list. */
static int
has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	while (*list) {
		const char *sp = strchr(list, ' ');
		size_t len = sp ? (size_t)(sp - list) : strlen(list);

		if (len == n && memcmp(list, word, n) == 0)
			return 1;
		list += len;
		while (*list == ' ')
			list++;
	}
	return 0;
}

const char *
request_transition(const char *state, const char *kind, struct error *err)
{
	int i = find_state(state);

	if (!request_kind_valid(kind)) {
		error_set(err, "unknown event kind '%s' (kinds: sent, "
			  "acknowledged, clarification-requested, "
			  "clarification-given, fee-requested, fee-paid, "
			  "extended, partially-released, released, refused, "
			  "no-records, appeal-filed, appeal-decided, withdrawn, "
			  "closed, note)", kind);
		return NULL;
	}
	if (i < 0) {
		error_set(err, "the request is in an unknown state '%s'", state);
		return NULL;
	}
	if (!has_word(transitions[i].kinds, kind)) {
		error_set(err, "a request in state '%s' cannot take a '%s' "
			  "event (allowed: %s)", state, kind,
			  transitions[i].kinds);
		return NULL;
	}
	if (strcmp(kind, "note") == 0)
		return transitions[i].state;
	/* An extension during an appeal extends the appeal's decision. */
	if (strcmp(kind, "extended") == 0 &&
	    strcmp(state, "appeal-filed") == 0)
		return transitions[i].state;
	for (size_t k = 0; k < ARRAY_SIZE(transitions); k++)
		if (strcmp(transitions[k].state, kind) == 0)
			return transitions[k].state;
	error_set(err, "event '%s' has no state", kind);
	return NULL;
}

static int
is_reply(const char *kind)
{
	return strcmp(kind, "partially-released") == 0 ||
		strcmp(kind, "released") == 0 ||
		strcmp(kind, "refused") == 0 ||
		strcmp(kind, "no-records") == 0;
}

int
request_today(void)
{
	return (int)(time(NULL) / 86400);
}

/* One event as the computation sees it. */
struct ev {
	const char *kind;
	int day;
	int amount;
};

/*
 * Counts a timeline under law j. Returns 1 (and nothing) when there is no
 * day 0 yet (never sent), 0 with *ret and *ret_received, -1 on error.
 */
static int
compute(const struct jurisdiction *j, const struct ev *evs, size_t n,
	int as_of, struct deadline **ret, int *ret_received,
	struct error *err)
{
	struct deadline_event *de = NULL;
	size_t nde = 0;
	int received = -1, replied = 0, rc = -1;

	for (size_t i = 0; i < n; i++)
		if (received < 0 && strcmp(evs[i].kind, "sent") == 0)
			received = evs[i].day;
	if (received < 0)
		return 1;
	if (j->start == JUR_START_REGISTRATION)
		for (size_t i = 0; i < n; i++)
			if (strcmp(evs[i].kind, "acknowledged") == 0) {
				received = evs[i].day;
				break;
			}
	de = xcalloc(n ? n : 1, sizeof(*de));
	for (size_t i = 0; i < n; i++) {
		const char *k = evs[i].kind;
		struct deadline_event *e = &de[nde];

		e->day = evs[i].day;
		e->amount = 0;
		if (strcmp(k, "clarification-requested") == 0)
			e->kind = DEADLINE_CLARIFICATION_REQUESTED;
		else if (strcmp(k, "clarification-given") == 0)
			e->kind = DEADLINE_CLARIFICATION_GIVEN;
		else if (strcmp(k, "fee-requested") == 0)
			e->kind = DEADLINE_FEE_REQUESTED;
		else if (strcmp(k, "fee-paid") == 0)
			e->kind = DEADLINE_FEE_PAID;
		else if (strcmp(k, "extended") == 0) {
			e->kind = DEADLINE_EXTENSION;
			e->amount = evs[i].amount > 0 ? evs[i].amount : 0;
		} else if (is_reply(k) && !replied) {
			e->kind = DEADLINE_REPLY;
			replied = 1;
		} else if (strcmp(k, "appeal-filed") == 0)
			e->kind = DEADLINE_APPEAL_FILED;
		else if (strcmp(k, "appeal-decided") == 0)
			e->kind = DEADLINE_APPEAL_DECIDED;
		else
			continue;
		nde++;
	}
	if (deadline_compute(j, received, de, nde, as_of, ret, err) == 0) {
		*ret_received = received;
		rc = 0;
	}
	free(de);
	return rc;
}

static const struct jurisdiction *
law_of(const struct jurisdiction_set *laws, const char *code,
       struct error *err)
{
	const struct jurisdiction *j = jurisdiction_set_lookup(laws, code,
							       err);

	if (j == NULL)
		error_set(err, "the authority's jurisdiction '%s' has no law "
			  "loaded", code);
	return j;
}

/* The request's events as struct ev (dates parsed), plus one more slot. */
static struct ev *
timeline(const struct store_request *r, struct error *err)
{
	struct ev *evs = xcalloc(r->nevents + 1, sizeof(*evs));

	for (size_t i = 0; i < r->nevents; i++) {
		evs[i].kind = r->events[i].kind;
		evs[i].amount = r->events[i].amount;
		if (calendar_parse_date(r->events[i].date, &evs[i].day,
					err) < 0) {
			free(evs);
			return NULL;
		}
	}
	return evs;
}

int
request_add_event(struct store *s, const struct jurisdiction_set *laws,
		  int64_t id, const char *kind, int date, int amount,
		  int64_t actor, const char *note, struct error *err)
{
	struct store_request r = { 0 };
	struct store_request_dates dates = { 0 };
	struct deadline *d = NULL;
	const struct jurisdiction *j;
	struct ev *evs = NULL;
	char day[CALENDAR_DATE_LEN], rec[CALENDAR_DATE_LEN];
	char due[CALENDAR_DATE_LEN], very[CALENDAR_DATE_LEN];
	char appeal[CALENDAR_DATE_LEN];
	int rc = -1, received = -1, c;

	if (date < 0)
		date = request_today();
	if (!calendar_in_range(date))
		return error_set(err, "the event's date is out of range");
	if (amount >= 0 && strcmp(kind, "extended") != 0)
		return error_set(err, "--amount is only for 'extended' events");
	if (amount > FV_MAX_PERIOD)
		return error_set(err, "an extension of at most %d units",
				 FV_MAX_PERIOD);
	if (store_begin(s, err) < 0)
		return -1;
	c = store_request_get(s, id, &r, err);
	if (c != 0) {
		rc = c;
		goto out;
	}
	if (r.nevents >= FV_MAX_DEADLINE_EVENTS - 1) {
		error_set(err, "request %lld has too many events (at most %d)",
			  (long long)id, FV_MAX_DEADLINE_EVENTS);
		goto out;
	}
	dates.state = request_transition(r.state, kind, err);
	if (dates.state == NULL)
		goto out;
	if ((j = law_of(laws, r.jurisdiction, err)) == NULL ||
	    (evs = timeline(&r, err)) == NULL)
		goto out;
	if (r.nevents > 0 && date < evs[r.nevents - 1].day) {
		error_set(err, "the event's date %s is before the previous "
			  "event's (%s)", calendar_format_date(date, day),
			  r.events[r.nevents - 1].date);
		goto out;
	}
	evs[r.nevents].kind = kind;
	evs[r.nevents].day = date;
	evs[r.nevents].amount = amount;
	if (j->no_foi_law) {
		dates.explanation = "this jurisdiction has no freedom of "
			"information law: there is no legal deadline";
	} else {
		c = compute(j, evs, r.nevents + 1, -1, &d, &received, err);
		if (c < 0)
			goto out;
		if (c == 0) {
			dates.received = calendar_format_date(received, rec);
			if (d->current.set)
				dates.due = calendar_format_date(
					d->current.due, due);
			if (d->very_overdue.set)
				dates.very_overdue = calendar_format_date(
					d->very_overdue.due, very);
			if (d->appeal_window.set)
				dates.appeal_by = calendar_format_date(
					d->appeal_window.due, appeal);
			dates.explanation = d->explanation;
		}
	}
	if (store_request_event_add(s, id, calendar_format_date(date, day),
				    kind, amount, actor, note, &dates,
				    err) < 0 ||
	    store_commit(s, err) < 0)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		store_rollback(s);
	deadline_free(d);
	free(evs);
	store_request_release(&r);
	return rc;
}

json_t *
request_show_json(struct store *s, const struct jurisdiction_set *laws,
		  int64_t id, struct error *err)
{
	struct store_request r = { 0 };
	const struct jurisdiction *j;
	struct deadline *d = NULL;
	struct ev *evs = NULL;
	json_t *o = NULL, *arr, *allowed;
	int received, c;
	const char *k;

	err->msg[0] = '\0';
	c = store_request_get(s, id, &r, err);
	if (c != 0)
		return NULL;
	if ((j = law_of(laws, r.jurisdiction, err)) == NULL ||
	    (evs = timeline(&r, err)) == NULL)
		goto out;
	arr = json_array();
	for (size_t i = 0; i < r.nevents; i++) {
		const struct store_request_event *e = &r.events[i];

		json_array_append_new(arr, json_pack(
			"{s:I, s:s, s:s, s:s, s:o, s:o, s:s}",
			"id", (json_int_t)e->id, "at", e->at, "date", e->date,
			"kind", e->kind, "amount", e->amount >= 0 ?
			json_integer(e->amount) : json_null(),
			"actor", e->actor > 0 ? json_integer(e->actor) :
			json_null(), "note", e->note ? e->note : ""));
	}
	allowed = json_array();
	for (k = request_allowed_kinds(r.state); *k;) {
		size_t n = strcspn(k, " ");

		json_array_append_new(allowed, json_stringn(k, n));
		k += n;
		k += strspn(k, " ");
	}
	o = json_pack("{s:I, s:s, s:o, s:s, s:{s:I, s:s}, s:s, s:s, s:o,"
		      " s:o, s:o}",
		      "id", (json_int_t)r.id, "title", r.title,
		      "reference", r.reference ? json_string(r.reference) :
		      json_null(), "state", r.state,
		      "authority", "id", (json_int_t)r.authority_id,
		      "name", r.authority, "jurisdiction", j->code,
		      "law", j->citation, "events", arr,
		      "allowed_events", allowed,
		      "appeal", json_pack("{s:s, s:s}", "name",
					  j->appeal_name, "oversight",
					  j->oversight));
	c = j->no_foi_law ? 1 : compute(j, evs, r.nevents,
					 request_today(), &d, &received, err);
	if (c < 0) {
		json_decref(o);
		o = NULL;
		goto out;
	}
	if (c == 1) {
		json_object_set_new(o, "deadline", json_null());
		json_object_set_new(o, "due", json_null());
		json_object_set_new(o, "very_overdue", json_null());
		json_object_set_new(o, "appeal_by", json_null());
		json_object_set_new(o, "explanation", json_string(
			j->no_foi_law ? "this jurisdiction has no freedom of "
			"information law: there is no legal deadline" :
			"not sent yet: the clock starts when it is sent"));
	} else {
		json_t *dj = deadline_to_json(d);
		char a[CALENDAR_DATE_LEN];

		json_object_set(o, "due", json_object_get(dj, "due"));
		json_object_set_new(o, "very_overdue", d->very_overdue.set ?
			json_string(calendar_format_date(d->very_overdue.due,
							 a)) : json_null());
		json_object_set_new(o, "appeal_by", d->appeal_window.set ?
			json_string(calendar_format_date(d->appeal_window.due,
							 a)) : json_null());
		json_object_set_new(o, "explanation",
				    json_string(d->explanation));
		json_object_set_new(o, "deadline", dj);
	}
out:
	deadline_free(d);
	free(evs);
	store_request_release(&r);
	return o;
}

static int
by_days_desc(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t dx = json_integer_value(json_object_get(x, "days_overdue"));
	json_int_t dy = json_integer_value(json_object_get(y, "days_overdue"));

	if (dx != dy)
		return dx < dy ? 1 : -1;
	dx = json_integer_value(json_object_get(x, "id"));
	dy = json_integer_value(json_object_get(y, "id"));
	return dx < dy ? -1 : dx > dy;
}

json_t *
request_overdue_json(struct store *s, int as_of, struct error *err)
{
	json_t *rows = store_requests_json(s, NULL, 1, err), *row, *out;
	json_t **v = NULL;
	size_t i, n = 0;

	if (rows == NULL)
		return NULL;
	v = xcalloc(json_array_size(rows) + 1, sizeof(*v));
	json_array_foreach(rows, i, row) {
		const char *state = json_string_value(json_object_get(row,
							   "state"));
		const char *vo = json_string_value(json_object_get(row,
							"very_overdue"));
		json_t *last = json_object_get(row, "last_event");
		int k = find_state(state), due, very = -1;
		struct error e;

		if (k < 0 || !transitions[k].awaiting ||
		    calendar_parse_date(json_string_value(json_object_get(
				row, "due")), &due, &e) < 0 || due >= as_of)
			continue;
		if (vo && calendar_parse_date(vo, &very, &e) < 0)
			very = -1;
		v[n++] = json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:I,"
				   " s:b, s:O, s:O, s:O}",
			"id", json_object_get(row, "id"),
			"title", json_object_get(row, "title"),
			"reference", json_object_get(row, "reference"),
			"authority", json_object_get(json_object_get(row,
							"authority"), "name"),
			"authority_id", json_object_get(json_object_get(row,
							"authority"), "id"),
			"jurisdiction", json_object_get(row, "jurisdiction"),
			"due", json_object_get(row, "due"),
			"days_overdue", (json_int_t)(as_of - due),
			"very_overdue", very >= 0 && as_of > very,
			"very_overdue_date", json_object_get(row,
							     "very_overdue"),
			"state", json_object_get(row, "state"),
			"last_event", json_is_object(last) ?
			json_object_get(last, "kind") : json_null());
		json_object_set(v[n - 1], "last_event_date",
				json_is_object(last) ?
				json_object_get(last, "date") : json_null());
	}
	qsort(v, n, sizeof(*v), by_days_desc);
	out = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(out, v[i]);
	free(v);
	json_decref(rows);
	return out;
}

/*
 * One CSV field, quoted when it has to be (RFC 4180). Text that a
 * spreadsheet would run as a formula (=, +, -, @, tab or CR first: a title
 * or an authority's name is outside data) gets a leading apostrophe, as
 * OWASP advises for CSV exports; numbers are written as they are.
 */
static void
csv_field(struct buf *b, const char *s, int text, int last)
{
	int defuse;

	if (s == NULL)
		s = "";
	defuse = text && *s != '\0' && strchr("=+-@\t\r", *s) != NULL;
	if (defuse || strpbrk(s, ",\"\r\n") != NULL) {
		buf_addstr(b, "\"");
		if (defuse)
			buf_addstr(b, "'");
		for (const char *p = s; *p; p++) {
			if (*p == '"')
				buf_add(b, "\"", 1);
			buf_add(b, p, 1);
		}
		buf_addstr(b, "\"");
	} else {
		buf_addstr(b, s);
	}
	buf_addstr(b, last ? "\r\n" : ",");
}

char *
request_overdue_csv(const json_t *rows, size_t *ret_len)
{
	static const char *const cols[] = {
		"id", "title", "reference", "authority", "jurisdiction", "due",
		"days_overdue", "very_overdue", "state", "last_event",
		"last_event_date",
	};
	struct buf b;
	size_t i, c;
	json_t *row;

	buf_init(&b, (size_t)256 * 1024 * 1024);
	for (c = 0; c < ARRAY_SIZE(cols); c++)
		csv_field(&b, cols[c], 0, c + 1 == ARRAY_SIZE(cols));
	json_array_foreach(rows, i, row) {
		for (c = 0; c < ARRAY_SIZE(cols); c++) {
			json_t *v = json_object_get(row, cols[c]);
			char num[32];
			const char *text = NULL;

			if (json_is_string(v))
				text = json_string_value(v);
			else if (json_is_integer(v)) {
				snprintf(num, sizeof(num), "%lld",
					 (long long)json_integer_value(v));
				text = num;
			} else if (json_is_boolean(v))
				text = json_is_true(v) ? "yes" : "no";
			csv_field(&b, text, json_is_string(v),
				  c + 1 == ARRAY_SIZE(cols));
		}
	}
	return buf_detach(&b, ret_len);
}
