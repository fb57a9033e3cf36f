/*
 * test_deadline.c - due dates and their working under the shipped laws.
 *
 * Each expected date was counted by hand from the law and the official
 * holiday calendar named in test_calendar.c; the comment above a case
 * shows the count where it is not obvious. The EU case is the worked
 * example of the reference [EU3] (DG GROW, AskTheEU request 7411).
 * Law files come from $FOIVAULT_LAWS_DIR, or src/laws relative to the
 * working directory.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "deadline.h"
#include "jurisdiction.h"
#include "tap.h"

static const struct jurisdiction_set *set;

static int
D(const char *s)
{
	int d = -1;
	struct error err;

	if (calendar_parse_date(s, &d, &err) < 0)
		diag("bad test date %s: %s", s, err.msg);
	return d;
}

static const char *
F(int day)
{
	static char buf[8][CALENDAR_DATE_LEN];
	static int i;

	if (day < 0)
		return "(none)";
	i = (i + 1) % 8;
	return calendar_format_date(day, buf[i]);
}

static const struct jurisdiction *
J(const char *code)
{
	return jurisdiction_set_find(set, code);
}

#define EV(k, date) { DEADLINE_##k, D(date), 0 }
#define EXT(date, n) { DEADLINE_EXTENSION, D(date), n }

static struct deadline *
run(const char *code, const char *received, const struct deadline_event *ev,
    size_t n, const char *as_of)
{
	struct deadline *d = NULL;
	struct error err;

	if (deadline_compute(J(code), D(received), ev, n,
			     as_of ? D(as_of) : -1, &d, &err) < 0) {
		diag("%s %s: %s", code, received, err.msg);
		return NULL;
	}
	return d;
}

/* The current due date for a request with no events. */
static void
due(const char *code, const char *received, const char *want,
    const char *why)
{
	struct deadline *d = run(code, received, NULL, 0, NULL);
	int fast = -1;
	struct error err;

	is_str(d ? F(d->current.due) : "(error)", want, "%s received %s: %s",
	       code, received, why);
	deadline_due_date(J(code), D(received), &fast, &err);
	is_str(F(fast), want, "%s received %s: fast path agrees", code,
	       received);
	deadline_free(d);
}

static int
skipped(const struct deadline_period *p, const char *date, const char *name)
{
	for (size_t i = 0; i < p->nskipped; i++)
		if (p->skipped[i].day == D(date))
			return name == NULL ||
			       strstr(p->skipped[i].name, name) != NULL;
	return 0;
}

static void
test_eu_worked_example(void)
{
	struct deadline_event ev[] = { EXT("2019-11-18", 0) };
	struct deadline *d;
	json_t *o, *sk;
	int found = 0;

	/* [EU3]: registered 25/10/2019, due 18/11/2019; +15 WD = 09/12. */
	d = run("EU", "2019-10-25", NULL, 0, NULL);
	is_str(F(d->current.due), "2019-11-18", "EU [EU3]: registered "
	       "25/10/2019, 15 working days end 18/11/2019");
	ok(skipped(&d->current, "2019-11-01", "All Saints"),
	   "EU: 1 Nov 2019 skipped as All Saints' Day");
	ok(!skipped(&d->current, "2019-11-11", NULL),
	   "EU: 11 Nov 2019 (Armistice) counted as a working day");
	ok(strstr(d->explanation, "registered on Friday 25 October 2019") !=
	   NULL,
	   "EU: explanation names day 0");
	deadline_free(d);

	d = run("EU", "2019-10-25", ev, 1, NULL);
	is_str(F(d->current.due), "2019-12-09", "EU [EU3]: extended by 15 "
	       "working days under Art. 7(3) to 09/12/2019");
	is_str(F(d->initial.due), "2019-11-18", "EU: initial due kept");
	is_int(d->nextensions, 1, "EU: one extension recorded");
	o = deadline_to_json(d);
	is_str(json_string_value(json_object_get(o, "due")), "2019-12-09",
	       "JSON due");
	sk = json_object_get(o, "skipped");
	for (size_t i = 0; i < json_array_size(sk); i++) {
		json_t *e = json_array_get(sk, i);

		if (strcmp(json_string_value(json_object_get(e, "date")),
			   "2019-11-01") == 0 &&
		    strcmp(json_string_value(json_object_get(e, "name")),
			   "All Saints' Day") == 0)
			found = 1;
	}
	ok(found, "JSON skipped has {date: 2019-11-01, name: All Saints' Day}");
	ok(json_is_string(json_object_get(o, "explanation")) &&
	   json_is_array(json_object_get(o, "unverified")) &&
	   json_is_array(json_object_get(o, "pauses")) &&
	   json_is_array(json_object_get(o, "extensions")) &&
	   json_is_string(json_object_get(o, "very_overdue")) &&
	   json_is_string(json_object_get(o, "jurisdiction")) &&
	   json_is_string(json_object_get(o, "received")),
	   "JSON has the fixed public fields");
	json_decref(o);
	deadline_free(d);
}

