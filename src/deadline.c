/*
 * deadline.c - counting FOI deadlines under a law and explaining the count.
 *
 * Every date here comes out of one counter, count_period(): from a day 0,
 * walk forward a day at a time over one or more segments (the initial
 * period, then each extension, each in its own unit), passing over days
 * inside a pause, and for working-day units over non-working days; then,
 * if the law rolls, move a last day that is not a working day to the next
 * working day. The walk is also the working: each day passed over is
 * recorded, so the explanation cannot disagree with the date.
 *
 * Events are first sorted by date (stable, so same-day events keep the
 * caller's order) and replayed through a small state machine that checks
 * they can happen (a fee cannot be paid before it is asked for) and turns
 * them into pause intervals, restarts and extensions. Things that are legal
 * nonsense but not impossible (an extension under a law that has none, a
 * second extension where the law allows one) are recorded, not counted, and
 * explained in a note instead of failing: the coordinator needs to see them.
 *
 * Days are ints (calendar.h). A computation that would leave the supported
 * years fails with a message instead of guessing. Results own their strings;
 * skipped-day names belong to the law's calendar.
 */
#include "config.h"

#include "deadline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "fvlimits.h"

#define EXPLANATION_MAX (256 * 1024)

static const char *const event_names[] = {
	[DEADLINE_CLARIFICATION_REQUESTED] = "clarification-requested",
	[DEADLINE_CLARIFICATION_GIVEN] = "clarification-given",
	[DEADLINE_FEE_REQUESTED] = "fee-requested",
	[DEADLINE_FEE_PAID] = "fee-paid",
	[DEADLINE_EXTENSION] = "extension",
	[DEADLINE_REPLY] = "reply",
	[DEADLINE_APPEAL_FILED] = "appeal-filed",
	[DEADLINE_APPEAL_DECIDED] = "appeal-decided",
};

