/*
 * calendar.c - day-number arithmetic and rule-based holiday calendars.
 *
 * Day numbers count days since 1970-01-01 (proleptic Gregorian); the
 * conversions are Howard Hinnant's days_from_civil/civil_from_days, exact
 * for any year and free of time_t and time zones.
 *
 * A struct calendar holds rules, grouped in parts (part 0's rules apply to
 * every part). A year's table is computed from the rules of that year and of
 * the years either side, because an observed or substitute day can cross the
 * year end (US New Year's Day on a Saturday is observed on 31 December of
 * the year before) and so can a range (NZ's 25 December to 15 January).
 * Inside a part, holidays that fall on their own date are placed first,
 * then Japan's between-holidays day, then substitute days in date order, so
 * that Christmas and Boxing Day on a weekend become Monday and Tuesday.
 * Parts are computed separately and united: a day is a holiday if it is
 * one in any part, and its name says in which parts when not in all.
 *
 * Invariants: rules are only added before the calendar is shared; a year
 * table, once published in cal->years[] (atomic release store, done under
 * cal->lock), is never changed or freed before calendar_free(). Readers load
 * it with acquire and need no lock, so the deadline engine's per-day lookups
 * stay cheap from any number of threads.
 */
#include "config.h"

#include "calendar.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fvlimits.h"

#define NYEARS (CALENDAR_MAX_YEAR - CALENDAR_MIN_YEAR + 1)

/* ------------------------------------------------------------------ */
/* Date arithmetic                                                      */

int
calendar_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
calendar_days_in_month(int y, int m)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31 };

	if (m < 1 || m > 12)
		return 0;
	return dm[m - 1] + (m == 2 && calendar_is_leap(y));
}

int
calendar_valid_ymd(int y, int m, int d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= calendar_days_in_month(y, m);
}

int
calendar_from_ymd(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
calendar_to_ymd(int z, int *ret_y, int *ret_m, int *ret_d)
{
	int era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	if (ret_y)
		*ret_y = y + (m <= 2);
	if (ret_m)
		*ret_m = m;
	if (ret_d)
		*ret_d = d;
}

int
calendar_year_of(int day)
{
	int y;

	calendar_to_ymd(day, &y, NULL, NULL);
	return y;
}

int
calendar_weekday(int day)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	int w = (day + 3) % 7;

	return w < 0 ? w + 7 : w;
}

const char *
calendar_weekday_name(int w)
{
	static const char *const names[7] = {
		"Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
		"Saturday", "Sunday"
	};

	return w >= 0 && w < 7 ? names[w] : "?";
}

const char *
calendar_month_name(int m)
{
	static const char *const names[12] = {
		"January", "February", "March", "April", "May", "June",
		"July", "August", "September", "October", "November",
		"December"
	};

	return m >= 1 && m <= 12 ? names[m - 1] : "?";
}

int
calendar_add_months(int day, int months)
{
	int y, m, d, total, dim;

	calendar_to_ymd(day, &y, &m, &d);
	total = y * 12 + (m - 1) + months;
	y = total >= 0 ? total / 12 : (total - 11) / 12;
	m = total - y * 12 + 1;
	dim = calendar_days_in_month(y, m);
	if (d > dim)
		d = dim;
	return calendar_from_ymd(y, m, d);
}

int
calendar_easter(int year)
{
	/* The anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
	int a = year % 19, b = year / 100, c = year % 100;
	int d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int month = (h + l - 7 * m + 114) / 31;
	int mday = (h + l - 7 * m + 114) % 31 + 1;

	return calendar_from_ymd(year, month, mday);
}

int
calendar_min_day(void)
{
	return calendar_from_ymd(CALENDAR_MIN_YEAR, 1, 1);
}

int
calendar_max_day(void)
{
	return calendar_from_ymd(CALENDAR_MAX_YEAR, 12, 31);
}

int
calendar_in_range(int day)
{
	return day >= calendar_min_day() && day <= calendar_max_day();
}

/* ------------------------------------------------------------------ */
/* Text                                                                 */

static int
digits(const char *s, int n, int *ret)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return 0;
}

int
calendar_parse_date(const char *s, int *ret_day, struct error *err)
{
	int y, m, d;

	if (s == NULL || *s == '\0')
		return error_set(err, "missing date (expected YYYY-MM-DD)");
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    digits(s, 4, &y) < 0 || digits(s + 5, 2, &m) < 0 ||
	    digits(s + 8, 2, &d) < 0)
		return error_set(err, "'%.40s' is not a date in the form "
				 "YYYY-MM-DD", s);
	if (m < 1 || m > 12)
		return error_set(err, "'%s' is not a date: there is no month "
				 "%d", s, m);
	if (!calendar_valid_ymd(y, m, d))
		return error_set(err, "'%s' is not a date: %s %d has %d days",
				 s, calendar_month_name(m), y,
				 calendar_days_in_month(y, m));
	if (y < CALENDAR_MIN_YEAR || y > CALENDAR_MAX_YEAR)
		return error_set(err, "'%s' is out of range: dates must be in "
				 "the years %d to %d", s, CALENDAR_MIN_YEAR,
				 CALENDAR_MAX_YEAR);
	*ret_day = calendar_from_ymd(y, m, d);
	return 0;
}