static void
test_simple(void)
{
	/* GB: received Friday; 20 working days, no holidays. */
	due("GB", "2024-01-05", "2024-02-02", "20 working days");
	/* Received on a Saturday: Monday 8 is working day 1. */
	due("GB", "2024-01-06", "2024-02-02", "received on a Saturday");
	/*
	 * GB counts Scotland's 2 January: from Fri 15 Dec 2023, 18-22 (5),
	 * 27-29 (8), 2 Jan skipped, 3-5 (11), 8-12 (16), 15-18 (20).
	 */
	due("GB", "2023-12-15", "2024-01-18", "2 January (Scotland) skipped");
	/* Received on Christmas Day 2024: 27, 30, 31, 3 Jan ... 27 Jan. */
	due("GB", "2024-12-25", "2025-01-27", "received on a holiday");
	/* US, received Saturday 15 June 2024; Juneteenth and 4 July. */
	due("US", "2024-06-15", "2024-07-16", "Juneteenth and Independence "
	    "Day skipped");
	/* NZ: 25 Dec - 15 Jan and Waitangi Day (Tue 6 Feb 2024). From 1
	 * Dec 2023: 4-8 (5), 11-15 (10), 18-22 (15), 16-19 Jan (19),
	 * 22 Jan (20). */
	due("NZ", "2023-12-01", "2024-01-22", "the OIA holiday period");
	/* JP: 30 calendar days, no roll, across 29 Feb 2024. */
	due("JP", "2024-02-15", "2024-03-16", "30 days across 29 February");
	/* CA: day 30 is Saturday 2 March 2024; rolls to Monday 4 March. */
	due("CA", "2024-02-01", "2024-03-04", "rolled past a weekend");
	/* BR: received Holy Saturday; day 0 is Monday 1 April; day 20 is
	 * Sunday 21 April (Tiradentes) -> Monday 22 April. */
	due("BR", "2024-03-30", "2024-04-22", "first business day, then roll");
	/* IE: 4 weeks of 5 working days; St Patrick's Day on a Sunday is
	 * no extra day; Easter Monday 1 April 2024 skipped. */
	due("IE", "2024-03-14", "2024-04-12", "4 weeks of working days");
	/* DE and FR: months from the 29th-31st (BGB s.188(3)). */
	due("DE", "2024-01-31", "2024-02-29", "31 Jan + 1 month = 29 Feb");
	due("DE", "2023-01-31", "2023-02-28", "31 Jan + 1 month = 28 Feb");
	due("DE", "2024-03-29", "2024-04-29", "29 Mar + 1 month");
	due("DE", "2024-08-31", "2024-09-30", "31 Aug + 1 month = 30 Sep");
	due("DE", "2024-12-31", "2025-01-31", "a month across the year end");
	due("DE", "2024-05-01", "2024-06-03", "1 Jun 2024 is a Saturday");
	due("DE", "2024-11-25", "2024-12-27", "25 and 26 December rolled");
	due("FR", "2023-12-29", "2024-01-29", "a month across the year end");
	/* KR: 10 days, rolled past Chuseok 2024 (16-18 Sep). */
	due("KR", "2024-09-05", "2024-09-19", "rolled past Chuseok");
	/* ZA: Sunday-only weekend under Interpretation Act s.4: day 30 on
	 * Saturday 2 March 2024 stands. */
	due("ZA", "2024-02-01", "2024-03-02", "Saturday is a possible last "
	    "day");
	/* NO: the Ombudsman's 3 working days. */
	due("NO", "2024-03-26", "2024-04-03", "Easter skipped");
	/* AR: 15 días hábiles across Carnival 2024 (12-13 Feb). */
	due("AR", "2024-02-01", "2024-02-26", "Carnival skipped");
	/* Year end: EU closure 24-31 Dec and 1-2 Jan. */
	/* 17-20 (4), 23 (5), 24 Dec - 2 Jan closed, 3 (6), 6-10 (11),
	 * 13-16 (15). */
	due("EU", "2024-12-16", "2025-01-16", "the institutions' year-end "
	    "closure");
}

