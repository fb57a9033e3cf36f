/*
 * deadline_input.c - the options of `foivault deadline` and the query of
 * GET /api/v1/deadline, turned into deadline events (deadline_input.h has
 * the vocabulary).
 *
 * Input is checked in two steps. deadline_input_set() checks each value on
 * its own (a real date in range, a length that is not negative), so that
 * the CLI can call a bad value a usage error and the API a 400.
 * deadline_input_events() then reads the law: a "pause" becomes whatever
 * the law stops the clock for, and an extension given without a date is
 * dated day 0 of the running clock (after a restart, the restart), so that
 * it is counted and not dropped by the restart.
 *
 * Items keep the order they were given in; the engine sorts events by date
 * and keeps that order within a day.
 */
#include "config.h"

#include "deadline_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "fvlimits.h"

enum item_kind {
	ITEM_PAUSE,
	ITEM_CLARIFICATION,
	ITEM_CLARIFICATION_RESTART,
	ITEM_FEE,
	ITEM_EXTENSION,
	ITEM_REPLY,
	ITEM_APPEAL_FILED,
	ITEM_APPEAL_DECIDED,
	ITEM_JURISDICTION,	/* scalars: not stored as items */
	ITEM_RECEIVED,
	ITEM_AS_OF,
};

enum item_value {
	VALUE_DATE,		/* DATE */
	VALUE_RANGE,		/* FROM[:TO] */
	VALUE_EXTENSION,	/* [N][@DATE], may be empty */
	VALUE_CODE,
};

struct deadline_input_item {
	enum item_kind kind;
	int from;		/* the date; extension: -1 = day 0 */
	int to;			/* ranges: -1 = not answered yet */
	int amount;		/* extension: 0 = the law's usual length */
};

static const struct {
	const char *name;
	enum item_kind kind;
	enum item_value value;
} options[] = {
	{ "jurisdiction", ITEM_JURISDICTION, VALUE_CODE },
	{ "received", ITEM_RECEIVED, VALUE_DATE },
	{ "as-of", ITEM_AS_OF, VALUE_DATE },
	{ "pause", ITEM_PAUSE, VALUE_RANGE },
	{ "clarification", ITEM_CLARIFICATION, VALUE_RANGE },
	{ "clarification-restart", ITEM_CLARIFICATION_RESTART, VALUE_DATE },
	{ "fee", ITEM_FEE, VALUE_RANGE },
	{ "extension", ITEM_EXTENSION, VALUE_EXTENSION },
	{ "reply", ITEM_REPLY, VALUE_DATE },
	{ "appeal-filed", ITEM_APPEAL_FILED, VALUE_DATE },
	{ "appeal-decided", ITEM_APPEAL_DECIDED, VALUE_DATE },
};

void
deadline_input_init(struct deadline_input *in, int api)
{
	memset(in, 0, sizeof(*in));
	in->received = -1;
	in->as_of = -1;
	in->api = api;
}

void
deadline_input_release(struct deadline_input *in)
{
	free(in->jurisdiction);
	free(in->items);
	in->jurisdiction = NULL;
	in->items = NULL;
	in->nitems = 0;
}

/* The option's index, for a name with dashes or underscores; -1 if none. */
static int
find_option(const char *name)
{
	char canon[32];
	size_t n = strlen(name);

	if (n == 0 || n >= sizeof(canon))
		return -1;
	for (size_t i = 0; i <= n; i++)
		canon[i] = name[i] == '_' ? '-' : name[i];
	for (size_t i = 0; i < ARRAY_SIZE(options); i++)
		if (strcmp(options[i].name, canon) == 0)
			return (int)i;
	return -1;
}

/* The option's name as this interface spells it ("--as-of", "as_of"). */
static const char *
label(const struct deadline_input *in, int opt, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s", in->api ? "" : "--", options[opt].name);
	if (in->api)
		for (char *p = buf; *p; p++)
			if (*p == '-')
				*p = '_';
	return buf;
}

static const char *
kind_label(const struct deadline_input *in, enum item_kind kind, char *buf,
	   size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(options); i++)
		if (options[i].kind == kind)
			return label(in, (int)i, buf, n);
	return "?";
}

static int
parse_date(const char *what, const char *s, int *ret, struct error *err)
{
	struct error e;

	if (calendar_parse_date(s, ret, &e) < 0)
		return error_set(err, "%s: %s", what, e.msg);
	return 0;
}

/* FROM[:TO]; TO missing or empty = not answered yet. */
static int
parse_range(const char *what, const char *s, struct deadline_input_item *it,
	    struct error *err)
{
	const char *colon = strchr(s, ':');
	char from[CALENDAR_DATE_LEN + 8];
	char a[CALENDAR_DATE_LEN], b[CALENDAR_DATE_LEN];