char *
calendar_format_date(int day, char *buf)
{
	int y, m, d;

	calendar_to_ymd(day, &y, &m, &d);
	if (y < 0 || y > 9999)
		snprintf(buf, CALENDAR_DATE_LEN, "0000-00-00");
	else
		snprintf(buf, CALENDAR_DATE_LEN, "%04d-%02d-%02d", y, m, d);
	return buf;
}

char *
calendar_format_long(int day, char *buf, size_t n)
{
	int y, m, d;

	calendar_to_ymd(day, &y, &m, &d);
	snprintf(buf, n, "%s %d %s %d",
		 calendar_weekday_name(calendar_weekday(day)), d,
		 calendar_month_name(m), y);
	return buf;
}

/* ------------------------------------------------------------------ */
/* Rules                                                                */

enum rule_kind {
	R_FIXED,	/* month, mday every year */
	R_ONEOFF,	/* day */
	R_RANGE,	/* month/mday .. month2/mday2, may wrap */
	R_ONEOFF_RANGE,	/* day .. day2 */
	R_NTH,		/* nth weekday of month; nth -1 = last */
	R_RELATIVE,	/* weekday on-or-after (dir 1) / on-or-before (-1) */
	R_EASTER,	/* easter + offset */
	R_VERNAL,
	R_AUTUMNAL,
	R_BETWEEN,	/* Japan's citizens' holiday */
};

enum observe {
	OBS_NONE, OBS_US, OBS_MONDAY, OBS_SUNDAY, OBS_SUBSTITUTE,
	OBS_NEXT_FREE
};

struct rule {
	int part;
	enum rule_kind kind;
	int month, mday, month2, mday2;
	int day, day2;
	int nth, weekday, dir, offset;
	enum observe observe;
	int has_move;
	signed char move[7];
	unsigned only;		/* on=: weekdays the date must fall on */
	int since, until, every;
	int except[FV_MAX_RULE_EXCEPT];
	int nexcept;
	int unverified;
	char *name;
};

/* One year's computed table. */
struct year_table {
	int first;
	int ndays;
	unsigned char flags[366];
	char *name[366];
};

struct calendar {
	unsigned weekend; /* bit w set: weekday w is a weekend day */
	struct rule *rules;
	size_t nrules, caprules;
	char *parts[FV_MAX_CALENDAR_PARTS];
	int nparts;
	pthread_mutex_t lock;
	_Atomic(struct year_table *) years[NYEARS];
};

static const char *const wd_short[7] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun"
};
static const char *const mon_short[12] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec"
};

static int
lookup(const char *const *tab, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (strcmp(tab[i], s) == 0)
			return i;
	return -1;
}

struct calendar *
calendar_new(void)
{
	struct calendar *cal = xcalloc(1, sizeof(*cal));

	cal->weekend = (1u << CALENDAR_SAT) | (1u << CALENDAR_SUN);
	cal->parts[0] = xstrdup("");
	cal->nparts = 1;
	pthread_mutex_init(&cal->lock, NULL);
	for (int i = 0; i < NYEARS; i++)
		atomic_init(&cal->years[i], NULL);
	return cal;
}

static void
year_free(struct year_table *t)
{
	if (t == NULL)
		return;
	for (int i = 0; i < t->ndays; i++)
		free(t->name[i]);
	free(t);
}

static void
drop_years(struct calendar *cal)
{
	for (int i = 0; i < NYEARS; i++) {
		year_free(atomic_load(&cal->years[i]));
		atomic_store(&cal->years[i], NULL);
	}
}

void
calendar_free(struct calendar *cal)
{
	if (cal == NULL)
		return;
	drop_years(cal);
	for (size_t i = 0; i < cal->nrules; i++)
		free(cal->rules[i].name);
	free(cal->rules);
	for (int i = 0; i < cal->nparts; i++)
		free(cal->parts[i]);
	pthread_mutex_destroy(&cal->lock);
	free(cal);
}

int
calendar_set_weekend(struct calendar *cal, const char *spec,
		     struct error *err)
{
	char tok[16];
	const char *p = spec;
	unsigned mask = 0;

	if (strcmp(spec, "none") == 0) {
		cal->weekend = 0;
		drop_years(cal);
		return 0;
	}
	while (*p) {
		size_t n = strcspn(p, ", ");
		int w;

		if (n == 0) {
			p++;
			continue;
		}
		if (n >= sizeof(tok))
			return error_set(err, "weekend: unknown day '%.*s'",
					 (int)(n > 20 ? 20 : n), p);
		memcpy(tok, p, n);
		tok[n] = '\0';
		if ((w = lookup(wd_short, 7, tok)) < 0)
			return error_set(err, "weekend: unknown day '%s' "
					 "(use mon, tue, ... sun)", tok);
		mask |= 1u << w;
		p += n;
	}
	if (mask == 0x7f)
		return error_set(err, "weekend: a week needs a working day");
	cal->weekend = mask;
	drop_years(cal);
	return 0;
}

int
calendar_add_part(struct calendar *cal, const char *name, struct error *err)
{
	if (name == NULL || *name == '\0')
		return error_set(err, "a calendar part needs a name");
	if (calendar_find_part(cal, name) >= 0)
		return error_set(err, "calendar part '%s' exists", name);
	if (cal->nparts >= FV_MAX_CALENDAR_PARTS)
		return error_set(err, "too many calendar parts (at most %d)",
				 FV_MAX_CALENDAR_PARTS - 1);
	cal->parts[cal->nparts] = xstrdup(name);
	drop_years(cal);
	return cal->nparts++;
}