static void
test_pauses(void)
{
	struct deadline *d;
	/*
	 * A fee pause that starts on a holiday (Easter Monday 2024, a
	 * holiday in England and NI): received Mon 25 Mar. Without the
	 * pause the 20th working day is 24 April; the paused days 1-3
	 * April hold two working days (2 and 3 April), so 26 April.
	 */
	struct deadline_event fee[] = {
		EV(FEE_REQUESTED, "2024-04-01"), EV(FEE_PAID, "2024-04-03"),
	};
	/*
	 * EU: clarification pause then an extension. Registered Mon 8 Jan
	 * 2024; 9 Jan (1); 10-15 paused; 16-19 (5); 22-26 (10); 29 Jan-2
	 * Feb (15); +15: 5-9 (20), 12-16 (25), 19-23 Feb (30).
	 */
	struct deadline_event clar_ext[] = {
		EV(CLARIFICATION_REQUESTED, "2024-01-10"),
		EV(CLARIFICATION_GIVEN, "2024-01-15"),
		EXT("2024-02-01", 0),
	};
	/* GB: clarification restarts the clock (s.1(3)): new day 0 is
	 * 15 January, due 12 February. */
	struct deadline_event restart[] = {
		EV(CLARIFICATION_REQUESTED, "2024-01-08"),
		EV(CLARIFICATION_GIVEN, "2024-01-15"),
	};
	struct deadline_event open[] = {
		EV(CLARIFICATION_REQUESTED, "2024-01-08"),
	};
	/* Events given out of date order are sorted. */
	struct deadline_event unsorted[] = {
		EV(FEE_PAID, "2024-04-03"), EV(FEE_REQUESTED, "2024-04-01"),
	};

	d = run("GB", "2024-03-25", fee, 2, NULL);
	is_str(F(d->current.due), "2024-04-26", "GB: fee pause starting on "
	       "Easter Monday");
	is_str(F(d->initial.due), "2024-04-24", "GB: 24 April without it");
	ok(d->npauses == 1 && d->pauses[0].days == 3 &&
	   d->pauses[0].working_days == 2, "GB: pause of 3 days, 2 working");
	ok(strstr(d->explanation, "both included") != NULL,
	   "explanation describes the pause");
	deadline_free(d);

	d = run("GB", "2024-03-25", unsorted, 2, NULL);
	is_str(d ? F(d->current.due) : "(error)", "2024-04-26",
	       "events are sorted by date");
	deadline_free(d);

	d = run("EU", "2024-01-08", clar_ext, 3, NULL);
	is_str(F(d->current.due), "2024-02-23", "EU: extension after a "
	       "clarification pause");
	ok(d->unverified && strstr(d->explanation, "Commission practice") !=
	   NULL,
	   "EU: the pause is shown as Commission practice (unverified)");
	deadline_free(d);

	d = run("GB", "2024-01-05", restart, 2, NULL);
	is_str(F(d->current.due), "2024-02-12", "GB: restart on "
	       "clarification");
	is_str(F(d->current.day0), "2024-01-15", "GB: new day 0");
	ok(d->pauses[0].restart, "GB: recorded as a restart");
	deadline_free(d);

	d = run("NZ", "2024-01-22", restart, 0, NULL);
	deadline_free(d);

	d = run("GB", "2024-01-05", open, 1, "2024-03-01");
	ok(d && !d->current.set && d->paused_since == D("2024-01-08") &&
	   d->status == DEADLINE_STATUS_PAUSED,
	   "GB: unanswered clarification leaves no due date (paused)");
	{
		json_t *o = deadline_to_json(d);

		ok(json_is_null(json_object_get(o, "due")),
		   "JSON due is null while paused");
		json_decref(o);
	}
	deadline_free(d);

	/* A law with no clock stop records the event and says so. */
	{
		struct deadline_event c[] = {
			EV(CLARIFICATION_REQUESTED, "2024-02-05"),
			EV(CLARIFICATION_GIVEN, "2024-02-09"),
		};

		d = run("AR", "2024-02-01", c, 2, NULL);
		is_str(F(d->current.due), "2024-02-26", "AR: clarification "
		       "does not stop the clock");
		ok(strstr(d->explanation, "does not stop the clock") != NULL,
		   "explanation says so");
		deadline_free(d);
	}
}

