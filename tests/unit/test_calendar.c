/*
 * test_calendar.c - dates, the rule language, and the shipped holiday
 * calendars checked against official published calendars.
 *
 * Expected holiday dates below were taken from the official calendars
 * named in each block (gov.uk/bank-holidays; OPM "Federal Holidays";
 * the Commission decisions on public holidays for staff in Brussels and
 * Luxembourg; canada.ca public holidays; ACT Government public holidays;
 * Argentina's feriados page and decrees; Brazil's yearly Portaria on
 * holidays and pontos facultativos; the DOF/LFT Art. 74 calendar for
 * Mexico; DoPT's Central Government holiday lists for India; gov.za public
 * holidays) and cross-checked with the date-holidays data set. Law files
 * come from $FOIVAULT_LAWS_DIR, or src/laws relative to the working
 * directory.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "jurisdiction.h"
#include "tap.h"

static int
D(const char *s)
{
	int d = -1;
	struct error err;

	if (calendar_parse_date(s, &d, &err) < 0) {
		diag("bad test date %s: %s", s, err.msg);
		return -1;
	}
	return d;
}

static const char *
F(int day)
{
	static char buf[8][CALENDAR_DATE_LEN];
	static int i;

	i = (i + 1) % 8;
	return calendar_format_date(day, buf[i]);
}

/* ---- dates ---- */

static void
test_parse(void)
{
	static const char *const bad[] = {
		"2025-02-29", "2025-13-01", "2025-00-10", "2025-04-31",
		"2025-1-01", "2025-01-1", "2025-01-01x", " 2025-01-01",
		"2025/01/01", "", "20250101", "1989-12-31", "2101-01-01",
		"2025-01-01 ", "+025-01-01", "2025-01-00", "2100-02-29",
	};
	static const char *const good[] = {
		"1990-01-01", "2024-02-29", "2000-02-29", "2100-12-31",
		"2025-12-31",
	};
	struct error err;
	int d;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err.msg[0] = '\0';
		ok(calendar_parse_date(bad[i], &d, &err) < 0 &&
		   err.msg[0] != '\0', "rejects '%s' (%s)", bad[i], err.msg);
	}
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		const char *g = good[i];
		int okd = calendar_parse_date(g, &d, &err) == 0;

		ok(okd, "accepts %s", g);
		ok(okd && strcmp(F(d), g) == 0, "round trip %s", g);
	}
	ok(calendar_parse_date(NULL, &d, &err) < 0, "rejects NULL");
	calendar_parse_date("2025-02-29", &d, &err);
	ok(strstr(err.msg, "28 days") != NULL, "says why: %s", err.msg);
	calendar_parse_date("2101-01-01", &d, &err);
	ok(strstr(err.msg, "1990") != NULL && strstr(err.msg, "2100"),
	   "names the supported years: %s", err.msg);

	/* Every day of the supported range survives format and parse. */
	{
		int bad_rt = 0, prev = -1;

		for (d = calendar_min_day(); d <= calendar_max_day(); d++) {
			int back;

			if (calendar_parse_date(F(d), &back, NULL) < 0 ||
			    back != d || (prev >= 0 && back != prev + 1))
				bad_rt++;
			prev = back;
		}
		is_int(bad_rt, 0, "format/parse round trip 1990-2100");
	}
	is_str(F(0), "1970-01-01", "day 0 is 1970-01-01");
	is_int(D("1990-01-01"), 7305, "1990-01-01 is day 7305");
}

static void
test_weekday(void)
{
	char buf[48];

	is_int(calendar_weekday(0), CALENDAR_THU, "1970-01-01 was Thursday");
	is_int(calendar_weekday(D("2024-01-01")), CALENDAR_MON,
	       "2024-01-01 was Monday");
	is_int(calendar_weekday(D("2000-02-29")), CALENDAR_TUE,
	       "2000-02-29 was Tuesday");
	is_int(calendar_weekday(D("2100-12-31")), CALENDAR_FRI,
	       "2100-12-31 is Friday");
	is_str(calendar_format_long(D("2019-10-25"), buf, sizeof(buf)),
	       "Friday 25 October 2019", "long format");
	is_int(calendar_is_leap(2000), 1, "2000 leap");
	is_int(calendar_is_leap(2100), 0, "2100 not leap");
	is_int(calendar_is_leap(2024), 1, "2024 leap");
	is_int(calendar_days_in_month(2023, 2), 28, "Feb 2023");
	is_int(calendar_days_in_month(2024, 13), 0, "month 13");
}