int
calendar_find_part(const struct calendar *cal, const char *name)
{
	for (int i = 0; i < cal->nparts; i++)
		if (strcmp(cal->parts[i], name) == 0)
			return i;
	return -1;
}

void
calendar_clear_part(struct calendar *cal, int part)
{
	size_t j = 0;

	for (size_t i = 0; i < cal->nrules; i++) {
		if (cal->rules[i].part == part)
			free(cal->rules[i].name);
		else
			cal->rules[j++] = cal->rules[i];
	}
	cal->nrules = j;
	drop_years(cal);
}

size_t
calendar_rule_count(const struct calendar *cal)
{
	return cal->nrules;
}

/* Parses "MM-DD" (any year's date; 02-29 allowed only when leap_ok). */
static int
parse_md(const char *s, int leap_ok, int *ret_m, int *ret_d)
{
	int m, d;

	if (strlen(s) != 5 || s[2] != '-' || digits(s, 2, &m) < 0 ||
	    digits(s + 3, 2, &d) < 0 || !calendar_valid_ymd(2000, m, d))
		return -1;
	if (m == 2 && d == 29 && !leap_ok)
		return -1;
	*ret_m = m;
	*ret_d = d;
	return 0;
}

/* Parses "YYYY-MM-DD" with any year the engine could ever need. */
static int
parse_ymd(const char *s, int *ret_day)
{
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    digits(s, 4, &y) < 0 || digits(s + 5, 2, &m) < 0 ||
	    digits(s + 8, 2, &d) < 0 || !calendar_valid_ymd(y, m, d) ||
	    y < CALENDAR_MIN_YEAR - 1 || y > CALENDAR_MAX_YEAR + 1)
		return -1;
	*ret_day = calendar_from_ymd(y, m, d);
	return 0;
}

static int
parse_year(const char *s, int *ret)
{
	int y;

	if (strlen(s) != 4 || digits(s, 4, &y) < 0 || y < 1900 || y > 2200)
		return -1;
	*ret = y;
	return 0;
}

static const struct {
	const char *name;
	int offset;
} easter_names[] = {
	{ "carnival-monday", -48 }, { "carnival-tuesday", -47 },
	{ "ash-wednesday", -46 }, { "maundy-thursday", -3 },
	{ "good-friday", -2 }, { "holy-saturday", -1 },
	{ "easter-sunday", 0 }, { "easter-monday", 1 },
	{ "ascension", 39 }, { "whit-sunday", 49 }, { "whit-monday", 50 },
	{ "corpus-christi", 60 },
};

static int
parse_when(struct rule *r, char **tok, int ntok, struct error *err)
{
	const char *t = tok[0];
	const char *dots = strstr(t, "..");
	int w, m;

	if (ntok >= 3 && (strcmp(tok[1], "on-or-after") == 0 ||
			  strcmp(tok[1], "on-or-before") == 0)) {
		if ((w = lookup(wd_short, 7, t)) < 0)
			return error_set(err, "unknown weekday '%s'", t);
		if (parse_md(tok[2], 0, &r->month, &r->mday) < 0)
			return error_set(err, "'%s' is not a MM-DD date",
					 tok[2]);
		r->kind = R_RELATIVE;
		r->weekday = w;
		r->dir = strcmp(tok[1], "on-or-after") == 0 ? 1 : -1;
		return 3;
	}
	if (ntok >= 3 && (w = lookup(wd_short, 7, tok[1])) >= 0) {
		static const char *const nths[5] = {
			"1st", "2nd", "3rd", "4th", "5th"
		};
		int n = lookup(nths, 5, t);

		if (n >= 0)
			r->nth = n + 1;
		else if (strcmp(t, "last") == 0)
			r->nth = -1;
		else
			return error_set(err, "'%s' is not 1st..5th or last",
					 t);
		if ((m = lookup(mon_short, 12, tok[2])) < 0)
			return error_set(err, "unknown month '%s' (use jan, "
					 "feb, ... dec)", tok[2]);
		r->kind = R_NTH;
		r->weekday = w;
		r->month = m + 1;
		return 3;
	}
	for (size_t i = 0; i < ARRAY_SIZE(easter_names); i++) {
		if (strcmp(t, easter_names[i].name) == 0) {
			r->kind = R_EASTER;
			r->offset = easter_names[i].offset;
			return 1;
		}
	}
	if (strncmp(t, "easter", 6) == 0) {
		const char *o = t + 6;
		long long v;

		r->kind = R_EASTER;
		if (*o == '\0')
			return 1;
		if ((*o != '+' && *o != '-') ||
		    parse_ll(o + 1, 0, 200, "easter offset", &v, NULL) < 0)
			return error_set(err, "'%s' is not easter+N or "
					 "easter-N", t);
		r->offset = (int)(*o == '-' ? -v : v);
		return 1;
	}
	if (strcmp(t, "vernal-equinox") == 0) {
		r->kind = R_VERNAL;
		return 1;
	}
	if (strcmp(t, "autumnal-equinox") == 0) {
		r->kind = R_AUTUMNAL;
		return 1;
	}
	if (strcmp(t, "between-holidays") == 0) {
		r->kind = R_BETWEEN;
		return 1;
	}
	if (dots != NULL) {
		char a[16], b[16];
		size_t la = (size_t)(dots - t), lb = strlen(dots + 2);

		if (la >= sizeof(a) || lb >= sizeof(b))
			return error_set(err, "'%s' is not a date range", t);
		memcpy(a, t, la);
		a[la] = '\0';
		memcpy(b, dots + 2, lb + 1);
		if (parse_md(a, 0, &r->month, &r->mday) == 0 &&
		    parse_md(b, 0, &r->month2, &r->mday2) == 0) {
			r->kind = R_RANGE;
			return 1;
		}
		if (parse_ymd(a, &r->day) == 0 && parse_ymd(b, &r->day2) == 0) {
			if (r->day2 < r->day)
				return error_set(err, "range '%s' ends before "
						 "it starts", t);
			if (r->day2 - r->day > 366)
				return error_set(err, "range '%s' is longer "
						 "than a year", t);
			r->kind = R_ONEOFF_RANGE;
			return 1;
		}
		return error_set(err, "'%s' is not a range MM-DD..MM-DD or "
				 "YYYY-MM-DD..YYYY-MM-DD (29 February cannot "
				 "bound a range)", t);
	}
	if (parse_md(t, 1, &r->month, &r->mday) == 0) {
		r->kind = R_FIXED;
		return 1;
	}
	if (parse_ymd(t, &r->day) == 0) {
		r->kind = R_ONEOFF;
		return 1;
	}
	return error_set(err, "'%s' is not a date rule (MM-DD, YYYY-MM-DD, a "
			 "range, 'last mon may', 'mon on-or-after 05-25', "
			 "easter+N ...)", t);
}

