/*
 * calendar.h - civil dates as day numbers, and holiday calendars computed
 * from rules.
 *
 * A date is an int: the number of days since 1970-01-01 in the proleptic
 * Gregorian calendar. There are no times and no time zones here: a due date
 * is a date in the jurisdiction's own calendar, and arithmetic on ints cannot
 * be moved by a daylight-saving change or the server's TZ.
 *
 * Dates that users give and that the engine computes must lie in the years
 * CALENDAR_MIN_YEAR to CALENDAR_MAX_YEAR; the functions that take a string
 * or a year check that, the pure arithmetic below does not.
 *
 * A holiday calendar (struct calendar) is a weekend definition plus rules
 * (see calendar_add_rule for the rule language, and docs/deadlines.md). It
 * may be a union of parts (the UK's FOIA counts a bank holiday in any part
 * of the UK): each part computes its own substitute days, and a day is a
 * holiday if it is one in any part. Rules are added while the calendar is
 * being built; after that it is immutable and may be shared by threads. Each
 * year's table is computed once, on first use, under the calendar's lock,
 * then read without locking.
 */
#ifndef FOIVAULT_CALENDAR_H
#define FOIVAULT_CALENDAR_H

#include <stddef.h>

#include "util.h"

#define CALENDAR_MIN_YEAR 1990
#define CALENDAR_MAX_YEAR 2100
/* "YYYY-MM-DD" and its NUL. */
#define CALENDAR_DATE_LEN 11

/* Weekdays, as returned by calendar_weekday(). */
enum calendar_weekday {
	CALENDAR_MON, CALENDAR_TUE, CALENDAR_WED, CALENDAR_THU,
	CALENDAR_FRI, CALENDAR_SAT, CALENDAR_SUN
};

/* ---- Date arithmetic (pure, thread-safe, no range checks) ---- */

int calendar_is_leap(int year);
/* Days in month (1-12) of year; 0 for a month out of range. */
int calendar_days_in_month(int year, int month);
/* Whether year-month-mday is a real date (any year). */
int calendar_valid_ymd(int year, int month, int mday);
/* The day number of a date; the date must be valid. */
int calendar_from_ymd(int year, int month, int mday);
void calendar_to_ymd(int day, int *ret_year, int *ret_month, int *ret_mday);
int calendar_year_of(int day);
/* 0 = Monday ... 6 = Sunday (enum calendar_weekday). */
int calendar_weekday(int day);
/* English names: "Monday", "Mon"; "January", "Jan". */
const char *calendar_weekday_name(int weekday);
const char *calendar_month_name(int month);
/*
 * Adds (or subtracts) whole months. When the target month is shorter, the
 * result is its last day: 31 Jan + 1 month = 28 or 29 Feb (BGB s188(3),
 * and what every month-based FOI deadline does).
 */
int calendar_add_months(int day, int months);
/* Easter Sunday of year (Gregorian computus, valid for any year >= 1583). */
int calendar_easter(int year);
/* The first and last day numbers inside CALENDAR_MIN_YEAR..MAX_YEAR. */
int calendar_min_day(void);
int calendar_max_day(void);
int calendar_in_range(int day);

/* ---- Text ---- */

/*
 * Parses exactly "YYYY-MM-DD" (no spaces, no time, no trailing text) into a
 * day number. Rejects impossible dates (2025-02-29, 2025-13-01) and years
 * outside CALENDAR_MIN_YEAR..CALENDAR_MAX_YEAR, with a message in err.
 */
int calendar_parse_date(const char *s, int *ret_day, struct error *err);
/* Writes "YYYY-MM-DD" into buf (CALENDAR_DATE_LEN bytes) and returns buf. */
char *calendar_format_date(int day, char *buf);
/* Writes "Friday 25 October 2019" into buf of size n and returns buf. */
char *calendar_format_long(int day, char *buf, size_t n);

/* ---- Holiday calendars ---- */

struct calendar;

/* Flags of a day, from calendar_day(). 0 is a working day. */
#define CALENDAR_WEEKEND 0x01    /* a weekend day of this calendar */
#define CALENDAR_HOLIDAY 0x02    /* a holiday or closure by some rule */
#define CALENDAR_UNVERIFIED 0x04 /* a holiday only by rules marked unverified */

/*
 * How a non-working day that only unverified rules make a holiday is
 * treated. Deadlines that bind the authority count such days as non-working
 * (the due date can only move later, so a coordinator never claims a breach
 * too early); deadlines that bind the requester count them as working days
 * (so a requester never files too late).
 */
