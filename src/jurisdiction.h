/*
 * jurisdiction.h - FOI laws as data: the law files under $(pkgdatadir)/laws
 * and per-instance overrides under DATA/laws.
 *
 * A law file is a strict INI file (see ini.h) describing one jurisdiction:
 * its law and citation, the deadline rules, the appeal rules, the holiday
 * calendar and, fact by fact, a citation and an "unverified" note where the
 * reference could not confirm it. The format is documented at the top of
 * every shipped file and in docs/deadlines.md.
 *
 * jurisdiction_set_load() reads directories in order. A file whose code is
 * new defines a jurisdiction; a file in a later directory whose code already
 * exists overrides it: each fact it sets replaces the earlier value (and
 * clears the earlier "unverified" note unless it marks the fact again),
 * sources and holiday rules are added, and "replace = yes" in a holidays
 * section drops the earlier rules of that section first. Two files with the
 * same code in one directory are an error. Every error names file:line.
 *
 * A loaded set is immutable and may be shared by threads (the calendars'
 * year caches are internally locked).
 */
#ifndef FOIVAULT_JURISDICTION_H
#define FOIVAULT_JURISDICTION_H

#include <stddef.h>

#include <jansson.h>

#include "calendar.h"
#include "fvlimits.h"
#include "util.h"

enum jurisdiction_unit {
	JUR_UNIT_NONE = 0,	/* the law has no such period */
	JUR_UNIT_WORKING_DAYS,
	JUR_UNIT_CALENDAR_DAYS,
	JUR_UNIT_WEEKS,		/* weeks of 5 working days (Ireland's FOI Act) */
	JUR_UNIT_CALENDAR_WEEKS,
	JUR_UNIT_MONTHS,
};

/* A period such as "20 working days" or "1 month, rolled". */
struct jurisdiction_period {
	int n;
	enum jurisdiction_unit unit;
	int roll;	/* calendar units: a last day that is not a working day
			 * moves to the next working day */
	int repeatable;	/* extensions: may be taken more than once */
	int open;	/* extensions: the authority's notice sets the length
			 * (n is the usual length, not a maximum) */
};

enum jurisdiction_start {
	JUR_START_RECEIPT,	     /* day 0 = day of receipt */
	JUR_START_REGISTRATION,	     /* day 0 = day of registration (EU) */
	JUR_START_FIRST_WORKING_DAY, /* day 0 = receipt, or the next working
				      * day if received on a non-working day */
};

/* What a clarification request or a fee notice does to the clock. */
enum jurisdiction_stop {
	JUR_STOP_NONE,	  /* nothing */
	JUR_STOP_PAUSE,	  /* the days from request to answer do not count */
	JUR_STOP_RESTART, /* the answer starts a new period (a new request) */
};

/* Facts that carry a citation and may be marked unverified. */
enum jurisdiction_fact {
	JUR_FACT_NAME,
	JUR_FACT_LAW,
	JUR_FACT_CITATION,
	JUR_FACT_NO_FOI_LAW,
	JUR_FACT_OVERSIGHT,
	JUR_FACT_LANGUAGES,
	JUR_FACT_TIMEZONE,
	JUR_FACT_INITIAL,
	JUR_FACT_START,
	JUR_FACT_EXTENSION,
	JUR_FACT_CLARIFICATION,
	JUR_FACT_FEE,
	JUR_FACT_VERY_OVERDUE,
	JUR_FACT_DEEMED_REFUSAL,
	JUR_FACT_APPEAL_NAME,
	JUR_FACT_APPEAL_WINDOW,
	JUR_FACT_APPEAL_DECISION,
	JUR_FACT_APPEAL_EXTENSION,
	JUR_FACT_HOLIDAYS,
	JUR_NFACTS
};

/*
 * One law. All fields are read-only for users of a loaded set; strings are
 * never NULL except where noted.
 */
struct jurisdiction {
	char *code;		/* "GB", "GB-SCT", "US-CA" */
	char *name;		/* "United Kingdom" */
	char *law;		/* "Freedom of Information Act 2000" */
	char *citation;		/* "Freedom of Information Act 2000 c.36, s.10" */
	char *oversight;	/* "" if none recorded */
	char *timezone;		/* IANA name; dates are local to it */
	char *note;		/* "" or free text shown with the law */
	int no_foi_law;		/* Singapore: loadable, but no deadlines */
	char **languages;	/* BCP 47 tags */
	size_t nlanguages;
	char **sources;		/* "[UK1] ..." as given in the files */
	size_t nsources;
	char **files;		/* the files it was built from, in order */
	size_t nfiles;