static void
test_months(void)
{
	static const struct {
		const char *from;
		int months;
		const char *want;
	} cases[] = {
		{ "2024-01-31", 1, "2024-02-29" },
		{ "2023-01-31", 1, "2023-02-28" },
		{ "2024-01-30", 1, "2024-02-29" },
		{ "2024-01-29", 1, "2024-02-29" },
		{ "2023-01-29", 1, "2023-02-28" },
		{ "2024-03-31", -1, "2024-02-29" },
		{ "2024-05-31", 1, "2024-06-30" },
		{ "2024-08-31", 6, "2025-02-28" },
		{ "2024-12-31", 2, "2025-02-28" },
		{ "2024-02-29", 12, "2025-02-28" },
		{ "2024-02-29", 48, "2028-02-29" },
		{ "2024-10-31", 3, "2025-01-31" },
		{ "2025-01-15", -13, "2023-12-15" },
		{ "2024-07-31", 2, "2024-09-30" },
		{ "2024-11-30", 3, "2025-02-28" },
		{ "2024-01-15", 0, "2024-01-15" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		is_str(F(calendar_add_months(D(cases[i].from),
					     cases[i].months)),
		       cases[i].want, "%s %+d months", cases[i].from,
		       cases[i].months);
}

static void
test_easter(void)
{
	/* Gregorian Easter Sundays (published tables). */
	static const char *const easter[] = {
		"1990-04-15", "1991-03-31", "2000-04-23", "2008-03-23",
		"2011-04-24", "2019-04-21", "2024-03-31", "2025-04-20",
		"2026-04-05", "2027-03-28", "2038-04-25", "2100-03-28",
	};

	for (size_t i = 0; i < ARRAY_SIZE(easter); i++) {
		int y = atoi(easter[i]);

		is_str(F(calendar_easter(y)), easter[i], "Easter %d", y);
	}
}

/* ---- the rule language ---- */

static struct calendar *
cal_of(const char *const *rules, size_t n)
{
	struct calendar *cal = calendar_new();
	struct error err;

	for (size_t i = 0; i < n; i++)
		if (calendar_add_rule(cal, 0, rules[i], &err) < 0)
			diag("rule '%s': %s", rules[i], err.msg);
	return cal;
}

static int
is_holiday(const struct calendar *cal, const char *date)
{
	int f = calendar_day(cal, D(date), NULL);

	return f >= 0 && (f & CALENDAR_HOLIDAY) != 0;
}

static const char *
name_of(const struct calendar *cal, const char *date)
{
	const char *name = NULL;

	calendar_day(cal, D(date), &name);
	return name;
}

static void
test_rules(void)
{
	static const char *const us[] = {
		"01-01 observe=us : New Year's Day",
		"07-04 observe=us : Independence Day",
		"06-19 observe=us since=2021 : Juneteenth",
		"3rd mon jan : MLK Day",
		"last mon may : Memorial Day",
		"4th thu nov : Thanksgiving",
		"5th fri jan : Fifth Friday",
	};
	static const char *const uk[] = {
		"12-25 observe=substitute : Christmas Day",
		"12-26 observe=substitute : Boxing Day",
		"01-01 observe=substitute : New Year's Day",
	};
	static const char *const misc[] = {
		"12-25..01-15 : Summer closure",
		"mon on-or-before 05-24 : Victoria Day",
		"mon on-or-after 05-27 since=2018 : Reconciliation Day",
		"easter-2 : Good Friday",
		"ascension : Ascension",
		"easter+40 : Day after Ascension",
		"corpus-christi : Corpus Christi",
		"carnival-monday : Carnival Monday",
		"2022-09-19 : State funeral",
		"2030-03-04..2030-03-06 : One-off closure",
		"1st mon may except=2020 : Early May",
		"2020-05-08 : VE Day",
		"12-01 since=1994 until=2018 every=6 : Transmission",
		"08-17 move=tue-1,wed-2,thu+4,fri+3 : San Martin",
		"03-02 on=mon : Extra day",
		"02-29 : Leap day",
		"11-30 observe=monday : St Andrew",
		"04-25 observe=sunday : Anzac",
	};
	static const char *const jp[] = {
		"12-29..01-03 : Year-end",
		"01-01 observe=next-free : New Year",
		"3rd mon sep : Respect for the Aged",
		"autumnal-equinox observe=next-free : Autumnal Equinox",
		"05-03 observe=next-free : Constitution",
		"05-04 observe=next-free : Greenery",
		"05-05 observe=next-free : Children",
		"between-holidays : Citizens' Holiday",
	};
	struct calendar *cal;

	cal = cal_of(us, ARRAY_SIZE(us));
	ok(is_holiday(cal, "2021-12-31"), "US: New Year 2022 (Sat) "
	   "observed Fri 2021-12-31, in the previous year's table");
	is_str(name_of(cal, "2021-12-31"), "New Year's Day (observed)",
	       "observed name");
	ok(is_holiday(cal, "2020-07-03"), "US: 2020-07-04 Sat -> Fri 07-03");
	ok(is_holiday(cal, "2021-07-05"), "US: 2021-07-04 Sun -> Mon 07-05");
	ok(!is_holiday(cal, "2020-06-19"), "Juneteenth not before 2021");
	ok(is_holiday(cal, "2021-06-18"), "Juneteenth 2021 observed Fri 18");
	ok(is_holiday(cal, "2024-01-15"), "3rd Monday of January 2024");
	ok(is_holiday(cal, "2024-05-27"), "last Monday of May 2024");
	ok(is_holiday(cal, "2024-11-28"), "4th Thursday of November 2024");
	ok(is_holiday(cal, "2021-01-29"), "5th Friday of January 2021");
	ok(!is_holiday(cal, "2022-01-28"), "no 5th Friday in Jan 2022 "
	   "(the 4th is not taken instead)");
	is_str(name_of(cal, "2024-01-06"), "Saturday", "weekend day name");
	is_int(calendar_day(cal, D("2024-01-03"), NULL), 0, "working day");
	calendar_free(cal);

	cal = cal_of(uk, ARRAY_SIZE(uk));
	ok(is_holiday(cal, "2021-12-27") && is_holiday(cal, "2021-12-28"),
	   "Christmas Sat + Boxing Sun 2021 -> Mon 27 + Tue 28");
	ok(is_holiday(cal, "2022-12-26") && is_holiday(cal, "2022-12-27"),
	   "Christmas Sun 2022 -> Boxing Mon 26, substitute Tue 27");
	is_str(name_of(cal, "2022-12-27"), "Christmas Day (substitute day)",
	       "substitute name");
	ok(is_holiday(cal, "2022-01-03") && !is_holiday(cal, "2022-01-04"),
	   "New Year Sat 2022 -> Mon 3 only");
	calendar_free(cal);

	cal = cal_of(misc, ARRAY_SIZE(misc));
	ok(is_holiday(cal, "2024-01-15") && !is_holiday(cal, "2024-01-16"),
	   "range across the year end: 15 Jan in, 16 Jan out");
	ok(is_holiday(cal, "2024-12-25") && is_holiday(cal, "2024-12-31"),
	   "range: 25 and 31 Dec in");
	ok(is_holiday(cal, "1990-01-05"), "range from 1989 reaches 1990");
	ok(is_holiday(cal, "2024-05-20"), "Victoria Day 2024: Mon 20 May");
	ok(is_holiday(cal, "2027-05-24"), "Victoria Day 2027: Mon 24 May");
	ok(is_holiday(cal, "2024-05-27") && !is_holiday(cal, "2017-05-29"),
	   "on-or-after with since");
	ok(is_holiday(cal, "2024-03-29"), "Good Friday 2024");
	ok(is_holiday(cal, "2024-05-09") && is_holiday(cal, "2024-05-10"),
	   "Ascension 2024 and the day after");
	ok(is_holiday(cal, "2024-05-30"), "Corpus Christi 2024");
	ok(is_holiday(cal, "2024-02-12"), "Carnival Monday 2024");
	ok(is_holiday(cal, "2022-09-19") && !is_holiday(cal, "2023-09-19"),
	   "one-off day");
	ok(is_holiday(cal, "2030-03-05"), "one-off range");
	ok(!is_holiday(cal, "2020-05-04") && is_holiday(cal, "2020-05-08") &&
	   is_holiday(cal, "2021-05-03"), "except= moves a year out");
	ok(is_holiday(cal, "2018-12-01") && is_holiday(cal, "2012-12-03") ==
	   0 && !is_holiday(cal, "2024-12-01") && is_holiday(cal,
	   "2000-12-01"), "every=6 since 1994 until 2018");
	ok(is_holiday(cal, "2027-08-16") && !is_holiday(cal, "2027-08-17"),
	   "move: Tuesday 17 Aug 2027 -> Monday 16");
	ok(is_holiday(cal, "2024-08-17"), "move: Saturday stays");
	ok(is_holiday(cal, "2026-03-02") && !is_holiday(cal, "2027-03-02"),
	   "on=mon");
	ok(is_holiday(cal, "2024-02-29"), "02-29 in a leap year");
	ok(calendar_day(cal, D("2025-02-28"), NULL) == 0,
	   "no 02-29 holiday in 2025 (and 28 Feb untouched)");
	ok(is_holiday(cal, "2024-12-02"), "30 Nov 2024 Sat -> Mon 2 Dec");
	ok(is_holiday(cal, "2021-04-26") && !is_holiday(cal, "2020-04-27"),
	   "observe=sunday moves Sunday only");
	calendar_free(cal);

	cal = cal_of(jp, ARRAY_SIZE(jp));
	ok(is_holiday(cal, "2023-01-02"), "JP: New Year on Sunday 2023 -> "
	   "2 Jan, not pushed on by the year-end closure");
	ok(is_holiday(cal, "2026-05-06"), "JP: 3 May 2026 Sunday -> 6 May");
	ok(is_holiday(cal, "2026-09-22"), "JP: citizens' holiday 2026-09-22 "
	   "between Respect for the Aged Day and the equinox");
	is_str(name_of(cal, "2026-09-22"), "Citizens' Holiday", "its name");
	ok(is_holiday(cal, "2026-09-23"), "autumnal equinox 2026-09-23");
	ok(!is_holiday(cal, "2025-09-22"), "no citizens' holiday in 2025");
	calendar_free(cal);
}

static void
test_rule_errors(void)
{
	static const struct {
		const char *rule;
		const char *msg;
	} bad[] = {
		{ "12-25 Christmas", "': name'" },
		{ "12-25 : ", "empty name" },
		{ "13-25 : X", "not a date rule" },
		{ "02-30 : X", "not a date rule" },
		{ "6th mon may : X", "1st..5th" },
		{ "1st mon foo : X", "unknown month" },
		{ "1st xyz may : X", "not a date rule" },
		{ "easter+x : X", "easter+N" },
		{ "12-25 observe=sometimes : X", "observe=" },
		{ "12-25 since=20x5 : X", "since=" },
		{ "12-25 since=2020 until=2010 : X", "before since" },
		{ "12-25 every=6 : X", "every=N needs since" },
		{ "12-25 move=tue+9 : X", "move:" },
		{ "12-25 on=xyz : X", "on=" },
		{ "12-25 frobnicate : X", "unknown option" },
		{ "2025-01-10..2025-01-01 : X", "ends before" },
		{ "02-29..03-01 : X", "29 February" },
		{ "12-24..12-31 observe=us : X", "range cannot" },
		{ "2024-01-01..2025-06-01 : X", "longer than a year" },
		{ " : X", "no date" },
	};
	struct calendar *cal = calendar_new();
	struct error err;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err.msg[0] = '\0';
		ok(calendar_add_rule(cal, 0, bad[i].rule, &err) < 0 &&
		   strstr(err.msg, bad[i].msg) != NULL,
		   "bad rule '%s': %s", bad[i].rule, err.msg);
	}
	is_int((int)calendar_rule_count(cal), 0, "no bad rule was kept");
	ok(calendar_set_weekend(cal, "fri,sat", &err) == 0 &&
	   calendar_day(cal, D("2024-01-05"), NULL) == CALENDAR_WEEKEND &&
	   calendar_day(cal, D("2024-01-07"), NULL) == 0,
	   "weekend fri,sat");
	ok(calendar_set_weekend(cal, "sat,sunday", &err) < 0,
	   "weekend with a bad day: %s", err.msg);
	ok(calendar_set_weekend(cal, "mon,tue,wed,thu,fri,sat,sun", &err) <
	   0, "a week without working days: %s", err.msg);
	ok(calendar_add_rule(cal, 3, "12-25 : X", &err) < 0,
	   "rule in a part that does not exist");
	is_int(calendar_day(cal, D("1990-01-01") - 1, NULL), -1,
	   "1989 is out of range");
	{
		struct calendar_holiday *h;
		size_t n;

		ok(calendar_holidays(cal, 2101, &h, &n, &err) < 0,
		   "holidays of 2101: %s", err.msg);
	}
	calendar_free(cal);
	calendar_free(NULL);
}

/* ---- threads: the lazily built years give the same answers ---- */

struct thread_arg {
	const struct calendar *cal;
	long sum;
};

static void *
walk(void *p)
{
	struct thread_arg *a = p;

	for (int d = calendar_max_day(); d >= calendar_min_day(); d--) {
		const char *name = NULL;
		int f = calendar_day(a->cal, d, &name);

		a->sum += f * 7 + (name ? (long)strlen(name) : 0);
	}
	return NULL;
}

static void
test_threads(const struct jurisdiction_set *set)
{
	const struct jurisdiction *gb = jurisdiction_set_find(set, "GB");
	struct calendar *fresh = calendar_new();
	struct thread_arg args[4];
	pthread_t t[4];
	struct thread_arg serial;
	struct error err;
	int same = 1;

	/* A calendar nobody has used yet, so the threads race to build. */
	calendar_add_rule(fresh, 0, "12-25 observe=substitute : Christmas",
			  &err);
	calendar_add_rule(fresh, 0, "easter-monday : Easter Monday", &err);
	calendar_add_rule(fresh, 0, "12-24..01-02 : Closure", &err);
	for (int i = 0; i < 4; i++) {
		args[i].cal = i % 2 ? fresh : gb->calendar;
		args[i].sum = 0;
		pthread_create(&t[i], NULL, walk, &args[i]);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	serial.cal = fresh;
	serial.sum = 0;
	walk(&serial);
	same = args[1].sum == serial.sum && args[3].sum == serial.sum &&
	       args[0].sum == args[2].sum;
	ok(same, "4 threads building and reading year tables agree");
	calendar_free(fresh);
}

/* ---- the shipped calendars against official calendars ---- */

/*
 * Checks that each listed date is a holiday (a non-weekend holiday where
 * the date is a weekday) of the jurisdiction's calendar.
 */
static void
expect_days(const struct jurisdiction_set *set, const char *code,
	    const char *source, const char *const *dates, size_t n)
{
	const struct jurisdiction *j = jurisdiction_set_find(set, code);
	size_t missing = 0;

	if (j == NULL) {
		ok(0, "%s is loaded", code);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!is_holiday(j->calendar, dates[i])) {
			diag("%s: %s is not a holiday", code, dates[i]);
			missing++;
		}
	}
	is_int((long long)missing, 0, "%s: %zu days of %s", code, n, source);
}

static void
expect_not(const struct jurisdiction_set *set, const char *code,
	   const char *date, const char *why)
{
	const struct jurisdiction *j = jurisdiction_set_find(set, code);

	ok(j && calendar_day(j->calendar, D(date), NULL) == 0,
	   "%s: %s is a working day (%s)", code, date, why);
}

/* The full weekday holiday list of one year must be exactly this. */
static void
expect_year(const struct jurisdiction_set *set, const char *code, int year,
	    const char *source, const char *const *dates, size_t n)
{
	const struct jurisdiction *j = jurisdiction_set_find(set, code);
	struct calendar_holiday *h = NULL;
	size_t nh = 0, k = 0, extra = 0, missing = 0;
	struct error err;

	if (j == NULL || calendar_holidays(j->calendar, year, &h, &nh,
					   &err) < 0) {
		ok(0, "%s %d holidays", code, year);
		return;
	}
	for (size_t i = 0; i < nh; i++) {
		if (h[i].weekend)
			continue;
		if (k < n && h[i].day == D(dates[k])) {
			k++;
			continue;
		}
		while (k < n && D(dates[k]) < h[i].day) {
			diag("%s: missing %s", code, dates[k++]);
			missing++;
		}
		if (k < n && h[i].day == D(dates[k])) {
			k++;
			continue;
		}
		diag("%s: unexpected %s %s", code, F(h[i].day), h[i].name);
		extra++;
	}
	missing += n - k;
	ok(missing == 0 && extra == 0, "%s %d: weekday holidays exactly as %s",
	   code, year, source);
	free(h);
}

static void
test_official(const struct jurisdiction_set *set)
{
	/* gov.uk/bank-holidays, the union of the three lists. */
	static const char *const gb2024[] = {
		"2024-01-01", "2024-01-02", "2024-03-18", "2024-03-29",
		"2024-04-01", "2024-05-06", "2024-05-27", "2024-07-12",
		"2024-08-05", "2024-08-26", "2024-12-02", "2024-12-25",
		"2024-12-26",
	};
	static const char *const gb2025[] = {
		"2025-01-01", "2025-01-02", "2025-03-17", "2025-04-18",
		"2025-04-21", "2025-05-05", "2025-05-26", "2025-07-14",
		"2025-08-04", "2025-08-25", "2025-12-01", "2025-12-25",
		"2025-12-26",
	};
	static const char *const gb2026[] = {
		"2026-01-01", "2026-01-02", "2026-03-17", "2026-04-03",
		"2026-04-06", "2026-05-04", "2026-05-25", "2026-06-15",
		"2026-07-13", "2026-08-03", "2026-08-31", "2026-11-30",
		"2026-12-25", "2026-12-28",
	};
	static const char *const gb2027[] = {
		"2027-01-01", "2027-01-04", "2027-03-17", "2027-03-26",
		"2027-03-29", "2027-05-03", "2027-05-31", "2027-07-12",
		"2027-08-02", "2027-08-30", "2027-11-30", "2027-12-27",
		"2027-12-28",
	};
	/* gov.uk one-off days. */
	static const char *const gb_oneoff[] = {
		"2022-06-02", "2022-06-03", "2022-09-19", "2023-05-08",
		"2012-06-04", "2012-06-05", "2020-05-08", "2011-04-29",
	};
	/* OPM Federal Holidays 2024-2027 (observed days). */
	static const char *const us2024[] = {
		"2024-01-01", "2024-01-15", "2024-02-19", "2024-05-27",
		"2024-06-19", "2024-07-04", "2024-09-02", "2024-10-14",
		"2024-11-11", "2024-11-28", "2024-12-24", "2024-12-25",
	};
	static const char *const us2026[] = {
		"2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25",
		"2026-06-19", "2026-07-03", "2026-09-07", "2026-10-12",
		"2026-11-11", "2026-11-26", "2026-12-25",
	};
	static const char *const us2027[] = {
		"2027-01-01", "2027-01-18", "2027-02-15", "2027-05-31",
		"2027-06-18", "2027-07-05", "2027-09-06", "2027-10-11",
		"2027-11-11", "2027-11-25", "2027-12-24", "2027-12-31",
	};
	static const char *const us2025[] = {
		"2025-01-01", "2025-01-20", "2025-02-17", "2025-05-26",
		"2025-06-19", "2025-07-04", "2025-09-01", "2025-10-13",
		"2025-11-11", "2025-11-27", "2025-12-25",
	};
	/*
	 * EU institutions: the Commission's decision for 2023 [EU8] (the
	 * reference quotes it in full), then the same pattern 2024-2027.
	 */
	static const char *const eu2023[] = {
		"2023-01-02", "2023-04-06", "2023-04-07", "2023-04-10",
		"2023-05-01", "2023-05-09", "2023-05-18", "2023-05-19",
		"2023-05-29", "2023-06-23", "2023-07-21", "2023-08-15",
		"2023-11-01", "2023-11-02", "2023-12-25", "2023-12-26",
		"2023-12-27", "2023-12-28", "2023-12-29",
	};
	static const char *const eu_moveable[] = {
		"2024-03-28", "2024-03-29", "2024-04-01", "2024-05-09",
		"2024-05-10", "2024-05-20", "2025-04-17", "2025-04-18",
		"2025-04-21", "2025-05-29", "2025-05-30", "2025-06-09",
		"2026-04-02", "2026-04-03", "2026-04-06", "2026-05-14",
		"2026-05-15", "2026-05-25", "2027-03-25", "2027-03-26",
		"2027-03-29", "2027-05-06", "2027-05-07", "2027-05-17",
	};
	/* canada.ca: Good Friday, Easter Monday, Victoria Day, Labour Day,
	 * Thanksgiving 2024-2027. */
	static const char *const ca[] = {
		"2024-03-29", "2024-04-01", "2024-05-20", "2024-09-02",
		"2024-10-14", "2025-04-18", "2025-04-21", "2025-05-19",
		"2025-09-01", "2025-10-13", "2026-04-03", "2026-04-06",
		"2026-05-18", "2026-09-07", "2026-10-12", "2027-03-26",
		"2027-03-29", "2027-05-24", "2027-09-06", "2027-10-11",
		"2024-07-01", "2024-09-30", "2024-11-11", "2025-09-30",
	};
	/* ACT Government public holidays 2024-2027 (moveable ones). */
	static const char *const au[] = {
		"2024-01-26", "2024-03-11", "2024-03-29", "2024-04-01",
		"2024-05-27", "2024-06-10", "2024-10-07", "2025-01-27",
		"2025-03-10", "2025-04-18", "2025-04-21", "2025-06-02",
		"2025-06-09", "2025-10-06", "2026-01-26", "2026-03-09",
		"2026-04-03", "2026-04-06", "2026-06-01", "2026-06-08",
		"2026-10-05", "2027-01-26", "2027-03-08", "2027-03-26",
		"2027-03-29", "2027-05-31", "2027-06-14", "2027-10-04",
		"2027-12-27", "2027-12-28",
	};
	/* argentina.gob.ar feriados 2024-2027: Carnival, Semana Santa,
	 * trasladables and puentes. */
	static const char *const ar[] = {
		"2024-02-12", "2024-02-13", "2024-03-28", "2024-03-29",
		"2024-04-01", "2024-06-17", "2024-06-21", "2024-10-11",
		"2024-11-18", "2025-03-03", "2025-03-04", "2025-04-17",
		"2025-04-18", "2025-05-02", "2025-06-16", "2025-08-15",
		"2025-11-21", "2025-11-24", "2026-02-16", "2026-02-17",
		"2026-04-02", "2026-04-03", "2026-06-15", "2026-11-23",
		"2027-02-08", "2027-02-09", "2027-03-25", "2027-03-26",
		"2027-06-21", "2027-08-16", "2027-10-11",
	};
	/* Brazil, Portaria de feriados e pontos facultativos: Carnival,
	 * Ash Wednesday, Good Friday, Corpus Christi 2024-2027, and the
	 * new 20 November holiday. */
	static const char *const br[] = {
		"2024-02-12", "2024-02-13", "2024-02-14", "2024-03-29",
		"2024-05-30", "2024-11-20", "2025-03-03", "2025-03-04",
		"2025-03-05", "2025-04-18", "2025-06-19", "2025-11-20",
		"2026-02-16", "2026-02-17", "2026-02-18", "2026-04-03",
		"2026-06-04", "2026-11-20", "2027-02-08", "2027-02-09",
		"2027-02-10", "2027-03-26", "2027-05-27", "2027-11-15",
	};
	/* Mexico, LFT Art. 74: first Monday of February, third Monday of
	 * March and November; 1 October 2024 (transmission of power). */
	static const char *const mx[] = {
		"2024-02-05", "2024-03-18", "2024-10-01", "2024-11-18",
		"2025-02-03", "2025-03-17", "2025-11-17", "2026-02-02",
		"2026-03-16", "2026-11-16", "2027-02-01", "2027-03-15",
		"2027-11-15", "2024-09-16", "2025-09-16",
	};
	/* India, DoPT Central Government holidays (Delhi): Good Friday
	 * 2024-2027 and the 2024-2025 lists' moveable festivals. */
	static const char *const in[] = {
		"2024-03-29", "2025-04-18", "2026-04-03", "2027-03-26",
		"2024-03-25", "2024-04-11", "2024-04-17", "2024-05-23",
		"2024-06-17", "2024-07-17", "2024-08-26", "2024-09-16",
		"2024-10-31", "2024-11-15", "2025-02-26", "2025-03-14",
		"2025-03-31", "2025-04-10", "2025-05-12", "2025-09-05",
		"2025-10-20", "2025-11-05", "2024-01-26", "2025-10-02",
	};
	/* gov.za public holidays: Good Friday, Family Day, Sunday
	 * holidays moved to Monday, the 2024 election day. */
	static const char *const za[] = {
		"2024-03-29", "2024-04-01", "2024-05-29", "2024-06-17",
		"2025-04-18", "2025-04-21", "2025-04-28", "2026-04-03",
		"2026-04-06", "2026-08-10", "2027-03-26", "2027-03-29",
		"2027-03-22", "2027-12-27",
	};

	expect_year(set, "GB", 2024, "gov.uk", gb2024, ARRAY_SIZE(gb2024));
	expect_year(set, "GB", 2025, "gov.uk", gb2025, ARRAY_SIZE(gb2025));
	expect_year(set, "GB", 2026, "gov.uk (with the unverified Scottish "
		    "15 June)", gb2026, ARRAY_SIZE(gb2026));
	expect_year(set, "GB", 2027, "gov.uk rules", gb2027,
		    ARRAY_SIZE(gb2027));
	expect_days(set, "GB", "gov.uk one-off bank holidays", gb_oneoff,
		    ARRAY_SIZE(gb_oneoff));
	expect_not(set, "GB", "2022-05-30", "2022 spring bank holiday moved "
		   "to 2 June");
	expect_not(set, "GB", "2020-05-04", "2020 early May moved to VE Day");
	expect_year(set, "US", 2024, "OPM (with the 24 Dec EO closure)",
		    us2024, ARRAY_SIZE(us2024));
	expect_year(set, "US", 2026, "OPM", us2026, ARRAY_SIZE(us2026));
	expect_year(set, "US", 2027, "OPM", us2027, ARRAY_SIZE(us2027));
	expect_days(set, "US", "OPM 2025", us2025, ARRAY_SIZE(us2025));
	expect_year(set, "EU", 2023, "the Commission decision [EU8]", eu2023,
		    ARRAY_SIZE(eu2023));
	expect_days(set, "EU", "the Commission's Easter-based days",
		    eu_moveable, ARRAY_SIZE(eu_moveable));
	expect_not(set, "EU", "2019-11-11", "Armistice is not an institutional "
		   "holiday [EU3]");
	expect_days(set, "CA", "canada.ca", ca, ARRAY_SIZE(ca));
	expect_days(set, "AU", "ACT public holidays", au, ARRAY_SIZE(au));
	expect_days(set, "AR", "argentina.gob.ar feriados", ar,
		    ARRAY_SIZE(ar));
	expect_not(set, "AR", "2027-08-17", "San Martín moved to Monday 16");
	expect_days(set, "BR", "the federal Portaria", br, ARRAY_SIZE(br));
	expect_days(set, "MX", "LFT Art. 74", mx, ARRAY_SIZE(mx));
	expect_not(set, "MX", "2025-10-01", "transmission only every 6 "
		   "years");
	expect_days(set, "IN", "DoPT Central Government holidays", in,
		    ARRAY_SIZE(in));
	expect_days(set, "ZA", "gov.za", za, ARRAY_SIZE(za));
	{
		const struct jurisdiction *nz = jurisdiction_set_find(set,
								      "NZ");
		const struct jurisdiction *jp = jurisdiction_set_find(set,
								      "JP");

		ok(nz && is_holiday(nz->calendar, "2025-01-15") &&
		   !is_holiday(nz->calendar, "2025-01-16") &&
		   is_holiday(nz->calendar, "2024-12-25"),
		   "NZ: 25 Dec - 15 Jan are not working days (OIA s.2)");
		ok(nz && is_holiday(nz->calendar, "2025-06-20") &&
		   is_holiday(nz->calendar, "2026-07-10"),
		   "NZ: Matariki 2025 and 2026");
		ok(jp && is_holiday(jp->calendar, "2024-12-30") &&
		   is_holiday(jp->calendar, "2025-01-03"),
		   "JP: 29 Dec - 3 Jan closure of administrative organs");
	}
	{
		const struct jurisdiction *gb = jurisdiction_set_find(set,
								      "GB");
		const char *name = NULL;

		calendar_day(gb->calendar, D("2024-01-02"), &name);
		is_str(name, "2nd January (Scotland)",
		       "GB names a Scottish-only day");
		calendar_day(gb->calendar, D("2024-12-25"), &name);
		is_str(name, "Christmas Day", "a day of every part has no "
		       "part names");
		ok(calendar_day(gb->calendar, D("2026-06-15"), NULL) ==
		   (CALENDAR_HOLIDAY | CALENDAR_UNVERIFIED),
		   "the 2026 Scottish World Cup day is flagged unverified");
		ok(calendar_is_nonworking(gb->calendar, D("2026-06-15"),
					  CALENDAR_DOUBT_NONWORKING) == 1 &&
		   calendar_is_nonworking(gb->calendar, D("2026-06-15"),
					  CALENDAR_DOUBT_WORKING) == 0,
		   "an unverified day counts only against the authority");
	}
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
	const char *dirs[1];
	struct jurisdiction_set *set;
	struct error err;

	test_parse();
	test_weekday();
	test_months();
	test_easter();
	test_rules();
	test_rule_errors();

	dirs[0] = laws_dir();
	set = jurisdiction_set_load(dirs, 1, &err);
	ok(set != NULL, "law files load from %s%s%s", dirs[0],
	   set ? "" : ": ", set ? "" : err.msg);
	if (set != NULL) {
		test_official(set);
		test_threads(set);
	}
	jurisdiction_set_free(set);
	return done_testing();
}