static void
test_extensions(void)
{
	struct deadline *d;
	struct deadline_event twice[] = {
		EXT("2024-01-25", 0), EXT("2024-01-30", 0),
	};
	struct deadline_event big[] = { EXT("2024-01-25", 50) };
	struct deadline_event none[] = { EXT("2024-01-25", 0) };

	/* US: 20 + 10 working days, once. */
	d = run("US", "2024-01-05", twice, 2, NULL);
	/* 20 WD from Fri 5 Jan 2024 (MLK 15 Jan) = 5 Feb; +10 = 20 Feb
	 * (Washington's Birthday 19 Feb skipped). */
	is_str(F(d->initial.due), "2024-02-05", "US: 20 working days");
	is_str(F(d->current.due), "2024-02-20", "US: one 10-day extension");
	ok(d->nextensions == 2 && d->extensions[0].applied &&
	   !d->extensions[1].applied && d->extensions[1].note,
	   "US: the second extension is recorded, not counted");
	deadline_free(d);

	d = run("US", "2024-01-05", big, 1, NULL);
	ok(d->extensions[0].amount == 10 && d->extensions[0].note,
	   "US: an extension past the statutory 10 days is capped");
	deadline_free(d);

	d = run("GB-SCT", "2024-01-05", none, 1, NULL);
	ok(d->current.due == d->initial.due && !d->extensions[0].applied,
	   "GB-SCT: FOISA has no extension; not counted");
	deadline_free(d);

	/* CA: "reasonable period" set by notice (open): 45 days counted. */
	{
		struct deadline_event ca[] = { EXT("2024-02-20", 45) };

		d = run("CA", "2024-02-01", ca, 1, NULL);
		/* Day 75 from 1 Feb 2024 is 16 April (a Tuesday). */
		is_str(F(d->current.due), "2024-04-16", "CA: open extension "
		       "of 45 days");
		deadline_free(d);
	}
}