int
deadline_event_kind_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(event_names); i++)
		if (strcmp(event_names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *
deadline_event_kind_name(enum deadline_event_kind kind)
{
	return (size_t)kind < ARRAY_SIZE(event_names) ? event_names[kind] :
							"?";
}

const char *
deadline_status_name(enum deadline_status s)
{
	switch (s) {
	case DEADLINE_STATUS_PENDING:
		return "pending";
	case DEADLINE_STATUS_PAUSED:
		return "paused";
	case DEADLINE_STATUS_OVERDUE:
		return "overdue";
	case DEADLINE_STATUS_VERY_OVERDUE:
		return "very_overdue";
	case DEADLINE_STATUS_ANSWERED:
		return "answered";
	case DEADLINE_STATUS_ANSWERED_LATE:
		return "answered_late";
	}
	return "?";
}

/* ------------------------------------------------------------------ */
/* Counting                                                             */

struct interval {
	int start, end; /* inclusive */
};

struct segment {
	int n;
	enum jurisdiction_unit unit;
};

static int
paused(const struct interval *p, size_t n, int day)
{
	for (size_t i = 0; i < n; i++)
		if (day >= p[i].start && day <= p[i].end)
			return 1;
	return 0;
}

static void
add_skip(struct deadline_period *out, int day, const char *name, int flags,
	 int rolled)
{
	struct deadline_skip *s;

	if (out == NULL)
		return;
	/* Growth in small steps: a period rarely passes 60 skipped days. */
	if ((out->nskipped & 15) == 0)
		out->skipped = xrealloc(out->skipped, (out->nskipped + 16) *
						      sizeof(*out->skipped));
	s = &out->skipped[out->nskipped++];
	s->day = day;
	s->name = name;
	s->holiday = (flags & CALENDAR_HOLIDAY) != 0;
	s->unverified = (flags & CALENDAR_UNVERIFIED) != 0;
	s->weekend = (flags & CALENDAR_WEEKEND) != 0;
	s->rolled = rolled;
}

static int
out_of_range(struct error *err)
{
	return error_set(err, "the deadline falls after %d, the last year "
			 "this calendar covers", CALENDAR_MAX_YEAR);
}

/*
 * Whether a day stops the count, given its flags and the doubt rule; sets
 * *counted_doubt when an unverified holiday is counted as working.
 */
static int
nonworking(int flags, enum calendar_doubt doubt, int *counted_doubt)
{
	if (flags & CALENDAR_WEEKEND)
		return 1;
	if (!(flags & CALENDAR_HOLIDAY))
		return 0;
	if ((flags & CALENDAR_UNVERIFIED) && doubt == CALENDAR_DOUBT_WORKING) {
		(*counted_doubt)++;
		return 0;
	}
	return 1;
}

/*
 * Counts the segments from day0 (exclusive), skipping paused days, then
 * rolls if asked. Fills out (when not NULL) with the working; *ret_due
 * gets the deadline.
 */
static int
count_period(const struct calendar *cal, int day0, const struct segment *seg,
	     size_t nseg, int roll, enum calendar_doubt doubt,
	     const struct interval *pauses, size_t npauses,
	     struct deadline_period *out, int *ret_due, struct error *err)
{
	int d = day0, max = calendar_max_day(), doubtful = 0;
	int flags, last_unit_calendar = 0;
	const char *name;

	for (size_t s = 0; s < nseg; s++) {
		int k = seg[s].n;

		switch (seg[s].unit) {
		case JUR_UNIT_WEEKS:
			k *= 5;
			/* FALLTHROUGH */
		case JUR_UNIT_WORKING_DAYS:
			last_unit_calendar = 0;
			while (k > 0) {
				if (++d > max)
					return out_of_range(err);
				if (npauses && paused(pauses, npauses, d))
					continue;
				flags = calendar_day(cal, d, &name);
				if (nonworking(flags, doubt, &doubtful)) {
					add_skip(out, d, name, flags, 0);
					continue;
				}
				k--;
			}
			break;
		case JUR_UNIT_MONTHS:
			if (calendar_year_of(d) + k / 12 + 1 > CALENDAR_MAX_YEAR)
				return out_of_range(err);
			k = calendar_add_months(d, k) - d;
			/* FALLTHROUGH */
		case JUR_UNIT_CALENDAR_WEEKS:
			if (seg[s].unit == JUR_UNIT_CALENDAR_WEEKS)
				k *= 7;
			/* FALLTHROUGH */
		case JUR_UNIT_CALENDAR_DAYS:
			last_unit_calendar = 1;
			while (k > 0) {
				if (++d > max)
					return out_of_range(err);
				if (npauses && paused(pauses, npauses, d))
					continue;
				k--;
			}
			break;
		case JUR_UNIT_NONE:
			break;
		}
	}
	if (out != NULL)
		out->last = d;
	if (roll && last_unit_calendar) {
		for (;;) {
			if (d > max)
				return out_of_range(err);
			flags = calendar_day(cal, d, &name);
			if (!nonworking(flags, doubt, &doubtful))
				break;
			add_skip(out, d, name, flags, 1);
			d++;
		}
	}
	if (out != NULL) {
		out->set = 1;
		out->day0 = day0;
		out->due = d;
		out->unverified_counted = doubtful;
	}
	*ret_due = d;
	return 0;
}

static void
period_release(struct deadline_period *p)
{
	free(p->day0_reason);
	free(p->skipped);
	memset(p, 0, sizeof(*p));
}

/* Day 0 for a request received on `received`, with the reason. */
static int
day_zero(const struct jurisdiction *j, int received, char **ret_reason)
{
	char a[48], b[48];
	int d = received;

	switch (j->start) {
	case JUR_START_REGISTRATION:
		*ret_reason = xasprintf("the request was registered on %s",
					calendar_format_long(received, a,
							     sizeof(a)));
		return d;
	case JUR_START_FIRST_WORKING_DAY:
		while (d < calendar_max_day() &&
		       calendar_is_nonworking(j->calendar, d,
					      CALENDAR_DOUBT_NONWORKING) == 1)
			d++;
		if (d != received) {
			*ret_reason = xasprintf(
				"the request was received on %s, not a "
				"working day, so it counts as received on %s",
				calendar_format_long(received, a, sizeof(a)),
				calendar_format_long(d, b, sizeof(b)));
			return d;
		}
		break;
	case JUR_START_RECEIPT:
		break;
	}
	*ret_reason = xasprintf("the request was received on %s",
				calendar_format_long(received, a, sizeof(a)));
	return d;
}

int
deadline_due_date(const struct jurisdiction *j, int received, int *ret_due,
		  struct error *err)
{
	struct segment seg;
	char *reason = NULL;
	int day0, rc;

	if (j->no_foi_law)
		return error_set(err, "%s: %s", j->name, j->note);
	if (!calendar_in_range(received))
		return error_set(err, "the received date is outside the years "
				 "%d to %d", CALENDAR_MIN_YEAR,
				 CALENDAR_MAX_YEAR);
	if (j->start == JUR_START_FIRST_WORKING_DAY) {
		day0 = day_zero(j, received, &reason);
		free(reason);
	} else {
		day0 = received;
	}
	seg.n = j->initial.n;
	seg.unit = j->initial.unit;
	rc = count_period(j->calendar, day0, &seg, 1, j->initial.roll,
			  CALENDAR_DOUBT_NONWORKING, NULL, 0, NULL, ret_due,
			  err);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Results                                                              */

void
deadline_free(struct deadline *d)
{
	if (d == NULL)
		return;
	period_release(&d->initial);
	period_release(&d->current);
	period_release(&d->very_overdue);
	period_release(&d->appeal_window);
	period_release(&d->appeal_decision);
	free(d->pauses);
	for (size_t i = 0; i < d->nextensions; i++)
		free(d->extensions[i].note);
	free(d->extensions);
	for (size_t i = 0; i < d->nnotes; i++)
		free(d->notes[i]);
	free(d->notes);
	for (size_t i = 0; i < d->nunverified; i++) {
		free(d->unverified[i].what);
		free(d->unverified[i].note);
	}
	free(d->unverified);
	free(d->explanation);
	free(d);
}

static void PRINTF_LIKE(2, 3)
add_note(struct deadline *d, const char *fmt, ...)
{
	va_list ap;
	char buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	d->notes = xrealloc(d->notes, (d->nnotes + 1) * sizeof(*d->notes));
	d->notes[d->nnotes++] = xstrdup(buf);
}

static void
add_unverified(struct deadline *d, const char *what, const char *note)
{
	for (size_t i = 0; i < d->nunverified; i++)
		if (strcmp(d->unverified[i].what, what) == 0)
			return;
	d->unverified = xrealloc(d->unverified, (d->nunverified + 1) *
						sizeof(*d->unverified));
	d->unverified[d->nunverified].what = xstrdup(what);
	d->unverified[d->nunverified].note = xstrdup(note);
	d->nunverified++;
}

static void
fact_unverified(struct deadline *d, enum jurisdiction_fact f)
{
	const struct jurisdiction *j = d->jurisdiction;

	if (j->unverified[f] != NULL)
		add_unverified(d, jurisdiction_fact_name(f), j->unverified[f]);
}

static void
skipped_unverified(struct deadline *d, const struct deadline_period *p)
{
	char date[CALENDAR_DATE_LEN], what[64], note[400];

	for (size_t i = 0; i < p->nskipped; i++) {
		if (!p->skipped[i].unverified)
			continue;
		snprintf(what, sizeof(what), "holiday %s",
			 calendar_format_date(p->skipped[i].day, date));
		snprintf(note, sizeof(note), "%s is not confirmed as a "
			 "non-working day; it was not counted, which can only "
			 "make the authority's deadline later",
			 p->skipped[i].name);
		add_unverified(d, what, note);
	}
}

/* ------------------------------------------------------------------ */
/* Events                                                               */

struct sorted_event {
	struct deadline_event ev;
	size_t index;
};

static int
event_cmp(const void *a, const void *b)
{
	const struct sorted_event *x = a, *y = b;

	if (x->ev.day != y->ev.day)
		return x->ev.day < y->ev.day ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* State of the request while events are replayed. */
struct replay {
	int day0;
	int restarted;		 /* day0 moved by a restart */
	struct interval *pauses; /* clock stops of the request phase */
	size_t npauses;
	int clar_open, fee_open; /* index into d->pauses, or -1 */
	int ext_request, ext_appeal;
	struct segment *segs;	 /* initial + applied request extensions */
	size_t nsegs;
	struct segment *asegs;	 /* appeal decision + its extensions */
	size_t nasegs;
};

static struct deadline_pause *
pause_open(struct deadline *d, struct replay *r,
	   enum deadline_pause_reason reason, int day)
{
	struct deadline_pause *p;

	d->pauses = xrealloc(d->pauses, (d->npauses + 1) * sizeof(*d->pauses));
	p = &d->pauses[d->npauses++];
	memset(p, 0, sizeof(*p));
	p->reason = reason;
	p->start = day;
	p->end = -1;
	if (reason == DEADLINE_PAUSE_CLARIFICATION)
		r->clar_open = (int)d->npauses - 1;
	else
		r->fee_open = (int)d->npauses - 1;
	return p;
}

static void
ext_record(struct deadline *d, int day, int appeal, int amount,
	   enum jurisdiction_unit unit, int applied, char *note)
{
	struct deadline_extension *e;

	d->extensions = xrealloc(d->extensions, (d->nextensions + 1) *
						sizeof(*d->extensions));
	e = &d->extensions[d->nextensions++];
	e->day = day;
	e->appeal = appeal;
	e->amount = amount;
	e->unit = unit;
	e->applied = applied;
	e->note = note;
}

static void
take_extension(struct deadline *d, struct replay *r, const struct
	       deadline_event *ev, int appeal)
{
	const struct jurisdiction *j = d->jurisdiction;
	const struct jurisdiction_period *law =
		appeal ? &j->appeal_extension : &j->extension;
	int *taken = appeal ? &r->ext_appeal : &r->ext_request;
	int amount = ev->amount ? ev->amount : law->n;
	char text[96];
	char *note = NULL;
	struct segment **segs = appeal ? &r->asegs : &r->segs;
	size_t *nsegs = appeal ? &r->nasegs : &r->nsegs;

	if (law->unit == JUR_UNIT_NONE) {
		ext_record(d, ev->day, appeal, ev->amount, JUR_UNIT_NONE, 0,
			   xasprintf("not counted: the law provides no "
				     "extension %s", appeal ?
				     "of the appeal decision" : "here"));
		return;
	}
	if (*taken > 0 && !law->repeatable) {
		ext_record(d, ev->day, appeal, amount, law->unit, 0,
			   xasprintf("not counted: the law allows only one "
				     "extension"));
		return;
	}
	if (amount > law->n && !law->open) {
		note = xasprintf("the law allows at most %s; counted as that",
				 jurisdiction_period_text(law, text,
							  sizeof(text)));
		amount = law->n;
	}
	(*taken)++;
	*segs = xrealloc(*segs, (*nsegs + 1) * sizeof(**segs));
	(*segs)[*nsegs].n = amount;
	(*segs)[*nsegs].unit = law->unit;
	(*nsegs)++;
	ext_record(d, ev->day, appeal, amount, law->unit, 1, note);
}

static int
close_pause(struct deadline *d, struct replay *r, int *open, int day,
	    enum jurisdiction_stop rule)
{
	struct deadline_pause *p = &d->pauses[*open];

	p->end = day;
	p->days = day - p->start + 1;
	*open = -1;
	if (rule == JUR_STOP_RESTART) {
		p->restart = 1;
		r->day0 = day;
		r->restarted = 1;
		/* Extensions before a restart belong to the old request. */
		for (size_t i = 0; i < d->nextensions; i++) {
			struct deadline_extension *e = &d->extensions[i];

			if (!e->appeal && e->applied) {
				e->applied = 0;
				free(e->note);
				e->note = xasprintf("not counted: the clock "
						    "restarted after it");
			}
		}
		r->nsegs = 1;
		r->ext_request = 0;
	}
	return 0;
}

static const char *
ev_text(enum deadline_event_kind k)
{
	switch (k) {
	case DEADLINE_CLARIFICATION_REQUESTED:
		return "clarification requested";
	case DEADLINE_CLARIFICATION_GIVEN:
		return "clarification given";
	case DEADLINE_FEE_REQUESTED:
		return "fee requested";
	case DEADLINE_FEE_PAID:
		return "fee paid";
	case DEADLINE_EXTENSION:
		return "extension";
	case DEADLINE_REPLY:
		return "reply";
	case DEADLINE_APPEAL_FILED:
		return "appeal filed";
	case DEADLINE_APPEAL_DECIDED:
		return "appeal decided";
	}
	return "event";
}

static int
replay(struct deadline *d, struct replay *r, const struct sorted_event *ev,
       size_t n, struct error *err)
{
	const struct jurisdiction *j = d->jurisdiction;
	char a[CALENDAR_DATE_LEN], b[CALENDAR_DATE_LEN];

	for (size_t i = 0; i < n; i++) {
		const struct deadline_event *e = &ev[i].ev;
		const char *what = ev_text(e->kind);
		int answered = d->reply >= 0;

		calendar_format_date(e->day, a);
		switch (e->kind) {
		case DEADLINE_CLARIFICATION_REQUESTED:
		case DEADLINE_FEE_REQUESTED:
			if (answered)
				return error_set(err, "%s on %s, after the "
						 "reply of %s", what, a,
						 calendar_format_date(d->reply,
								      b));
			if (e->kind == DEADLINE_CLARIFICATION_REQUESTED) {
				if (r->clar_open >= 0)
					return error_set(err, "clarification "
						"requested on %s while the "
						"request of %s is unanswered",
						a, calendar_format_date(
						d->pauses[r->clar_open].start,
						b));
				pause_open(d, r, DEADLINE_PAUSE_CLARIFICATION,
					   e->day);
			} else {
				if (r->fee_open >= 0)
					return error_set(err, "fee requested on "
						"%s while the fee requested on "
						"%s is unpaid", a,
						calendar_format_date(
						d->pauses[r->fee_open].start,
						b));
				pause_open(d, r, DEADLINE_PAUSE_FEE, e->day);
			}
			break;
		case DEADLINE_CLARIFICATION_GIVEN:
			if (r->clar_open < 0)
				return error_set(err, "clarification given on "
						 "%s, but no clarification was "
						 "requested before it", a);
			close_pause(d, r, &r->clar_open, e->day,
				    j->clarification);
			break;
		case DEADLINE_FEE_PAID:
			if (r->fee_open < 0)
				return error_set(err, "fee paid on %s, but no "
						 "fee was requested before it",
						 a);
			close_pause(d, r, &r->fee_open, e->day, j->fee);
			break;
		case DEADLINE_EXTENSION:
			if (e->amount < 0)
				return error_set(err, "extension on %s: the "
						 "length cannot be negative "
						 "(%d)", a, e->amount);
			if (e->amount > FV_MAX_PERIOD)
				return error_set(err, "extension on %s: %d is "
						 "too long", a, e->amount);
			if (d->appeal_filed >= 0 && d->appeal_decided < 0) {
				take_extension(d, r, e, 1);
				break;
			}
			if (d->appeal_decided >= 0)
				return error_set(err, "extension on %s, after "
						 "the appeal was decided", a);
			if (answered)
				return error_set(err, "extension on %s, after "
						 "the reply of %s", a,
						 calendar_format_date(d->reply,
								      b));
			take_extension(d, r, e, 0);
			break;
		case DEADLINE_REPLY:
			if (answered)
				return error_set(err, "a second reply on %s: a "
						 "reply was recorded on %s", a,
						 calendar_format_date(d->reply,
								      b));
			d->reply = e->day;
			break;
		case DEADLINE_APPEAL_FILED:
			if (d->appeal_filed >= 0)
				return error_set(err, "appeal filed on %s: an "
						 "appeal was already filed on "
						 "%s", a, calendar_format_date(
						 d->appeal_filed, b));
			d->appeal_filed = e->day;
			break;
		case DEADLINE_APPEAL_DECIDED:
			if (d->appeal_filed < 0)
				return error_set(err, "appeal decided on %s, "
						 "but no appeal was filed "
						 "before it", a);
			if (d->appeal_decided >= 0)
				return error_set(err, "appeal decided twice "
						 "(%s)", a);
			d->appeal_decided = e->day;
			break;
		default:
			return error_set(err, "event %zu has an unknown kind",
					 ev[i].index + 1);
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Explanation                                                          */

static const char *
ordinal_suffix(int n)
{
	if (n % 100 >= 11 && n % 100 <= 13)
		return "th";
	switch (n % 10) {
	case 1:
		return "st";
	case 2:
		return "nd";
	case 3:
		return "rd";
	default:
		return "th";
	}
}

static const char *
unit_words(enum jurisdiction_unit u, int n)
{
	switch (u) {
	case JUR_UNIT_WORKING_DAYS:
		return n == 1 ? "working day" : "working days";
	case JUR_UNIT_CALENDAR_DAYS:
		return n == 1 ? "day" : "days";
	case JUR_UNIT_WEEKS:
		return n == 1 ? "week of 5 working days" :
				"weeks of 5 working days";
	case JUR_UNIT_CALENDAR_WEEKS:
		return n == 1 ? "week" : "weeks";
	case JUR_UNIT_MONTHS:
		return n == 1 ? "month" : "months";
	case JUR_UNIT_NONE:
		break;
	}
	return "";
}

/* " (s.10(1))" when the fact has a citation. */
static void
cite(struct buf *b, const struct jurisdiction *j, enum jurisdiction_fact f)
{
	if (j->cite[f] != NULL)
		buf_printf(b, " (%s)", j->cite[f]);
}

/*
 * Lists the holidays skipped in a period. Runs of consecutive days with
 * the same name are shown as one range (a year-end closure); a holiday on
 * a weekend is only worth naming inside such a run, otherwise it counts
 * with the weekend days.
 */
static void
explain_skips(struct buf *b, const struct deadline_period *p, int working)
{
	size_t weekend = 0, listed = 0, i, k;
	char day[48], day2[48];

	if (!working)
		return;
	for (i = 0; i < p->nskipped; i = k) {
		int weekday_in_run = 0;

		for (k = i; k < p->nskipped && !p->skipped[k].rolled &&
			    p->skipped[k].holiday &&
			    p->skipped[k].day == p->skipped[i].day +
						 (int)(k - i) &&
			    strcmp(p->skipped[k].name, p->skipped[i].name) == 0;
		     k++)
			if (!p->skipped[k].weekend)
				weekday_in_run = 1;
		if (k == i) {
			if (!p->skipped[i].rolled)
				weekend++;
			k = i + 1;
			continue;
		}
		if (weekday_in_run)
			listed++;
		else
			weekend += k - i;
	}
	if (weekend == 0 && listed == 0)
		return;
	buf_printf(b, " Not counted: %zu weekend day%s", weekend,
		   weekend == 1 ? "" : "s");
	if (listed == 0) {
		buf_addstr(b, ".");
		return;
	}
	buf_addstr(b, listed == 1 ? " and this holiday: " :
				    " and these holidays: ");
	listed = 0;
	for (i = 0; i < p->nskipped; i = k) {
		const struct deadline_skip *s = &p->skipped[i];
		int weekday_in_run = 0;

		for (k = i; k < p->nskipped && !p->skipped[k].rolled &&
			    p->skipped[k].holiday &&
			    p->skipped[k].day == s->day + (int)(k - i) &&
			    strcmp(p->skipped[k].name, s->name) == 0; k++)
			if (!p->skipped[k].weekend)
				weekday_in_run = 1;
		if (k == i) {
			k = i + 1;
			continue;
		}
		if (!weekday_in_run)
			continue;
		calendar_format_long(s->day, day, sizeof(day));
		if (k - i == 1)
			buf_printf(b, "%s%s (%s%s)", listed ? ", " : "", day,
				   s->name, s->unverified ? ", unverified" :
							    "");
		else
			buf_printf(b, "%s%s to %s (%s%s)", listed ? ", " : "",
				   day, calendar_format_long(p->skipped[k -
				   1].day, day2, sizeof(day2)), s->name,
				   s->unverified ? ", unverified" : "");
		listed++;
	}
	buf_addstr(b, ".");
}

/* After a sentence naming p->last: why and where the deadline rolled. */
static void
explain_roll(struct buf *b, const struct deadline_period *p)
{
	char day[48];

	if (p->due == p->last)
		return;
	buf_addstr(b, " That is not a working day (");
	for (size_t i = 0, k = 0; i < p->nskipped; i++) {
		if (!p->skipped[i].rolled)
			continue;
		buf_printf(b, "%s%s", k++ ? "; then " : "",
			   p->skipped[i].name);
	}
	buf_printf(b, "), so the deadline moves to the next working day, %s.",
		   calendar_format_long(p->due, day, sizeof(day)));
}

static int
is_working_unit(enum jurisdiction_unit u)
{
	return u == JUR_UNIT_WORKING_DAYS || u == JUR_UNIT_WEEKS;
}

/* Units counted in p, in its own words ("the 20th working day"). */
static void
explain_last(struct buf *b, const struct deadline_period *p,
	     const char *from, const char *what)
{
	char day[48];
	int n = p->n;

	if (p->unit == JUR_UNIT_WEEKS)
		n *= 5;
	if (is_working_unit(p->unit))
		buf_printf(b, " The %d%s working day after %s is %s",
			   n, ordinal_suffix(n), from,
			   calendar_format_long(p->last, day, sizeof(day)));
	else if (p->unit == JUR_UNIT_CALENDAR_DAYS ||
		 p->unit == JUR_UNIT_CALENDAR_WEEKS)
		buf_printf(b, " Day %d is %s",
			   p->unit == JUR_UNIT_CALENDAR_WEEKS ? n * 7 : n,
			   calendar_format_long(p->last, day, sizeof(day)));
	else
		buf_printf(b, " %d %s after %s is %s", n,
			   unit_words(p->unit, n), from,
			   calendar_format_long(p->last, day, sizeof(day)));
	if (p->due == p->last)
		buf_printf(b, ", so %s %s.", what,
			   calendar_format_long(p->due, day, sizeof(day)));
	else
		buf_addstr(b, ".");
}

static void
explain(struct deadline *d)
{
	const struct jurisdiction *j = d->jurisdiction;
	const struct deadline_period *cur = &d->current;
	struct buf b;
	char day[48], day2[48], text[96];

	buf_init(&b, EXPLANATION_MAX);
	buf_printf(&b, "Under %s (%s), the authority must answer within %s",
		   j->citation, j->name,
		   jurisdiction_period_text(&j->initial, text, sizeof(text)));
	cite(&b, j, JUR_FACT_INITIAL);
	buf_addstr(&b, ".");
	if (is_working_unit(j->initial.unit)) {
		char wk[64];

		buf_printf(&b, " Working days exclude the weekend (%s) and "
			   "the holidays of the law's calendar.",
			   calendar_weekend_text(j->calendar, wk, sizeof(wk)));
	} else if (j->initial.roll) {
		buf_addstr(&b, " Every day counts, but a deadline that falls "
			   "on a non-working day moves to the next working "
			   "day.");
	} else {
		buf_addstr(&b, " Every day counts, weekends and holidays "
			   "included.");
	}
	buf_printf(&b, "\n\nDay 0: %s", d->initial.day0_reason);
	buf_addstr(&b, "; the count starts the next day.");

	for (size_t i = 0; i < d->npauses; i++) {
		const struct deadline_pause *p = &d->pauses[i];
		const char *why = p->reason == DEADLINE_PAUSE_FEE ?
			"a fee was requested" : "clarification was requested";
		const char *ans = p->reason == DEADLINE_PAUSE_FEE ?
			"the fee was paid" : "the clarification arrived";
		enum jurisdiction_stop rule = p->reason == DEADLINE_PAUSE_FEE ?
			j->fee : j->clarification;
		enum jurisdiction_fact f = p->reason == DEADLINE_PAUSE_FEE ?
			JUR_FACT_FEE : JUR_FACT_CLARIFICATION;

		calendar_format_long(p->start, day, sizeof(day));
		if (rule == JUR_STOP_NONE) {
			buf_printf(&b, "\n\nOn %s %s; under this law that does "
				   "not stop the clock", day, why);
			cite(&b, j, f);
			buf_addstr(&b, ".");
			continue;
		}
		if (p->end < 0) {
			buf_printf(&b, "\n\nOn %s %s. The clock is stopped "
				   "until %s", day, why, ans);
			cite(&b, j, f);
			buf_addstr(&b, ", so there is no due date until "
				   "then.");
			continue;
		}
		calendar_format_long(p->end, day2, sizeof(day2));
		if (p->restart) {
			buf_printf(&b, "\n\nOn %s %s; %s on %s. Under this law "
				   "the request then counts as new", day, why,
				   ans, day2);
			cite(&b, j, f);
			buf_printf(&b, ": %s is the new day 0.", day2);
		} else {
			buf_printf(&b, "\n\nThe clock stopped from %s (%s) to "
				   "%s (%s), both included", day, why, day2,
				   ans);
			cite(&b, j, f);
			buf_printf(&b, ": %d day%s, %d of them working days, "
				   "are not counted.", p->days,
				   p->days == 1 ? "" : "s", p->working_days);
		}
	}
	for (size_t i = 0; i < d->nextensions; i++) {
		const struct deadline_extension *e = &d->extensions[i];

		calendar_format_long(e->day, day, sizeof(day));
		if (!e->applied) {
			buf_printf(&b, "\n\nOn %s an extension was recorded "
				   "(%s).", day, e->note);
			continue;
		}
		buf_printf(&b, "\n\nOn %s the authority extended the time%s by "
			   "%d %s", day, e->appeal ? " to decide the appeal" :
			   "", e->amount, unit_words(e->unit, e->amount));
		cite(&b, j, e->appeal ? JUR_FACT_APPEAL_EXTENSION :
					JUR_FACT_EXTENSION);
		buf_addstr(&b, ".");
		if (e->note)
			buf_printf(&b, " Note: %s.", e->note);
	}

	if (cur->set) {
		buf_addstr(&b, "\n\n");
		if (d->npauses > 0 || d->nextensions > 0)
			buf_printf(&b, "Counting %d %s from day 0 (%s)", cur->n,
				   unit_words(cur->unit, cur->n),
				   calendar_format_long(cur->day0, day,
							sizeof(day)));
		else
			buf_printf(&b, "Counting %d %s from day 0", cur->n,
				   unit_words(cur->unit, cur->n));
		buf_addstr(&b, ":");
		explain_skips(&b, cur, is_working_unit(cur->unit));
		explain_last(&b, cur, "day 0", "the response is due by");
		explain_roll(&b, cur);
		if (cur->due != cur->last)
			buf_printf(&b, " The response is due by %s.",
				   calendar_format_long(cur->due, day,
							sizeof(day)));
		if (d->initial.due != cur->due)
			buf_printf(&b, " (Without these events it would "
				   "have been due by %s.)",
				   calendar_format_long(d->initial.due, day,
							sizeof(day)));
	}
	if (d->very_overdue.set) {
		buf_printf(&b, "\n\nIf there is still no answer, the request "
			   "is very overdue after %s (",
			   calendar_format_long(d->very_overdue.due, day,
						sizeof(day)));
		if (j->very_overdue.unit != JUR_UNIT_NONE)
			buf_printf(&b, "%s", jurisdiction_period_text(
				&j->very_overdue, text, sizeof(text)));
		else if (j->very_overdue_factor == 2)
			buf_addstr(&b, "twice the initial period");
		else
			buf_printf(&b, "%d times the initial period",
				   j->very_overdue_factor);
		buf_addstr(&b, d->current.n > j->initial.n ?
			   ", plus extensions)." : ").");
	}
	if (d->reply >= 0) {
		buf_printf(&b, "\n\nThe reply arrived on %s",
			   calendar_format_long(d->reply, day, sizeof(day)));
		if (cur->set && d->reply > cur->due)
			buf_printf(&b, ", %d day%s late", d->reply - cur->due,
				   d->reply - cur->due == 1 ? "" : "s");
		buf_addstr(&b, ".");
	}
	if (d->appeal_window.set) {
		const struct deadline_period *w = &d->appeal_window;

		buf_printf(&b, "\n\n%s", d->appeal_deemed ?
			   "If no reply arrives by the due date, the law "
			   "treats that as a refusal: " : "");
		buf_printf(&b, "%s requester's %s must be made within %d %s "
			   "of %s", d->appeal_deemed ? "the" : "The",
			   *j->appeal_name ? j->appeal_name : "appeal",
			   w->n, unit_words(w->unit, w->n),
			   d->appeal_deemed ? "the due date" : "the reply");
		cite(&b, j, JUR_FACT_APPEAL_WINDOW);
		buf_addstr(&b, ".");
		explain_skips(&b, w, is_working_unit(w->unit));
		if (w->due != w->last) {
			buf_printf(&b, " The period ends on %s.",
				   calendar_format_long(w->last, day,
							sizeof(day)));
			explain_roll(&b, w);
		}
		buf_printf(&b, " The last day to file is %s.",
			   calendar_format_long(w->due, day, sizeof(day)));
		if (w->unverified_counted)
			buf_printf(&b, " %d unconfirmed holiday%s counted as "
				   "working day%s, so this date is on the safe "
				   "side.", w->unverified_counted,
				   w->unverified_counted == 1 ? " was" :
				   "s were",
				   w->unverified_counted == 1 ? "" : "s");
	}
	if (d->appeal_decision.set) {
		const struct deadline_period *p = &d->appeal_decision;

		buf_printf(&b, "\n\nThe %s was filed on %s; the authority "
			   "must decide within %d %s",
			   *j->appeal_name ? j->appeal_name : "appeal",
			   calendar_format_long(d->appeal_filed, day,
						sizeof(day)),
			   j->appeal_decision.n,
			   unit_words(p->unit, j->appeal_decision.n));
		cite(&b, j, JUR_FACT_APPEAL_DECISION);
		if (p->n != j->appeal_decision.n)
			buf_printf(&b, ", %d with the extension", p->n);
		buf_addstr(&b, ".");
		explain_skips(&b, p, is_working_unit(p->unit));
		explain_last(&b, p, "the filing", "the decision is due by");
		explain_roll(&b, p);
		if (p->due != p->last)
			buf_printf(&b, " The decision is due by %s.",
				   calendar_format_long(p->due, day,
							sizeof(day)));
	}
	if (d->as_of >= 0) {
		calendar_format_long(d->as_of, day, sizeof(day));
		switch (d->status) {
		case DEADLINE_STATUS_OVERDUE:
			buf_printf(&b, "\n\nOn %s the response is overdue by "
				   "%d day%s.", day, d->as_of - cur->due,
				   d->as_of - cur->due == 1 ? "" : "s");
			break;
		case DEADLINE_STATUS_VERY_OVERDUE:
			buf_printf(&b, "\n\nOn %s the response is very overdue "
				   "(%d days past the due date).", day,
				   d->as_of - cur->due);
			break;
		case DEADLINE_STATUS_PAUSED:
			buf_printf(&b, "\n\nOn %s the clock is stopped.", day);
			break;
		case DEADLINE_STATUS_PENDING:
			buf_printf(&b, "\n\nOn %s the response is not yet due.",
				   day);
			break;
		default:
			break;
		}
		if (d->appeal_overdue)
			buf_printf(&b, " The decision on the %s is overdue.",
				   *j->appeal_name ? j->appeal_name :
						     "appeal");
	}
	for (size_t i = 0; i < d->nnotes; i++)
		buf_printf(&b, "\n\nNote: %s", d->notes[i]);
	if (d->nunverified > 0) {
		buf_addstr(&b, "\n\nNot confirmed from a primary source: ");
		for (size_t i = 0; i < d->nunverified; i++)
			buf_printf(&b, "%s%s: %s", i ? "; " : "",
				   d->unverified[i].what,
				   d->unverified[i].note);
		buf_addstr(&b, ".");
	}
	if (b.data == NULL)
		buf_addstr(&b, "");
	d->explanation = buf_detach(&b, NULL);
}

/* ------------------------------------------------------------------ */
/* The computation                                                      */

static int
working_days_between(const struct calendar *cal, int from, int to)
{
	int n = 0;

	for (int x = from; x <= to; x++)
		if (calendar_is_nonworking(cal, x, CALENDAR_DOUBT_NONWORKING) ==
		    0)
			n++;
	return n;
}

int
deadline_compute(const struct jurisdiction *j, int received,
		 const struct deadline_event *events, size_t nevents,
		 int as_of, struct deadline **ret, struct error *err)
{
	struct deadline *d = NULL;
	struct sorted_event *ev = NULL;
	struct replay r;
	struct segment seg;
	struct interval *iv = NULL;
	size_t niv = 0;
	char a[CALENDAR_DATE_LEN], b[CALENDAR_DATE_LEN];
	char longday[48];	/* "Wednesday 30 September 2026" */
	int rc = -1, due;

	memset(&r, 0, sizeof(r));
	if (j->no_foi_law) {
		error_set(err, "%s has no freedom of information law: %s",
			  j->name, j->note);
		goto out;
	}
	if (!calendar_in_range(received)) {
		error_set(err, "the received date is outside the years %d to "
			  "%d", CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR);
		goto out;
	}
	if (as_of != -1 && !calendar_in_range(as_of)) {
		error_set(err, "the as-of date is outside the years %d to %d",
			  CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR);
		goto out;
	}
	if (nevents > FV_MAX_DEADLINE_EVENTS) {
		error_set(err, "too many events (at most %d)",
			  FV_MAX_DEADLINE_EVENTS);
		goto out;
	}
	d = xcalloc(1, sizeof(*d));
	d->jurisdiction = j;
	d->received = received;
	d->as_of = as_of;
	d->paused_since = -1;
	d->reply = d->appeal_filed = d->appeal_decided = -1;

	ev = xcalloc(nevents + 1, sizeof(*ev));
	for (size_t i = 0; i < nevents; i++) {
		if (!calendar_in_range(events[i].day)) {
			error_set(err, "event %zu (%s): the date is outside "
				  "the years %d to %d", i + 1,
				  ev_text(events[i].kind), CALENDAR_MIN_YEAR,
				  CALENDAR_MAX_YEAR);
			goto out;
		}
		if (events[i].day < received) {
			error_set(err, "event %zu (%s on %s) is before the "
				  "request was received (%s)", i + 1,
				  ev_text(events[i].kind),
				  calendar_format_date(events[i].day, a),
				  calendar_format_date(received, b));
			goto out;
		}
		if (events[i].kind != DEADLINE_EXTENSION &&
		    events[i].amount != 0) {
			error_set(err, "event %zu (%s) takes no length", i + 1,
				  ev_text(events[i].kind));
			goto out;
		}
		ev[i].ev = events[i];
		ev[i].index = i;
	}
	qsort(ev, nevents, sizeof(*ev), event_cmp);

	/* The initial due date, as if nothing happened. */
	r.day0 = day_zero(j, received, &d->initial.day0_reason);
	seg.n = j->initial.n;
	seg.unit = j->initial.unit;
	d->initial.n = seg.n;
	d->initial.unit = seg.unit;
	if (count_period(j->calendar, r.day0, &seg, 1, j->initial.roll,
			 CALENDAR_DOUBT_NONWORKING, NULL, 0, &d->initial, &due,
			 err) < 0)
		goto out;

	r.clar_open = r.fee_open = -1;
	r.segs = xmalloc(sizeof(*r.segs));
	r.segs[0] = seg;
	r.nsegs = 1;
	if (replay(d, &r, ev, nevents, err) < 0)
		goto out;

	/* Pauses of the current clock (after the last restart). */
	iv = xcalloc(d->npauses + 1, sizeof(*iv));
	for (size_t i = 0; i < d->npauses; i++) {
		struct deadline_pause *p = &d->pauses[i];
		enum jurisdiction_stop rule = p->reason == DEADLINE_PAUSE_FEE ?
			j->fee : j->clarification;

		if (p->end >= 0)
			p->working_days = working_days_between(j->calendar,
							       p->start,
							       p->end);
		if (rule == JUR_STOP_NONE)
			continue;
		if (p->end < 0 && d->reply < 0 &&
		    (d->paused_since < 0 || p->start < d->paused_since))
			d->paused_since = p->start;
		/* A restart moved day 0 instead of stopping the clock. */
		if (rule == JUR_STOP_RESTART)
			continue;
		iv[niv].start = p->start;
		/* A reply ends the wait: the clock cannot stay stopped. */
		iv[niv].end = p->end >= 0 ? p->end : d->reply;
		niv++;
	}
	if (d->paused_since < 0) {
		d->current.n = 0;
		for (size_t i = 0; i < r.nsegs; i++)
			d->current.n += r.segs[i].n;
		d->current.unit = j->initial.unit;
		if (r.restarted)
			d->current.day0_reason = xasprintf(
				"clarification arrived on %s, which restarts "
				"the clock",
				calendar_format_long(r.day0, longday,
						     sizeof(longday)));
		else
			d->current.day0_reason = xstrdup(
				d->initial.day0_reason);
		if (count_period(j->calendar, r.day0, r.segs, r.nsegs,
				 j->initial.roll, CALENDAR_DOUBT_NONWORKING,
				 iv, niv, &d->current, &due, err) < 0)
			goto out;
		for (size_t i = 1; i < r.nsegs; i++)
			if (r.segs[i].unit != d->current.unit)
				d->current.unit = JUR_UNIT_NONE;
		if (d->current.unit == JUR_UNIT_NONE)
			d->current.unit = j->initial.unit;

		/* Very overdue: k times the initial period, plus extensions. */
		{
			struct segment *vs = xcalloc(r.nsegs + 1, sizeof(*vs));
			size_t nvs = 0;
			int roll = j->initial.roll;

			if (j->very_overdue.unit != JUR_UNIT_NONE) {
				vs[nvs].n = j->very_overdue.n;
				vs[nvs++].unit = j->very_overdue.unit;
				roll = j->very_overdue.roll || roll;
			} else {
				vs[nvs].n = j->initial.n *
					    j->very_overdue_factor;
				vs[nvs++].unit = j->initial.unit;
			}
			for (size_t i = 1; i < r.nsegs; i++)
				vs[nvs++] = r.segs[i];
			d->very_overdue.n = vs[0].n;
			d->very_overdue.unit = vs[0].unit;
			d->very_overdue.day0_reason = xstrdup(
				d->current.day0_reason);
			rc = count_period(j->calendar, r.day0, vs, nvs, roll,
					  CALENDAR_DOUBT_NONWORKING, iv, niv,
					  &d->very_overdue, &due, err);
			free(vs);
			if (rc < 0)
				goto out;
			rc = -1;
		}
		for (size_t i = 0; i < d->npauses; i++) {
			const struct deadline_pause *p = &d->pauses[i];

			if (p->start > d->current.due && !p->restart)
				add_note(d, "the %s of %s came after the due "
					 "date; it does not stop a clock that "
					 "has already run out",
					 p->reason == DEADLINE_PAUSE_FEE ?
					 "fee request" :
					 "request for clarification",
					 calendar_format_date(p->start, a));
		}
		for (size_t i = 0; i < d->nextensions; i++) {
			const struct deadline_extension *e =
				&d->extensions[i];

			if (!e->appeal && e->applied &&
			    e->day > d->initial.due && !r.restarted &&
			    d->npauses == 0)
				add_note(d, "the extension of %s was taken "
					 "after the initial due date (%s); "
					 "many laws require notice before "
					 "the time runs out",
					 calendar_format_date(e->day, a),
					 calendar_format_date(d->initial.due,
							      b));
		}
	}

	/* The requester's appeal window. */
	if (j->appeal_window.unit != JUR_UNIT_NONE &&
	    (d->reply >= 0 || (j->deemed_refusal && d->current.set))) {
		struct deadline_period *w = &d->appeal_window;
		int from;

		seg.n = j->appeal_window.n;
		seg.unit = j->appeal_window.unit;
		if (d->reply >= 0) {
			from = d->reply;
			w->day0_reason = xasprintf("the reply arrived on %s",
						   calendar_format_long(
						   d->reply, longday,
						   sizeof(longday)));
		} else {
			from = d->current.due;
			d->appeal_deemed = 1;
			w->day0_reason = xasprintf("no reply by the due date, "
						   "%s", calendar_format_long(
						   from, longday,
						   sizeof(longday)));
		}
		w->n = seg.n;
		w->unit = seg.unit;
		if (count_period(j->calendar, from, &seg, 1,
				 j->appeal_window.roll, CALENDAR_DOUBT_WORKING,
				 NULL, 0, w, &due, err) < 0)
			goto out;
		fact_unverified(d, JUR_FACT_APPEAL_WINDOW);
		if (d->appeal_deemed)
			fact_unverified(d, JUR_FACT_DEEMED_REFUSAL);
		if (d->appeal_filed >= 0 && d->appeal_filed > w->due)
			add_note(d, "the %s was filed on %s, after the last "
				 "day to file (%s)", *j->appeal_name ?
				 j->appeal_name : "appeal",
				 calendar_format_date(d->appeal_filed, a),
				 calendar_format_date(w->due, b));
	}
	if (d->appeal_filed >= 0) {
		if (d->reply < 0 && !(d->current.set &&
				      d->appeal_filed > d->current.due))
			add_note(d, "the appeal was filed on %s, before any "
				 "reply and before the response was due",
				 calendar_format_date(d->appeal_filed, a));
		if (j->appeal_decision.unit != JUR_UNIT_NONE) {
			struct deadline_period *p = &d->appeal_decision;

			r.asegs = xrealloc(r.asegs, (r.nasegs + 1) *
						    sizeof(*r.asegs));
			memmove(r.asegs + 1, r.asegs,
				r.nasegs * sizeof(*r.asegs));
			r.asegs[0].n = j->appeal_decision.n;
			r.asegs[0].unit = j->appeal_decision.unit;
			r.nasegs++;
			p->n = 0;
			for (size_t i = 0; i < r.nasegs; i++)
				p->n += r.asegs[i].n;
			p->unit = j->appeal_decision.unit;
			p->day0_reason = xasprintf(
				"the %s was filed on %s", *j->appeal_name ?
				j->appeal_name : "appeal",
				calendar_format_long(d->appeal_filed, longday,
						     sizeof(longday)));
			if (count_period(j->calendar, d->appeal_filed,
					 r.asegs, r.nasegs,
					 j->appeal_decision.roll,
					 CALENDAR_DOUBT_NONWORKING, NULL, 0, p,
					 &due, err) < 0)
				goto out;
			fact_unverified(d, JUR_FACT_APPEAL_DECISION);
			if (r.ext_appeal)
				fact_unverified(d, JUR_FACT_APPEAL_EXTENSION);
		} else {
			add_note(d, "the law sets no deadline for deciding "
				 "the appeal");
		}
	}

	/* Status as of as_of. */
	if (d->reply >= 0) {
		d->status = d->current.set && d->reply > d->current.due ?
			DEADLINE_STATUS_ANSWERED_LATE : DEADLINE_STATUS_ANSWERED;
	} else if (d->paused_since >= 0) {
		d->status = DEADLINE_STATUS_PAUSED;
	} else if (as_of >= 0 && as_of > d->very_overdue.due) {
		d->status = DEADLINE_STATUS_VERY_OVERDUE;
		d->overdue = d->very_overdue_now = 1;
	} else if (as_of >= 0 && as_of > d->current.due) {
		d->status = DEADLINE_STATUS_OVERDUE;
		d->overdue = 1;
	} else {
		d->status = DEADLINE_STATUS_PENDING;
	}
	if (as_of >= 0 && d->appeal_decision.set && d->appeal_decided < 0 &&
	    as_of > d->appeal_decision.due)
		d->appeal_overdue = 1;

	/* What the user should know is not confirmed. */
	fact_unverified(d, JUR_FACT_INITIAL);
	fact_unverified(d, JUR_FACT_START);
	if (d->initial.due != d->initial.last || is_working_unit(
		    j->initial.unit))
		fact_unverified(d, JUR_FACT_HOLIDAYS);
	fact_unverified(d, JUR_FACT_VERY_OVERDUE);
	for (size_t i = 0; i < d->npauses; i++)
		fact_unverified(d, d->pauses[i].reason == DEADLINE_PAUSE_FEE ?
				JUR_FACT_FEE : JUR_FACT_CLARIFICATION);
	for (size_t i = 0; i < d->nextensions; i++)
		if (!d->extensions[i].appeal)
			fact_unverified(d, JUR_FACT_EXTENSION);
	skipped_unverified(d, &d->current);
	skipped_unverified(d, &d->appeal_decision);
	if (d->appeal_window.unverified_counted)
		add_unverified(d, "appeal window holidays",
			       "holidays that are not confirmed were counted "
			       "as working days, so the last day to file is "
			       "on the safe side");

	explain(d);
	*ret = d;
	d = NULL;
	rc = 0;
out:
	free(ev);
	free(iv);
	free(r.segs);
	free(r.asegs);
	deadline_free(d);
	return rc;
}

/* ------------------------------------------------------------------ */
/* JSON                                                                 */

static json_t *
date_json(int day)
{
	char buf[CALENDAR_DATE_LEN];

	if (day < 0)
		return json_null();
	return json_string(calendar_format_date(day, buf));
}

static json_t *
skips_json(const struct deadline_period *p)
{
	json_t *a = json_array();

	for (size_t i = 0; i < p->nskipped; i++) {
		const struct deadline_skip *s = &p->skipped[i];

		json_array_append_new(a, json_pack(
			"{s:o, s:s, s:b, s:b, s:b, s:b}",
			"date", date_json(s->day),
			"name", s->name ? s->name : "", "holiday", s->holiday,
			"weekend", s->weekend, "unverified", s->unverified,
			"rolled", s->rolled));
	}
	return a;
}

static json_t *
period_json(const struct deadline_period *p)
{
	if (!p->set)
		return json_null();
	return json_pack("{s:o, s:s, s:i, s:s, s:o, s:o, s:o}",
			 "day0", date_json(p->day0),
			 "day0_reason", p->day0_reason ? p->day0_reason : "",
			 "number", p->n,
			 "unit", jurisdiction_unit_name(p->unit),
			 "last_counted", date_json(p->last),
			 "due", date_json(p->due),
			 "skipped", skips_json(p));
}

json_t *
deadline_to_json(const struct deadline *d)
{
	const struct jurisdiction *j = d->jurisdiction;
	json_t *o, *pauses = json_array(), *exts = json_array();
	json_t *unv = json_array(), *notes = json_array(), *appeal;

	for (size_t i = 0; i < d->npauses; i++) {
		const struct deadline_pause *p = &d->pauses[i];
		enum jurisdiction_stop rule = p->reason == DEADLINE_PAUSE_FEE ?
			j->fee : j->clarification;

		json_array_append_new(pauses, json_pack(
			"{s:s, s:s, s:o, s:o, s:b, s:i, s:i}",
			"reason", p->reason == DEADLINE_PAUSE_FEE ? "fee" :
				  "clarification",
			"effect", jurisdiction_stop_name(rule),
			"start", date_json(p->start), "end", date_json(p->end),
			"restart", p->restart, "days", p->days,
			"working_days", p->working_days));
	}
	for (size_t i = 0; i < d->nextensions; i++) {
		const struct deadline_extension *e = &d->extensions[i];

		json_array_append_new(exts, json_pack(
			"{s:o, s:s, s:i, s:s, s:b, s:o}",
			"date", date_json(e->day),
			"applies_to", e->appeal ? "appeal" : "request",
			"amount", e->amount,
			"unit", jurisdiction_unit_name(e->unit),
			"applied", e->applied,
			"note", e->note ? json_string(e->note) : json_null()));
	}
	for (size_t i = 0; i < d->nunverified; i++)
		json_array_append_new(unv, json_pack(
			"{s:s, s:s}", "fact", d->unverified[i].what, "note",
			d->unverified[i].note));
	for (size_t i = 0; i < d->nnotes; i++)
		json_array_append_new(notes, json_string(d->notes[i]));
	appeal = json_pack("{s:s, s:o, s:b, s:o, s:o, s:o, s:o, s:b}",
			   "name", j->appeal_name,
			   "deadline", date_json(d->appeal_window.set ?
						 d->appeal_window.due : -1),
			   "deemed_refusal", d->appeal_deemed,
			   "window", period_json(&d->appeal_window),
			   "filed", date_json(d->appeal_filed),
			   "decision", period_json(&d->appeal_decision),
			   "decided", date_json(d->appeal_decided),
			   "decision_overdue", d->appeal_overdue);
	o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:o, "
		      "s:o}",
		      "jurisdiction", j->code, "name", j->name, "law", j->law,
		      "citation", j->citation,
		      "received", date_json(d->received),
		      "day0", date_json(d->initial.day0),
		      "day0_reason", d->initial.day0_reason,
		      "initial_due", date_json(d->initial.due),
		      "due", date_json(d->current.set ? d->current.due : -1),
		      "paused_since", date_json(d->paused_since),
		      "skipped", d->current.set ? skips_json(&d->current) :
						  json_array());
	json_object_set_new(o, "rule", period_json(&d->current));
	json_object_set_new(o, "initial", period_json(&d->initial));
	json_object_set_new(o, "pauses", pauses);
	json_object_set_new(o, "extensions", exts);
	json_object_set_new(o, "very_overdue", date_json(
		d->very_overdue.set ? d->very_overdue.due : -1));
	json_object_set_new(o, "reply", date_json(d->reply));
	json_object_set_new(o, "appeal", appeal);
	json_object_set_new(o, "as_of", date_json(d->as_of));
	json_object_set_new(o, "status", json_string(
		deadline_status_name(d->status)));
	json_object_set_new(o, "overdue", json_boolean(d->overdue));
	json_object_set_new(o, "very_overdue_now",
			    json_boolean(d->very_overdue_now));
	json_object_set_new(o, "notes", notes);
	json_object_set_new(o, "unverified", unv);
	json_object_set_new(o, "explanation", json_string(d->explanation));
	return o;
}