static int
parse_move(struct rule *r, const char *v, struct error *err)
{
	const char *p = v;

	while (*p) {
		char wd[4];
		long long off;
		char num[8];
		size_t n = strcspn(p, ","), k;
		int w;

		if (n < 5 || n > 9)
			return error_set(err, "move: '%.*s' is not like "
					 "tue-1 or thu+4", (int)n, p);
		memcpy(wd, p, 3);
		wd[3] = '\0';
		k = n - 4;
		memcpy(num, p + 4, k);
		num[k] = '\0';
		if ((w = lookup(wd_short, 7, wd)) < 0 ||
		    (p[3] != '+' && p[3] != '-') ||
		    parse_ll(num, 0, 6, "move", &off, NULL) < 0)
			return error_set(err, "move: '%.*s' is not like "
					 "tue-1 or thu+4", (int)n, p);
		r->move[w] = (signed char)(p[3] == '-' ? -off : off);
		r->has_move = 1;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int
parse_option(struct rule *r, const char *t, struct error *err)
{
	const char *eq = strchr(t, '=');
	const char *v = eq ? eq + 1 : NULL;
	size_t kl = eq ? (size_t)(eq - t) : strlen(t);

	if (eq == NULL && strcmp(t, "unverified") == 0) {
		r->unverified = 1;
		return 0;
	}
	if (eq == NULL)
		return error_set(err, "unknown option '%s'", t);
	if (kl == 7 && strncmp(t, "observe", kl) == 0) {
		static const char *const obs[] = {
			"none", "us", "monday", "sunday", "substitute",
			"next-free"
		};
		int o = lookup(obs, (int)ARRAY_SIZE(obs), v);

		if (o < 0)
			return error_set(err, "observe=%s: expected none, us, "
					 "monday, sunday, substitute or "
					 "next-free", v);
		r->observe = (enum observe)o;
		return 0;
	}
	if (kl == 4 && strncmp(t, "move", kl) == 0)
		return parse_move(r, v, err);
	if (kl == 2 && strncmp(t, "on", kl) == 0) {
		const char *p = v;

		while (*p) {
			char wd[4];
			size_t n = strcspn(p, ",");
			int w;

			if (n != 3)
				return error_set(err, "on=%s: not a list of "
						 "weekdays (mon,fri)", v);
			memcpy(wd, p, 3);
			wd[3] = '\0';
			if ((w = lookup(wd_short, 7, wd)) < 0)
				return error_set(err, "on=%s: unknown weekday "
						 "'%s'", v, wd);
			r->only |= 1u << w;
			p += n;
			if (*p == ',')
				p++;
		}
		return 0;
	}
	if (kl == 5 && strncmp(t, "since", kl) == 0) {
		if (parse_year(v, &r->since) < 0)
			return error_set(err, "since=%s: not a year", v);
		return 0;
	}
	if (kl == 5 && strncmp(t, "until", kl) == 0) {
		if (parse_year(v, &r->until) < 0)
			return error_set(err, "until=%s: not a year", v);
		return 0;
	}
	if (kl == 5 && strncmp(t, "every", kl) == 0) {
		long long n;

		if (parse_ll(v, 2, 100, "every", &n, err) < 0)
			return -1;
		r->every = (int)n;
		return 0;
	}
	if (kl == 6 && strncmp(t, "except", kl) == 0) {
		const char *p = v;

		while (*p) {
			char y[8];
			size_t n = strcspn(p, ",");

			if (r->nexcept >= FV_MAX_RULE_EXCEPT)
				return error_set(err, "except: at most %d "
						 "years", FV_MAX_RULE_EXCEPT);
			if (n != 4)
				return error_set(err, "except=%s: not a list "
						 "of years", v);
			memcpy(y, p, 4);
			y[4] = '\0';
			if (parse_year(y, &r->except[r->nexcept]) < 0)
				return error_set(err, "except=%s: not a list "
						 "of years", v);
			r->nexcept++;
			p += n;
			if (*p == ',')
				p++;
		}
		return 0;
	}
	return error_set(err, "unknown option '%.*s'", (int)kl, t);
}

int
calendar_add_rule(struct calendar *cal, int part, const char *text,
		  struct error *err)
{
	struct rule r;
	char *copy = NULL, *colon, *p, *save = NULL, *tok[FV_MAX_RULE_WORDS];
	const char *name;
	int ntok = 0, used, rc = -1;
	struct error e;

	memset(&r, 0, sizeof(r));
	if (part < 0 || part >= cal->nparts)
		return error_set(err, "no calendar part %d", part);
	if (cal->nrules >= FV_MAX_HOLIDAY_RULES)
		return error_set(err, "too many holiday rules (at most %d)",
				 FV_MAX_HOLIDAY_RULES);
	copy = xstrdup(text);
	if ((colon = strchr(copy, ':')) == NULL) {
		error_set(err, "holiday rule needs ': name' at the end");
		goto out;
	}
	*colon = '\0';
	name = colon + 1;
	while (*name == ' ' || *name == '\t')
		name++;
	if (*name == '\0') {
		error_set(err, "holiday rule has an empty name");
		goto out;
	}
	if (strlen(name) > FV_MAX_HOLIDAY_NAME) {
		error_set(err, "holiday name longer than %d bytes",
			  FV_MAX_HOLIDAY_NAME);
		goto out;
	}
	for (p = strtok_r(copy, " \t", &save); p;
	     p = strtok_r(NULL, " \t", &save)) {
		if (ntok == FV_MAX_RULE_WORDS) {
			error_set(err, "holiday rule has too many words");
			goto out;
		}
		tok[ntok++] = p;
	}
	if (ntok == 0) {
		error_set(err, "holiday rule has no date");
		goto out;
	}
	if ((used = parse_when(&r, tok, ntok, &e)) < 0) {
		error_set(err, "%s", e.msg);
		goto out;
	}
	for (int i = used; i < ntok; i++) {
		if (parse_option(&r, tok[i], &e) < 0) {
			error_set(err, "%s", e.msg);
			goto out;
		}
	}
	if (r.every && !r.since) {
		error_set(err, "every=N needs since=YYYY");
		goto out;
	}
	if (r.since && r.until && r.until < r.since) {
		error_set(err, "until=%d is before since=%d", r.until, r.since);
		goto out;
	}
	if (r.kind == R_BETWEEN && (r.observe != OBS_NONE || r.has_move)) {
		error_set(err, "between-holidays takes no observe or move");
		goto out;
	}
	if ((r.kind == R_RANGE || r.kind == R_ONEOFF_RANGE) &&
	    r.observe != OBS_NONE) {
		error_set(err, "a range cannot have observe=");
		goto out;
	}
	r.part = part;
	r.name = xstrdup(name);
	if (cal->nrules == cal->caprules) {
		cal->caprules = cal->caprules ? cal->caprules * 2 : 32;
		cal->rules = xrealloc(cal->rules,
				      cal->caprules * sizeof(*cal->rules));
	}
	cal->rules[cal->nrules++] = r;
	drop_years(cal);
	rc = 0;
out:
	free(copy);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Computing a year                                                     */

static int
rule_active(const struct rule *r, int y)
{
	if (r->since && y < r->since)
		return 0;
	if (r->until && y > r->until)
		return 0;
	if (r->every && (y - r->since) % r->every != 0)
		return 0;
	for (int i = 0; i < r->nexcept; i++)
		if (r->except[i] == y)
			return 0;
	return 1;
}

/*
 * Japan's equinox days, by the formula the National Astronomical
 * Observatory's annual announcements agree with for 1980-2150. The integer
 * part of base + 0.242194 * n is its floor because it is positive.
 */
static int
equinox(int y, int autumn)
{
	double base;
	int n = y - 1980;

	if (autumn)
		base = y <= 2099 ? 23.2488 : 24.2488;
	else
		base = y <= 2099 ? 20.8431 : 21.8510;
	return calendar_from_ymd(y, autumn ? 9 : 3,
				 (int)(base + 0.242194 * n) - n / 4);
}

struct inst {
	int day;
	const struct rule *rule;
	size_t order;
};

struct instlist {
	struct inst *v;
	size_t n, cap;
};

static void
inst_add(struct instlist *l, int day, const struct rule *r, size_t order)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n].day = day;
	l->v[l->n].rule = r;
	l->v[l->n].order = order;
	l->n++;
}

static void
rule_days(const struct rule *r, int y, struct instlist *l, size_t order)
{
	int d, first, last, start, end;

	if (!rule_active(r, y))
		return;
	switch (r->kind) {
	case R_FIXED:
		if (calendar_valid_ymd(y, r->month, r->mday))
			inst_add(l, calendar_from_ymd(y, r->month, r->mday), r,
				 order);
		break;
	case R_ONEOFF:
		if (calendar_year_of(r->day) == y)
			inst_add(l, r->day, r, order);
		break;
	case R_RANGE:
		start = calendar_from_ymd(y, r->month, r->mday);
		if (r->month2 * 100 + r->mday2 >= r->month * 100 + r->mday)
			end = calendar_from_ymd(y, r->month2, r->mday2);
		else
			end = calendar_from_ymd(y + 1, r->month2, r->mday2);
		for (d = start; d <= end; d++)
			inst_add(l, d, r, order);
		break;
	case R_ONEOFF_RANGE:
		if (calendar_year_of(r->day) == y)
			for (d = r->day; d <= r->day2; d++)
				inst_add(l, d, r, order);
		break;
	case R_NTH:
		if (r->nth > 0) {
			first = calendar_from_ymd(y, r->month, 1);
			d = first + (r->weekday - calendar_weekday(first) + 7) %
				    7 + 7 * (r->nth - 1);
			if (calendar_year_of(d) == y &&
			    d < first + calendar_days_in_month(y, r->month))
				inst_add(l, d, r, order);
		} else {
			last = calendar_from_ymd(y, r->month,
					calendar_days_in_month(y, r->month));
			d = last - (calendar_weekday(last) - r->weekday + 7) %
				   7;
			inst_add(l, d, r, order);
		}
		break;
	case R_RELATIVE:
		d = calendar_from_ymd(y, r->month, r->mday);
		if (r->dir > 0)
			d += (r->weekday - calendar_weekday(d) + 7) % 7;
		else
			d -= (calendar_weekday(d) - r->weekday + 7) % 7;
		inst_add(l, d, r, order);
		break;
	case R_EASTER:
		inst_add(l, calendar_easter(y) + r->offset, r, order);
		break;
	case R_VERNAL:
		inst_add(l, equinox(y, 0), r, order);
		break;
	case R_AUTUMNAL:
		inst_add(l, equinox(y, 1), r, order);
		break;
	case R_BETWEEN:
		break;
	}
}

static int
inst_cmp(const void *a, const void *b)
{
	const struct inst *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* A holiday placed on a day of the window, within one part. */
enum suffix { SUF_NONE, SUF_OBSERVED, SUF_SUBSTITUTE };

struct placed {
	int day;
	const struct rule *rule;
	enum suffix suffix;
	struct placed *next; /* same day */
};

struct window {
	int lo, n;
	struct placed **at; /* per day of the window */
	struct placed *pool;
	size_t npool, cappool;
	int *nplaced;       /* placements per day (certain or not) */
	int *national;      /* holidays on their own date, not ranges */
	int *blocking;      /* any placement but a range's (next-free) */
};

static void
place(struct window *w, int day, const struct rule *r, enum suffix s,
      int national)
{
	int range = r->kind == R_RANGE || r->kind == R_ONEOFF_RANGE;
	struct placed *p;
	int i = day - w->lo;

	if (i < 0 || i >= w->n)
		return;
	for (p = w->at[i]; p; p = p->next)
		if (p->rule == r && p->suffix == s)
			return;
	/* The pool never moves: it is sized for every instance up front. */
	if (w->npool == w->cappool)
		return;
	p = &w->pool[w->npool++];
	p->day = day;
	p->rule = r;
	p->suffix = s;
	p->next = w->at[i];
	w->at[i] = p;
	w->nplaced[i]++;
	if (national)
		w->national[i]++;
	if (!range)
		w->blocking[i]++;
}

/*
 * Japan's substitute holiday is "the nearest day that is not a national
 * holiday": the administrative year-end closure (a range) does not push
 * it on, so New Year's Day on a Sunday gives 2 January.
 */
static int
blocked(const struct window *w, int day)
{
	int i = day - w->lo;

	return i >= 0 && i < w->n && w->blocking[i] > 0;
}

static int
taken(const struct window *w, int day)
{
	int i = day - w->lo;

	return i >= 0 && i < w->n && w->nplaced[i] > 0;
}

static int
is_weekend(const struct calendar *cal, int day)
{
	return (cal->weekend >> calendar_weekday(day)) & 1u;
}

/* Computes one part's holidays over the window (years y-1 .. y+1). */
static void
compute_part(const struct calendar *cal, int part, int y, struct window *w)
{
	struct instlist l = { 0 };
	size_t *deferred = NULL, ndef = 0;
	const struct rule *between = NULL;

	for (size_t i = 0; i < cal->nrules; i++) {
		const struct rule *r = &cal->rules[i];

		if (r->part != 0 && r->part != part)
			continue;
		if (r->kind == R_BETWEEN) {
			between = r;
			continue;
		}
		for (int yy = y - 1; yy <= y + 1; yy++)
			rule_days(r, yy, &l, i);
	}
	/* on= keeps only the dates that fall on the given weekdays. */
	{
		size_t k = 0;

		for (size_t i = 0; i < l.n; i++)
			if (!l.v[i].rule->only ||
			    ((l.v[i].rule->only >>
			      calendar_weekday(l.v[i].day)) & 1u))
				l.v[k++] = l.v[i];
		l.n = k;
	}
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].rule->has_move)
			l.v[i].day += l.v[i].rule->move[calendar_weekday(
				l.v[i].day)];
	if (l.n > 0)
		qsort(l.v, l.n, sizeof(*l.v), inst_cmp);
	w->cappool = l.n * 2 + (size_t)w->n + 1;
	w->pool = xcalloc(w->cappool, sizeof(*w->pool));
	deferred = xcalloc(l.n + 1, sizeof(*deferred));

	for (size_t i = 0; i < l.n; i++) {
		const struct rule *r = l.v[i].rule;
		int d = l.v[i].day, wd = calendar_weekday(d);
		int national = r->kind != R_RANGE &&
			       r->kind != R_ONEOFF_RANGE;

		place(w, d, r, SUF_NONE, national);
		switch (r->observe) {
		case OBS_NONE:
			break;
		case OBS_US:
			if (wd == CALENDAR_SAT)
				place(w, d - 1, r, SUF_OBSERVED, 0);
			else if (wd == CALENDAR_SUN)
				place(w, d + 1, r, SUF_OBSERVED, 0);
			break;
		case OBS_MONDAY:
			if (wd == CALENDAR_SAT)
				place(w, d + 2, r, SUF_OBSERVED, 0);
			else if (wd == CALENDAR_SUN)
				place(w, d + 1, r, SUF_OBSERVED, 0);
			break;
		case OBS_SUNDAY:
			if (wd == CALENDAR_SUN)
				place(w, d + 1, r, SUF_OBSERVED, 0);
			break;
		case OBS_SUBSTITUTE:
			if (is_weekend(cal, d))
				deferred[ndef++] = i;
			break;
		case OBS_NEXT_FREE:
			if (wd == CALENDAR_SUN)
				deferred[ndef++] = i;
			break;
		}
	}
	if (between != NULL) {
		for (int i = 1; i + 1 < w->n; i++) {
			int d = w->lo + i;

			if (w->nplaced[i] == 0 && w->national[i - 1] &&
			    w->national[i + 1] &&
			    rule_active(between, calendar_year_of(d)))
				place(w, d, between, SUF_NONE, 0);
		}
	}
	for (size_t k = 0; k < ndef; k++) {
		const struct inst *in = &l.v[deferred[k]];
		int d = in->day + 1;

		if (in->rule->observe == OBS_SUBSTITUTE)
			while (is_weekend(cal, d) || taken(w, d))
				d++;
		else
			while (blocked(w, d))
				d++;
		place(w, d, in->rule, SUF_SUBSTITUTE, 0);
	}
	free(deferred);
	free(l.v);
}