static void
test_overdue_and_appeals(void)
{
	struct deadline *d;
	struct deadline_event reply_us[] = { EV(REPLY, "2024-03-01") };
	struct deadline_event eu_appeal[] = {
		EV(REPLY, "2024-03-01"), EV(APPEAL_FILED, "2024-03-20"),
	};
	struct deadline_event eu_lu[] = { EV(REPLY, "2026-06-15"),
					  EV(APPEAL_FILED, "2026-06-15") };
	struct deadline_event jp[] = { EV(REPLY, "2024-09-21") };
	struct deadline_event late[] = { EV(REPLY, "2024-02-20") };
	struct deadline_event appeal_ext[] = {
		EV(REPLY, "2024-03-01"), EV(APPEAL_FILED, "2024-03-20"),
		EXT("2024-04-10", 0),
	};

	d = run("GB", "2024-01-05", NULL, 0, "2024-02-02");
	is_int(d->status, DEADLINE_STATUS_PENDING, "GB: on the due date "
	       "it is not overdue");
	deadline_free(d);
	d = run("GB", "2024-01-05", NULL, 0, "2024-02-05");
	ok(d->status == DEADLINE_STATUS_OVERDUE && d->overdue &&
	   !d->very_overdue_now, "GB: overdue the next working day");
	/* 40 working days from 5 Jan 2024 (no holidays) = 1 March. */
	is_str(F(d->very_overdue.due), "2024-03-01", "GB: very overdue at "
	       "twice the period");
	deadline_free(d);
	d = run("GB", "2024-01-05", NULL, 0, "2024-03-04");
	ok(d->status == DEADLINE_STATUS_VERY_OVERDUE && d->very_overdue_now,
	   "GB: very overdue after 40 working days");
	ok(strstr(d->explanation, "very overdue") != NULL,
	   "explanation says very overdue");
	deadline_free(d);

	d = run("GB", "2024-01-05", late, 1, "2024-03-01");
	is_int(d->status, DEADLINE_STATUS_ANSWERED_LATE, "GB: answered late");
	deadline_free(d);

	/* US: 90 calendar days after the reply of 1 March 2024. */
	d = run("US", "2024-01-05", reply_us, 1, NULL);
	is_str(F(d->appeal_window.due), "2024-05-30", "US: appeal within 90 "
	       "days of the reply");
	is_int(d->status, DEADLINE_STATUS_ANSWERED_LATE, "US: answered "
	       "after the 5 February due date");
	deadline_free(d);

	/*
	 * EU: confirmatory application within 15 WD of the reply (Fri 1
	 * March 2024): 22 March. Filed 20 March; decision within 15 WD:
	 * 21-22, 25-27, (28 Mar - 1 Apr Easter), 2-5, 8-12, 15 April.
	 */
	d = run("EU", "2024-02-01", eu_appeal, 2, "2024-04-16");
	is_str(F(d->appeal_window.due), "2024-03-22", "EU: confirmatory "
	       "application window");
	is_str(F(d->appeal_decision.due), "2024-04-15", "EU: decision on the "
	       "confirmatory application");
	ok(d->appeal_overdue, "EU: the decision is overdue on 16 April");
	ok(skipped(&d->appeal_decision, "2024-03-28", "Maundy Thursday"),
	   "EU: Maundy Thursday skipped");
	deadline_free(d);

	d = run("EU", "2024-02-01", appeal_ext, 3, NULL);
	/* +15 WD from 15 April: 16-19 (4), 22-26 (9), 29-30 (11), 1 May
	 * skipped, 2-3 (13), 6-7 May (15). */
	is_str(F(d->appeal_decision.due), "2024-05-07", "EU: extension of the "
	       "appeal decision (Art. 8(2))");
	ok(d->nextensions == 1 && d->extensions[0].appeal,
	   "EU: the extension applies to the appeal");
	deadline_free(d);

	/*
	 * EU, 23 June 2026 (Luxembourg staff only, unverified): it counts
	 * as a working day for the requester's window (6 July) but not for
	 * the institution's decision (7 July).
	 */
	d = run("EU", "2026-06-01", eu_lu, 2, NULL);
	is_str(F(d->appeal_window.due), "2026-07-06", "EU: requester's window "
	       "counts the unverified day");
	is_str(F(d->appeal_decision.due), "2026-07-07", "EU: institution's "
	       "deadline skips it");
	ok(d->appeal_window.unverified_counted == 1, "the doubt is recorded");
	deadline_free(d);

	/* JP: the requester's 3 months roll: 21 Dec 2024 is a Saturday. */
	d = run("JP", "2024-08-01", jp, 1, NULL);
	is_str(F(d->appeal_window.due), "2024-12-23", "JP: 3 months, rolled "
	       "to Monday");
	deadline_free(d);

	/* EU deemed refusal: no reply by the due date opens the window. */
	d = run("EU", "2019-10-25", NULL, 0, NULL);
	ok(d->appeal_deemed && d->appeal_window.set &&
	   d->appeal_window.due == D("2019-12-09"),
	   "EU: confirmatory application after no reply (Art. 7(4))");
	deadline_free(d);
}