	it->to = -1;
	if (colon == NULL)
		return parse_date(what, s, &it->from, err);
	if ((size_t)(colon - s) >= sizeof(from))
		return error_set(err, "%s: '%.40s' is not FROM:TO (two dates "
				 "YYYY-MM-DD)", what, s);
	memcpy(from, s, (size_t)(colon - s));
	from[colon - s] = '\0';
	if (parse_date(what, from, &it->from, err) < 0)
		return -1;
	if (colon[1] == '\0')
		return 0;
	if (parse_date(what, colon + 1, &it->to, err) < 0)
		return -1;
	if (it->to < it->from)
		return error_set(err, "%s: it ends (%s) before it starts (%s)",
				 what, calendar_format_date(it->to, b),
				 calendar_format_date(it->from, a));
	return 0;
}

/* [N][@DATE]: empty = the law's usual length, on day 0 of the clock. */
static int
parse_extension(const char *what, const char *s,
		struct deadline_input_item *it, struct error *err)
{
	const char *at;
	char num[24];
	long long v;
	struct error e;

	it->from = -1;
	it->amount = 0;
	if (s == NULL || *s == '\0')
		return 0;
	at = strchr(s, '@');
	if (at != NULL && parse_date(what, at + 1, &it->from, err) < 0)
		return -1;
	if (at == s)
		return 0;
	if (at == NULL)
		at = s + strlen(s);
	if ((size_t)(at - s) >= sizeof(num))
		return error_set(err, "%s: '%.40s' is not a number of days",
				 what, s);
	memcpy(num, s, (size_t)(at - s));
	num[at - s] = '\0';
	if (strchr(num + 1, '-') != NULL)
		return error_set(err, "%s: '%s' is not a length; to date the "
				 "extension, write N@DATE or @DATE", what, num);
	if (num[0] == '-')
		return error_set(err, "%s: the length cannot be negative (%s)",
				 what, num);
	if (parse_ll(num, 1, FV_MAX_PERIOD, "length", &v, &e) < 0)
		return error_set(err, "%s: %s", what, e.msg);
	it->amount = (int)v;
	return 0;
}

int
deadline_input_set(struct deadline_input *in, const char *name,
		   const char *value, struct error *err)
{
	struct deadline_input_item it = { 0 };
	int opt = find_option(name);
	char what[40];

	if (opt < 0) {
		error_set(err, "unknown option '%.40s'", name);
		return -2;
	}
	label(in, opt, what, sizeof(what));
	if (options[opt].value != VALUE_EXTENSION &&
	    (value == NULL || *value == '\0'))
		return error_set(err, "%s needs a value", what);
	it.kind = options[opt].kind;
	switch (options[opt].value) {
	case VALUE_CODE:
		if (in->jurisdiction != NULL)
			return error_set(err, "%s given twice", what);
		if (strlen(value) > DEADLINE_INPUT_MAX_CODE)
			return error_set(err, "%s: '%.40s...' is not a "
					 "jurisdiction code", what, value);
		in->jurisdiction = xstrdup(value);
		return 0;
	case VALUE_DATE:
		if (parse_date(what, value, &it.from, err) < 0)
			return -1;
		break;
	case VALUE_RANGE:
		if (parse_range(what, value, &it, err) < 0)
			return -1;
		break;
	case VALUE_EXTENSION:
		if (parse_extension(what, value, &it, err) < 0)
			return -1;
		break;
	}
	if (it.kind == ITEM_RECEIVED || it.kind == ITEM_AS_OF) {
		int *slot = it.kind == ITEM_RECEIVED ? &in->received :
						       &in->as_of;

		if (*slot >= 0)
			return error_set(err, "%s given twice", what);
		*slot = it.from;
		return 0;
	}
	if (in->nitems >= FV_MAX_DEADLINE_EVENTS)
		return error_set(err, "too many events (at most %d)",
				 FV_MAX_DEADLINE_EVENTS);
	in->items = xrealloc(in->items, (in->nitems + 1) * sizeof(*in->items));
	in->items[in->nitems++] = it;
	return 0;
}

static int
is_clock_item(enum item_kind k)
{
	return k == ITEM_PAUSE || k == ITEM_CLARIFICATION ||
	       k == ITEM_CLARIFICATION_RESTART || k == ITEM_FEE;
}

static void
push(struct deadline_event **ev, size_t *n, enum deadline_event_kind kind,
     int day, int amount)
{
	*ev = xrealloc(*ev, (*n + 1) * sizeof(**ev));
	(*ev)[*n].kind = kind;
	(*ev)[*n].day = day;
	(*ev)[*n].amount = amount;
	(*n)++;
}

/* A request for something and, if it came, its answer. */
static void
push_range(struct deadline_event **ev, size_t *n,
	   enum deadline_event_kind ask, enum deadline_event_kind answer,
	   const struct deadline_input_item *it)
{
	push(ev, n, ask, it->from, 0);
	if (it->to >= 0)
		push(ev, n, answer, it->to, 0);
}

static const char *
stop_verb(enum jurisdiction_stop s)
{
	switch (s) {
	case JUR_STOP_PAUSE:
		return "pauses";
	case JUR_STOP_RESTART:
		return "restarts";
	case JUR_STOP_NONE:
		break;
	}
	return "does not stop";
}