static const char *
suffix_text(enum suffix s)
{
	switch (s) {
	case SUF_OBSERVED:
		return " (observed)";
	case SUF_SUBSTITUTE:
		return " (substitute day)";
	default:
		return "";
	}
}

/* One distinct name on a day and the parts it holds in. */
struct dayname {
	char text[FV_MAX_HOLIDAY_NAME + 32];
	unsigned parts;
	int certain;
};

static char *
join_names(const struct calendar *cal, struct dayname *dn, int ndn,
	   unsigned allparts)
{
	struct buf b;

	buf_init(&b, FV_MAX_DAY_NAME_LEN);
	for (int i = 0; i < ndn; i++) {
		if (i > 0)
			buf_addstr(&b, "; ");
		buf_addstr(&b, dn[i].text);
		if (cal->nparts > 1 && dn[i].parts != allparts) {
			int first = 1;

			buf_addstr(&b, " (");
			for (int p = 1; p < cal->nparts; p++) {
				if (!(dn[i].parts & (1u << p)))
					continue;
				if (!first)
					buf_addstr(&b, ", ");
				buf_addstr(&b, cal->parts[p]);
				first = 0;
			}
			buf_addstr(&b, ")");
		}
	}
	return buf_detach(&b, NULL);
}

static struct year_table *
build_year(const struct calendar *cal, int y)
{
	struct year_table *t = xcalloc(1, sizeof(*t));
	int lo = calendar_from_ymd(y - 1, 1, 1);
	int hi = calendar_from_ymd(y + 1, 12, 31);
	int nparts = cal->nparts > 1 ? cal->nparts - 1 : 1;
	struct window *w = xcalloc((size_t)nparts, sizeof(*w));
	unsigned allparts = 0;

	t->first = calendar_from_ymd(y, 1, 1);
	t->ndays = calendar_is_leap(y) ? 366 : 365;
	for (int k = 0; k < nparts; k++) {
		int part = cal->nparts > 1 ? k + 1 : 0;

		w[k].lo = lo;
		w[k].n = hi - lo + 1;
		w[k].at = xcalloc((size_t)w[k].n, sizeof(*w[k].at));
		w[k].nplaced = xcalloc((size_t)w[k].n, sizeof(int));
		w[k].national = xcalloc((size_t)w[k].n, sizeof(int));
		w[k].blocking = xcalloc((size_t)w[k].n, sizeof(int));
		compute_part(cal, part, y, &w[k]);
		allparts |= 1u << part;
	}
	for (int i = 0; i < t->ndays; i++) {
		int day = t->first + i;
		struct dayname dn[FV_MAX_DAY_NAMES];
		int ndn = 0, certain = 0, any = 0;

		if (is_weekend(cal, day))
			t->flags[i] |= CALENDAR_WEEKEND;
		for (int k = 0; k < nparts; k++) {
			int part = cal->nparts > 1 ? k + 1 : 0;
			struct placed *p;

			/* at[] lists newest first: walk it into order. */
			struct placed *rev[FV_MAX_DAY_NAMES];
			int nrev = 0;

			for (p = w[k].at[day - lo]; p; p = p->next)
				if (nrev < FV_MAX_DAY_NAMES)
					rev[nrev++] = p;
			while (nrev > 0) {
				char text[FV_MAX_HOLIDAY_NAME + 32];
				int j;

				p = rev[--nrev];
				any = 1;
				if (!p->rule->unverified)
					certain = 1;
				snprintf(text, sizeof(text), "%s%s",
					 p->rule->name, suffix_text(p->suffix));
				for (j = 0; j < ndn; j++)
					if (strcmp(dn[j].text, text) == 0)
						break;
				if (j == ndn) {
					if (ndn == FV_MAX_DAY_NAMES)
						continue;
					memcpy(dn[j].text, text, sizeof(text));
					dn[j].parts = 0;
					dn[j].certain = 0;
					ndn++;
				}
				dn[j].parts |= 1u << part;
				if (!p->rule->unverified)
					dn[j].certain = 1;
			}
		}
		if (any) {
			t->flags[i] |= CALENDAR_HOLIDAY;
			if (!certain)
				t->flags[i] |= CALENDAR_UNVERIFIED;
			t->name[i] = join_names(cal, dn, ndn, allparts);
		}
	}
	for (int k = 0; k < nparts; k++) {
		free(w[k].at);
		free(w[k].nplaced);
		free(w[k].national);
		free(w[k].blocking);
		free(w[k].pool);
	}
	free(w);
	return t;
}