static void
expect_fail(const char *code, const char *received,
	    const struct deadline_event *ev, size_t n, const char *want,
	    const char *what)
{
	struct deadline *d = NULL;
	struct error err;
	int day = -1;

	err.msg[0] = '\0';
	if (received != NULL && calendar_parse_date(received, &day,
						    NULL) < 0)
		day = atoi(received);
	ok(deadline_compute(J(code), day, ev, n, -1, &d, &err) < 0 &&
	   d == NULL && strstr(err.msg, want) != NULL, "%s: %s", what,
	   err.msg);
}

static void
test_bad_input(void)
{
	struct deadline_event paid_first[] = {
		{ DEADLINE_FEE_PAID, D("2024-01-08"), 0 },
		{ DEADLINE_FEE_REQUESTED, D("2024-01-10"), 0 },
	};
	struct deadline_event given[] = {
		{ DEADLINE_CLARIFICATION_GIVEN, D("2024-01-08"), 0 },
	};
	struct deadline_event neg[] = {
		{ DEADLINE_EXTENSION, D("2024-01-08"), -5 },
	};
	struct deadline_event before[] = {
		{ DEADLINE_REPLY, D("2023-12-30"), 0 },
	};
	struct deadline_event two_replies[] = {
		{ DEADLINE_REPLY, D("2024-01-10"), 0 },
		{ DEADLINE_REPLY, D("2024-01-12"), 0 },
	};
	struct deadline_event decided[] = {
		{ DEADLINE_APPEAL_DECIDED, D("2024-01-10"), 0 },
	};
	struct deadline_event amount[] = {
		{ DEADLINE_REPLY, D("2024-01-10"), 3 },
	};
	struct deadline_event after_reply[] = {
		{ DEADLINE_REPLY, D("2024-01-10"), 0 },
		{ DEADLINE_FEE_REQUESTED, D("2024-01-12"), 0 },
	};
	struct deadline_event twice_open[] = {
		{ DEADLINE_FEE_REQUESTED, D("2024-01-08"), 0 },
		{ DEADLINE_FEE_REQUESTED, D("2024-01-09"), 0 },
	};
	struct deadline_event out[] = {
		{ DEADLINE_REPLY, 999999, 0 },
	};
	struct deadline_event kind[] = {
		{ (enum deadline_event_kind)42, D("2024-01-08"), 0 },
	};
	struct error err;
	struct deadline *d = NULL;
	int dd;

	ok(jurisdiction_set_lookup(set, "ZZ", &err) == NULL &&
	   strstr(err.msg, "unknown jurisdiction 'ZZ'"),
	   "unknown jurisdiction: %s", err.msg);
	expect_fail("SG", "2024-01-05", NULL, 0,
		    "no freedom of information law", "Singapore");
	ok(deadline_due_date(J("SG"), D("2024-01-05"), &dd, &err) < 0 &&
	   strstr(err.msg, "no freedom of information law"),
	   "Singapore, fast path: %s", err.msg);
	expect_fail("GB", "7304", NULL, 0, "outside the years",
		    "received in 1989");
	expect_fail("GB", "2100-12-20", NULL, 0, "after 2100",
		    "a deadline past 2100");
	expect_fail("GB", "2024-01-05", paid_first, 2,
		    "no fee was requested before it", "fee paid before asked");
	expect_fail("GB", "2024-01-05", given, 1,
		    "no clarification was requested", "clarification given "
		    "without a request");
	expect_fail("GB", "2024-01-05", neg, 1, "cannot be negative",
		    "negative extension");
	expect_fail("GB", "2024-01-05", before, 1, "before the request was "
		    "received", "event before receipt");
	expect_fail("GB", "2024-01-05", two_replies, 2, "second reply",
		    "two replies");
	expect_fail("GB", "2024-01-05", decided, 1, "no appeal was filed",
		    "appeal decided without an appeal");
	expect_fail("GB", "2024-01-05", amount, 1, "takes no length",
		    "a length on a reply");
	expect_fail("GB", "2024-01-05", after_reply, 2, "after the reply",
		    "fee requested after the reply");
	expect_fail("GB", "2024-01-05", twice_open, 2, "is unpaid",
		    "second fee notice while one is unpaid");
	expect_fail("GB", "2024-01-05", out, 1, "outside the years",
		    "event date out of range");
	expect_fail("GB", "2024-01-05", kind, 1, "unknown kind",
		    "unknown event kind");
	ok(deadline_compute(J("GB"), D("2024-01-05"), NULL, 0, 999999, &d,
			    &err) < 0 && strstr(err.msg, "as-of"),
	   "as-of out of range: %s", err.msg);
	ok(calendar_parse_date("2025-02-29", &dd, &err) < 0,
	   "an impossible received date is refused by the parser: %s",
	   err.msg);
	is_int(deadline_event_kind_from_name("fee-paid"), DEADLINE_FEE_PAID,
	       "event names");
	is_int(deadline_event_kind_from_name("coffee"), -1,
	       "unknown event name");
	deadline_free(NULL);
}

