/*
 * deadline.h - due dates under a jurisdiction's FOI law, with their working.
 *
 * Given a law (jurisdiction.h), the day a request was received (or
 * registered) and the request's events, deadline_compute() returns the
 * initial due date, the current due date after pauses, restarts and
 * extensions, the "very overdue" date, the requester's appeal deadline and
 * the authority's deadline to decide an appeal, each with its working: day
 * 0 and why, every non-working day skipped with its name, every pause and
 * extension, and a plain-English explanation a coordinator can paste into a
 * letter. deadline_to_json() renders the same for the CLI and the API.
 *
 * Counting conventions (docs/deadlines.md has the full story):
 * - Day 0 is the day of receipt (or registration); the count starts the day
 *   after. Working-day units count only working days of the law's calendar;
 *   calendar-day units count every day, and when the law says so a last day
 *   that is not a working day rolls to the next working day.
 * - A pause (clarification or fee, when the law pauses) removes the days
 *   from the request's date to the answer's date, both included.
 * - A restart (clarification, when the law restarts) makes the day the
 *   clarification arrived the new day 0.
 * - An extension lengthens the period: initial plus extensions are counted
 *   from day 0 as one period, and only the final day is rolled.
 * - Holidays that only unverified rules create count as non-working for the
 *   authority's deadlines and as working for the requester's (see
 *   calendar.h), so neither side is told a date that is too early.
 *
 * Results are plain data; skipped-day names point into the law's calendar,
 * so a result must not outlive the jurisdiction set it was computed from.
 */
#ifndef FOIVAULT_DEADLINE_H
#define FOIVAULT_DEADLINE_H

#include <stddef.h>

#include <jansson.h>

#include "jurisdiction.h"
#include "util.h"

enum deadline_event_kind {
	DEADLINE_CLARIFICATION_REQUESTED,
	DEADLINE_CLARIFICATION_GIVEN,
	DEADLINE_FEE_REQUESTED,
	DEADLINE_FEE_PAID,
	DEADLINE_EXTENSION,	/* applies to the appeal once one is filed */
	DEADLINE_REPLY,
	DEADLINE_APPEAL_FILED,
	DEADLINE_APPEAL_DECIDED,
};

struct deadline_event {
	enum deadline_event_kind kind;
	int day;
	/*
	 * DEADLINE_EXTENSION only: its length in the law's extension unit,
	 * or 0 for the law's usual length. Otherwise 0.
	 */
	int amount;
};

/* "clarification-requested" ... ; -1 for an unknown name. */
int deadline_event_kind_from_name(const char *name);
const char *deadline_event_kind_name(enum deadline_event_kind kind);

/* A non-working day passed over while counting. */
struct deadline_skip {
	int day;
	const char *name;	/* "Saturday", "Christmas Day" (calendar's) */
	int holiday;		/* 0: only a weekend day */
	int unverified;		/* a holiday only by unverified rules */
	int weekend;		/* a weekend day (perhaps also a holiday) */
	int rolled;		/* skipped when rolling the last day */
};

/* One counted period: how one date was computed. */
struct deadline_period {
	int set;		/* 0: not applicable (fields unset) */
	int day0;
	char *day0_reason;	/* "the request was received" ... */
	int n;			/* units counted (initial + extensions) */
	enum jurisdiction_unit unit;
	int last;		/* the last day counted, before any roll */
	int due;		/* the deadline (last, or rolled past it) */
	int unverified_counted;	/* unverified holidays counted as working */
	struct deadline_skip *skipped;
	size_t nskipped;
};

enum deadline_pause_reason {
	DEADLINE_PAUSE_CLARIFICATION,
	DEADLINE_PAUSE_FEE,
};

struct deadline_pause {
	enum deadline_pause_reason reason;
	int start;		/* request sent (counted as paused) */
	int end;		/* answer received (paused); -1 while open */
	int restart;		/* clarification restarted the clock at end */
	int days;		/* calendar days stopped (start..end) */
	int working_days;	/* working days among them */
};

struct deadline_extension {
	int day;		/* when it was taken */
	int appeal;		/* extends the appeal decision, not the request */
	int amount;
	enum jurisdiction_unit unit;
	int applied;		/* 0: recorded but not counted (see note) */
	char *note;		/* NULL or why it was capped or not counted */
};

enum deadline_status {
	DEADLINE_STATUS_PENDING,	/* not yet due (or no as_of given) */
	DEADLINE_STATUS_PAUSED,		/* clock stopped: awaiting requester */
	DEADLINE_STATUS_OVERDUE,
	DEADLINE_STATUS_VERY_OVERDUE,
	DEADLINE_STATUS_ANSWERED,
	DEADLINE_STATUS_ANSWERED_LATE,
};

struct deadline_unverified {
	char *what;		/* a fact name, or "holiday 2024-12-24" */
	char *note;
};

struct deadline {
	const struct jurisdiction *jurisdiction;
	int received;
	int as_of;			/* -1: none given */

	struct deadline_period initial;	/* as if nothing happened */
	struct deadline_period current;	/* after the events; unset while
					 * paused (see paused_since) */
	int paused_since;		/* -1, or the open pause's start */
	struct deadline_period very_overdue;

	struct deadline_pause *pauses;
	size_t npauses;
	struct deadline_extension *extensions;
	size_t nextensions;

	int reply;			/* -1 or the reply's day */
	int appeal_deemed;		/* appeal window runs from no reply */
	struct deadline_period appeal_window;	/* the requester's */
	int appeal_filed;		/* -1 or day */
	struct deadline_period appeal_decision;	/* the authority's */
	int appeal_decided;		/* -1 or day */

	enum deadline_status status;	/* as of as_of */
	int overdue;			/* as_of is after current.due */
	int very_overdue_now;		/* as_of is after very_overdue.due */
	int appeal_overdue;		/* as_of is after the decision due */

	char **notes;			/* things the user should know */
	size_t nnotes;
	struct deadline_unverified *unverified;
	size_t nunverified;
	char *explanation;		/* plain English, for a letter */
};

/*
 * Computes everything for a request under law j, received (or registered)
 * on day `received`, with events (any order; sorted by date, keeping the
 * given order within a day). as_of is the day to judge overdue-ness on, or
 * -1. Returns 0 and a result to free with deadline_free(), or -1 with a
 * message: a law with no FOI law, a date outside the supported years,
 * a negative extension, events that cannot happen (fee paid with no fee
 * requested, an event before the request ...).
 */
int deadline_compute(const struct jurisdiction *j, int received,
		     const struct deadline_event *events, size_t nevents,
		     int as_of, struct deadline **ret, struct error *err);

/*
 * Only the initial due date, without the working and without allocating:
 * what the overdue dashboard needs for requests with no events.
 */
int deadline_due_date(const struct jurisdiction *j, int received,
		      int *ret_due, struct error *err);

void deadline_free(struct deadline *d);

const char *deadline_status_name(enum deadline_status s);

/*
 * The result as JSON (a new reference). Always has "jurisdiction",
 * "received", "due" ("YYYY-MM-DD", or null while the clock is stopped),
 * "skipped" ([{"date","name","holiday","unverified"}] for the due date),
 * "pauses", "extensions", "very_overdue", "explanation" and "unverified";
 * plus "initial_due", "day0", "status", the appeal dates and their working.
 */
json_t *deadline_to_json(const struct deadline *d);

#endif