enum calendar_doubt {
	CALENDAR_DOUBT_NONWORKING,
	CALENDAR_DOUBT_WORKING,
};

struct calendar *calendar_new(void);
void calendar_free(struct calendar *cal);

/* Sets the weekend from a list like "sat,sun" (the default). */
int calendar_set_weekend(struct calendar *cal, const char *spec,
			 struct error *err);

/*
 * Adds a part (a sub-calendar of a union, e.g. "Scotland") and returns its
 * index (> 0), or -1 past FV_MAX_CALENDAR_PARTS. Part 0 always exists: its
 * rules apply in every part.
 */
int calendar_add_part(struct calendar *cal, const char *name,
		      struct error *err);
/* The index of a part by name, or -1. */
int calendar_find_part(const struct calendar *cal, const char *name);
/* Drops the rules of a part (a per-instance override replacing them). */
void calendar_clear_part(struct calendar *cal, int part);

/*
 * Adds one rule, in the rule language:
 *
 *   WHEN [OPTION ...] : NAME
 *
 * WHEN is one of
 *   MM-DD                      every year            12-25
 *   YYYY-MM-DD                 one day               2022-09-19
 *   MM-DD..MM-DD               a range every year, may cross the year end
 *                              (it belongs to the year it starts in)
 *   YYYY-MM-DD..YYYY-MM-DD     a one-off range
 *   NTH DOW MON                1st..5th or last      last mon may
 *   DOW on-or-after MM-DD      also on-or-before     mon on-or-before 05-24
 *   easter[+-N] or a name: maundy-thursday good-friday holy-saturday
 *     easter-sunday easter-monday ascension whit-sunday whit-monday
 *     corpus-christi carnival-monday carnival-tuesday ash-wednesday
 *   vernal-equinox, autumnal-equinox   (Japan's computed equinox days)
 *   between-holidays           a day that is not a holiday but falls
 *                              between two holidays of this part (Japan's
 *                              citizens' holiday); ranges do not count
 * OPTIONs:
 *   observe=us          Saturday -> Friday, Sunday -> Monday (also holiday)
 *   observe=monday      Saturday or Sunday -> the next Monday
 *   observe=sunday      Sunday -> Monday
 *   observe=substitute  weekend -> next weekday that is not already a
 *                       holiday in this part (UK substitute days)
 *   observe=next-free   Sunday -> next day not already a holiday (Japan)
 *   move=tue-1,thu+4    moved by weekday (Argentina's and Chile's traslados);
 *                       the original date is then not a holiday
 *   on=mon,fri          only in years when the date falls on these days
 *   since=YYYY until=YYYY except=YYYY,... every=N (years since `since`)
 *   unverified          the source is not confirmed (see calendar_doubt)
 * The name is required; it is what a due date's working shows.
 */
int calendar_add_rule(struct calendar *cal, int part, const char *rule,
		      struct error *err);

/* Number of rules (all parts), for limits and tests. */
size_t calendar_rule_count(const struct calendar *cal);

/*
 * The flags of a day (0 = working day, or CALENDAR_* bits) and, if ret_name
 * is not NULL, its name ("Christmas Day", "Saturday"; NULL on a working
 * day). The name lives as long as the calendar. Returns -1 if the day is
 * outside CALENDAR_MIN_YEAR..MAX_YEAR. Thread-safe.
 */
int calendar_day(const struct calendar *cal, int day, const char **ret_name);

/* Whether day is a non-working day under doubt (see enum calendar_doubt);
 * -1 if out of range. */
int calendar_is_nonworking(const struct calendar *cal, int day,
			   enum calendar_doubt doubt);

/* One holiday of a year, from calendar_holidays(). */
struct calendar_holiday {
	int day;
	const char *name;  /* owned by the calendar */
	int weekend;       /* also a weekend day */
	int unverified;    /* only unverified rules make it a holiday */
};

/*
 * Lists the holidays and closures of a year in date order (weekend days
 * that are nothing else are not listed). *ret is allocated (free() it);
 * names belong to the calendar. Errors for a year out of range.
 */
int calendar_holidays(const struct calendar *cal, int year,
		      struct calendar_holiday **ret, size_t *ret_n,
		      struct error *err);

/* The weekend as a bit mask: bit w set when weekday w is a weekend day. */
unsigned calendar_weekend(const struct calendar *cal);

/* A printable weekend list, e.g. "Saturday, Sunday", into buf. */
char *calendar_weekend_text(const struct calendar *cal, char *buf, size_t n);

#endif