/* The fast path and the full computation agree everywhere. */
static void
test_consistency(void)
{
	size_t n = jurisdiction_set_count(set), bad = 0, runs = 0;
	unsigned seed = 12345;

	for (size_t i = 0; i < n; i++) {
		const struct jurisdiction *j = jurisdiction_set_at(set, i);

		if (j->no_foi_law)
			continue;
		for (int k = 0; k < 150; k++) {
			struct deadline *d = NULL;
			int received, fast = -1;
			struct error err;

			seed = seed * 1103515245u + 12345u;
			received = D("1995-01-01") + (int)(seed % 36000u);
			runs++;
			if (deadline_compute(j, received, NULL, 0, -1, &d,
					     &err) < 0 ||
			    deadline_due_date(j, received, &fast, &err) < 0 ||
			    fast != d->current.due ||
			    d->current.due <= received ||
			    d->very_overdue.due < d->current.due ||
			    ((j->initial.roll ||
			      j->initial.unit == JUR_UNIT_WORKING_DAYS ||
			      j->initial.unit == JUR_UNIT_WEEKS) &&
			     calendar_is_nonworking(j->calendar,
						    d->current.due,
						    CALENDAR_DOUBT_NONWORKING)
			     != 0)) {
				diag("%s %s", j->code, F(received));
				bad++;
			}
			deadline_free(d);
		}
	}
	is_int((long long)bad, 0, "%zu random requests: fast path = full "
	       "result, due after receipt, working-day/rolled dues on "
	       "working days", runs);
}

static void
test_explanation(void)
{
	struct deadline_event ev[] = {
		EV(FEE_REQUESTED, "2024-01-08"), EV(FEE_PAID, "2024-01-10"),
		EXT("2024-02-01", 0),
	};
	struct deadline *d = run("GB", "2023-12-15", ev, 3, "2024-03-20");

	ok(strstr(d->explanation, "Friday 15 December 2023") &&
	   strstr(d->explanation, "2nd January (Scotland)") &&
	   strstr(d->explanation, "s.10(2)") &&
	   strstr(d->explanation, "extended the time by 20 working days") &&
	   strstr(d->explanation, "Not confirmed from a primary source") !=
	   NULL,
	   "GB explanation: day 0, Scottish day, pause citation, extension, "
	   "unverified facts");
	/* Show it, one TAP comment line per line of text. */
	for (char *line = d->explanation, *nl; line && *line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		diag("%s", line);
	}
	deadline_free(d);
}

static const char *
laws_dir(void)
{
	const char *d = getenv("FOIVAULT_LAWS_DIR");

	return d && *d ? d : "src/laws";
}

int
main(void)
{
	const char *dirs[1] = { laws_dir() };
	struct jurisdiction_set *s;
	struct error err;

	s = jurisdiction_set_load(dirs, 1, &err);
	ok(s != NULL, "law files load from %s%s%s", dirs[0], s ? "" : ": ",
	   s ? "" : err.msg);
	if (s == NULL)
		return done_testing();
	set = s;
	test_eu_worked_example();
	test_simple();
	test_pauses();
	test_extensions();
	test_overdue_and_appeals();
	test_bad_input();
	test_consistency();
	test_explanation();
	jurisdiction_set_free(s);
	return done_testing();
}