static const struct year_table *
get_year(const struct calendar *ccal, int y)
{
	/*
	 * The cache is the one mutable thing behind a const calendar: it
	 * only ever goes from NULL to a finished table, under the lock.
	 */
	struct calendar *cal = (struct calendar *)ccal;
	int i = y - CALENDAR_MIN_YEAR;
	struct year_table *t;

	t = atomic_load_explicit(&cal->years[i], memory_order_acquire);
	if (t != NULL)
		return t;
	pthread_mutex_lock(&cal->lock);
	t = atomic_load_explicit(&cal->years[i], memory_order_relaxed);
	if (t == NULL) {
		t = build_year(cal, y);
		atomic_store_explicit(&cal->years[i], t, memory_order_release);
	}
	pthread_mutex_unlock(&cal->lock);
	return t;
}

/* Year of a day in range, faster than the general conversion. */
static int
fast_year(int day)
{
	int y = 1970 + (int)((day + 0.5) / 365.2425);

	while (calendar_from_ymd(y, 1, 1) > day)
		y--;
	while (calendar_from_ymd(y + 1, 1, 1) <= day)
		y++;
	return y;
}

int
calendar_day(const struct calendar *cal, int day, const char **ret_name)
{
	const struct year_table *t;
	int y, i;

	if (!calendar_in_range(day))
		return -1;
	y = fast_year(day);
	t = get_year(cal, y);
	i = day - t->first;
	if (ret_name != NULL) {
		if (t->name[i] != NULL)
			*ret_name = t->name[i];
		else if (t->flags[i] & CALENDAR_WEEKEND)
			*ret_name = calendar_weekday_name(
				calendar_weekday(day));
		else
			*ret_name = NULL;
	}
	return t->flags[i];
}