static int
push_item(const struct deadline_input *in, const struct jurisdiction *j,
	  const struct deadline_input_item *it, int day0,
	  struct deadline_event **ev, size_t *n, struct error *err)
{
	char what[40], clar_name[40], fee_name[40];
	char a[CALENDAR_DATE_LEN], b[CALENDAR_DATE_LEN];

	kind_label(in, it->kind, what, sizeof(what));
	kind_label(in, ITEM_CLARIFICATION, clar_name, sizeof(clar_name));
	kind_label(in, ITEM_FEE, fee_name, sizeof(fee_name));
	/* Said here, the message can name the option, not "event 3". */
	if (it->from >= 0 && it->from < in->received)
		return error_set(err, "%s: %s is before the request was "
				 "received (%s)", what,
				 calendar_format_date(it->from, a),
				 calendar_format_date(in->received, b));
	switch (it->kind) {
	case ITEM_PAUSE:
		if (j->clarification == JUR_STOP_PAUSE)
			push_range(ev, n, DEADLINE_CLARIFICATION_REQUESTED,
				   DEADLINE_CLARIFICATION_GIVEN, it);
		else if (j->fee == JUR_STOP_PAUSE)
			push_range(ev, n, DEADLINE_FEE_REQUESTED,
				   DEADLINE_FEE_PAID, it);
		else
			return error_set(err, "%s: under the law of %s neither "
					 "a request for clarification nor a "
					 "fee notice stops the clock (record "
					 "them with %s or %s to see that)",
					 what, j->code, clar_name, fee_name);
		break;
	case ITEM_CLARIFICATION:
		push_range(ev, n, DEADLINE_CLARIFICATION_REQUESTED,
			   DEADLINE_CLARIFICATION_GIVEN, it);
		break;
	case ITEM_CLARIFICATION_RESTART:
		if (j->clarification != JUR_STOP_RESTART)
			return error_set(err, "%s: under the law of %s a "
					 "clarification %s the clock, it does "
					 "not restart it (use %s FROM:TO)",
					 what, j->code,
					 stop_verb(j->clarification),
					 clar_name);
		push(ev, n, DEADLINE_CLARIFICATION_REQUESTED, it->from, 0);
		push(ev, n, DEADLINE_CLARIFICATION_GIVEN, it->from, 0);
		break;
	case ITEM_FEE:
		push_range(ev, n, DEADLINE_FEE_REQUESTED, DEADLINE_FEE_PAID, it);
		break;
	case ITEM_EXTENSION:
		push(ev, n, DEADLINE_EXTENSION, it->from >= 0 ? it->from : day0,
		     it->amount);
		break;
	case ITEM_REPLY:
		push(ev, n, DEADLINE_REPLY, it->from, 0);
		break;
	case ITEM_APPEAL_FILED:
		push(ev, n, DEADLINE_APPEAL_FILED, it->from, 0);
		break;
	case ITEM_APPEAL_DECIDED:
		push(ev, n, DEADLINE_APPEAL_DECIDED, it->from, 0);
		break;
	default:
		return error_set(err, "internal error: item kind %d",
				 (int)it->kind);
	}
	return 0;
}

int
deadline_input_events(const struct deadline_input *in,
		      const struct jurisdiction *j,
		      struct deadline_event **ret, size_t *ret_n,
		      struct error *err)
{
	struct deadline_event *ev = NULL;
	size_t n = 0, last_clock = 0;
	int have_clock = 0, day0 = in->received;

	if (j->no_foi_law)
		return error_set(err, "%s: %s", j->code, *j->note ? j->note :
				 "there is no freedom of information law");
	/*
	 * Day 0 of the running clock: the received date, or the last
	 * clarification that restarted it.
	 */
	for (size_t i = 0; i < in->nitems; i++) {
		const struct deadline_input_item *it = &in->items[i];

		if (!is_clock_item(it->kind))
			continue;
		have_clock = 1;
		last_clock = i;
		if (j->clarification != JUR_STOP_RESTART)
			continue;
		if (it->kind == ITEM_CLARIFICATION_RESTART && it->from > day0)
			day0 = it->from;
		if (it->kind == ITEM_CLARIFICATION && it->to > day0)
			day0 = it->to;
	}
	/*
	 * An undated extension goes after the clock's events, so that on
	 * the restart day it follows the restart; otherwise input order.
	 */
	for (size_t i = 0; i < in->nitems; i++) {
		const struct deadline_input_item *it = &in->items[i];
		int deferred = it->kind == ITEM_EXTENSION && it->from < 0 &&
			       have_clock && i < last_clock;

		if (!deferred && push_item(in, j, it, day0, &ev, &n, err) < 0)
			goto fail;
		if (!have_clock || i != last_clock)
			continue;
		for (size_t k = 0; k < i; k++) {
			const struct deadline_input_item *x = &in->items[k];

			if (x->kind == ITEM_EXTENSION && x->from < 0 &&
			    push_item(in, j, x, day0, &ev, &n, err) < 0)
				goto fail;
		}
	}
	*ret = ev;
	*ret_n = n;
	return 0;
fail:
	free(ev);
	return -1;
}