	struct jurisdiction_period initial;
	enum jurisdiction_start start;
	struct jurisdiction_period extension;	 /* unit NONE: no extension */
	enum jurisdiction_stop clarification;
	enum jurisdiction_stop fee;
	struct jurisdiction_period very_overdue; /* unit NONE: use factor */
	int very_overdue_factor;		 /* default 2 */
	int deemed_refusal;	/* no reply by the due date opens the appeal */

	char *appeal_name;	/* "internal review", "" if no appeal recorded */
	struct jurisdiction_period appeal_window;	/* requester's */
	struct jurisdiction_period appeal_decision;	/* authority's */
	struct jurisdiction_period appeal_extension;

	char *cite[JUR_NFACTS];		/* NULL or e.g. "s.10(1)" */
	char *unverified[JUR_NFACTS];	/* NULL, or why it is unverified */

	struct calendar *calendar;
	/* Internal: section ids of the calendar's parts, index = part. */
	char *part_ids[FV_MAX_CALENDAR_PARTS];
};

struct jurisdiction_set;

/*
 * Loads every *.law file of dirs[0..ndirs), in that order (files within a
 * directory in name order). dirs[0] must exist; a later directory that does
 * not exist is skipped (an instance without overrides). Returns NULL with
 * "file:line: message" in err on the first error.
 */
struct jurisdiction_set *jurisdiction_set_load(const char *const *dirs,
					       size_t ndirs,
					       struct error *err);
void jurisdiction_set_free(struct jurisdiction_set *set);

/* The law with this code (case-insensitive), or NULL. */
const struct jurisdiction *jurisdiction_set_find(
	const struct jurisdiction_set *set, const char *code);
/* Like find, but NULL comes with "unknown jurisdiction 'XX' (known: ...)". */
const struct jurisdiction *jurisdiction_set_lookup(
	const struct jurisdiction_set *set, const char *code,
	struct error *err);
/* Iteration in code order: for (i = 0; i < count; i++) at(set, i). */
size_t jurisdiction_set_count(const struct jurisdiction_set *set);
const struct jurisdiction *jurisdiction_set_at(
	const struct jurisdiction_set *set, size_t i);

/* "initial", "appeal_window" ...: the names used in [cite]/[unverified]. */
const char *jurisdiction_fact_name(enum jurisdiction_fact f);
/* "working_days" ... as in law files. */
const char *jurisdiction_unit_name(enum jurisdiction_unit u);
/* "20 working days", "1 month", "4 weeks (of 5 working days)", "none". */
char *jurisdiction_period_text(const struct jurisdiction_period *p,
			       char *buf, size_t n);
const char *jurisdiction_start_name(enum jurisdiction_start s);
const char *jurisdiction_stop_name(enum jurisdiction_stop s);

/*
 * The law as JSON for GET /api/v1/jurisdictions/{code}: its fields, each
 * fact with value, text, citation and unverified flag/note, the holiday
 * calendar's weekend and parts, and an "unverified" array listing every
 * unverified fact. Returns a new reference.
 */
json_t *jurisdiction_to_json(const struct jurisdiction *j);

/*
 * A short description for lists (GET /api/v1/jurisdictions, `foivault
 * jurisdictions`): code, name, law, citation, no_foi_law, start, the
 * deadline and extension as text ("30 calendar days, rolled", "20 working
 * days, once"; null if none) and the names of the unverified facts.
 * Returns a new reference.
 */
json_t *jurisdiction_summary_to_json(const struct jurisdiction *j);

/*
 * The non-working days (holidays and closures; plain weekends are not
 * listed) of a year, for GET /api/v1/jurisdictions/{code}/holidays?year=:
 * {"jurisdiction":"GB","year":2024,"weekend":["Saturday","Sunday"],
 *  "holidays":[{"date":"2024-01-01","name":"New Year's Day",
 *               "weekday":"Monday","weekend":false,"unverified":false}]}
 * NULL with a message for a year out of range.
 */
json_t *jurisdiction_holidays_to_json(const struct jurisdiction *j, int year,
				      struct error *err);

#endif