int
calendar_is_nonworking(const struct calendar *cal, int day,
		       enum calendar_doubt doubt)
{
	int f = calendar_day(cal, day, NULL);

	if (f < 0)
		return -1;
	if (f & CALENDAR_WEEKEND)
		return 1;
	if (!(f & CALENDAR_HOLIDAY))
		return 0;
	return !(doubt == CALENDAR_DOUBT_WORKING && (f & CALENDAR_UNVERIFIED));
}

int
calendar_holidays(const struct calendar *cal, int year,
		  struct calendar_holiday **ret, size_t *ret_n,
		  struct error *err)
{
	const struct year_table *t;
	struct calendar_holiday *v;
	size_t n = 0;

	if (year < CALENDAR_MIN_YEAR || year > CALENDAR_MAX_YEAR)
		return error_set(err, "year %d is out of range (%d to %d)",
				 year, CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR);
	t = get_year(cal, year);
	v = xcalloc(367, sizeof(*v));
	for (int i = 0; i < t->ndays; i++) {
		if (!(t->flags[i] & CALENDAR_HOLIDAY))
			continue;
		v[n].day = t->first + i;
		v[n].name = t->name[i];
		v[n].weekend = (t->flags[i] & CALENDAR_WEEKEND) != 0;
		v[n].unverified = (t->flags[i] & CALENDAR_UNVERIFIED) != 0;
		n++;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

unsigned
calendar_weekend(const struct calendar *cal)
{
	return cal->weekend;
}

char *
calendar_weekend_text(const struct calendar *cal, char *buf, size_t n)
{
	size_t len = 0;

	if (n == 0)
		return buf;
	buf[0] = '\0';
	for (int w = 0; w < 7; w++) {
		int k;

		if (!((cal->weekend >> w) & 1u))
			continue;
		k = snprintf(buf + len, n - len, "%s%s", len ? ", " : "",
			     calendar_weekday_name(w));
		if (k < 0 || (size_t)k >= n - len)
			break;
		len += (size_t)k;
	}
	if (len == 0)
		snprintf(buf, n, "none");
	return buf;
}
